import { describe, expect, it } from 'vitest';
import { auditEntry } from '../../test/fakeBridge';
import { appendOlder, applyUndo, matchesAuditText, mergeAppended, mergeFirstPage } from './auditEntries';

describe('audit entries', () => {
  it('matches the fields the service searches, case-insensitively', () => {
    const e = auditEntry(1, { action: 'connections.delete', target: 'prod-eu', connectionName: 'Prod-EU', detail: 'kubernetes connection' });
    expect(matchesAuditText(e, 'DELETE')).toBe(true);
    expect(matchesAuditText(e, 'prod-eu')).toBe(true);
    expect(matchesAuditText(e, 'me@laptop')).toBe(false);
  });

  it('matches "#4" on entry 4 and the entries linked to it by undo, as the service does', () => {
    expect(matchesAuditText(auditEntry(4), '#4')).toBe(true);
    expect(matchesAuditText(auditEntry(9, { undoOf: 4 }), '#4')).toBe(true);
    expect(matchesAuditText(auditEntry(2, { undoneBy: 4 }), '#4')).toBe(true);
    expect(matchesAuditText(auditEntry(44, { target: 'conn-#4' }), '#4')).toBe(false);
  });

  it('updates a shown entry in place and puts a new matching one on top', () => {
    const shown = [auditEntry(2, { status: 'pending' }), auditEntry(1)];
    expect(mergeAppended(shown, auditEntry(2, { status: 'failed' }), '').map((e) => [e.id, e.status])).toEqual([
      [2, 'failed'],
      [1, 'succeeded'],
    ]);
    expect(mergeAppended(shown, auditEntry(3), '').map((e) => e.id)).toEqual([3, 2, 1]);
    expect(mergeAppended(shown, auditEntry(3, { target: 'other' }), 'conn-').map((e) => e.id)).toEqual([2, 1]);
  });

  it('appends an older page without duplicates', () => {
    expect(appendOlder([auditEntry(3), auditEntry(2)], [auditEntry(2), auditEntry(1)]).map((e) => e.id)).toEqual([3, 2, 1]);
  });

  it('keeps entries that arrived while the first page loaded, and their finished status', () => {
    const live = [auditEntry(5), auditEntry(4, { status: 'succeeded' })];
    const page = [auditEntry(4, { status: 'pending' }), auditEntry(3)];
    expect(mergeFirstPage(live, page).map((e) => [e.id, e.status])).toEqual([
      [5, 'succeeded'],
      [4, 'succeeded'],
      [3, 'succeeded'],
    ]);
    expect(mergeFirstPage([], page)).toEqual(page);
    // An undo that arrived live is not lost to a page read before it.
    expect(mergeFirstPage([auditEntry(3, { undoneBy: 5 })], [auditEntry(3, { undo: { label: 'Scale back' } })])[0]).toMatchObject({ undoneBy: 5 });
  });

  it("applies an undo's answer: the undoing entry on top, the undone one without its Undo", () => {
    const shown = [auditEntry(7, { undo: { label: 'Scale back to 3 replicas' } }), auditEntry(6)];
    const after = applyUndo(shown, auditEntry(8, { undoOf: 7 }), '');
    expect(after.map((e) => [e.id, e.undoneBy, e.undo])).toEqual([
      [8, undefined, undefined],
      [7, 8, undefined],
      [6, undefined, undefined],
    ]);
  });
});
