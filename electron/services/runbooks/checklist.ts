/**
 * How many checklist items a runbook has, counted with the parser and
 * task-list rule the UI renders with (shared/runbookTaskLists.ts), so a tick
 * the UI sends is checked against the same items it shows.
 */
import MarkdownIt from 'markdown-it';
import { countTaskCheckboxes, RUNBOOK_MARKDOWN_OPTIONS, taskLists } from '../../../shared/runbookTaskLists';

const md = MarkdownIt(RUNBOOK_MARKDOWN_OPTIONS).use(taskLists);
/** Bodies whose count is remembered: the ones being followed now. */
const CACHE_SIZE = 64;
const cache = new Map<string, number>();

/** The checklist items of a runbook body (`key` names its version, e.g. `rb-x:3`, for the cache). */
export function checklistItemCount(body: string, key?: string): number {
  const known = key === undefined ? undefined : cache.get(key);
  if (known !== undefined) return known;
  const n = countTaskCheckboxes(md.parse(body, {}));
  if (key !== undefined) {
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, n);
  }
  return n;
}
