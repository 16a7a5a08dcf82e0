// `# noqa` comments, Ruff's convention: `# noqa` silences every rule on its line, `# noqa: KL001,
// KL002` only those. A finding is matched on the line where it starts, or, when that line goes on
// with a backslash (where no comment may follow), on the last line of the continuation.
import type { Finding } from './types';

const NOQA = /#\s*noqa(?::\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?/i;

export function noqaCodesOnLine(line: string): Set<string> | 'all' | null {
  const match = NOQA.exec(line);
  if (!match) return null;
  if (!match[1]) return 'all';
  return new Set(match[1].split(/[\s,]+/).filter(Boolean).map((code) => code.toUpperCase()));
}

/** The line holding `offset`, without its line break ("\n", "\r\n" or a lone "\r": Python's line ends). */
function lineAround(text: string, offset: number): { start: number; end: number } {
  const isBreak = (i: number) => text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13;
  let start = offset;
  while (start > 0 && !isBreak(start - 1)) start--;
  let end = offset;
  while (end < text.length && !isBreak(end)) end++;
  return { start, end };
}

/** The line whose `# noqa` covers `offset`: its own, or the last line of its backslash continuation. */
export function noqaLineAround(text: string, offset: number): { start: number; end: number } {
  let line = lineAround(text, offset);
  for (;;) {
    const content = text.slice(line.start, line.end);
    // A backslash ending a comment continues nothing.
    if (!/\\[ \t]*$/.test(content) || hasComment(content) || line.end >= text.length) return line;
    const next = line.end + (text.startsWith('\r\n', line.end) ? 2 : 1);
    if (next > text.length) return line;
    line = lineAround(text, next);
  }
}

/** Whether a line has a `#` comment: a `#` outside its quoted strings (`name="a#b"` has none). */
function hasComment(line: string): boolean {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return true;
  }
  return false;
}

export function isSuppressed(text: string, finding: Finding): boolean {
  const { start: lineStart, end: lineEnd } = noqaLineAround(text, finding.span.start);
  const codes = noqaCodesOnLine(text.slice(lineStart, lineEnd));
  return codes === 'all' || (codes !== null && codes.has(finding.ruleId));
}

/**
 * The edit that adds `# noqa: <id>` to the line covering `offset` (or extends an existing one);
 * null when even the last line of a backslash continuation ends with one (the end of the text).
 */
export function noqaEdit(text: string, offset: number, id: string): { start: number; end: number; newText: string } | null {
  const { start: lineStart, end: lineEnd } = noqaLineAround(text, offset);
  const line = text.slice(lineStart, lineEnd);
  if (/\\\s*$/.test(line)) return null;
  const match = NOQA.exec(line);
  if (match && match[1]) {
    const at = lineStart + match.index + match[0].length;
    return { start: at, end: at, newText: `, ${id}` };
  }
  const trimmedEnd = lineStart + line.replace(/\s+$/, '').length;
  return { start: trimmedEnd, end: lineEnd, newText: `  # noqa: ${id}` };
}
