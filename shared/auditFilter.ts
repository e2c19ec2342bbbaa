/**
 * What the audit log's filter text means, decided once: the services search
 * by it and the UI matches live entries by the same rule.
 */

/** `#` and an entry id, e.g. `#12`; longer ids than this are no entry's. */
const ENTRY_REFERENCE = /^#(\d{1,15})$/;

/**
 * The entry a filter text names, as `#12` does, or undefined for ordinary
 * text. Such a filter finds that entry with the entries linked to it by undo
 * (the one it undid, those that undid it or tried to), so following
 * "undoes #12" shows both sides.
 */
export function entryReferenceOf(text: string): number | undefined {
  const match = ENTRY_REFERENCE.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}
