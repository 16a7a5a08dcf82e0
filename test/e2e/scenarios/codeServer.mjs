// code-server scenarios: one code-server (VS Code 1.100 in the browser, from .e2e/) with the
// project's .vsix installed, on 127.0.0.1 with auth off and throwaway data/extension folders,
// driven in Debian's chromium by playwright-core. Two scenarios share that server and browser:
// a Python file and a notebook cell (start-up is most of the cost).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Workbench, waitForFile } from '../code-server/workbench.mjs';
import { notebookScenario, pythonScenario } from '../expectations.mjs';
import { Checks } from '../lib/check.mjs';
import { atInterrupt, endGroup, endPids, pidsWithEnv, runInGroup, sleep, spawnGroup } from '../lib/processes.mjs';
import { makeTempDir, makeWorkspace, removeTempDir, resultsDir, ROOT } from '../lib/workspace.mjs';

const CODE_SERVER = path.join(ROOT, '.e2e', 'code-server', 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.KL_E2E_CHROMIUM ?? '/usr/bin/chromium';
const NAMES = {
  python: 'code-server: python file — squiggle, Problems, hover, quick fix, saved',
  notebook: 'code-server: notebook cell — squiggle, Problems, hover, quick fix, saved',
};

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.editor.enablePreview': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'editor.hover.delay': 150,
  'files.autoSave': 'off',
  'notebook.lineNumbers': 'on',
};

/**
 * One code-server session running the scenarios named in `keys` ('python', 'notebook'); resolves
 * with {key, name, checks, ms} for each. `attempt` > 1 keeps the results of earlier attempts apart.
 */
export async function runCodeServerScenarios({ vsix, keys = Object.keys(NAMES), attempt = 1 }) {
  const suffix = attempt > 1 ? `-attempt${attempt}` : '';
  const out = resultsDir(`code-server${suffix}`);
  const log = logger(path.join(out, 'driver.log'));
  const t0 = Date.now();
  const failAll = (why) => keys.map((key) => failed(key, why, Date.now() - t0));
  const problem = preconditions(vsix);
  if (problem) return failAll(problem);

  const run = makeTempDir('code-server');
  const workspace = makeWorkspace('code-server-ws', {
    [pythonScenario.file]: pythonScenario.source,
    [notebookScenario.file]: notebookScenario.source,
  });
  for (const d of ['ud/User', 'ext', 'xdg-config', 'xdg-data', 'xdg-cache', 'tmp']) fs.mkdirSync(path.join(run, d), { recursive: true });
  fs.writeFileSync(path.join(run, 'ud', 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const env = {
    ...process.env,
    // code-server and chromium write ~/.config, ~/.local/share and ~/.cache otherwise
    XDG_CONFIG_HOME: path.join(run, 'xdg-config'),
    XDG_DATA_HOME: path.join(run, 'xdg-data'),
    XDG_CACHE_HOME: path.join(run, 'xdg-cache'),
    TMPDIR: path.join(run, 'tmp'),
    // marks every process of this session, so that none can outlive it unnoticed
    KL_E2E_RUN: run,
    // the default gallery (Open VSX) is off-machine: point it at a closed loopback port
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/items' }),
  };
  // if the run is stopped: whatever still carries this session's mark (chromium, code-server)
  const forgetSweep = atInterrupt(() => {
    for (const pid of pidsWithEnv('KL_E2E_RUN', run)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  });
  const dirs = ['--user-data-dir', path.join(run, 'ud'), '--extensions-dir', path.join(run, 'ext')];
  let server = null;
  let browser = null;
  try {
    const install = await runInGroup(CODE_SERVER, [...dirs, '--install-extension', vsix], {
      env, cwd: run, timeoutMs: 120000, logFile: path.join(out, 'install-extension.log'),
    });
    const installLog = fs.readFileSync(path.join(out, 'install-extension.log'), 'utf8');
    if (install.code !== 0 || !/successfully installed/i.test(installLog)) {
      return failAll(`installing ${path.basename(vsix)} failed (exit ${install.code}): ${installLog.trim().split('\n').pop()}`);
    }
    log(`extension installed (${install.ms} ms)`);

    const port = await freePort();
    const serverLog = fs.openSync(path.join(out, 'code-server.log'), 'w');
    server = spawnGroup(CODE_SERVER, [
      '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', ...dirs, workspace,
    ], { env, cwd: run, stdio: ['ignore', serverLog, serverLog] });
    fs.closeSync(serverLog);
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
    await waitForHealth(port, server, 90000);
    log(`code-server up on 127.0.0.1:${port} (${Date.now() - t0} ms)`);

    const { chromium } = await importPlaywright();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      env,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        // keep every request of the page on loopback: any other host fails to resolve
        '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
    });
    log(`chromium ${browser.version()}, pids ${pidsWithEnv('KL_E2E_RUN', run).join(' ')}`);
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => log(`page error: ${e}`));

    const results = [];
    let workbenchOpen = false;
    for (const key of keys) {
      const scenario = { python: runPythonScenario, notebook: runNotebookScenario }[key];
      const dir = resultsDir(`code-server-${key}${suffix}`);
      const bench = new Workbench(page, dir, (m) => log(`[${key}] ${m}`));
      const checks = new Checks();
      const t = Date.now();
      try {
        if (!workbenchOpen) {
          await bench.open(url);
          workbenchOpen = true;
          log(`workbench visible (${Date.now() - t0} ms)`);
        }
        await scenario(bench, checks, workspace);
      } catch (e) {
        checks.that(false, `${key} scenario stopped: ${String(e).split('\n')[0]}`);
        await bench.screenshot('failure');
        await page.keyboard.press('Escape').catch(() => {});
      }
      results.push({ key, name: NAMES[key], checks, ms: Date.now() - t });
    }
    return results;
  } catch (e) {
    return failAll(`code-server session: ${e?.stack ?? e}`);
  } finally {
    if (browser) await browser.close().catch((e) => log(`closing chromium: ${e}`));
    if (server?.pid) await endGroup(server.pid);
    const leftover = pidsWithEnv('KL_E2E_RUN', run);
    if (leftover.length) {
      log(`processes left after the session, ended now: ${leftover.join(' ')}`);
      await endPids(leftover);
    }
    forgetSweep();
    log(`session ended (${Date.now() - t0} ms)`);
    removeTempDir(workspace);
    removeTempDir(run);
  }
}

/** Both scenarios up to the fix: squiggle, Problems entry, hover, then the quick fix chosen from Ctrl+. */
async function diagnoseHoverAndFix(bench, checks, x, { editorLine, where, lineText }) {
  const position = `[Ln ${x.range.start.line + 1}, Col ${x.range.start.character + 1}]`;
  await bench.openFromExplorer(x.file, editorLine);
  await bench.waitForSquiggleUnder(lineText, 'binary_crossentropy');
  checks.that(true, `warning squiggle under "binary_crossentropy"${where}`);
  await bench.screenshot('squiggle');

  const rows = await bench.waitForProblems((r) => r.some((t) => t.includes(x.rule) && t.includes(position)), `${x.rule} ${position}`);
  const row = rows.find((t) => t.includes(x.rule) && t.includes(position));
  for (const words of x.messageIncludes) checks.that(row.includes(words), `Problems entry mentions '${words}'`, row);
  checks.that(rows.some((t) => t.includes(x.file)), `Problems panel groups it under ${x.file}`, rows);
  await bench.screenshot('problems');
  await bench.hidePanel();

  const hover = await bench.hover(lineText, 'binary_crossentropy', x.hoverTextIncludes);
  checks.that(hover.includes(x.hoverTextIncludes), `hover says '${x.hoverTextIncludes}'`, hover);
  await bench.screenshot('hover');
  await bench.closeHover();

  const offered = await bench.quickFix(lineText, 'binary_crossentropy', x.fixTitleIncludes ?? 'categorical_crossentropy', () => bench.screenshot('quick-fix-menu'));
  await bench.waitForLine(x.fixed);
  checks.that(true, `${where ? 'cell' : 'editor'} shows ${x.fixed}`);
  await bench.save();
  return { position, offered };
}

/** Both scenarios after the save: the problem is gone from the panel and the squiggle from the code. */
async function problemGone(bench, checks, x, position) {
  await bench.waitForProblems((r) => r.length > 0 && !r.some((t) => t.includes(x.rule) && t.includes(position)), `${x.rule} gone`, 30000);
  checks.that(true, `${x.rule} gone from the Problems panel`);
  await bench.screenshot('problems-after-fix');
  await bench.hidePanel();
  await bench.reveal(x.fixed, 'categorical_crossentropy');
  checks.that(!(await bench.squiggleUnder(x.fixed, 'categorical_crossentropy')), 'no squiggle under the fixed loss');
  await bench.screenshot('after-fix');
}

/** The text of the line holding the mistake, up to and including it (what the page searches for). */
function mistakeLine(text, x) {
  const line = text.split('\n')[x.range.start.line];
  return line.slice(0, line.indexOf(x.mistake) + x.mistake.length);
}

async function runPythonScenario(bench, checks, workspace) {
  const x = pythonScenario;
  const { position, offered } = await diagnoseHoverAndFix(bench, checks, x, {
    editorLine: '.editor-instance .monaco-editor .view-line', where: '', lineText: mistakeLine(x.text, x),
  });
  checks.that(offered.some((t) => t.includes(x.rule)), `the Quick Fix menu also offers to ignore ${x.rule}`, offered);
  const file = path.join(workspace, x.file);
  const disk = await waitForFile(file, (t) => t.includes(x.fixed), x.fixed);
  const before = x.text.split('\n');
  const after = disk.split('\n');
  const changed = before.map((l, i) => (l === after[i] ? -1 : i)).filter((i) => i >= 0);
  checks.that(changed.length === 1 && changed[0] === x.range.start.line && after.length === before.length,
    `on disk only line ${x.range.start.line + 1} changed`, changed);
  await problemGone(bench, checks, x, position);
}

async function runNotebookScenario(bench, checks, workspace) {
  const x = notebookScenario;
  const { position } = await diagnoseHoverAndFix(bench, checks, x, {
    editorLine: '.notebook-editor .cell-list-container .monaco-editor .view-line', where: ' in the cell', lineText: mistakeLine(x.cellText, x),
  });
  const file = path.join(workspace, x.file);
  const original = JSON.parse(fs.readFileSync(x.source, 'utf8')).cells.map(cellText);
  const cellsOf = (text) => { try { return JSON.parse(text).cells.map(cellText); } catch { return []; } };
  const disk = cellsOf(await waitForFile(file, (t) => cellsOf(t).some((c) => c.includes(x.fixed)), x.fixed));
  const changed = original.map((c, i) => (c === disk[i] ? -1 : i)).filter((i) => i >= 0);
  checks.that(changed.length === 1 && changed[0] === x.cellIndex && disk.length === original.length,
    `on disk only cell ${x.cellIndex + 1} changed`, changed);
  checks.that(disk[x.cellIndex] === x.cellText.replace(x.mistake, x.fixed), 'the cell on disk is the fixed cell', disk[x.cellIndex]);
  await problemGone(bench, checks, x, position);
}

const cellText = (cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

function preconditions(vsix) {
  if (!fs.existsSync(CODE_SERVER)) return `${path.relative(ROOT, CODE_SERVER)} missing: run scripts/e2e-setup.sh`;
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} missing: run scripts/e2e-setup.sh`;
  if (!fs.existsSync(vsix)) return `${vsix} missing: run npm run package`;
  return null;
}

function failed(key, why, ms) {
  const checks = new Checks();
  checks.that(false, why);
  return { key, name: NAMES[key], checks, ms };
}

/** playwright-core from the project's node_modules, else from .e2e/ (scripts/e2e-setup.sh). */
async function importPlaywright() {
  let module;
  try {
    module = await import('playwright-core');
  } catch {
    const require = createRequire(path.join(ROOT, '.e2e', 'package.json'));
    module = await import(pathToFileURL(require.resolve('playwright-core')).href);
  }
  return module.chromium ? module : module.default; // a CommonJS package: its exports may sit on default
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitForHealth(port, child, timeout) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} (see code-server.log)`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`code-server not healthy on 127.0.0.1:${port} after ${timeout} ms`);
}

function logger(file) {
  const t0 = Date.now();
  fs.writeFileSync(file, '');
  return (message) => {
    const line = `[${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`;
    fs.appendFileSync(file, `${line}\n`);
    if (process.env.KL_E2E_VERBOSE) console.log(`  ${line}`);
  };
}
