// A list of named checks; a scenario passes when every check holds.
export class Checks {
  constructor() {
    this.failures = [];
    this.passed = 0;
  }

  that(ok, what, detail) {
    if (ok) this.passed++;
    else this.failures.push(detail === undefined ? what : `${what} — got: ${short(detail)}`);
    return Boolean(ok);
  }

  get ok() {
    return this.failures.length === 0 && this.passed > 0;
  }
}

function short(value) {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s === undefined ? 'undefined' : s.length > 400 ? `${s.slice(0, 400)}…` : s;
}

/** The text of an LSP hover result: MarkupContent, MarkedString or an array of those. */
export function hoverMarkdown(hover) {
  if (!hover) return '';
  const part = (c) => (typeof c === 'string' ? c : c?.value ?? '');
  const contents = hover.contents;
  return Array.isArray(contents) ? contents.map(part).join('\n') : part(contents);
}
