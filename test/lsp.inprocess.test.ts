// The same server factory driven in-process over a pair of streams (no build, no child process):
// what createServer(connection) exists for. The protocol tests against the built bundle are in
// lsp.stdio.test.ts; this one checks that the factory is self-contained and cleans up.
import { PassThrough } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import {
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader as ClientReader,
  StreamMessageWriter as ClientWriter,
  type MarkupContent,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { createServer } from '../server/src/lsp/server';

const toServer = new PassThrough();
const toClient = new PassThrough();
// Reader/writer objects, not raw streams: with raw streams the connection would exit the process when they close.
const serverConnection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
const server = createServer(serverConnection);
const client = createProtocolConnection(new ClientReader(toClient), new ClientWriter(toServer));
client.listen();

afterAll(() => {
  server.dispose();
  client.dispose();
  serverConnection.dispose();
});

it('initializes, publishes diagnostics and answers hovers in-process', async () => {
  const result = await client.sendRequest(InitializeRequest.type, {
    processId: null,
    rootUri: null,
    workspaceFolders: null,
    capabilities: {},
    initializationOptions: { debounceMs: 0, settings: { kerasVersion: 'keras3' } },
  });
  expect(result.capabilities.hoverProvider).toBe(true);
  await client.sendNotification(InitializedNotification.type, {});

  const uri = 'untitled:Untitled-1';
  const text = "import keras\nm = keras.Sequential([keras.layers.Dense(3, activation='sigmoid')])\nm.compile(loss='categorical_crossentropy', metrics=['accuracy'])\n";
  const publications: PublishDiagnosticsParams[] = [];
  const waiters: (() => void)[] = [];
  client.onNotification(PublishDiagnosticsNotification.type, (p) => {
    publications.push(p);
    waiters.splice(0).forEach((w) => w());
  });
  const nextPublication = () => new Promise<PublishDiagnosticsParams>((resolve) => waiters.push(() => resolve(publications[publications.length - 1])));
  const published = nextPublication();
  await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
  const p = await published;
  expect(p.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character])).toEqual([['KL003', 2, 15, 41]]);

  // Settings from initializationOptions (no workspace/configuration support): keras3, so 'accuracy' is shape-based.
  const hover = await client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 2, character: 3 } });
  expect((hover?.contents as MarkupContent).value).toContain('- **Keras flavour:** Keras 3 (also tf.keras from TF 2.16) — from the setting: keras-lint flavour setting');

  // Without workspace/configuration, settings pushed with didChangeConfiguration apply.
  const rechecked = nextPublication();
  await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { 'keras-lint': { ignore: ['KL003'], 'keras-version': 'keras2' } } });
  expect((await rechecked).diagnostics).toEqual([]);
  // kebab-case keys, as pyproject.toml spells them, are read too.
  const kebab = await client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 2, character: 3 } });
  expect((kebab?.contents as MarkupContent).value).toContain('- **Keras flavour:** Keras 2 (standalone Keras 2.0–2.3, tf.keras ≤ 2.1) — from the setting');
  await client.sendRequest(ShutdownRequest.type);
});
