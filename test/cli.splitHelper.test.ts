// The helper thread of splitHelper.ts, driven in-process: the built helper (dist/server/partWorker.js)
// must hand back the copy this thread would make of the second part, and a helper that is gone
// must cost a wait at most, never a hang or a wrong tree (the module is then parsed whole).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, script } from '../scripts/bench/generate.mjs';
import { helperScript, SPLIT_MIN_SIZE, startHelperThread } from '../server/src/cli/helperThread';
import { SplitHelper } from '../server/src/cli/splitHelper';
import { compileParserWasm, initParser, parsePythonRange } from '../server/src/core/parser';
import { parsePart } from '../server/src/core/splitParse';
import { REPO } from './helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'keras-lint-helper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initParser();
});

const text = script(rng(31), 5000);

/** The node count of the first part's tree (what the analysing thread tells the helper). */
function firstPartCount(source: string, start: number): number {
  const tree = parsePythonRange(source, 0, start);
  try {
    return tree.rootNode.descendantCount;
  } finally {
    tree.delete();
  }
}

describe('the helper thread', () => {
  it('parses the second part of a big script and copies it as this thread would', async () => {
    expect(text.length).toBeGreaterThanOrEqual(SPLIT_MIN_SIZE);
    const wasm = compileParserWasm();
    const helper = new SplitHelper(startHelperThread(helperScript(join(REPO, 'dist', 'server')))!, wasm);
    try {
      // Not before the helper has been sent the parser (this thread would wait for nothing).
      expect(helper.otherPart(text)).toBeUndefined();
      await wasm;
      const first = helper.otherPart(text)!;
      expect(first.start).toBeGreaterThan(text.length / 4);
      // Told the first part's node count, it lays its copy out as the whole module's tree.
      const count = firstPartCount(text, first.start);
      first.firstPartParsed!(count);
      const expected = parsePart(text, first.start, () => count);
      expect(expected.firstPartCount).toBe(count);
      expect(first.take()).toEqual(expected);
      // A part nobody took (its analysis parsed the module whole) is dropped when the next one is
      // taken; its helper, waiting for a count that will not come, stops waiting once a later request is counted.
      helper.otherPart(text);
      const longer = text + '\nx = 1\n';
      const third = helper.otherPart(longer)!;
      third.firstPartParsed!(firstPartCount(longer, third.start));
      expect(third.take()).toEqual(parsePart(longer, third.start, () => firstPartCount(longer, third.start)));
      // Never told (the first part's parse failed before it could say): the copy comes as a tree of its own.
      const fourth = helper.otherPart(text)!;
      expect(fourth.take()).toEqual(parsePart(text, fourth.start));
      expect(helper.used).toBe(3);
      expect(helper.otherPart(text.slice(0, SPLIT_MIN_SIZE - 1))).toBeUndefined();
    } finally {
      await helper.close();
    }
  });

  it('ends by itself after the last big script the run may ask about, its answer delivered', async () => {
    const wasm = compileParserWasm();
    const thread = startHelperThread(helperScript(join(REPO, 'dist', 'server')))!;
    const exited = new Promise((resolve) => thread.worker.once('exit', resolve));
    const helper = new SplitHelper(thread, wasm, 1);
    await wasm;
    const part = helper.otherPart(text)!;
    part.firstPartParsed!(firstPartCount(text, part.start));
    expect(part.take()).toEqual(parsePart(text, part.start, () => firstPartCount(text, part.start)));
    await exited;
    expect(new Int32Array(thread.state)[1]).toBe(2); // Life.Exited
  });

  it('gives no part when the helper is gone, without waiting for it', async () => {
    // A stand-in that starts, says it has exited, and leaves (as serveParts's exit handler says).
    const gone = join(dir, 'gone.cjs');
    writeFileSync(gone, "const s = new Int32Array(require('node:worker_threads').workerData.state); Atomics.store(s, 1, 2); Atomics.notify(s, 0);");
    const wasm = Promise.resolve(null);
    const helper = new SplitHelper(startHelperThread(gone)!, wasm);
    await wasm;
    const part = helper.otherPart(text)!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const asked = Date.now();
    expect(part.take()).toBeNull();
    expect(Date.now() - asked).toBeLessThan(1000);
    expect(helper.used).toBe(0);
  });
});
