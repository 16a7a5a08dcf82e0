// Child processes of the e2e run. Each one gets its own process group (detached), so that it and
// whatever it started (the language server, code-server's extension host) can be ended together by
// that group's id, and only by it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Groups started by this run and not yet ended: ended by their ids if the run itself is stopped,
// then the other clean-ups registered with atInterrupt (temp folders) run.
const started = new Set();
const cleanups = new Set();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, async () => {
    await Promise.all([...started].map((pgid) => endGroup(pgid, 1000)));
    for (const cleanup of cleanups) {
      try { cleanup(); } catch { /* best effort */ }
    }
    process.exit(130);
  });
}

/** Registers `cleanup` to run if the run is stopped by a signal; returns the function to unregister it. */
export function atInterrupt(cleanup) {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Spawns `cmd` as the leader of a new process group; the group is ended if the run is stopped. */
export function spawnGroup(cmd, args, options) {
  const child = spawn(cmd, args, { ...options, detached: true });
  if (child.pid) {
    started.add(child.pid);
    child.on('exit', () => { if (!groupAlive(child.pid)) started.delete(child.pid); });
  }
  return child;
}

/** True while any process of the group `pgid` is alive. */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** SIGTERM to the group, SIGKILL after `graceMs` if anything is left. Resolves once it is empty. */
export async function endGroup(pgid, graceMs = 3000) {
  if (!groupAlive(pgid)) return started.delete(pgid);
  try { process.kill(-pgid, 'SIGTERM'); } catch { /* already gone */ }
  for (let waited = 0; waited < graceMs && groupAlive(pgid); waited += 100) await sleep(100);
  if (groupAlive(pgid)) {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
    for (let i = 0; i < 20 && groupAlive(pgid); i++) await sleep(100);
  }
  if (!groupAlive(pgid)) started.delete(pgid);
}

/**
 * Runs `cmd args` in its own process group with stdout/stderr to `logFile`; ends the group after
 * `timeoutMs`. Resolves with {code, signal, timedOut, ms, leftover}: `leftover` is true when
 * processes of the group (e.g. a language server that ignored `exit`) outlived the editor by
 * `lingerMs`; they are ended before this resolves.
 */
export function runInGroup(cmd, args, { env, cwd, timeoutMs, logFile, lingerMs = 5000 }) {
  const t0 = Date.now();
  const log = fs.openSync(logFile, 'w');
  const child = spawnGroup(cmd, args, { env, cwd, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      endGroup(child.pid);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, timedOut, ms: Date.now() - t0, leftover: false, error: String(error) });
    });
    child.on('exit', async (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - t0;
      let leftover = false;
      for (let waited = 0; groupAlive(child.pid) && waited < lingerMs; waited += 100) await sleep(100);
      if (groupAlive(child.pid)) {
        leftover = true;
        await endGroup(child.pid);
      }
      resolve({ code, signal, timedOut, ms, leftover });
    });
  });
}

/**
 * Pids of the processes whose environment holds `NAME=value` exactly: how this run finds the
 * processes it started through a library that does not tell their ids (Playwright's chromium).
 */
export function pidsWithEnv(name, value) {
  const wanted = `${name}=${value}`;
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(path.join('/proc', entry, 'environ'), 'latin1').split('\0').includes(wanted)) pids.push(Number(entry));
    } catch { /* gone, or not ours to read */ }
  }
  return pids;
}

/** SIGKILLs each pid; resolves when they are gone (or after 2 s). */
export async function endPids(pids) {
  for (const pid of pids) try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  for (let i = 0; i < 20 && pids.some(pidAlive); i++) await sleep(100);
}
