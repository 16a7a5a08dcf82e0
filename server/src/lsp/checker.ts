// Runs the analysis of files and notebooks on a short debounce and publishes the diagnostics.
// A notebook's code cells are analysed together, in order, and each cell gets its own diagnostics.
// Every publication carries the document version it was computed from, and a result whose
// documents changed meanwhile is dropped. A failing run is logged and the last good result kept.
import { NotebookCellKind, type Connection, type Diagnostic, type NotebookDocument, type NotebookDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeNotebook, DocumentAnalyzer } from '../core/analyze';
import { isSuppressed } from '../core/suppression';
import { diagnosticsOf } from './diagnostics';
import { MAX_KEPT_TREES, type ParsedDocuments } from './documents';
import type { SettingsStore } from './settings';
import { makePart, type Snapshot, type SnapshotPart } from './snapshot';

export class Checker {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly snapshots = new Map<string, Snapshot>();
  /**
   * Per file or notebook being edited: re-analysis after an edit re-runs only the statements the
   * edit can affect. Kept for as many documents as keep their tree (the others start afresh).
   */
  private readonly analyzers = new Map<string, DocumentAnalyzer>();
  /** Diagnostics last published per document URI (only non-empty lists are kept). */
  private readonly published = new Map<string, Diagnostic[]>();
  private readonly openNotebooks = new Set<string>();
  /** Documents and notebooks whose settings say `enable: false`. */
  private readonly disabled = new Set<string>();
  /** Set by dispose (the server shut down): nothing is scheduled or published any more. */
  private disposed = false;
  /** Called after a new result replaced an old one (e.g. to refresh inlay hints). */
  onResult: (snapshot: Snapshot) => void = () => {};

  constructor(
    private readonly connection: Connection,
    private readonly docs: ParsedDocuments,
    private readonly notebooks: NotebookDocuments<TextDocument>,
    private readonly settings: SettingsStore,
    public debounceMs: number,
  ) {}

  /** Check a document (or a notebook, by its URI) after the debounce. */
  schedule(key: string): void {
    if (this.disposed) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.run(key);
    }, this.debounceMs));
  }

  notebookOpened(uri: string): void {
    this.openNotebooks.add(uri);
    this.schedule(uri);
  }

  notebookClosed(notebook: NotebookDocument): void {
    this.openNotebooks.delete(notebook.uri);
    this.cancel(notebook.uri);
    this.analyzers.delete(notebook.uri);
    const cells = new Set(notebook.cells.map((c) => c.document));
    for (const part of this.snapshots.get(notebook.uri)?.parts ?? []) cells.add(part.uri);
    this.snapshots.delete(notebook.uri);
    this.disabled.delete(notebook.uri);
    for (const uri of cells) this.clearDiagnostics(uri);
  }

  documentClosed(uri: string): void {
    this.cancel(uri);
    this.snapshots.delete(uri);
    this.analyzers.delete(uri);
    this.disabled.delete(uri);
    this.clearDiagnostics(uri);
  }

  /** Re-check every open file and notebook (settings changed). */
  recheckAll(): void {
    for (const document of this.docs.documents.all()) {
      if (!this.notebooks.findNotebookDocumentForCell(document.uri)) this.schedule(document.uri);
    }
    for (const uri of this.openNotebooks) this.schedule(uri);
  }

  /** The latest result covering a document or notebook cell, and that document's part of it. */
  snapshotFor(uri: string): { snapshot: Snapshot; part: SnapshotPart } | null {
    const key = this.notebooks.findNotebookDocumentForCell(uri)?.uri ?? uri;
    const snapshot = this.snapshots.get(key);
    const part = snapshot?.parts.find((p) => p.uri === uri);
    return snapshot && part ? { snapshot, part } : null;
  }

  /** False when the settings of the document (or its notebook) turn keras-lint off. */
  isEnabled(uri: string): boolean {
    return !this.disabled.has(this.notebooks.findNotebookDocumentForCell(uri)?.uri ?? uri);
  }

  /** The diagnostics last published for a document. */
  diagnosticsOf(uri: string): Diagnostic[] {
    return this.published.get(uri) ?? [];
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private analyzerFor(key: string): DocumentAnalyzer {
    const analyzer = this.analyzers.get(key) ?? new DocumentAnalyzer();
    // Most recently used last: the first ones are dropped.
    this.analyzers.delete(key);
    this.analyzers.set(key, analyzer);
    for (const old of this.analyzers.keys()) {
      if (this.analyzers.size <= MAX_KEPT_TREES) break;
      this.analyzers.delete(old);
    }
    return analyzer;
  }

  private cancel(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  private async run(key: string): Promise<void> {
    try {
      const notebook = this.notebooks.getNotebookDocument(key);
      if (notebook) await this.runNotebook(notebook.uri);
      // A cell is checked with its notebook, not on its own.
      else if (!this.notebooks.findNotebookDocumentForCell(key)) await this.runDocument(key);
    } catch (error) {
      this.connection.console.error(`keras-lint: checking ${key} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  }

  private async runDocument(uri: string): Promise<void> {
    if (!this.docs.get(uri)) return;
    const generation = this.settings.generation;
    const settings = await this.settings.get(uri);
    // Settings that changed while these were fetched: the re-check that change scheduled publishes.
    if (generation !== this.settings.generation) return;
    // Read the document only now: whatever arrived while the settings were fetched is included.
    const document = this.docs.get(uri);
    if (!document) return;
    // Only Python is checked (a client may sync other languages to us).
    if (!settings.enable || document.languageId !== 'python') return this.disable(uri, [uri]);
    const text = document.getText();
    const result = this.analyzerFor(uri).analyze(text, settings.options, this.docs.parsedFor(document));
    const findings = result.findings.filter((f) => !isSuppressed(text, f));
    const parts = [makePart(uri, document.version, 0, text)];
    this.commit({ key: uri, text, parts, result, findings, settings, cellNumbers: null });
  }

  private async runNotebook(uri: string): Promise<void> {
    const generation = this.settings.generation;
    const settings = await this.settings.get(uri);
    if (generation !== this.settings.generation) return;
    const notebook = this.notebooks.getNotebookDocument(uri);
    if (!notebook) return;
    const cells = notebook.cells
      .map((cell, index) => ({ cell, index, document: this.docs.get(cell.document) }))
      .filter((c): c is typeof c & { document: TextDocument } => c.cell.kind === NotebookCellKind.Code && c.document?.languageId === 'python');
    if (!settings.enable) return this.disable(uri, notebook.cells.map((c) => c.document));
    const texts = cells.map((c) => c.document.getText());
    const { notebook: joined, result } = analyzeNotebook(texts, settings.options, cells.map((c) => c.index + 1), this.analyzerFor(uri));
    const findings = result.findings.filter((f) => !isSuppressed(joined.text, f));
    const parts = cells.map((c, i) => makePart(c.document.uri, c.document.version, joined.cellStarts[i], texts[i]));
    const cellNumbers = new Map(cells.map((c) => [c.document.uri, c.index + 1]));
    this.commit({ key: uri, text: joined.text, parts, result, findings, settings, cellNumbers });
  }

  /** Publishes a fresh result, unless one of its documents changed while it was computed. */
  private commit(snapshot: Snapshot): void {
    const stale = snapshot.parts.some((p) => this.docs.get(p.uri)?.version !== p.version);
    if (stale) return;
    const previous = this.snapshots.get(snapshot.key);
    this.snapshots.set(snapshot.key, snapshot);
    this.disabled.delete(snapshot.key);
    const diagnostics = diagnosticsOf(snapshot);
    for (const part of snapshot.parts) this.publish(part.uri, diagnostics.get(part.uri) ?? [], part.version);
    // Cells removed from the notebook since the last run keep no diagnostics.
    for (const part of previous?.parts ?? []) {
      if (!diagnostics.has(part.uri)) this.clearDiagnostics(part.uri);
    }
    this.onResult(snapshot);
  }

  private disable(key: string, uris: string[]): void {
    this.snapshots.delete(key);
    this.disabled.add(key);
    for (const uri of uris) this.clearDiagnostics(uri);
  }

  private publish(uri: string, diagnostics: Diagnostic[], version?: number): void {
    if (this.disposed) return;
    if (diagnostics.length) this.published.set(uri, diagnostics);
    else this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  private clearDiagnostics(uri: string): void {
    this.publish(uri, []);
  }
}
