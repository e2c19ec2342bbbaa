import type { MarkdownIt, StateCore, Token } from 'markdown-it';

/**
 * How runbooks are parsed, in the renderer (which shows them) and the
 * services (which count their checklist items) alike: raw HTML kept for the
 * sanitiser, no link guessing, no typographic quotes, and block nesting
 * bounded (10,000 `>` must not cost 10,000 levels).
 */
export const RUNBOOK_MARKDOWN_OPTIONS = { html: true, linkify: false, typographer: false, maxNesting: 20 } as const;

/** The token type of a task list checkbox, one per checklist item. */
export const TASK_CHECKBOX = 'task_checkbox';

const MARKER = /^\[([ xX])\](?=\s|$)\s?/;
/** Raw HTML whose content never reaches the page: a template's content, and raw text the sanitiser drops whole. */
const RAW_TEXT = new Set(['textarea', 'title', 'style', 'script', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)/g;

/** Where raw HTML has got to, read in document order: inside how many templates, or which raw text element. */
class HiddenByHtml {
  private templates = 0;
  private rawText?: string;

  get hidden(): boolean {
    return this.templates > 0 || this.rawText !== undefined;
  }

  read(html: string): void {
    for (const [, end, name] of html.replace(/<!--[\s\S]*?(?:-->|$)/g, '').matchAll(TAG)) {
      const tag = name.toLowerCase();
      if (this.rawText !== undefined) {
        if (end && tag === this.rawText) this.rawText = undefined;
      } else if (tag === 'template') {
        this.templates = end ? Math.max(0, this.templates - 1) : this.templates + 1;
      } else if (!end && RAW_TEXT.has(tag)) {
        this.rawText = tag;
      }
    }
  }
}

/**
 * GitHub's task lists, as a markdown-it plugin: a list item whose text starts
 * with `[ ]` or `[x]`, written as such (not `\[` or `&#91;`), gets a
 * {@link TASK_CHECKBOX} token, in document order; the marker is removed
 * (ticks belong to a use of the runbook, not to its text). Items that raw
 * HTML keeps off the page (inside a `<template>` or `<textarea>`) get none, so
 * every box counted is a box shown. Renderers add a rule for the token.
 */
export function taskLists(md: MarkdownIt): void {
  // Before text_join, which would merge `\[` and `&#91;` into text that reads as a marker.
  md.core.ruler.after('inline', 'task_lists', (state: StateCore) => {
    const tokens = state.tokens;
    const html = new HiddenByHtml();
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (token.type === 'html_block') html.read(token.content);
      if (token.type !== 'inline') continue;
      const first = token.children?.[0];
      if (
        !html.hidden && i >= 2 && tokens[i - 1].type === 'paragraph_open' && tokens[i - 2].type === 'list_item_open' &&
        first?.type === 'text' && MARKER.test(first.content)
      ) {
        first.content = first.content.replace(MARKER, '');
        token.children!.unshift(new state.Token(TASK_CHECKBOX, 'input', 0));
      }
      for (const child of token.children ?? []) if (child.type === 'html_inline') html.read(child.content);
    }
    return true;
  });
}

/** How many checklist items parsed tokens hold (those of a parser using {@link taskLists}). */
export function countTaskCheckboxes(tokens: Token[]): number {
  let n = 0;
  for (const token of tokens) for (const child of token.children ?? []) if (child.type === TASK_CHECKBOX) n++;
  return n;
}
