// The VS Code workbench in the browser, as a user sees it: open a file from the Explorer, read the
// Problems panel, hover a word, Ctrl+. and pick a fix, save. Every step waits on a condition in the
// page (never a fixed sleep) and UI steps that depend on timing (hover, the Quick Fix menu) retry.
//
// Monaco facts the helpers rely on (VS Code 1.100): a line is split into token <span>s and spaces
// are U+00A0, so words are located with a DOM Range over text nodes; `.view-line` DOM order is not
// line order; the Quick Fix menu lays a pointer-blocking overlay over the page, so its rows are
// chosen with the keyboard.
import fs from 'node:fs';
import path from 'node:path';

const NBSP = /\u00a0/g;

export class Workbench {
  constructor(page, screenshotDir, log) {
    this.page = page;
    this.screenshotDir = screenshotDir;
    this.log = log;
    this.shots = 0;
  }

  async screenshot(name) {
    const file = path.join(this.screenshotDir, `${String(++this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file }).catch((e) => this.log(`screenshot ${name} failed: ${e}`));
    return file;
  }

  async open(url) {
    await this.page.goto(url, { timeout: 60000 });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 90000 });
    await this.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90000 });
  }

  /** Opens `name` from the Explorer (a plain click opens it, as a user would). */
  async openFromExplorer(name, readySelector) {
    await retry(`open ${name}`, this.log, async () => {
      const row = this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
      await row.waitFor({ timeout: 30000 });
      await row.click();
      await this.page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ timeout: 15000 });
      await this.page.locator(readySelector).first().waitFor({ timeout: 30000 });
    }, () => this.page.keyboard.press('Escape'));
  }

  /** Waits until a warning squiggle is drawn under `word` (in a visible line containing `lineText`). */
  async waitForSquiggleUnder(lineText, word, timeout = 120000) {
    await this.reveal(lineText, word, timeout);
    await this.page.waitForFunction(squiggleUnder, [lineText, word], { timeout, polling: 250 });
  }

  /** True when no warning squiggle sits under `word` in a visible line containing `lineText`. */
  async squiggleUnder(lineText, word) {
    return this.page.evaluate(squiggleUnder, [lineText, word]);
  }

  /**
   * The Problems panel rows (text with whitespace collapsed), shown first if hidden. An empty
   * panel gives its message ("No problems have been detected…") as the one row; [] means the panel
   * has not rendered yet.
   */
  async problems() {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible().catch(() => false))) {
      await retry('show the Problems panel', this.log, async () => {
        await this.page.keyboard.press('Control+Shift+M');
        await panel.waitFor({ state: 'visible', timeout: 10000 });
      });
    }
    const rows = (await this.page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    if (rows.length) return rows;
    const message = await this.page.locator('.markers-panel .message-box-container').first().innerText().catch(() => '');
    return message.trim() ? [message.trim()] : [];
  }

  /** Closes the bottom panel (Problems), so that it covers no editor line. */
  async hidePanel() {
    const panel = this.page.locator('.part.panel');
    if (!(await panel.isVisible().catch(() => false))) return;
    await retry('hide the panel', this.log, async () => {
      await this.page.keyboard.press('Control+J');
      await panel.waitFor({ state: 'hidden', timeout: 5000 });
    });
  }

  /** Waits until some Problems row satisfies `predicate` (rows are the texts from problems()). */
  async waitForProblems(predicate, what, timeout = 60000) {
    const deadline = Date.now() + timeout;
    let rows = [];
    while (Date.now() < deadline) {
      rows = await this.problems();
      if (predicate(rows)) return rows;
      await this.page.waitForTimeout(250);
    }
    throw new Error(`Problems panel: ${what} not seen in ${timeout} ms; rows: ${JSON.stringify(rows)}`);
  }

  /** Hovers `word` and returns the hover widget's text once it includes `expected`. */
  async hover(lineText, word, expected) {
    return retry(`hover ${word}`, this.log, async () => {
      const box = await this.reveal(lineText, word);
      await this.page.mouse.move(box.x - box.width / 4, box.y);
      await this.page.mouse.move(box.x, box.y, { steps: 5 });
      const widget = this.page.locator('.monaco-hover-content', { hasText: expected }).first();
      await widget.waitFor({ state: 'visible', timeout: 15000 });
      return (await widget.innerText()).trim();
    }, () => this.page.mouse.move(2, 2));
  }

  async closeHover() {
    await this.page.mouse.move(2, 2);
    await this.page.keyboard.press('Escape');
    await this.page.locator('.monaco-hover-content').first().waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
  }

  /**
   * Puts the cursor on `word`, presses Ctrl+. and waits for the Quick Fix menu to list `title`;
   * `beforeChoose` runs while the menu is open (for a screenshot). Then chooses it with the
   * keyboard and resolves with the rows the menu offered.
   */
  async quickFix(lineText, word, title, beforeChoose) {
    const row = this.page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    const offered = await retry(`Quick Fix menu with '${title}'`, this.log, async () => {
      const box = await this.reveal(lineText, word);
      await this.page.mouse.click(box.x, box.y);
      await this.page.keyboard.press('Control+.');
      await row.waitFor({ state: 'visible', timeout: 15000 });
      return (await this.page.locator('.action-widget .monaco-list-row').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    }, () => this.page.keyboard.press('Escape'));
    await beforeChoose?.();
    // focus moves with the arrow keys; stop on the wanted row
    for (let i = 0; i < 20; i++) {
      const focused = await this.page.locator('.action-widget .monaco-list-row.focused').first().innerText().catch(() => '');
      if (focused.includes(title)) break;
      await this.page.keyboard.press('ArrowDown');
    }
    const focused = await this.page.locator('.action-widget .monaco-list-row.focused').first().innerText().catch(() => '');
    if (!focused.includes(title)) throw new Error(`could not focus '${title}' in the Quick Fix menu (offered: ${offered.join(' | ')})`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.action-widget').first().waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
    return offered;
  }

  /** Waits until some visible editor line includes `text`. */
  async waitForLine(text, timeout = 30000) {
    await this.page.waitForFunction((t) => [...document.querySelectorAll('.monaco-editor .view-line')]
      .some((l) => l.getBoundingClientRect().width > 0 && l.textContent.replace(/\u00a0/g, ' ').includes(t)), text, { timeout, polling: 200 });
  }

  async save() {
    await this.page.keyboard.press('Control+S');
  }

  /**
   * Scrolls (mouse wheel over the active editor) until `word` in a line containing `lineText` is
   * rendered and not covered by anything, and returns its box. Notebook cells below the fold are not
   * rendered at all until scrolled to; a panel can cover the last lines of a file.
   */
  async reveal(lineText, word, timeout = 30000) {
    const deadline = Date.now() + timeout;
    let direction = 1;
    let steps = 0;
    for (;;) {
      const box = await this.wordBox(lineText, word).catch(() => null);
      if (box?.reachable) return box;
      if (Date.now() > deadline) throw new Error(`'${word}' in a line with '${lineText}' not reachable after ${timeout} ms (${box ? 'covered' : 'not rendered'})`);
      const area = await this.page.locator('.editor-group-container.active .editor-container').first().boundingBox();
      if (area) {
        await this.page.mouse.move(area.x + area.width / 2, area.y + area.height / 2);
        // towards the word when it is rendered; otherwise sweep down, then up
        const dy = box ? (box.y > area.y + area.height / 2 ? 120 : -120) : direction * 240;
        await this.page.mouse.wheel(0, dy);
        if (!box && ++steps % 15 === 0) direction = -direction;
      }
      await this.page.waitForTimeout(150);
    }
  }

  /** Screen box of `word` in the visible editor line that contains `lineText`. */
  async wordBox(lineText, word) {
    const box = await this.page.evaluate(([lineText, word]) => {
      for (const line of document.querySelectorAll('.monaco-editor .view-line')) {
        if (line.getBoundingClientRect().width === 0) continue; // a hidden editor
        if (!line.textContent.replace(/\u00a0/g, ' ').includes(lineText)) continue;
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const i = n.textContent.indexOf(word);
          if (i < 0) continue;
          const range = document.createRange();
          range.setStart(n, i);
          range.setEnd(n, i + word.length);
          const b = range.getBoundingClientRect();
          const x = b.x + b.width / 2;
          const y = b.y + b.height / 2;
          // reachable: what the mouse would hit there is this line (not a panel or widget above it)
          const hit = document.elementFromPoint(x, y);
          return { x, y, width: b.width, reachable: Boolean(hit && line.contains(hit)) };
        }
      }
      return null;
    }, [lineText.replace(NBSP, ' '), word]);
    if (!box) throw new Error(`'${word}' not visible in a line with '${lineText}'`);
    return box;
  }
}

/**
 * Runs in the page: is a warning squiggle drawn under `word` in a visible line containing
 * `lineText`? Squiggles are decorations in a sibling layer of the text, lined up by position.
 */
function squiggleUnder([lineText, word]) {
  for (const line of document.querySelectorAll('.monaco-editor .view-line')) {
    const lb = line.getBoundingClientRect();
    if (lb.width === 0 || !line.textContent.replace(/\u00a0/g, ' ').includes(lineText)) continue;
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.textContent.indexOf(word);
      if (i < 0) continue;
      const range = document.createRange();
      range.setStart(n, i);
      range.setEnd(n, i + word.length);
      const wb = range.getBoundingClientRect();
      const editor = line.closest('.monaco-editor');
      return [...editor.querySelectorAll('.squiggly-warning')].some((s) => {
        const sb = s.getBoundingClientRect();
        return sb.width > 0 && Math.abs(sb.y + sb.height / 2 - (wb.y + wb.height / 2)) < wb.height
          && sb.x < wb.x + wb.width && sb.x + sb.width > wb.x;
      });
    }
  }
  return false;
}

/** Runs `fn` up to `attempts` times; `reset` runs between attempts (e.g. Escape). */
export async function retry(what, log, fn, reset, attempts = 3) {
  let last;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await fn();
    } catch (e) {
      last = e;
      log(`${what}: attempt ${attempt} failed: ${String(e).split('\n')[0]}`);
      await reset?.();
    }
  }
  throw last;
}

/** Polls a file until `predicate(text)` holds. */
export async function waitForFile(file, predicate, what, timeout = 30000) {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = fs.readFileSync(file, 'utf8');
    if (predicate(text)) return text;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${path.basename(file)} on disk: ${what} not seen in ${timeout} ms`);
}
