/**
 * What a user does in the VS Code workbench, as playwright steps against code-server 4.100.3's DOM.
 * Selectors are the ones seen working in test/e2e/README.md; each wait has a timeout and a
 * message naming what did not appear.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Box, Locator, Page } from './browser';

const ACTIVE_EDITOR = '.editor-group-container.active .editor-instance .monaco-editor';

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly screenshotDir: string,
  ) {
    mkdirSync(screenshotDir, { recursive: true });
  }

  async open(baseUrl: string, folder: string): Promise<void> {
    await this.page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
    await waitFor(this.page.locator('.monaco-workbench'), 'the workbench', 60_000);
    // The explorer lists the folder once the workbench is restored and takes keyboard shortcuts.
    await waitFor(this.page.locator('.explorer-folders-view .monaco-list-row').first(), 'the explorer of the workspace', 60_000);
  }

  async screenshot(name: string): Promise<string> {
    const path = join(this.screenshotDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** Quick Open (Ctrl+P) with the workspace-relative path; waits until its editor is the active one. */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await waitFor(input, 'the Quick Open input');
    await input.fill(relativePath);
    const segments = relativePath.split('/');
    const fileName = segments[segments.length - 1];
    const folder = segments.slice(0, -1).join('/');
    // A Quick Open row reads "<file name><folder>".
    const row = this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ hasText: new RegExp(`${escapeRegExp(fileName)}\\s*${escapeRegExp(folder)}`) })
      .first();
    await waitFor(row, `"${relativePath}" in Quick Open`);
    await row.click();
    // The breadcrumbs of the active editor spell the path: tell app/main.py from conductor/main.py.
    const breadcrumbs = this.page.locator('.editor-group-container.active .breadcrumbs-control .monaco-breadcrumb-item');
    await waitFor(breadcrumbs.filter({ hasText: fileName }).first(), `the breadcrumbs of ${relativePath}`);
    const shown = (await breadcrumbs.allInnerTexts()).map((text) => text.trim()).slice(0, segments.length);
    if (shown.join('/') !== relativePath) throw new Error(`opened ${shown.join('/')} instead of ${relativePath}`);
    await waitFor(this.page.locator(`${ACTIVE_EDITOR} .view-lines`), `the editor of ${relativePath}`);
  }

  /** Whether the active editor has unsaved changes. */
  async activeTabIsDirty(): Promise<boolean> {
    const tab = this.page.locator('.editor-group-container.active .tabs-container .tab.active');
    return ((await tab.getAttribute('class')) ?? '').split(/\s+/).includes('dirty');
  }

  /** Warning and error squiggles of the active editor. */
  squiggles(): Locator {
    return this.page.locator(`${ACTIVE_EDITOR} .squiggly-warning, ${ACTIVE_EDITOR} .squiggly-error`);
  }

  /** The rendered line of the active editor whose text contains `text`. */
  editorLine(text: string): Locator {
    return this.page.locator(`${ACTIVE_EDITOR} .view-line`).filter({ hasText: text }).first();
  }

  /**
   * Where `length` characters from 0-based `column` of the rendered `line` are on screen, measured
   * from the line's own text span (monospace font, so width per character is constant).
   */
  async textBox(line: Locator, column: number, length: number): Promise<Box> {
    const span = line.locator(':scope > span');
    // The editor re-renders lines as tokenization and decorations arrive: wait for a laid-out line.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const box = await span.boundingBox().catch(() => null);
      const text = await span.innerText().catch(() => '');
      if (box && box.width > 0 && text.length > 0) {
        const charWidth = box.width / text.length;
        return { x: box.x + column * charWidth, y: box.y, width: length * charWidth, height: box.height };
      }
      if (Date.now() > deadline) throw new Error('the editor line was not laid out within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Hovers the middle of `box` and returns the hover widget's text once it contains `expected`. */
  async hoverText(box: Box, expected: string): Promise<string> {
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = this.page.locator('.monaco-hover-content').filter({ hasText: expected }).first();
    await waitFor(hover, `a hover containing "${expected}"`, 15_000);
    return hover.innerText();
  }

  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await waitFor(input, 'the command palette');
    await input.fill(`>${title}`);
    await waitFor(this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first(), `command "${title}"`);
    await this.page.keyboard.press('Enter');
  }

  async showProblems(): Promise<Locator> {
    await this.page.keyboard.press('Control+Shift+M');
    const panel = this.page.locator('.markers-panel');
    await waitFor(panel, 'the Problems panel');
    return panel;
  }

  /**
   * The Problems panel's rows, top to bottom: level 1 a file ("main.pyapp\n1"), level 2 a problem
   * ("message\nforkguard\nFG001\n[Ln 12, Col 11]"), level 3 a related location.
   */
  async problemsRows(): Promise<Array<{ level: number; text: string }>> {
    return this.page.evaluate(
      (selector) =>
        [...(globalThis as any).document.querySelectorAll(selector)].map((row: any) => ({
          level: Number(row.getAttribute('aria-level')),
          text: row.innerText as string,
        })),
      '.markers-panel .monaco-list-row',
    );
  }

  statusBarItem(text: RegExp): Locator {
    return this.page.locator('.statusbar-item').filter({ hasText: text }).first();
  }

  async pressEscape(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }
}

export async function waitFor(
  locator: Locator,
  what: string,
  timeout = 30_000,
  state: 'attached' | 'detached' | 'visible' | 'hidden' = 'visible',
): Promise<void> {
  try {
    await locator.waitFor({ state, timeout });
  } catch (error) {
    throw new Error(`${what} did not become ${state} within ${timeout / 1000} s: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
