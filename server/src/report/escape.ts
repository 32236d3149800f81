/** Escaping of workspace text (file names, paths, messages) for each output format. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Text for a Markdown paragraph or table cell: characters Markdown would read as syntax (or as
 * inline HTML) are backslash-escaped, and line breaks become spaces (a table row is one line).
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`);
}

/**
 * A rule message (Markdown already: it quotes code in backticks) made safe for a list item or a
 * table cell: no inline HTML, no cell breaks, one line. Inside code spans the entities show as
 * typed, which is harmless.
 */
export function escapeMarkdownMessage(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}

/** A string inside a Mermaid double-quoted label (quotes are not escapable there). */
export function mermaidLabel(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}
