import { entryReferenceOf } from '../../../../shared/auditFilter';
import type { AuditEntry } from '../../../../shared/contract';

/**
 * Whether an entry matches the text filter, as the audit service searches:
 * `#12` matches entry 12 and entries linked to it by undo, other text the
 * action, target, connection name and detail.
 */
export function matchesAuditText(entry: AuditEntry, text: string): boolean {
  const ref = entryReferenceOf(text);
  if (ref !== undefined) return entry.id === ref || entry.undoOf === ref || entry.undoneBy === ref;
  const needle = text.trim().toLowerCase();
  if (!needle) return true;
  return [entry.action, entry.target, entry.connectionName, entry.detail].some((field) => field?.toLowerCase().includes(needle));
}

/**
 * Applies a live `audit.appended` entry: an entry already shown is updated in
 * place (its status changed); a new one that matches the filter goes on top.
 */
export function mergeAppended(entries: readonly AuditEntry[], entry: AuditEntry, text: string): AuditEntry[] {
  if (entries.some((e) => e.id === entry.id)) return entries.map((e) => (e.id === entry.id ? entry : e));
  return matchesAuditText(entry, text) ? [entry, ...entries] : [...entries];
}

/** Adds an older page below the entries shown, skipping any already there. */
export function appendOlder(entries: readonly AuditEntry[], older: readonly AuditEntry[]): AuditEntry[] {
  const shown = new Set(entries.map((e) => e.id));
  return [...entries, ...older.filter((e) => !shown.has(e.id))];
}

/**
 * Combines a freshly loaded first page with entries that arrived live while it
 * loaded: newer entries stay on top, and for an entry in both, the version
 * further along wins (the page may have been read before it finished or was undone).
 */
export function mergeFirstPage(live: readonly AuditEntry[], page: readonly AuditEntry[]): AuditEntry[] {
  const liveById = new Map(live.map((e) => [e.id, e]));
  const newestOnPage = page[0]?.id ?? 0;
  const newer = live.filter((e) => e.id > newestOnPage);
  const merged = page.map((e) => {
    const seen = liveById.get(e.id);
    return seen && isFurtherAlong(seen, e) ? seen : e;
  });
  return [...newer, ...merged];
}

/** One version of an entry says more than another: it has finished, or been undone, where the other has not. */
function isFurtherAlong(a: AuditEntry, b: AuditEntry): boolean {
  return (a.status !== 'pending' && b.status === 'pending') || (a.undoneBy !== undefined && b.undoneBy === undefined);
}

/**
 * Applies an undo's answer at once rather than waiting for its events: the
 * undoing entry goes on top and the entry it undid is marked undone, so its
 * Undo is not offered a moment longer.
 */
export function applyUndo(entries: readonly AuditEntry[], undoing: AuditEntry, text: string): AuditEntry[] {
  return mergeAppended(entries, undoing, text).map((e) => (e.id === undoing.undoOf ? { ...e, undo: undefined, undoneBy: undoing.id } : e));
}
