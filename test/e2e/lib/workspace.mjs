// Throwaway workspaces: a temp folder with copies of the fixtures, removed after the run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { atInterrupt } from './processes.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const E2E_DIR = path.join(ROOT, 'test', 'e2e');
export const RESULTS_DIR = path.join(ROOT, 'test-results', 'e2e');

/** A fresh temp folder `kl-e2e-<name>-XXXX` holding copies of `files` ({name: source path}). */
export function makeWorkspace(name, files) {
  const dir = makeTempDir(name);
  for (const [target, source] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, target)), { recursive: true });
    fs.copyFileSync(source, path.join(dir, target));
  }
  return dir;
}

const forgetters = new Map();

/** A fresh temp folder `kl-e2e-<name>-XXXX`, removed by removeTempDir or when the run is stopped. */
export function makeTempDir(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kl-e2e-${name}-`));
  forgetters.set(dir, atInterrupt(() => fs.rmSync(dir, { recursive: true, force: true })));
  return dir;
}

export function removeTempDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  forgetters.get(dir)?.();
  forgetters.delete(dir);
}

/** test-results/e2e/<scenario>/, emptied first. */
export function resultsDir(scenario) {
  const dir = path.join(RESULTS_DIR, scenario);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
