// `npm run bench`: keras-lint's speed against its floor, tree-sitter's own parse of the same text,
// measured side by side in one run (interleaved, median of --runs runs), printed as a table.
//   1. check of one 10,000-line script, whole process, vs a process that only parses it (and, for
//      scale, a process that parses it and visits every named node once through the JS API)
//   2. check of a folder of 400 scripts and notebooks, whole process, vs parsing the same folder
//   3. re-analysis after a one-character edit in a 5,000-line file vs a full analysis (core level)
//   4. language server RSS with 50 open 2,000-line documents (when the server is built)
// Usage: npm run bench [-- --runs 7] [-- --skip-build]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bench = join(root, '.bench');
const argv = process.argv.slice(2);
const runs = Math.max(1, Number(argv[argv.indexOf('--runs') + 1] || 0) || 7);
const require = createRequire(join(root, 'package.json'));
// Other work on the machine slows both sides, and takes the cores `check`'s worker threads would use.
const startLoad = loadavg()[0];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// GNU time, when installed, also gives the CPU time (user + sys) of the process and its threads:
// a second view that a busy machine disturbs less than wall time.
const GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%U %S', 'true'], { encoding: 'utf8' }).status === 0 ? '/usr/bin/time' : null;

/** Wall time (and CPU time when measurable) of a whole process, in ms. */
function timeProcess(args) {
  const command = GNU_TIME ?? process.execPath;
  const argv = GNU_TIME ? ['-f', '@cpu %U %S', process.execPath, ...args] : args;
  const start = process.hrtime.bigint();
  const result = spawnSync(command, argv, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  const cpu = /@cpu ([\d.]+) ([\d.]+)/.exec(result.stderr ?? '');
  return { wall, cpu: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN };
}

function step(message) {
  process.stderr.write(`${message}\n`);
}

if (!argv.includes('--skip-build')) {
  step('building dist/ ...');
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}
step('generating inputs in .bench/ ...');
const { folderLines } = generate(bench);
mkdirSync(bench, { recursive: true });
const { build } = require('esbuild');
await build({
  entryPoints: [join(root, 'scripts', 'bench', 'incremental.ts')],
  outfile: join(bench, 'incremental.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'error',
  logOverride: { 'require-resolve-not-external': 'silent' },
  // The CJS build of web-tree-sitter, as scripts/build.mjs bundles it.
  plugins: [{ name: 'web-tree-sitter-cjs', setup: (b) => b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') })) }],
});

const cli = join(root, 'bin', 'keras-lint.js');
const parseOnly = join(root, 'scripts', 'bench', 'parse-only.mjs');
const big = join(bench, 'big.py');
const folder = join(bench, 'folder');
const samples = { bigCheck: [], bigParse: [], bigVisit: [], folderCheck: [], folderParse: [] };
const cpu = { bigCheck: [], bigParse: [], bigVisit: [], folderCheck: [], folderParse: [] };
// One untimed round first: the OS file cache then holds every input and bundle for both sides.
timeProcess([parseOnly, big]);
timeProcess([cli, 'check', big]);
timeProcess([parseOnly, '--visit', big]);
timeProcess([parseOnly, folder]);
timeProcess([cli, 'check', folder]);
for (let i = 0; i < runs; i++) {
  step(`run ${i + 1}/${runs} ...`);
  // Alternate which side goes first, so drift in machine load does not favour one side.
  const pairs = [
    ['bigParse', [parseOnly, big]],
    ['bigCheck', [cli, 'check', big]],
    ['bigVisit', [parseOnly, '--visit', big]],
    ['folderParse', [parseOnly, folder]],
    ['folderCheck', [cli, 'check', folder]],
  ];
  if (i % 2) pairs.reverse();
  for (const [key, args] of pairs) {
    const time = timeProcess(args);
    samples[key].push(time.wall);
    cpu[key].push(time.cpu);
  }
}

step('incremental re-analysis ...');
const inc = spawnSync(process.execPath, [join(bench, 'incremental.cjs'), join(bench, 'edit.py'), String(Math.max(runs, 9))], { cwd: root, encoding: 'utf8' });
const incremental = inc.status === 0 ? JSON.parse(inc.stdout) : { error: inc.stderr.trim().split('\n')[0] };

step('language server memory ...');
const mem = spawnSync(process.execPath, [join(root, 'scripts', 'bench', 'server-memory.mjs'), join(bench, 'docs')], { cwd: root, encoding: 'utf8', timeout: 120000 });
let memory;
try {
  memory = JSON.parse(mem.stdout);
} catch {
  memory = { error: (mem.stderr || 'no output').trim().split('\n')[0] };
}

const rows = [];
const ratioRow = (name, mine, floor, floorName, budget, cpuRatio = NaN) => {
  const ratio = mine / floor;
  rows.push([name, `${mine.toFixed(0)} ms`, `${floor.toFixed(0)} ms (${floorName})`, `${ratio.toFixed(2)}x`, Number.isNaN(cpuRatio) ? '' : `${cpuRatio.toFixed(2)}x`, `<= ${budget}x`, ratio <= budget ? 'ok' : 'OVER']);
};
const cpuRatio = (mine, floor) => median(cpu[mine]) / median(cpu[floor]);
ratioRow('check big.py (10,016 lines), whole process', median(samples.bigCheck), median(samples.bigParse), 'parse-only process', 1.3, cpuRatio('bigCheck', 'bigParse'));
ratioRow('  for scale: parse + visit every named node once', median(samples.bigVisit), median(samples.bigParse), 'parse-only process', 1.3, cpuRatio('bigVisit', 'bigParse'));
// Not a budget: what reading the tree alone costs through the JS API, the floor of any analysis that reads all of it.
rows[rows.length - 1].splice(5, 2, '', 'info');
ratioRow(`check folder (400 files, ${folderLines} lines)`, median(samples.folderCheck), median(samples.folderParse), 'parse-only process', 1.3, cpuRatio('folderCheck', 'folderParse'));
if (incremental.error) rows.push(['re-analysis after 1-char edit (5,000 lines)', 'error', '', '', '', '<= 0.2x', incremental.error]);
else {
  ratioRow(`re-analysis after 1-char edit (${incremental.lines} lines)`, incremental.incrementalMs, incremental.fullMs, 'full parse + analysis', 0.2);
  rows.push(['  of which incremental parse', `${incremental.incrementalParseMs.toFixed(1)} ms`, `${incremental.fullParseMs.toFixed(1)} ms (full parse)`, '', '', '', '']);
}
if (memory.error) rows.push(['server RSS, 50 open 2,000-line documents', 'n/a', '', '', '', '< 150 MB', memory.error]);
else rows.push([`server RSS, ${memory.documents} open 2,000-line documents`, `${memory.rssMB} MB`, '', '', '', '< 150 MB', memory.rssMB < 150 && memory.diagnosed === memory.documents ? 'ok' : 'OVER']);

const header = ['measurement', 'keras-lint', 'floor', 'ratio', 'cpu ratio', 'budget', 'verdict'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
process.stdout.write(`\nkeras-lint benchmark: node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores, load average ${startLoad.toFixed(1)} at start, median of ${runs} runs (incremental: ${incremental.edits ?? 0} edits)\n\n`);
process.stdout.write([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n');
const rounded = (table) => JSON.stringify(Object.fromEntries(Object.entries(table).map(([k, v]) => [k, v.map((x) => Math.round(x))])));
process.stdout.write(`\nratio: wall time (the budget); cpu ratio: user + sys time of the processes (all threads), when /usr/bin/time is available.\n`);
process.stdout.write(`raw wall ms: ${rounded(samples)}\nraw cpu ms: ${rounded(cpu)}\n`);
