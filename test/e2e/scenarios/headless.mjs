// Neovim and Emacs scenarios: the editor runs headless with a check script (test/e2e/nvim,
// test/e2e/emacs) that drives the language server through the editor's own LSP client and writes
// what it saw as JSON; the assertions are here, the same for both editors.
import fs from 'node:fs';
import path from 'node:path';
import { pythonScenario as expected, serverCommand } from '../expectations.mjs';
import { Checks, hoverMarkdown } from '../lib/check.mjs';
import { pidAlive, runInGroup } from '../lib/processes.mjs';
import { E2E_DIR, makeTempDir, makeWorkspace, removeTempDir, resultsDir } from '../lib/workspace.mjs';

const EDITORS = {
  nvim: {
    // XDG folders keep lsp.log and the shada/cache files out of the real home
    command: (file) => ['nvim', ['--headless', '-n', '-i', 'NONE', '-u', path.join(E2E_DIR, 'nvim', 'lsp-check.lua'), file]],
    env: (home) => ({
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_DATA_HOME: path.join(home, 'data'),
      XDG_STATE_HOME: path.join(home, 'state'),
      XDG_CACHE_HOME: path.join(home, 'cache'),
    }),
    /** vim.diagnostic.get() entries */
    showsRule: (d) => d.lnum === expected.range.start.line && d.col === expected.range.start.character && d.code === expected.rule,
  },
  emacs: {
    // plain --batch, not -Q: Debian's site-start puts elpa-eglot on the load-path
    command: (file) => ['emacs', ['--batch', '-l', path.join(E2E_DIR, 'emacs', 'eglot-check.el'), file]],
    env: (home) => ({ HOME: home }),
    /** Flymake diagnostics; Eglot writes the code into the text as "source [KL002]: message" */
    showsRule: (d) => d.line === expected.range.start.line && d.message.includes(`[${expected.rule}]`),
  },
};

export async function runHeadlessScenario(editor, { timeoutMs = Number(process.env.KL_E2E_EDITOR_TIMEOUT_MS ?? 90000) } = {}) {
  const spec = EDITORS[editor];
  const out = resultsDir(editor);
  const workspace = makeWorkspace(editor, { [expected.file]: expected.source });
  const home = makeTempDir(`${editor}-home`);
  const resultFile = path.join(out, 'result.json');
  const checks = new Checks();
  try {
    const [cmd, args] = spec.command(expected.file);
    const run = await runInGroup(cmd, args, {
      cwd: workspace,
      env: {
        ...process.env,
        ...spec.env(home),
        KL_SERVER_CMD: JSON.stringify(serverCommand()),
        KL_RULE: expected.rule,
        KL_OUT: resultFile,
        KL_TIMEOUT_MS: String(Math.max(timeoutMs - 15000, timeoutMs / 2)),
      },
      timeoutMs,
      logFile: path.join(out, `${editor}.log`),
    });
    const result = fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : null;
    checks.that(!run.timedOut, `${editor} ended by itself within ${timeoutMs} ms`);
    checks.that(run.code === 0, `${editor} exit code 0`, { code: run.code, signal: run.signal, error: run.error });
    if (!checks.that(result, `${editor} wrote ${resultFile}`)) return { checks, ms: run.ms };
    checks.that(result.ok === true, 'the check script ran to the end', result.error);
    assertLspFlow(result, checks, spec, path.join(workspace, expected.file));
    checks.that(!run.leftover, `no process of the ${editor} run outlived it (the server must exit with the editor)`);
    if (result.server_pid) checks.that(!pidAlive(result.server_pid), `server pid ${result.server_pid} has exited`);
    return { checks, ms: run.ms, timings: result.timings_ms, version: result.version };
  } finally {
    removeTempDir(workspace);
    removeTempDir(home);
  }
}

function assertLspFlow(result, checks, spec, fileOnDisk) {
  const { rule, range } = expected;
  const published = (result.diagnostics ?? []).find((d) => d.code === rule);
  if (checks.that(published, `the server published ${rule}`, result.diagnostics)) {
    checks.that(sameRange(published.range, range), `${rule} range is the loss string`, { got: published.range, expected: range });
    checks.that(published.severity === expected.severity, `${rule} is a warning`, published.severity);
    for (const words of expected.messageIncludes) checks.that(published.message.includes(words), `${rule} message mentions '${words}'`, published.message);
  }
  checks.that((result.editor_diagnostics ?? []).some(spec.showsRule), `the editor shows ${rule} at line ${range.start.line + 1}`, result.editor_diagnostics);

  const hover = hoverMarkdown(result.hover);
  checks.that(hover.includes(expected.hoverMarkdownIncludes), `hover on the loss says '${expected.hoverMarkdownIncludes}'`, hover);

  checks.that((result.code_actions ?? []).length > 0, 'code actions offered', result.code_actions);
  checks.that(String(result.applied_action ?? '').includes(expected.fixTitleIncludes), `preferred quick fix mentions ${expected.fixTitleIncludes}`, result.applied_action);

  const before = expected.text.split('\n');
  const after = String(result.buffer_after_fix ?? '').split('\n');
  const changed = before.map((l, i) => (l === after[i] ? -1 : i)).filter((i) => i >= 0);
  checks.that(after[range.start.line]?.includes(expected.fixed), `buffer line ${range.start.line + 1} now has ${expected.fixed}`, after[range.start.line]);
  checks.that(changed.length === 1 && after.length === before.length, 'the fix changed exactly that line', changed);
  checks.that(!(result.diagnostics_after_fix ?? [{ code: rule }]).some((d) => d.code === rule), `${rule} is gone after the fix`, result.diagnostics_after_fix);
  checks.that(!(result.editor_diagnostics_after_fix ?? [{}]).some(spec.showsRule), `the editor no longer shows ${rule}`, result.editor_diagnostics_after_fix);

  const disk = fs.readFileSync(fileOnDisk, 'utf8');
  checks.that(disk === result.buffer_after_fix, 'the saved file on disk is the fixed buffer', disk.split('\n')[range.start.line]);
}

function sameRange(a, b) {
  const same = (p, q) => p?.line === q.line && p?.character === q.character;
  return same(a?.start, b.start) && same(a?.end, b.end);
}
