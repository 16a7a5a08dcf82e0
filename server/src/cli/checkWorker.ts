// Entry of a checking worker thread of `keras-lint check` (parallel.ts): its own small bundle,
// dist/server/checkWorker.js, holding the core and the file checker but none of the language server.
import { parentPort, workerData } from 'node:worker_threads';
import { serveChecks, type WorkerJob } from './parallel';

if (parentPort) void serveChecks(workerData as WorkerJob, parentPort);
