// Loads a bundle of dist/server/ (cli.js, checkWorker.js) the way `require` would, but with V8's
// code cache: the bytecode of every function a training run compiled, stored next to the bundle as
// `<bundle>.cache` by scripts/build.mjs. A `check` then skips compiling those functions itself
// (~30 ms of a 10,000-line check on 2 cores: the bundle's top level plus the checker's functions,
// each compiled the first time it runs). This is what Node 22's module.enableCompileCache() does
// with a cache folder; Node 20 has no such API, and a cache built with the package needs no folder.
// V8 refuses a cache made by another V8 version, with other V8 flags or for another source (its
// length); the bundle is then compiled as usual. Nothing here may throw for a missing or bad cache.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** Set (to anything) by scripts/build.mjs's training run: write each loaded bundle's cache when the thread ends. */
const WRITE_CACHE_VARIABLE = 'KERAS_LINT_WRITE_CODE_CACHE';

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Whether a bundle was compiled from its code cache: `check --verbose` says so, per thread. */
export type CodeCacheUse = 'used' | 'refused' | 'none';

export interface LoadedBundle<Exports> {
  exports: Exports;
  codeCache: CodeCacheUse;
}

/**
 * The CommonJS bundle at `file` (an absolute path), compiled with its code cache when V8 takes it.
 * `requireNextToIt`: the `require` of a module in the bundle's folder (the executable's own), which
 * is all a bundle needs: it requires only Node's modules and files beside it.
 */
export function loadBundle<Exports>(file: string, requireNextToIt: NodeJS.Require, onThreadEnd: (write: () => void) => void): LoadedBundle<Exports> {
  const cacheFile = `${file}.cache`;
  const cachedData = readCache(cacheFile);
  // The function wrapper Node puts around every CommonJS module.
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n});`;
  const script = new Script(source, { filename: file, cachedData });
  if (process.env[WRITE_CACHE_VARIABLE] !== undefined) {
    onThreadEnd(() => {
      // After the run: the cache then holds every function compiled so far, not only the top level.
      writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.tmp`, cacheFile);
    });
  }
  const bundle = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void).call(bundle.exports, bundle.exports, requireNextToIt, bundle, file, dirname(file));
  return { exports: bundle.exports as Exports, codeCache: !cachedData ? 'none' : script.cachedDataRejected ? 'refused' : 'used' };
}
