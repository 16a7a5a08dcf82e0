// The notebook notifications, set right before vscode-languageserver's NotebookDocuments reads them.
// A cell closed and opened again in one change ends up closed inside the library (it opens first),
// and two client mistakes go wrong there too: a `cells.data` entry for a cell the notebook does
// not have makes its change handler throw halfway (the cells' text changes of that notification are
// lost), and a close that does not list the notebook's cell documents leaves them open as if they
// were files (checked and published again on the next settings change).
import type {
  Connection,
  DidChangeNotebookDocumentParams,
  DidCloseNotebookDocumentParams,
  NotebookDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/**
 * The part of a connection NotebookDocuments.listen uses, with the notifications made sane first.
 * `restructured` is told of every change to the cell list once the library has applied it: the
 * library signals no change for cells that only moved (VS Code sends a move as a removal and an
 * insertion of the same cells, with nothing opened or closed), yet their order is the program's.
 */
export function saneNotebookSync(connection: Connection, notebooks: NotebookDocuments<TextDocument>, restructured: (notebookUri: string) => void): Connection {
  const sync = connection.notebooks.synchronization;
  const saneSync: Pick<typeof sync, 'onDidOpenNotebookDocument' | 'onDidChangeNotebookDocument' | 'onDidSaveNotebookDocument' | 'onDidCloseNotebookDocument'> = {
    onDidOpenNotebookDocument: (handler) => sync.onDidOpenNotebookDocument(handler),
    onDidChangeNotebookDocument: (handler) =>
      sync.onDidChangeNotebookDocument((params) => {
        handler(withKnownCellData(reopenedNotClosed(params), notebooks));
        const uri = params.notebookDocument?.uri;
        if (params.change?.cells?.structure && typeof uri === 'string' && notebooks.getNotebookDocument(uri)) restructured(uri);
      }),
    onDidSaveNotebookDocument: (handler) => sync.onDidSaveNotebookDocument(handler),
    onDidCloseNotebookDocument: (handler) => sync.onDidCloseNotebookDocument((params) => handler(closingEveryCell(params, notebooks))),
  };
  return { notebooks: { synchronization: saneSync } } as unknown as Connection;
}

/** The change without `cells.data` entries for cells the notebook will not have once the change's structure is applied. */
function withKnownCellData(params: DidChangeNotebookDocumentParams, notebooks: NotebookDocuments<TextDocument>): DidChangeNotebookDocumentParams {
  const data = params.change?.cells?.data;
  const notebook = notebooks.getNotebookDocument(params.notebookDocument?.uri);
  if (!Array.isArray(data) || !notebook) return params;
  const cells = notebook.cells.map((cell) => cell.document);
  const array = params.change.cells?.structure?.array;
  if (array) cells.splice(array.start, array.deleteCount, ...(array.cells ?? []).map((cell) => cell.document));
  const known = new Set(cells);
  const kept = data.filter((cell) => known.has(cell?.document));
  if (kept.length === data.length && kept.length > 0) return params;
  // The library looks for every data entry, past the last cell if one is missing: none is no list at all.
  return { ...params, change: { ...params.change, cells: { ...params.change.cells, data: kept.length ? kept : undefined } } };
}

/**
 * The change without closing the cells it also opens: the library opens before it closes, so a
 * cell closed and opened again in one change (a language switch) would end up closed, and every
 * later edit of it dropped.
 */
function reopenedNotClosed(params: DidChangeNotebookDocumentParams): DidChangeNotebookDocumentParams {
  const structure = params.change?.cells?.structure;
  if (!Array.isArray(structure?.didOpen) || !Array.isArray(structure?.didClose)) return params;
  const opened = new Set(structure.didOpen.map((document) => document?.uri));
  const didClose = structure.didClose.filter((document) => !opened.has(document?.uri));
  if (didClose.length === structure.didClose.length) return params;
  return { ...params, change: { ...params.change, cells: { ...params.change.cells, structure: { ...structure, didClose } } } };
}

/** The close with every cell document of the notebook in `cellTextDocuments`. */
function closingEveryCell(params: DidCloseNotebookDocumentParams, notebooks: NotebookDocuments<TextDocument>): DidCloseNotebookDocumentParams {
  const notebook = notebooks.getNotebookDocument(params.notebookDocument?.uri);
  if (!notebook) return params;
  const listed = Array.isArray(params.cellTextDocuments) ? params.cellTextDocuments : [];
  const closing = new Set(listed.map((document) => document?.uri));
  const missing = notebook.cells.filter((cell) => !closing.has(cell.document)).map((cell) => ({ uri: cell.document }));
  return missing.length === 0 ? params : { ...params, cellTextDocuments: [...listed, ...missing] };
}
