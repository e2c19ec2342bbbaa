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
