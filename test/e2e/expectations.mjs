// What every editor must show for the two fixtures: a known KL002 (binary_crossentropy on a
// 10-way softmax head) with its hover and its preferred quick fix. Positions are LSP positions
// (0-based line, UTF-16 character), worked out from the fixture text so that they stay exact.
import fs from 'node:fs';
import path from 'node:path';
import { E2E_DIR, ROOT } from './lib/workspace.mjs';

const MISTAKE = 'loss="binary_crossentropy"';
const FIXED = 'loss="categorical_crossentropy"';

/** The LSP range of the "binary_crossentropy" string literal in `text` (one line). */
function lossStringRange(text) {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(MISTAKE));
  if (line < 0) throw new Error(`fixture lost its mistake: ${MISTAKE}`);
  const character = lines[line].indexOf(MISTAKE) + 'loss='.length;
  return { start: { line, character }, end: { line, character: character + '"binary_crossentropy"'.length } };
}

const pythonSource = path.join(ROOT, 'examples', 'mnist_bce_softmax.py');
const pythonText = fs.readFileSync(pythonSource, 'utf8');

export const pythonScenario = {
  file: 'mnist_bce_softmax.py',
  source: pythonSource,
  text: pythonText,
  rule: 'KL002',
  severity: 2, // Warning
  range: lossStringRange(pythonText),
  messageIncludes: ['binary_crossentropy', '10-way softmax'],
  /** The hover is markdown: the loss name in bold, then what it computes. */
  hoverMarkdownIncludes: '**binary_crossentropy** — Keras loss',
  hoverTextIncludes: 'binary_crossentropy — Keras loss',
  fixTitleIncludes: 'categorical_crossentropy',
  mistake: MISTAKE,
  fixed: FIXED,
};

const notebookSource = path.join(E2E_DIR, 'fixtures', 'notebook_bce_softmax.ipynb');
const notebook = JSON.parse(fs.readFileSync(notebookSource, 'utf8'));
const mistakeCell = notebook.cells.findIndex((c) => c.source.join('').includes(MISTAKE));

export const notebookScenario = {
  file: 'notebook_bce_softmax.ipynb',
  source: notebookSource,
  rule: 'KL002',
  /** 0-based index of the cell with the mistake among all cells, and its text. */
  cellIndex: mistakeCell,
  cellText: notebook.cells[mistakeCell].source.join(''),
  range: lossStringRange(notebook.cells[mistakeCell].source.join('')),
  // Cells count as the notebook shows them, markdown included (the model is in cell 4).
  messageIncludes: ['binary_crossentropy', '10-way softmax', 'head at cell 4, line 4'],
  hoverTextIncludes: 'binary_crossentropy — Keras loss',
  mistake: MISTAKE,
  fixed: FIXED,
};

/** The command that starts the language server; KL_E2E_SERVER_CMD (a JSON array) overrides it. */
export function serverCommand() {
  if (process.env.KL_E2E_SERVER_CMD) return JSON.parse(process.env.KL_E2E_SERVER_CMD);
  return [process.execPath, path.join(ROOT, 'bin', 'keras-lint.js'), 'server', '--stdio'];
}
