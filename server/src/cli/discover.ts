// Which files `keras-lint check PATHS` looks at: files named on the command line always; inside
// folders, .py and .ipynb files, skipping the folders a Python project never wants linted
// (virtualenvs, caches, VCS data, hidden folders) and following symlinks without looping.
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SKIPPED_DIRS = new Set([
  '__pycache__', '__pypackages__', '_build', 'build', 'buck-out', 'dist', 'node_modules',
  'site-packages', 'venv', 'env', 'virtualenv', '.ipynb_checkpoints',
]);

export interface Discovery {
  files: string[];
  /** Named paths that do not exist or folders that cannot be listed. */
  errors: { path: string; reason: string }[];
}

export function discoverFiles(paths: readonly string[], cwd: string, excluded: (path: string) => boolean = () => false): Discovery {
  const files = new Set<string>();
  // By path: a file named on the command line and found in a named folder too is reported once.
  const errors = new Map<string, string>();
  const visitedDirs = new Set<string>();

  const walk = (dir: string): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return; // a dangling symlink inside a folder: nothing to check
    }
    if (visitedDirs.has(real)) return; // a symlink loop, or a folder reached twice
    visitedDirs.add(real);
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (error) {
      if (!errors.has(dir)) errors.set(dir, `cannot list folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      if (excluded(path)) continue;
      let stat;
      try {
        stat = statSync(path);
      } catch (error) {
        // A file that looks like Python but cannot be followed is worth a word: a symlink loop or a
        // link to a file that is gone. Anything else unreadable here is not ours to report.
        if (isCheckable(name) && !errors.has(path)) errors.set(path, unfollowable(error));
        continue;
      }
      if (stat.isDirectory()) {
        if (!name.startsWith('.') && !SKIPPED_DIRS.has(name)) walk(path);
      } else if (stat.isFile() && isCheckable(name)) {
        files.add(path);
      }
    }
  };

  for (const given of paths) {
    const path = resolve(cwd, given);
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      // Worded as when the folder walk meets it: a link that cannot be followed says so.
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT' && !isSymlink(path);
      if (!errors.has(path)) errors.set(path, missing ? 'no such file or folder' : unfollowable(error));
      continue;
    }
    if (stat.isDirectory()) walk(path);
    else if (stat.isFile()) files.add(path);
    // A named pipe or a device would block the read (or never end): not source code.
    else if (!errors.has(path)) errors.set(path, 'not a regular file');
  }
  return { files: [...files].sort(), errors: [...errors].map(([path, reason]) => ({ path, reason })) };
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function isCheckable(name: string): boolean {
  return /\.(py|ipynb)$/i.test(name) && !name.startsWith('.');
}

function unfollowable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'cannot read: symlink loop';
  if (code === 'ENOENT') return 'cannot read: broken symlink (its target does not exist)';
  return `cannot read: ${code ?? String(error)}`;
}
