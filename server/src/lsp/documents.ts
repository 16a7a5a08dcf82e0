// Open documents (files and notebook cells), each with its parse kept between versions
// (core/documentParse.ts): incremental LSP changes are applied to it as they arrive, and a version
// is parsed only when someone asks for it. Only the most recently used parses are kept: a 2,000-line
// file's tree takes about 3 MB of wasm memory, which never shrinks, and a document not being
// edited gains nothing from keeping one.
import { TextDocuments, type TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Edit } from 'web-tree-sitter';
import { DocumentParse } from '../core/documentParse';
import type { ParsedModule } from '../core/moduleCopy';
import { pointAt } from '../core/parser';
import { isRange } from './params';

/** How many documents keep their parse between requests (the ones being edited, typically one). */
export const MAX_KEPT_TREES = 4;

export class ParsedDocuments {
  readonly documents: TextDocuments<TextDocument>;
  private readonly parses = new Map<string, DocumentParse>();

  /** `onMalformedChange`: told when a didChange is ignored because one of its changes is malformed. */
  constructor(private readonly onMalformedChange: (uri: string) => void = () => {}) {
    this.documents = new TextDocuments<TextDocument>({
      create: (uri, languageId, version, content) => {
        this.dropParse(uri);
        return TextDocument.create(uri, languageId, version, typeof content === 'string' ? content : '');
      },
      update: (document, changes, version) => this.update(document, changes, version),
    });
    this.documents.onDidClose((event) => this.dropParse(event.document.uri));
  }

  get(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  /** The up-to-date parse of an open document (parsed now if needed). The store owns it: keep it no longer than the request. */
  parsedFor(document: TextDocument): ParsedModule {
    const parse = this.parses.get(document.uri) ?? new DocumentParse();
    // Map order is recency order: the document used now moves to the end.
    this.parses.delete(document.uri);
    this.parses.set(document.uri, parse);
    this.forgetLeastRecent();
    return parse.parsed(document.getText());
  }

  /** How many parses are held now (for tests). */
  get keptTrees(): number {
    return this.parses.size;
  }

  private forgetLeastRecent(): void {
    for (const uri of this.parses.keys()) {
      if (this.parses.size <= MAX_KEPT_TREES) return;
      this.dropParse(uri);
    }
  }

  dispose(): void {
    for (const uri of [...this.parses.keys()]) this.dropParse(uri);
  }

  private update(document: TextDocument, received: TextDocumentContentChangeEvent[], version: number): TextDocument {
    // All or nothing: applying the changes before a malformed one would leave a text that no
    // check is scheduled for (the library gives up on the notification when the update throws).
    const changes = Array.isArray(received) ? received.map(wellFormed) : [null];
    if (changes.some((change) => change === null)) {
      this.onMalformedChange(document.uri);
      return document;
    }
    const parse = this.parses.get(document.uri);
    // Apply the changes one by one: each range refers to the text left by the previous change.
    for (const change of changes as TextDocumentContentChangeEvent[]) {
      if (parse && 'range' in change && change.range) {
        const before = document.getText();
        const startIndex = document.offsetAt(change.range.start);
        const oldEndIndex = document.offsetAt(change.range.end);
        const after = before.slice(0, startIndex) + change.text + before.slice(oldEndIndex);
        const newEndIndex = startIndex + change.text.length;
        // A lone "\r" just before the edit (a "\n" to the parser, see parsePython) that the edit makes a
        // "\r\n" changes without being in the range: tree-sitter re-reads it all the same, as the
        // lexer looked past it to tell.
        parse.edited(new Edit({
          startIndex,
          oldEndIndex,
          newEndIndex,
          startPosition: pointAt(before, startIndex),
          oldEndPosition: pointAt(before, oldEndIndex),
          newEndPosition: pointAt(after, newEndIndex),
        }));
      } else parse?.replaced();
      TextDocument.update(document, [change], version);
    }
    if (changes.length === 0) TextDocument.update(document, [], version);
    return document;
  }

  private dropParse(uri: string): void {
    this.parses.get(uri)?.dispose();
    this.parses.delete(uri);
  }
}

/**
 * The change with its range in document order (TextDocument.update swaps a reversed range, so the
 * tree edit must too), or null when it is malformed: no text, a range without positions, or a
 * range length without a range.
 */
function wellFormed(change: unknown): TextDocumentContentChangeEvent | null {
  if (typeof change !== 'object' || change === null) return null;
  const { text, range } = change as { text?: unknown; range?: unknown };
  if (typeof text !== 'string') return null;
  if (range === undefined) return (change as { rangeLength?: unknown }).rangeLength === undefined ? { text } : null;
  if (!isRange(range)) return null;
  const reversed = range.end.line < range.start.line || (range.end.line === range.start.line && range.end.character < range.start.character);
  return { range: reversed ? { start: range.end, end: range.start } : range, text };
}
