// Core-level measurement of re-analysis after a one-character edit (what the language server does on
// each keystroke, debounce excluded): the document's DocumentParse told the edit and asked for the
// new version's parse (core/documentParse.ts), then the document's DocumentAnalyzer on it, against
// a full parse + analysis of the same file.
// The first edit after opening runs everything (the analyzer remembers nothing of a first version);
// it is one of the edits the median is taken over.
// Bundled by scripts/bench/run.mjs into .bench/; prints one JSON line.
// Usage: node .bench/incremental.cjs FILE [ROUNDS]
import { readFileSync } from 'node:fs';
import { Edit } from 'web-tree-sitter';
import { analyzeText, DocumentAnalyzer, initParser } from '../../server/src/core/analyze';
import { DocumentParse } from '../../server/src/core/documentParse';
import type { ParsedModule } from '../../server/src/core/moduleCopy';
import { parsePython, pointAt } from '../../server/src/core/parser';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Offsets just after a digit of an `epochs=`/`Dense(` number, spread over the file: typing there changes a fact. */
function editPlaces(text: string, count: number): number[] {
  const places: number[] = [];
  for (const m of text.matchAll(/(?:epochs=|Dense\()(\d+)/g)) places.push(m.index! + m[0].length);
  const step = Math.max(1, Math.floor(places.length / count));
  return places.filter((_, i) => i % step === 0).slice(0, count);
}

/** Inserts '1' at `at` as the server sees it: the edit told, then the new version's parse asked for. */
function typeOneCharacter(text: string, parse: DocumentParse, at: number): { text: string; parsed: ParsedModule } {
  const next = text.slice(0, at) + '1' + text.slice(at);
  const startPosition = pointAt(text, at);
  parse.edited(new Edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition, oldEndPosition: startPosition, newEndPosition: { row: startPosition.row, column: startPosition.column + 1 } }));
  return { text: next, parsed: parse.parsed(next) };
}

async function main(): Promise<void> {
  const [file, roundsArg] = process.argv.slice(2);
  const rounds = Number(roundsArg ?? 9);
  await initParser();
  let text = readFileSync(file, 'utf8');
  const options = { flavour: 'auto' as const };

  // Warm up the JIT on both paths, as a long-running server is: full analyses, and a typing session
  // in another document (the measured document's analyzer and tree start afresh below).
  for (let i = 0; i < 3; i++) {
    const tree = parsePython(text);
    analyzeText(text, options, tree);
    tree.delete();
  }
  let warmText = text;
  const warmParse = new DocumentParse();
  const warmAnalyzer = new DocumentAnalyzer();
  warmAnalyzer.analyze(warmText, options, warmParse.parsed(warmText));
  for (const place of editPlaces(warmText, rounds).reverse()) {
    const edited = typeOneCharacter(warmText, warmParse, place);
    warmAnalyzer.analyze(edited.text, options, edited.parsed);
    warmText = edited.text;
  }
  warmParse.dispose();

  // Measured side by side, round by round, so that drift in the machine's speed hits both alike:
  // a full parse + analysis of the current text, a parse alone, then one edit as the server sees it.
  const full: number[] = [];
  const parseOnly: number[] = [];
  const incremental: number[] = [];
  const incrementalParse: number[] = [];
  const parse = new DocumentParse();
  const analyzer = new DocumentAnalyzer();
  analyzer.analyze(text, options, parse.parsed(text));
  for (const [k, place] of editPlaces(text, rounds).entries()) {
    let start = performance.now();
    const fresh = parsePython(text);
    analyzeText(text, options, fresh);
    full.push(performance.now() - start);
    fresh.delete();
    start = performance.now();
    parsePython(text).delete();
    parseOnly.push(performance.now() - start);

    start = performance.now();
    const edited = typeOneCharacter(text, parse, place + k); // each earlier edit inserted one character before it
    const parsed = performance.now();
    analyzer.analyze(edited.text, options, edited.parsed);
    const done = performance.now();
    incremental.push(done - start);
    incrementalParse.push(parsed - start);
    text = edited.text;
  }
  parse.dispose();
  process.stdout.write(
    JSON.stringify({
      lines: text.split('\n').length,
      fullMs: median(full),
      incrementalMs: median(incremental),
      incrementalParseMs: median(incrementalParse),
      fullParseMs: median(parseOnly),
      edits: incremental.length,
    }) + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
