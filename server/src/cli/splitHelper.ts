// The helper thread of a `check` that runs on one thread and has a big script: it parses the second
// part of each big module while this thread parses and runs the first (core/splitParse.ts). It runs
// partWorker.ts's bundle, started by helperThread.ts. This thread waits for a part
// synchronously, the analysis being synchronous: Atomics.wait on a counter the helper bumps after
// each answer, and receiveMessageOnPort to take the answer. A helper that fails or never answers
// costs time only: the module is then parsed whole here.
import { availableParallelism } from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import { withLineFeeds, type ParserWasm } from '../core/parser';
import { parsePart, splitPoint, type CopiedPart, type OtherPart } from '../core/splitParse';
import { SPLIT_MIN_SIZE, type HelperThread } from './helperThread';

/** What the helper is started with (its workerData). */
export interface PartsJob {
  /** The helper's end of the channel requests and answers go through. */
  port: MessagePort;
  /**
   * Int32 [0]: the id of the last request answered; [1]: the helper's Life; [2]: the id of the
   * last request whose first part this thread has parsed, [3]: that part's node count (0: it has a
   * syntax error).
   */
  state: SharedArrayBuffer;
}

type Request = { kind: 'wasm'; wasm: ParserWasm | null } | { kind: 'part'; id: number; text: string; start: number } | { kind: 'last' };
type Answer = { id: number; part: CopiedPart | null };

/** The helper's life, in PartsJob.state[1]. */
const enum Life {
  NotStarted = 0,
  Serving = 1,
  Exited = 2,
}
/** Longest wait for a helper to start (it takes ~0.1 s): one whose script failed to load never says so. */
const START_LIMIT_MS = 10_000;
/** Longest wait for a part: a minute, plus a second per 100,000 characters (a slow machine's parse). */
const waitLimit = (characters: number) => 60_000 + characters / 100;

/**
 * Whether a run on this thread alone (no checking workers) gets a helper: under `auto`, with a
 * spare core, when it has big scripts (isBigScript) to parse in parts.
 */
export function splitHelps(threads: number | 'auto', bigScripts: number): boolean {
  return threads === 'auto' && availableParallelism() >= 2 && bigScripts > 0;
}

export class SplitHelper {
  private readonly port: MessagePort;
  private readonly state: Int32Array;
  private lastId = 0;
  /** Whether the helper has been sent the parser: until then it can answer nothing, and this thread must not wait for it. */
  private sentParser = false;
  /** How many modules the helper parsed a part of without a syntax error (`check -v` says so). */
  used = 0;

  /**
   * `parserWasm`: this thread's compiled parser, sent on when ready (the helper waits for it; null:
   * it compiles its own). `bigScripts`: how many scripts of SPLIT_MIN_SIZE characters or more the
   * run may ask about; once it has, the helper ends by itself, while this thread still analyses
   * (a thread that ends with the process makes the process's end ~8 ms slower).
   */
  constructor(
    private readonly thread: HelperThread,
    parserWasm: Promise<ParserWasm | null>,
    private bigScripts = Infinity,
  ) {
    this.port = thread.port;
    this.state = new Int32Array(thread.state);
    void parserWasm.then((wasm) => {
      this.port.postMessage({ kind: 'wasm', wasm } satisfies Request);
      this.sentParser = true;
    });
  }

  /** The second part of `text` for the helper to parse, when `text` is big enough and has a place to cut (and the helper has the parser). */
  otherPart(text: string): OtherPart | undefined {
    if (text.length < SPLIT_MIN_SIZE) return undefined;
    const start = this.sentParser ? splitPoint(withLineFeeds(text)) : null;
    const id = start === null ? 0 : ++this.lastId;
    if (start !== null) this.port.postMessage({ kind: 'part', id, text, start } satisfies Request);
    if (--this.bigScripts === 0) this.port.postMessage({ kind: 'last' } satisfies Request);
    return start === null ? undefined : { start, take: () => this.take(id, text.length), firstPartParsed: (count) => this.firstPartParsed(id, count) };
  }

  private firstPartParsed(id: number, count: number): void {
    Atomics.store(this.state, 3, count);
    Atomics.store(this.state, 2, id);
    Atomics.notify(this.state, 2);
  }

  /** Waits for the answer to request `id`. Parts are taken in the order they were asked for, so answers to earlier requests were not wanted (their analysis parsed the module whole): they are dropped. */
  private take(id: number, characters: number): CopiedPart | null {
    const { receiveMessageOnPort } = require('node:worker_threads') as typeof import('node:worker_threads');
    const asked = Date.now();
    const deadline = asked + waitLimit(characters);
    for (;;) {
      const answered = Atomics.load(this.state, 0);
      const received = receiveMessageOnPort(this.port);
      if (received) {
        const answer = received.message as Answer;
        if (answer.id !== id) continue;
        if (answer.part && !answer.part.hasError) this.used++;
        return answer.part;
      }
      const now = Date.now();
      const life = Atomics.load(this.state, 1) as Life;
      if (life === Life.Exited || now >= deadline || (life === Life.NotStarted && now - asked > START_LIMIT_MS)) return null;
      const left = deadline - now;
      Atomics.wait(this.state, 0, answered, Math.min(left, 100));
    }
  }

  close(): Promise<number> {
    return this.thread.worker.terminate();
  }
}

/** The helper's side: once it has the parser, answers every request with the copied part (null when parsing failed). */
export function serveParts(job: PartsJob, startParser: (wasm: ParserWasm | null) => Promise<unknown>): void {
  const state = new Int32Array(job.state);
  Atomics.store(state, 1, Life.Serving);
  process.on('exit', () => {
    Atomics.store(state, 1, Life.Exited);
    Atomics.notify(state, 0);
  });
  let wasmArrived: (wasm: ParserWasm | null) => void = () => undefined;
  const ready = new Promise<ParserWasm | null>((resolve) => (wasmArrived = resolve)).then(startParser);
  job.port.on('message', (request: Request) => {
    if (request.kind === 'wasm') wasmArrived(request.wasm);
    // After the last answer (answers run in the order requests came): the thread's loop then ends.
    else if (request.kind === 'last') void ready.finally(() => job.port.close());
    // Each request waits for the parser, however the messages were ordered.
    else
      void ready.then(
        () => {
          const started = Date.now();
          // As long again as its own parse took: this thread's first part is about as big.
          answer(request.id, () => parsePart(request.text, request.start, () => firstPartCount(state, request.id, Math.max(1000, Date.now() - started))));
        },
        () => answer(request.id, () => null),
      );
  });

  function answer(id: number, parse: () => CopiedPart | null): void {
    let part: CopiedPart | null = null;
    try {
      part = parse();
    } catch {
      // this thread's parse failed: the main thread parses the module whole
    }
    job.port.postMessage({ id, part } satisfies Answer, part ? [part.columns] : []);
    Atomics.store(state, 0, id);
    Atomics.notify(state, 0);
  }
}

/**
 * The node count of request `id`'s first part, which the analysing thread says once it has parsed
 * it (SplitHelper.firstPartParsed): null when that part has a syntax error, when that thread has
 * moved on to a later request, or has not said within `limitMs` (the part is then handed over as it
 * is, and appended there the slower way).
 */
function firstPartCount(state: Int32Array, id: number, limitMs: number): number | null {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const counted = Atomics.load(state, 2);
    if (counted === id) return Atomics.load(state, 3) || null;
    const left = deadline - Date.now();
    if (counted > id || left <= 0) return null;
    Atomics.wait(state, 2, counted, left);
  }
}
