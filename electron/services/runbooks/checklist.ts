/**
 * How many checklist items a runbook has, counted as the UI numbers its
 * checkboxes (renderer/src/features/runbooks/markdown/taskLists.ts: a list
 * item whose paragraph starts with `[ ]` or `[x]`, in document order), with
 * the same Markdown library and options, so a tick the UI sends is checked
 * against the same items it shows.
 */
import MarkdownIt from 'markdown-it';

// As the renderer parses runbooks (renderRunbook.ts).
const md = MarkdownIt({ html: true, linkify: false, typographer: false, maxNesting: 20 });
const MARKER = /^\[([ xX])\](?=\s|$)/;
/** Bodies whose count is remembered: the ones being followed now. */
const CACHE_SIZE = 64;
const cache = new Map<string, number>();

/** The checklist items of a runbook body (`key` names its version, e.g. `rb-x:3`, for the cache). */
export function checklistItemCount(body: string, key?: string): number {
  const known = key === undefined ? undefined : cache.get(key);
  if (known !== undefined) return known;
  const tokens = md.parse(body, {});
  let n = 0;
  for (let i = 2; i < tokens.length; i++) {
    const inline = tokens[i];
    if (inline.type !== 'inline' || tokens[i - 1].type !== 'paragraph_open' || tokens[i - 2].type !== 'list_item_open') continue;
    const first = inline.children?.[0];
    if (first?.type === 'text' && MARKER.test(first.content)) n++;
  }
  if (key !== undefined) {
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, n);
  }
  return n;
}
