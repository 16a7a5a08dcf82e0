// Starting the helper thread of cli/splitHelper.ts, kept apart so that the executable (main.ts)
// can start it before it loads the command line's bundle: a thread takes ~0.1 s to start, which
// would otherwise be spent while this thread already parses. Small on purpose: main.ts bundles it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { ParserWasm } from '../core/parser';
import { BASELINE_WASM_FLAG, BASELINE_WASM_UNDONE, V8_FLAGS_KNOWN } from './processOptions';
import type { PartsJob } from './splitHelper';

/** Scripts from this size on (characters, or bytes on disk) are parsed in two parts when a core is spare. */
export const SPLIT_MIN_SIZE = 128 * 1024;

/** A file that may be parsed in two parts: a script (notebooks are parsed whole) of SPLIT_MIN_SIZE bytes or more. */
export function isBigScript(path: string, size: number): boolean {
  return size >= SPLIT_MIN_SIZE && !path.toLowerCase().endsWith('.ipynb');
}

/** A started helper: the worker, this thread's end of its channel, and the state they share (splitHelper.ts's PartsJob). */
export interface HelperThread {
  worker: Worker;
  port: MessagePort;
  state: SharedArrayBuffer;
}

/** The helper's script in `folder` (dist/server/): partWorker.ts's bundle. */
export function helperScript(folder: string): string {
  return join(folder, 'partWorker.js');
}

/** What the executable starts before the command line loads, for a `check` of a big script. */
export interface EarlyHelper {
  thread: HelperThread;
  /** The parser's wasm (from `folder`), compiled for V8's baseline code only (processOptions.ts); null when it failed. */
  baselineWasm: ParserWasm | null;
}

/**
 * The helper, when `check`'s arguments name a big script (namesBigScript), and the parser's wasm
 * compiled meanwhile. Compiled synchronously (~10 ms): V8 reads the flag then, and the flag is off
 * again before the command line's bundle loads (its code cache was made without it).
 */
export function startEarlyHelper(folder: string, args: readonly string[]): EarlyHelper | undefined {
  if (!namesBigScript(args) || !existsSync(helperScript(folder))) return undefined;
  const thread = startHelperThread(helperScript(folder));
  if (!thread) return undefined;
  if (!V8_FLAGS_KNOWN) return { thread, baselineWasm: null };
  setFlagsFromString(BASELINE_WASM_FLAG);
  let baselineWasm: ParserWasm | null = null;
  try {
    baselineWasm = { runtime: new WebAssembly.Module(readFileSync(join(folder, 'web-tree-sitter.wasm'))), grammar: new WebAssembly.Module(readFileSync(join(folder, 'tree-sitter-python.wasm'))) };
  } catch {
    // the command line compiles them itself
  }
  setFlagsFromString(BASELINE_WASM_UNDONE);
  return { thread, baselineWasm };
}

/** Null when no thread can be started (a limit on threads or memory): the script is then parsed whole. */
export function startHelperThread(script: string): HelperThread | null {
  const { Worker, MessageChannel } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { port1, port2 } = new MessageChannel();
  const state = new SharedArrayBuffer(16);
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: { port: port2, state } satisfies PartsJob, transferList: [port2] });
  } catch {
    return null;
  }
  // It holds no work of its own: the process ends when this thread does.
  worker.unref();
  port1.unref();
  return { worker, port: port1, state };
}

/**
 * A guess from `check`'s arguments, before they are parsed: whether they name a script big enough
 * to be parsed in two parts, with a spare core and no --concurrency (splitHelper.ts's splitHelps
 * decides). A wrong guess costs a thread started and stopped.
 */
export function namesBigScript(args: readonly string[]): boolean {
  const { availableParallelism } = require('node:os') as typeof import('node:os');
  if (availableParallelism() < 2 || args.some((arg) => arg.startsWith('--concurrency'))) return false;
  return args.some((arg) => {
    if (arg.startsWith('-')) return false;
    try {
      const stat = statSync(arg, { throwIfNoEntry: false });
      return stat !== undefined && stat.isFile() && isBigScript(arg, stat.size);
    } catch {
      return false; // a symlink loop, a folder it may not read: reported when checked
    }
  });
}
