// Entry of a checking worker thread of `keras-lint check` (parallel.ts): its own small bundle,
// dist/server/checkWorker.js, holding the core and the file checker but none of the language server.
// The executable loads it in the worker (main.ts, CHECK_WORKER_ARGUMENT) and starts it.
import { parentPort, workerData } from 'node:worker_threads';
import type { CodeCacheUse } from '../bundleLoader';
import { serveChecks, type WorkerJob } from './parallel';

export function startCheckWorker(codeCache: CodeCacheUse): void {
  if (parentPort) void serveChecks(workerData as WorkerJob, parentPort, codeCache);
}
