// Runs the built `keras-lint` executable (bin/keras-lint.js → dist/server/main.js) as a user would.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');
export const EXAMPLES = join(REPO, 'examples');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `executable`: another copy of dist/server/main.js (a test's own, with changed files beside it). */
export function keraslint(args: string[], cwd = REPO, executable = join(REPO, 'bin', 'keras-lint.js')): CliRun {
  const run = spawnSync(process.execPath, [executable, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A throwaway copy of the examples (or an empty folder), with its own .git so no outer config applies. */
export function scratchFolder(withExamples = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'keras-lint-cli-'));
  if (withExamples) cpSync(EXAMPLES, dir, { recursive: true });
  mkdirSync(join(dir, '.git'));
  return dir;
}
