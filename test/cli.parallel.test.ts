// check's worker threads when a worker misbehaves: parallel.ts run in-process with stand-in worker
// scripts that claim files the way checkWorker.ts does (an Atomics counter on workerData.claims)
// and then fail. Every file must still get its outcome, from this thread, or the run must fail
// loudly (never a silently missing file).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFile, type FileTask } from '../server/src/cli/checkFiles';
import { checkInParallel, type WorkerEntry } from '../server/src/cli/parallel';
import { initParser } from '../server/src/core/parser';
import { EXAMPLES } from './helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'keras-lint-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initParser();
});

const tasks: FileTask[] = ['cifar_integer_labels.py', 'keras1_style.py', 'logits_head.py', 'mnist_bce_softmax.py', 'notebook_mistakes.ipynb', 'good_models.py'].map((name) => ({
  path: join(EXAMPLES, name),
  options: {},
  fix: false,
}));

/** A worker script: `body` runs with `claim()` (the next file's index, or -1) and `parentPort`. */
function standIn(name: string, body: string): WorkerEntry {
  const path = join(dir, `${name}.cjs`);
  writeFileSync(
    path,
    `const { parentPort, workerData } = require('node:worker_threads');
const next = new Int32Array(workerData.claims);
const claim = () => { const i = Atomics.add(next, 0, 1); return i < workerData.tasks.length ? i : -1; };
${body}`,
  );
  return { script: path, argv: [] };
}

describe('check on worker threads, when a worker fails', () => {
  const expected = () => tasks.map((task) => checkFile(task));

  it('a worker that dies holding a claimed file: this thread checks that file too', async () => {
    const dies = standIn('dies', 'claim(); claim(); process.exit(3);');
    const run = await checkInParallel(tasks, dies, 2, Promise.resolve());
    expect(run.outcomes).toEqual(expected());
    expect(run.filesPerThread).toEqual([tasks.length, 0, 0]);
  });

  it('a worker script that cannot load: this thread checks everything', async () => {
    const run = await checkInParallel(tasks, { script: join(dir, 'no-such-worker.cjs'), argv: [] }, 1, Promise.resolve());
    expect(run.outcomes).toEqual(expected());
  });

  it('outcomes a worker sends are used as they are, in the files\' order', async () => {
    // It answers for what it claims with a marker outcome (what a real worker would have computed).
    const answers = standIn('answers', `for (let i = claim(); i >= 0 && i < 2; i = claim()) parentPort.postMessage({ kind: 'outcome', index: i, outcome: { kind: 'error', reason: 'from the worker ' + i } });
parentPort.postMessage({ kind: 'done' });`);
    const run = await checkInParallel(tasks, answers, 1, Promise.resolve());
    const fromWorker = run.outcomes.filter((o) => o.kind === 'error' && o.reason.startsWith('from the worker'));
    expect(fromWorker.length).toBe(run.filesPerThread[1]);
    run.outcomes.forEach((outcome, i) => {
      if (outcome.kind === 'error' && outcome.reason.startsWith('from the worker')) expect(outcome.reason).toBe(`from the worker ${i}`);
      else expect(outcome).toEqual(checkFile(tasks[i]));
    });
    expect(run.filesPerThread.reduce((a, b) => a + b)).toBe(tasks.length);
  });

  it('a worker that reports a crash (a bug in the checker) fails the run', async () => {
    const crashes = standIn('crashes', `claim(); parentPort.postMessage({ kind: 'crash', error: 'TypeError: boom' }); parentPort.postMessage({ kind: 'done' });`);
    await expect(checkInParallel(tasks, crashes, 1, Promise.resolve())).rejects.toThrow('a checking thread failed: TypeError: boom');
  });
});
