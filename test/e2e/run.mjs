#!/usr/bin/env node
// `npm run test:e2e`: keras-lint in real editors, against the built artefacts (dist/, keras-lint.vsix).
// Needs `scripts/e2e-setup.sh` first (Debian chromium, neovim, emacs + eglot; code-server and
// playwright-core in .e2e/). Prints which editor each scenario drives and ends with
// "N passed, N failed" (one count per scenario; also in test-results/e2e/summary.json).
//
// usage: node test/e2e/run.mjs [nvim] [emacs] [code-server]   (default: all)
// env: KL_E2E_SKIP_BUILD=1  use dist/ and keras-lint.vsix as they are
//      KL_E2E_VSIX=path     the .vsix to install (default: keras-lint.vsix, made by `npm run package`)
//      KL_E2E_CODE_SERVER_ATTEMPTS=1  no second attempt for failed code-server scenarios (default 2)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCodeServerScenarios } from './scenarios/codeServer.mjs';
import { runHeadlessScenario } from './scenarios/headless.mjs';
import { RESULTS_DIR, ROOT } from './lib/workspace.mjs';

const EDITORS = ['nvim', 'emacs', 'code-server'];
const CODE_SERVER_ATTEMPTS = Number(process.env.KL_E2E_CODE_SERVER_ATTEMPTS ?? 2);
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : EDITORS;
for (const w of wanted) if (!EDITORS.includes(w)) { console.error(`unknown editor '${w}' (one of ${EDITORS.join(', ')})`); process.exit(2); }

const t0 = Date.now();
fs.rmSync(RESULTS_DIR, { recursive: true, force: true }); // no stale screenshots from an earlier run
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const results = []; // {name, editor, ok, failures, ms}

function report({ name, editor, checks, ms, note }) {
  results.push({ name, editor, ok: checks.ok, failures: checks.failures, ms });
  console.log(`${checks.ok ? 'PASS' : 'FAIL'} ${name} (${checks.passed} checks passed, ${checks.failures.length} failed, ${seconds(ms)})${note ? ` — ${note}` : ''}`);
  for (const f of checks.failures) console.log(`     ✗ ${f}`);
}

function sh(what, cmd, args) {
  const t = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  console.log(`[e2e] ${what}: exit ${r.status} (${seconds(Date.now() - t)})`);
  return r.status === 0;
}

// the artefacts under test: dist/ (Neovim, Emacs) and the .vsix (code-server; `npm run package` builds dist/ too)
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
const vsix = process.env.KL_E2E_VSIX ?? path.join(ROOT, 'keras-lint.vsix');
const packageVsix = wanted.includes('code-server') && !process.env.KL_E2E_VSIX && Boolean(scripts.package);
if (process.env.KL_E2E_SKIP_BUILD !== '1') {
  const built = packageVsix
    ? sh('build and package (npm run package)', 'npm', ['run', '--silent', 'package'])
    : sh('build (node scripts/build.mjs)', process.execPath, ['scripts/build.mjs']);
  if (!built) {
    for (const editor of wanted) report({ name: `${editor}: build`, editor, checks: crashed('the build failed: nothing to test'), ms: 0 });
    finish();
  }
}

for (const editor of wanted.filter((e) => e !== 'code-server')) {
  console.log(`\n[e2e] editor: ${editor} — python file, ${editor === 'nvim' ? 'Neovim built-in LSP client' : 'Eglot'}, server over stdio`);
  const t = Date.now();
  try {
    const { checks, ms, timings, version } = await runHeadlessScenario(editor);
    const steps = Object.entries(timings ?? {}).sort((a, b) => a[1] - b[1]).map(([step, at]) => `${step} ${at}`).join(', ');
    report({ name: `${editor}: diagnostics, hover, quick fix`, editor, checks, ms, note: `${editor} ${version ?? '?'}; ms after start: ${steps}` });
  } catch (e) {
    report({ name: `${editor}: diagnostics, hover, quick fix`, editor, checks: crashed(e), ms: Date.now() - t });
  }
}

if (wanted.includes('code-server')) {
  console.log('\n[e2e] editor: code-server — VS Code in Debian chromium (playwright-core), the .vsix installed');
  if (!packageVsix && !process.env.KL_E2E_VSIX) console.log(`[e2e] package.json has no "package" script: using ${path.basename(vsix)} as it is`);
  const t = Date.now();
  try {
    // a scenario that fails is run again once in a fresh session (fresh server, browser and
    // workspace): a UI timing flake passes then, visibly marked; a real fault fails both times
    let outcome = await runCodeServerScenarios({ vsix });
    const retry = outcome.filter((r) => !r.checks.ok).map((r) => r.key);
    if (retry.length && CODE_SERVER_ATTEMPTS > 1) {
      console.log(`[e2e] code-server: ${retry.join(', ')} failed; running ${retry.length === 1 ? 'it' : 'them'} again in a fresh session`);
      const again = await runCodeServerScenarios({ vsix, keys: retry, attempt: 2 });
      outcome = outcome.map((first) => {
        const second = again.find((r) => r.key === first.key);
        if (!second) return first;
        const note = second.checks.ok ? `passed on attempt 2; attempt 1 failed: ${first.checks.failures.join('; ')}` : 'failed on both attempts';
        return { ...second, ms: first.ms + second.ms, note };
      });
    }
    for (const r of outcome) report({ ...r, editor: 'code-server' });
  } catch (e) {
    report({ name: 'code-server', editor: 'code-server', checks: crashed(e), ms: Date.now() - t });
  }
}

/** A scenario that could not run: `why` is a message or an exception. */
function crashed(why) {
  return { ok: false, passed: 0, failures: [typeof why === 'string' ? why : `harness error: ${why?.stack ?? why}`] };
}

finish();

function finish() {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, 'summary.json'), JSON.stringify({ passed, failed, ms: Date.now() - t0, scenarios: results }, null, 2));
  console.log(`\n[e2e] total ${seconds(Date.now() - t0)}; screenshots and logs in ${path.relative(ROOT, RESULTS_DIR)}/`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && results.length > 0 ? 0 : 1);
}
