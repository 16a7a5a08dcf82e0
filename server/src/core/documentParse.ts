// The parse of one open document, kept from version to version: what the language server asks for
// on every keystroke (and the benchmark measures). Edits are applied to a tree-sitter tree as they
// arrive (tree.edit); a version is parsed only when asked for. A document that has been edited is
// being typed in, so it also keeps a copy of its module (moduleCopy.ts): the next version is made
// from that copy by parsing only the statements the edit touched. When that cannot be done (a
// syntax error, an edit across statement boundaries that may join them), the tree is re-parsed
// with tree-sitter's incremental parse, and copied again when it has no syntax error.
import type { Edit, Tree } from 'web-tree-sitter';
import { ModuleCopy, type ParsedModule } from './moduleCopy';
import { parsePython, withLineFeeds } from './parser';

export class DocumentParse {
  private tree: Tree | null = null;
  /** The text `tree` is the parse of; null while it holds edits not parsed yet. */
  private treeText: string | null = null;
  private copy: ModuleCopy | null = null;
  /** The document changed since it was opened: a copy is worth keeping. */
  private changed = false;

  /** An edit of the text, as the last version had it (applied to the tree; parsed when asked). */
  edited(edit: Edit): void {
    this.changed = true;
    if (!this.tree) return;
    this.tree.edit(edit);
    this.treeText = null;
  }

  /** The whole text was replaced: nothing of the tree can be reused (the copy still may be). */
  replaced(): void {
    this.changed = true;
    this.tree?.delete();
    this.tree = null;
    this.treeText = null;
  }

  /** The parse of `written`, the document's current text, after the edits told. The store owns it: keep it no longer than the analysis. */
  parsed(written: string): ParsedModule {
    const text = withLineFeeds(written);
    if (this.copy && this.copy.text === text) return this.copy;
    if (this.tree && this.treeText === text) return this.tree;
    const spliced = this.copy?.splicedTo(text);
    if (spliced) {
      if (spliced !== this.copy) {
        this.copy!.release();
        this.copy = spliced;
      }
      return spliced;
    }
    const old = this.tree;
    this.tree = parsePython(text, old);
    old?.delete();
    this.treeText = text;
    this.copy?.release();
    this.copy = this.changed ? ModuleCopy.of(this.tree, text) : null;
    return this.copy ?? this.tree;
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = null;
    this.treeText = null;
    this.copy?.release();
    this.copy = null;
  }
}
