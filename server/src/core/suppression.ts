// `# noqa` comments, Ruff's convention: `# noqa` silences every rule on its line, `# noqa: KL001,
// KL002` only those. A finding is matched on the line where it starts.
import type { Finding } from './types';

const NOQA = /#\s*noqa(?::\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?/i;

export function noqaCodesOnLine(line: string): Set<string> | 'all' | null {
  const match = NOQA.exec(line);
  if (!match) return null;
  if (!match[1]) return 'all';
  return new Set(match[1].split(/[\s,]+/).filter(Boolean).map((code) => code.toUpperCase()));
}

export function isSuppressed(text: string, finding: Finding): boolean {
  const lineStart = text.lastIndexOf('\n', finding.span.start - 1) + 1;
  let lineEnd = text.indexOf('\n', finding.span.start);
  if (lineEnd < 0) lineEnd = text.length;
  const codes = noqaCodesOnLine(text.slice(lineStart, lineEnd));
  return codes === 'all' || (codes !== null && codes.has(finding.ruleId));
}

/** The edit that adds `# noqa: <id>` to the line holding `offset` (or extends an existing one). */
export function noqaEdit(text: string, offset: number, id: string): { start: number; end: number; newText: string } {
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  if (lineEnd > 0 && text[lineEnd - 1] === '\r') lineEnd -= 1;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(lineStart, lineEnd);
  const match = NOQA.exec(line);
  if (match && match[1]) {
    const at = lineStart + match.index + match[0].length;
    return { start: at, end: at, newText: `, ${id}` };
  }
  const trimmedEnd = lineStart + line.replace(/\s+$/, '').length;
  return { start: trimmedEnd, end: lineEnd, newText: `  # noqa: ${id}` };
}
