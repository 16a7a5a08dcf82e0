// Loads a bundle of dist/server/ (cli.js, checkWorker.js) the way `require` would, but with V8's
// code cache: the bytecode of every function a training run compiled, stored next to the bundle as
// `<bundle>.cache` by scripts/build.mjs. A `check` then skips compiling those functions itself
// (~30 ms of a 10,000-line check on 2 cores: the bundle's top level plus the checker's functions,
// each compiled the first time it runs). This is what Node 22's module.enableCompileCache() does
// with a cache folder; Node 20 has no such API, and a cache built with the package needs no folder.
//
// V8 refuses a cache made by another V8 version or under other V8 flags, but it checks neither the
// source (only its length) nor the cache's own bytes: a cache left next to a rebuilt bundle would
// run the old code, and a damaged one can abort the process. So the file starts with a SHA-1 of the
// bundle and the cache together (~2.5 ms); on any mismatch the bundle is compiled as usual.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** Whether a bundle was compiled from its code cache: `check --verbose` says so, per thread. */
export type CodeCacheUse = 'used' | 'refused' | 'none';

export interface LoadedBundle<Exports> {
  exports: Exports;
  codeCache: CodeCacheUse;
}

/** `KERAS_LINT_WRITE_CODE_CACHE=build`: set by scripts/build.mjs's training run, and nothing else. */
const WRITE_CACHE_VARIABLE = 'KERAS_LINT_WRITE_CODE_CACHE';
const MAGIC = Buffer.from('KLCACHE1');
const HEADER_BYTES = MAGIC.length + 20;

function digest(bundle: Buffer, cache: Buffer): Buffer {
  return createHash('sha1').update(bundle).update(cache).digest();
}

/** The cache for `bundle` in `file`: undefined when there is none, null when it is not this bundle's or is damaged. */
function readCache(file: string, bundle: Buffer): Buffer | null | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  if (data.length <= HEADER_BYTES || !data.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const cache = data.subarray(HEADER_BYTES);
  return digest(bundle, cache).equals(data.subarray(MAGIC.length, HEADER_BYTES)) ? cache : null;
}

/**
 * The CommonJS bundle at `file` (an absolute path), compiled with its code cache when it is the
 * bundle's and V8 takes it. `requireNextToIt`: the `require` of a module in the bundle's folder
 * (the executable's own), which is all a bundle needs: it requires only Node's modules and files
 * beside it. `writeCache`: given by the executable for `check` runs, to write the cache when the
 * thread ends if the build's training run asks for it.
 */
export function loadBundle<Exports>(file: string, requireNextToIt: NodeJS.Require, writeCache?: (write: () => void) => void): LoadedBundle<Exports> {
  // Node maps stack traces through a bundle's source map only for what its own loader compiled.
  if (process.sourceMapsEnabled) return { exports: requireNextToIt(file) as Exports, codeCache: 'none' };
  const cacheFile = `${file}.cache`;
  const bundle = readFileSync(file);
  const cachedData = readCache(cacheFile, bundle);
  // The function wrapper Node puts around every CommonJS module.
  const source = `(function (exports, require, module, __filename, __dirname) { ${bundle.toString('utf8')}\n});`;
  const script = new Script(source, { filename: file, cachedData: cachedData ?? undefined });
  if (writeCache && process.env[WRITE_CACHE_VARIABLE] === 'build') {
    writeCache(() => {
      // After the run: the cache then holds every function compiled so far, not only the top level.
      const cache = script.createCachedData();
      const temp = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        writeFileSync(temp, Buffer.concat([MAGIC, digest(bundle, cache), cache]));
        renameSync(temp, cacheFile);
      } catch (error) {
        process.stderr.write(`keras-lint: cannot write the code cache ${cacheFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
      }
    });
  }
  const loaded = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void).call(loaded.exports, loaded.exports, requireNextToIt, loaded, file, dirname(file));
  const codeCache: CodeCacheUse = cachedData === undefined ? 'none' : cachedData === null || script.cachedDataRejected ? 'refused' : 'used';
  return { exports: loaded.exports as Exports, codeCache };
}
