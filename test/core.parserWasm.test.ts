// The command line's threads initialise the parser from wasm modules compiled once (parser.ts's
// compileParserWasm, handed from thread to thread) instead of from the files. The fast tree copy
// (treeMemory.ts) reads the runtime's heap through the module object it was initialised with: it
// must still be the copy in use, or every check silently copies trees 4-5x slower.
import { expect, it } from 'vitest';
import { compileParserWasm, initParser, parsePython } from '../server/src/core/parser';
import { activeCopy, readTree } from '../server/src/core/syntax';

it('a parser initialised from compiled modules reads trees from wasm memory, and reads them right', async () => {
  await initParser(compileParserWasm());
  const text = 'from tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(10, activation="softmax")])\n';
  const root = readTree(parsePython(text), text);
  expect(activeCopy()).toBe('memory');
  expect(root.namedChildren.map((n) => n.type)).toEqual(['import_from_statement', 'expression_statement']);
  expect(root.namedChildren[1].text).toBe(text.split('\n')[1]);
});
