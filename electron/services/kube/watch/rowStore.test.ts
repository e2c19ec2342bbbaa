import { describe, expect, it } from 'vitest';
import type { Row } from '../../../../shared/contract';
import { RowStore } from './rowStore';

const row = (uid: string, status = 'Running'): Row => ({ uid, name: uid, namespace: 'ns', cells: [status] });

function listed(store: RowStore, items: [string, string, string?][]): void {
  store.beginList();
  for (const [uid, rv, status] of items) store.listed(row(uid, status), rv);
  store.endList();
}

describe('RowStore', () => {
  it('the first list queues every row once', () => {
    const store = new RowStore();
    listed(store, [
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(store.size).toBe(2);
    expect(store.takeChanges()).toEqual({ upserts: [row('a'), row('b')], deletes: [] });
    expect(store.hasChanges).toBe(false);
  });

  it('a relist sends only the difference: changed and new rows, and deletes for rows gone', () => {
    const store = new RowStore();
    listed(store, [
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    store.takeChanges();
    // While we were not watching: b changed, c was deleted, d was created.
    listed(store, [
      ['a', '1'],
      ['b', '5', 'CrashLoopBackOff'],
      ['d', '6'],
    ]);
    expect(store.takeChanges()).toEqual({ upserts: [row('b', 'CrashLoopBackOff'), row('d')], deletes: ['c'] });
    expect(store.all().map((r) => r.uid).sort()).toEqual(['a', 'b', 'd']);
  });

  it('a list restarted half-way (continue token expired) neither duplicates nor loses rows', () => {
    const store = new RowStore();
    store.beginList();
    store.listed(row('a'), '1');
    store.listed(row('b'), '2');
    // 410 on the next page: the list starts over; meanwhile b was deleted and c created.
    store.beginList();
    store.listed(row('a'), '1');
    store.listed(row('c'), '4');
    store.endList();
    expect(store.all().map((r) => r.uid)).toEqual(['a', 'c']);
    expect(store.takeChanges()).toEqual({ upserts: [row('a'), row('c')], deletes: ['b'] });
  });

  it('watch events: the last state of a row within a batch wins', () => {
    const store = new RowStore();
    store.upsert(row('a', 'Pending'), '1');
    store.upsert(row('a', 'Running'), '2');
    store.upsert(row('b'), '3');
    store.delete('b');
    store.delete('never-held');
    expect(store.takeChanges()).toEqual({ upserts: [row('a', 'Running')], deletes: ['b'] });
    expect(store.size).toBe(1);
  });

  it('endList without beginList deletes nothing', () => {
    const store = new RowStore();
    store.upsert(row('a'), '1');
    store.endList();
    expect(store.size).toBe(1);
  });
});
