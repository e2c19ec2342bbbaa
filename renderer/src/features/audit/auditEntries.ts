import type { AuditEntry } from '../../../../shared/contract';

/** Whether an entry matches the text filter, on the same fields the audit service searches. */
export function matchesAuditText(entry: AuditEntry, text: string): boolean {
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
 * loaded: newer entries stay on top, and for an entry in both, a finished
 * status wins over "pending" (the page may have been read before it finished).
 */
export function mergeFirstPage(live: readonly AuditEntry[], page: readonly AuditEntry[]): AuditEntry[] {
  const liveById = new Map(live.map((e) => [e.id, e]));
  const newestOnPage = page[0]?.id ?? 0;
  const newer = live.filter((e) => e.id > newestOnPage);
  const merged = page.map((e) => {
    const seen = liveById.get(e.id);
    return seen && e.status === 'pending' && seen.status !== 'pending' ? seen : e;
  });
  return [...newer, ...merged];
}
