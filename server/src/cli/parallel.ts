// Checks the files of one run on worker threads as well as on this one. Each worker runs
// checkWorker.ts (a bundle of its own, without the language server, which the executable loads when
// started with CHECK_WORKER_ARGUMENT) with its own parser. Every
// thread claims the next unchecked file from a counter they share, so none waits for another to
// hand it work and a big file does not hold the others up; outcomes come back by file, in the
// files' order. Files a worker claimed but never finished (it died) are checked here at the end.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { CodeCacheUse } from '../bundleLoader';
import { initParser, type ParserWasm } from '../core/parser';
import { checkFile, type FileOutcome, type FileTask } from './checkFiles';

/**
 * Input per extra thread under `auto`: a worker needs ~100 ms of CPU (its own start, parser and
 * JIT warm-up) before it checks anything, which 512 KB (~250 ms of checking) more than pays back.
 */
const AUTO_BYTES_PER_WORKER = 512 * 1024;
const AUTO_MAX_WORKERS = 3;

/** A checking worker's script, and the arguments it gets (its process.argv after the script). */
export interface WorkerEntry {
  script: string;
  argv: string[];
}

/** What a checking worker is started with (its workerData). */
export interface WorkerJob {
  tasks: FileTask[];
  /** One Int32 on a SharedArrayBuffer: the index of the next file no thread has claimed. */
  claims: SharedArrayBuffer;
}

/**
 * What a worker gets first: this thread's compiled parser wasm, which it instantiates instead of
 * compiling its own (null: it compiles its own). Posted once compiled, so workers start before.
 */
export interface ParserMessage {
  kind: 'wasm';
  wasm: ParserWasm | null;
}

type Reply = { kind: 'outcome'; index: number; outcome: FileOutcome } | { kind: 'crash'; error: string } | { kind: 'done'; codeCache?: CodeCacheUse };

/** The size of each file in bytes (0 for one that cannot be read: it is reported when it is checked). */
export function fileSizes(files: readonly string[]): number[] {
  return files.map((file) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  });
}

/** Worker threads to start besides this one: `threads` asked for in all, or under 'auto' one per spare core when the input (`sizes`, of each file) is big enough. */
export function workerCount(threads: number | 'auto', sizes: readonly number[]): number {
  if (threads !== 'auto') return Math.max(0, Math.min(threads - 1, sizes.length - 1));
  const cores = availableParallelism();
  if (cores < 2 || sizes.length < 2) return 0;
  const bytes = sizes.reduce((sum, size) => sum + size, 0);
  return Math.max(0, Math.min(cores - 1, AUTO_MAX_WORKERS, sizes.length - 1, Math.floor(bytes / AUTO_BYTES_PER_WORKER)));
}

/** What a parallel check gives: an outcome per file, and how many files each thread checked (this one first). */
export interface ParallelRun {
  outcomes: FileOutcome[];
  filesPerThread: number[];
  /** Whether each worker compiled its bundle from the code cache (undefined: it did not say). */
  codeCacheOfWorkers: (CodeCacheUse | undefined)[];
}

/** `parser`: this thread's initParser(), started by the caller; `parserWasm`: the wasm it compiles, for the workers. */
export async function checkInParallel(tasks: FileTask[], entry: WorkerEntry, workers: number, parser: Promise<unknown>, parserWasm: Promise<ParserWasm | null> = Promise.resolve(null)): Promise<ParallelRun> {
  const outcomes: (FileOutcome | undefined)[] = new Array(tasks.length);
  const filesPerThread = new Array<number>(workers + 1).fill(0);
  const codeCacheOfWorkers = new Array<CodeCacheUse | undefined>(workers).fill(undefined);
  const claims = new SharedArrayBuffer(4);
  const next = new Int32Array(claims);
  let crash: string | null = null;
  // Loaded here, not at the top: node:worker_threads costs every single-threaded check ~4 ms.
  const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
  // Started before this thread waits for its own parser: their start overlaps the rest of its loading.
  const pool = Array.from({ length: workers }, () => new Worker(entry.script, { argv: entry.argv, workerData: { tasks, claims } satisfies WorkerJob }));
  void parserWasm.then((wasm) => pool.forEach((worker) => worker.postMessage({ kind: 'wasm', wasm } satisfies ParserMessage)));
  const finished = pool.map(
    (worker, i) =>
      new Promise<void>((resolve) => {
        worker.on('message', (reply: Reply) => {
          if (reply.kind === 'outcome') {
            outcomes[reply.index] = reply.outcome;
            filesPerThread[i + 1]++;
          } else if (reply.kind === 'crash') crash ??= reply.error;
          else {
            codeCacheOfWorkers[i] = reply.codeCache;
            resolve();
          }
        });
        worker.on('error', () => resolve());
        worker.on('exit', () => resolve());
      }),
  );
  try {
    await parser;
    const checkHere = (index: number): FileOutcome => {
      filesPerThread[0]++;
      return checkFile(tasks[index]);
    };
    for (let index = Atomics.add(next, 0, 1); index < tasks.length; index = Atomics.add(next, 0, 1)) outcomes[index] = checkHere(index);
    // Workers that said 'done' have nothing left to run and exit by themselves.
    await Promise.all(finished);
    for (let index = 0; index < tasks.length; index++) outcomes[index] ??= checkHere(index);
  } catch (error) {
    await Promise.all(pool.map((worker) => worker.terminate()));
    throw error;
  }
  if (crash !== null) throw new Error(`a checking thread failed: ${crash}`);
  return { outcomes: outcomes as FileOutcome[], filesPerThread, codeCacheOfWorkers };
}

/**
 * The worker's side: once it has the parser (ParserMessage), claims files until none is left,
 * replying with each outcome, then 'done' (with `codeCache`, how its bundle was compiled).
 */
export async function serveChecks(job: WorkerJob, port: { postMessage(reply: Reply): void; once(event: 'message', listener: (message: ParserMessage) => void): unknown }, codeCache?: CodeCacheUse): Promise<void> {
  const next = new Int32Array(job.claims);
  try {
    const { wasm } = await new Promise<ParserMessage>((resolve) => port.once('message', resolve));
    await initParser(wasm ?? undefined);
    for (let index = Atomics.add(next, 0, 1); index < job.tasks.length; index = Atomics.add(next, 0, 1)) {
      port.postMessage({ kind: 'outcome', index, outcome: checkFile(job.tasks[index]) });
    }
  } catch (error) {
    port.postMessage({ kind: 'crash', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  port.postMessage({ kind: 'done', codeCache });
}
