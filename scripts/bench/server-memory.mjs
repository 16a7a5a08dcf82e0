// Resident memory of the language server with many open documents: spawns
// `node bin/keras-lint.js server --stdio`, initializes, opens every .py file of a folder, waits until
// each has its diagnostics published, then reads VmRSS from /proc/<pid>/status (Linux).
// Prints one JSON line: {"documents", "rssMB", "diagnosed"} or {"error"}.
// Usage: node scripts/bench/server-memory.mjs FOLDER
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const folder = process.argv[2];
const TIMEOUT_MS = 60000;

function done(result, server) {
  process.stdout.write(JSON.stringify(result) + '\n');
  server?.kill();
  process.exit(0);
}

const server = spawn(process.execPath, [join(root, 'bin', 'keras-lint.js'), 'server', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
const timer = setTimeout(() => done({ error: 'no answer from the server within 60 s' }, server), TIMEOUT_MS);
let stderr = '';
server.stderr.on('data', (chunk) => (stderr += chunk));
server.on('exit', (code) => done({ error: `server exited (${code}): ${stderr.trim().split('\n')[0] ?? ''}` }));

let nextId = 1;
const pending = new Map();
function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
  server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  server.stdin.write(body);
}
function request(method, params) {
  const id = nextId++;
  send({ id, method, params });
  return new Promise((resolve) => pending.set(id, resolve));
}

const diagnosed = new Set();
let onDiagnostics = () => {};
let buffer = Buffer.alloc(0);
server.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
    buffer = buffer.subarray(headerEnd + 4 + length);
    if (message.id !== undefined && pending.has(message.id)) {
      pending.get(message.id)(message.result);
      pending.delete(message.id);
    } else if (message.id !== undefined && message.method) {
      // A request from the server (configuration, registration): answer with nothing.
      send({ id: message.id, result: message.method === 'workspace/configuration' ? (message.params?.items ?? []).map(() => null) : null });
    } else if (message.method === 'textDocument/publishDiagnostics') {
      diagnosed.add(message.params.uri);
      onDiagnostics();
    }
  }
});

const files = readdirSync(folder).filter((name) => name.endsWith('.py')).sort();
await request('initialize', { processId: process.pid, rootUri: pathToFileURL(folder).href, capabilities: {}, workspaceFolders: null });
send({ method: 'initialized', params: {} });
for (const name of files) {
  const uri = pathToFileURL(join(folder, name)).href;
  send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'python', version: 1, text: readFileSync(join(folder, name), 'utf8') } } });
}
await new Promise((resolve) => {
  onDiagnostics = () => diagnosed.size >= files.length && resolve();
  onDiagnostics();
});
// Let the heap settle after the last analysis before reading it.
await new Promise((resolve) => setTimeout(resolve, 1000));
clearTimeout(timer);
const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
server.removeAllListeners('exit');
done({ documents: files.length, diagnosed: diagnosed.size, rssMB: Math.round((rssKb / 1024) * 10) / 10 }, server);
