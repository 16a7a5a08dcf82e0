// Entry of the helper thread of cli/splitHelper.ts: a bundle of its own, dist/server/partWorker.js,
// holding only the parser and the tree copy, which the thread loads with Node's own loader. Small,
// because the thread is started for one big file and its start is on that check's critical path;
// and without a code cache, because a cache is refused under the V8 flag the check sets for the
// parser's wasm at about the time the thread loads (processOptions.ts's BASELINE_WASM_FLAG).
import { workerData } from 'node:worker_threads';
import { initParser } from '../core/parser';
import { serveParts, type PartsJob } from './splitHelper';

serveParts(workerData as PartsJob, (wasm) => initParser(wasm ?? undefined));
