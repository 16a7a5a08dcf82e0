// `keras-lint check` and `keras-lint rule`: the command line on the analysis core, for CI. Exit
// codes follow Ruff: 0 clean, 1 problems found (or a file could not be checked), 2 usage error
// (or a report that cannot be written).
import { accessSync, constants, lstatSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { version } from '../../../package.json';
import { setFlagsFromString } from 'node:v8';
import { compileParserWasm, initParser } from '../core/parser';
import type { CodeCacheUse } from '../bundleLoader';
import type { AnalysisOptions } from '../core/types';
import { findWorkspacePins, loadProjectConfig, type LoadedConfig } from '../workspace';
import { parseCheckArgs, UsageError, USAGE, type CheckArgs } from './args';
import { discoverFiles } from './discover';
import { checkFiles, type FileOutcome } from './checkFiles';
import { checkInParallel, fileSizes, workerCount, type WorkerEntry } from './parallel';
import { BASELINE_WASM_FLAG, BASELINE_WASM_MAX_BYTES_PER_THREAD, CHECK_V8_FLAGS, V8_FLAGS_KNOWN } from './processOptions';
import { isBigScript, startHelperThread, type EarlyHelper } from './helperThread';
import { splitHelps, SplitHelper } from './splitHelper';
import { displayPath, formatJson, formatSarif, formatText, type FileReport, type Run } from './output';
import { printRuleDocs } from './ruleDocs';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
  /** How to start a checking worker thread (parallel.ts); without it (a build without the worker bundle: the .vsix ships none), files are checked on this thread only. */
  worker?: WorkerEntry;
  /** Whether this thread's bundle was compiled from its code cache (bundleLoader.ts); unknown when run from sources. */
  codeCache?: CodeCacheUse;
  /** The script of the helper thread that parses big scripts in two parts (splitHelper.ts); without it (the .vsix ships none), no helper. */
  helperScript?: string;
  /** That helper and the parser's wasm, started early by the executable; the helper is stopped when not used. */
  earlyHelper?: EarlyHelper;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      (command === undefined ? io.stderr : io.stdout).write(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-V') {
      io.stdout.write(`keras-lint ${version}\n`);
      return 0;
    }
    if (command === 'rule') return printRuleDocs(rest, io);
    if (command === 'check') return await check(parseCheckArgs(rest), io);
    throw new UsageError(`unknown command '${command}'`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`keras-lint: error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
}

async function check(args: CheckArgs, io: CliIo): Promise<number> {
  // Checked first, without touching it: a path it cannot write to stops the run before --fix has
  // changed any file (and a report file that is one of the files to check, below).
  const reportPath = args.outputFile ? resolve(io.cwd, args.outputFile) : null;
  const unwritable = reportPath ? whyUnwritable(reportPath) : null;
  if (unwritable) {
    io.stderr.write(`keras-lint: error: cannot write the report to ${args.outputFile}: ${unwritable}\n`);
    return 2;
  }
  const configs = new ConfigReporter(io);
  const { files, errors } = discoverFiles(args.paths.length ? args.paths : ['.'], io.cwd, (path) => configs.excludes(path));
  if (reportPath && files.some((file) => samePath(file, reportPath))) {
    io.stderr.write(`keras-lint: error: the report would overwrite ${args.outputFile}, one of the files to check\n`);
    return 2;
  }
  // As Ruff does: a run that found nothing to check says so (a mistyped folder, everything excluded).
  if (files.length === 0 && errors.length === 0) io.stderr.write('keras-lint: warning: no Python files or notebooks found under the given paths\n');
  const run: Run = { files: [], errors: [...errors], cwd: io.cwd, version };
  let fixed = 0;

  // Date.now, not performance.now: the global `performance` loads node:perf_hooks (~2 ms of every check).
  const started = Date.now();
  const tasks = files.map((path) => ({ path, options: analysisOptions(args, configs, path), fix: args.fix }));
  const sizes = fileSizes(files);
  const workers = io.worker ? workerCount(args.concurrency, sizes) : 0;
  const bigScripts = files.filter((file, i) => isBigScript(file, sizes[i])).length;
  const splitting = io.helperScript !== undefined && workers === 0 && splitHelps(args.concurrency, bigScripts);
  const early = io.earlyHelper;
  if (!splitting) void early?.thread.worker.terminate();
  // The baseline flag not with checking workers: they load their bundle with its code cache after this, and V8 refuses a cache under other flags.
  const baseline = V8_FLAGS_KNOWN && workers === 0 && sizes.reduce((sum, size) => sum + size, 0) / (splitting ? 2 : 1) <= BASELINE_WASM_MAX_BYTES_PER_THREAD;
  if (V8_FLAGS_KNOWN) setFlagsFromString(baseline ? `${CHECK_V8_FLAGS} ${BASELINE_WASM_FLAG}` : CHECK_V8_FLAGS);
  // Compiled once (on V8's background threads, unless the executable did it), and handed to the other threads.
  const parserWasm = baseline && early?.baselineWasm ? Promise.resolve(early.baselineWasm) : compileParserWasm().catch(() => null);
  const parser = initParser(parserWasm);
  const helperThread = splitting ? (early?.thread ?? startHelperThread(io.helperScript!)) : null;
  const helper = helperThread ? new SplitHelper(helperThread, parserWasm, bigScripts) : null;
  let outcomes: FileOutcome[];
  let filesPerThread = [files.length];
  let codeCacheOfWorkers: (CodeCacheUse | undefined)[] = [];
  if (workers > 0) ({ outcomes, filesPerThread, codeCacheOfWorkers } = await checkInParallel(tasks, io.worker!, workers, parser, parserWasm));
  else {
    await parser;
    // The helper is left to end with the process (it does not keep it alive): stopping it cost ~8 ms.
    outcomes = checkFiles(tasks, helper ? (text) => helper.otherPart(text) : undefined);
  }
  if (args.verbose) {
    const threads = filesPerThread.length;
    io.stderr.write(`keras-lint: checked ${files.length} file${files.length === 1 ? '' : 's'} in ${Date.now() - started} ms on ${threads} thread${threads === 1 ? '' : 's'} (files per thread: ${filesPerThread.join(', ')}; ${helper ? `parsed in two parts with a helper thread: ${helper.used}; ` : ''}code cache: ${[io.codeCache, ...codeCacheOfWorkers].map((use) => use ?? 'unknown').join(', ')})\n`);
  }
  outcomes.forEach((outcome, i) => {
    const path = files[i];
    if (outcome.kind === 'error') {
      run.errors.push({ path, reason: outcome.reason });
      return;
    }
    fixed += outcome.fixed;
    if (outcome.hasSyntaxErrors) io.stderr.write(`keras-lint: ${displayPath(io.cwd, path)}: syntax errors; checked the parts that parse\n`);
    const report: FileReport = { path, findings: outcome.findings };
    run.files.push(report);
  });

  for (const e of run.errors) io.stderr.write(`keras-lint: ${displayPath(io.cwd, e.path)}: ${e.reason}\n`);
  const output = args.format === 'json' ? formatJson(run) : args.format === 'sarif' ? formatSarif(run) : formatText(run);
  if (reportPath === null) io.stdout.write(output);
  else if (!writeReport(reportPath, output, args.outputFile!, io)) return 2;
  if (args.fix && fixed) io.stderr.write(`keras-lint: fixed ${fixed} problem${fixed === 1 ? '' : 's'}\n`);

  const problems = run.files.some((f) => f.findings.length > 0);
  if (run.errors.length) return 1;
  return problems && !args.exitZero ? 1 : 0;
}

/** Why the report cannot be written to `path` (an errno code), or null when it can. */
function whyUnwritable(path: string): string | null {
  try {
    if (statSync(path).isDirectory()) return 'EISDIR';
    accessSync(path, constants.W_OK);
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return (error as NodeJS.ErrnoException).code ?? String(error);
  }
  try {
    // A new file: its folder must exist and take it (a dangling symlink's target folder, for one).
    const target = lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() ? resolve(dirname(path), readlinkSync(path)) : path;
    accessSync(dirname(target), constants.W_OK);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

/** The same file: the same path, or the same inode (a symlink or a hard link to it). */
function samePath(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

function writeReport(path: string, output: string, given: string, io: CliIo): boolean {
  try {
    writeFileSync(path, output);
    return true;
  } catch (error) {
    io.stderr.write(`keras-lint: error: cannot write the report to ${given}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return false;
  }
}

/** Command line over pyproject.toml: --select replaces, --ignore adds, --keras-version wins. */
function analysisOptions(args: CheckArgs, configs: ConfigReporter, path: string): AnalysisOptions {
  const config = configs.forFile(path).config;
  return {
    flavour: args.kerasVersion ?? config.kerasVersion ?? 'auto',
    workspacePins: findWorkspacePins(path),
    select: args.select ?? config.select,
    ignore: [...(config.ignore ?? []), ...args.ignore],
    severity: config.severity,
  };
}

/** Loads each file's `[tool.keras-lint]` and warns once about each config file's problems. */
class ConfigReporter {
  private readonly warned = new Set<string>();

  constructor(private readonly io: CliIo) {}

  forFile(path: string): LoadedConfig {
    const loaded = loadProjectConfig(path);
    if (loaded.path && !this.warned.has(loaded.path)) {
      this.warned.add(loaded.path);
      for (const problem of loaded.problems) this.io.stderr.write(`keras-lint: warning: ${problem}\n`);
    }
    return loaded;
  }

  /**
   * Whether a file or folder met in a folder walk is left out: its project says `enable = false`,
   * or an `exclude` entry matches it. Entries are globs (`*`, `?`, `**`), as in Ruff: one with a
   * `/` is a path relative to the pyproject.toml, one without a file or folder name. The walk asks
   * for every folder before it goes in, so an excluded folder leaves out what is inside; a folder
   * named on the command line is walked all the same (Ruff checks what it is given).
   */
  excludes(path: string): boolean {
    const loaded = this.forFile(path);
    if (!loaded.path) return false;
    if (loaded.config.enable === false) return true;
    if (!loaded.config.exclude?.length) return false;
    const rel = relative(dirname(loaded.path), path).split(sep).join('/');
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    return loaded.config.exclude.some((entry) => {
      const pattern = entry.replace(/^\.\//, '').replace(/\/$/, '');
      return globPattern(pattern).test(pattern.includes('/') ? rel : name);
    });
  }
}

/** A glob as a regular expression over a `/`-separated path: `**` any folders, `*` and `?` within one name. */
function globPattern(glob: string): RegExp {
  const source = glob.replace(/\*\*\/|\*\*|\*|\?|[.+^${}()|[\]\\]/g, (token) => {
    if (token === '**/') return '(?:.*/)?';
    if (token === '**') return '.*';
    if (token === '*') return '[^/]*';
    if (token === '?') return '[^/]';
    return `\\${token}`;
  });
  return new RegExp(`^${source}$`);
}
