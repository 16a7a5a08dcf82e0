// The three report formats of `keras-lint check`: text (Ruff's concise style), JSON (Ruff's JSON
// shape, one object per diagnostic) and SARIF 2.1.0 (GitHub code scanning).
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES, ruleUrl } from '../core/catalog';
import { RULE_IDS, type Severity } from '../core/types';
import type { LocatedFinding, Location } from './source';

export interface FileReport {
  /** Absolute path. */
  path: string;
  findings: LocatedFinding[];
}

export interface Run {
  files: FileReport[];
  /** Files that could not be checked, with the reason. */
  errors: { path: string; reason: string }[];
  cwd: string;
  version: string;
}

/** A path relative to the working folder when it is inside it, else absolute. */
export function displayPath(cwd: string, path: string): string {
  const rel = insideRelative(cwd, path);
  return rel ?? path;
}

/** `path` relative to `folder` when it is inside it (`..b.py` is a name inside, `../b.py` is not), else null. */
function insideRelative(folder: string, path: string): string | null {
  const rel = relative(folder, path);
  return rel && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel) ? rel : null;
}

function safeFix(f: LocatedFinding) {
  return f.finding.fixes.find((fix) => fix.preferred && fix.applicability === 'safe') ?? null;
}

export function formatText(run: Run): string {
  const lines: string[] = [];
  let total = 0;
  let fixable = 0;
  for (const file of run.files) {
    for (const f of file.findings) {
      total++;
      if (safeFix(f)) fixable++;
      const cell = f.cell === null ? '' : `cell ${f.cell}:`;
      lines.push(`${displayPath(run.cwd, file.path)}:${cell}${f.location.row}:${f.location.column}: ${f.finding.ruleId} ${safeFix(f) ? '[*] ' : ''}${f.finding.message}`);
    }
  }
  if (total === 0) lines.push(run.errors.length ? 'No problems found in the files that could be checked.' : 'All checks passed!');
  else {
    lines.push(`Found ${total} problem${total === 1 ? '' : 's'}.`);
    if (fixable) lines.push(`[*] ${fixable} fixable with the \`--fix\` option.`);
  }
  return lines.join('\n') + '\n';
}

export function formatJson(run: Run): string {
  const items = run.files.flatMap((file) =>
    file.findings.map((f) => {
      const fix = f.finding.fixes[0] ?? null;
      return {
        cell: f.cell,
        code: f.finding.ruleId,
        end_location: f.endLocation,
        filename: file.path,
        fix: fix && {
          applicability: fix.applicability,
          edits: fix.edits.map((edit, i) => {
            const { start, end } = f.fixEdits[i];
            return { content: edit.newText, end_location: end.location, location: start.location, ...(f.cell === null ? {} : { cell: start.cell }) };
          }),
          message: fix.title,
        },
        location: f.location,
        message: f.finding.message,
        noqa_row: f.noqaRow,
        severity: f.finding.severity,
        url: f.finding.url,
      };
    }),
  );
  return JSON.stringify(items, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

function region(start: Location, end: Location) {
  return { startLine: start.row, startColumn: start.column, endLine: end.row, endColumn: end.column };
}

export function formatSarif(run: Run): string {
  const artifactUri = (path: string) => {
    const rel = insideRelative(run.cwd, path);
    return rel ? { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' } : { uri: pathToFileURL(path).href };
  };
  const results = run.files.flatMap((file) =>
    file.findings.map((f) => ({
      ruleId: f.finding.ruleId,
      ruleIndex: RULE_IDS.indexOf(f.finding.ruleId),
      level: SARIF_LEVEL[f.finding.severity],
      message: { text: f.finding.message },
      locations: [{ physicalLocation: { artifactLocation: artifactUri(file.path), region: region(f.location, f.endLocation) } }],
      relatedLocations: f.finding.related.map((r, id) => {
        const { start, end } = f.related[id];
        return {
          id,
          message: { text: r.message },
          physicalLocation: { artifactLocation: artifactUri(file.path), region: region(start.location, end.location) },
          // A related place may be in another cell than the result (the head in cell 3, the compile in cell 4).
          ...(start.cell === null ? {} : { properties: { cell: start.cell } }),
        };
      }),
      // SARIF has no notebook cells: rows are within the cell named here.
      ...(f.cell === null ? {} : { properties: { cell: f.cell } }),
    })),
  );
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keras-lint',
            version: run.version,
            informationUri: 'https://github.com/keras-lint/keras-lint',
            rules: RULE_IDS.map((id) => ({
              id,
              name: RULES[id].name,
              shortDescription: { text: RULES[id].summary },
              helpUri: ruleUrl(id),
              defaultConfiguration: { level: SARIF_LEVEL[RULES[id].severity] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(run.cwd + sep).href } },
        // Columns count characters, as the text and JSON reports do (SARIF's default is UTF-16 units).
        columnKind: 'unicodeCodePoints',
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: run.errors.map((e) => ({
              level: 'error',
              message: { text: e.reason },
              locations: [{ physicalLocation: { artifactLocation: artifactUri(e.path) } }],
            })),
          },
        ],
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
