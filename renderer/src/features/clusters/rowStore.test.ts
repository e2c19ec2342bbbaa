import { describe, expect, it } from 'vitest';
import type { KubeRowsEvent, Row } from '../../../../shared/contract';
import { rowMatcher, searchTextOf } from './rowFilter';
import { rowComparator } from './rowOrder';
import { RowStore } from './rowStore';
import { tableColumns } from './tableColumns';

const columns = tableColumns(
  [
    { id: 'status', title: 'Status', kind: 'status' },
    { id: 'restarts', title: 'Restarts', kind: 'number' },
  ],
  true,
);
const [nameCol, , statusCol, restartsCol] = columns;

const pod = (i: number, restarts = 0, status = 'Running'): Row => ({ uid: `u${i}`, name: `pod-${i}`, namespace: `ns-${i % 7}`, cells: [status, restarts] });
const live = { phase: 'live' as const, rows: 0 };
const event = (e: Partial<KubeRowsEvent>): KubeRowsEvent => ({ watchId: 'w', upserts: [], deletes: [], state: live, ...e });
const names = (store: RowStore) => store.view().map((r) => r.name);

describe('RowStore', () => {
  it('applies reset, then upserts, then deletes, replacing everything on reset', () => {
    const store = new RowStore();
    store.apply(event({ reset: true, upserts: [pod(1), pod(2), pod(3)] }));
    expect(names(store)).toEqual(['pod-1', 'pod-2', 'pod-3']);

    store.apply(event({ upserts: [pod(4), pod(2, 5)], deletes: ['u1'] }));
    expect(names(store)).toEqual(['pod-2', 'pod-3', 'pod-4']);
    expect(store.get('u2')?.cells).toEqual(['Running', 5]);

    // Deletes come after upserts: a row upserted and deleted in one event is gone.
    store.apply(event({ upserts: [pod(9)], deletes: ['u9', 'missing'] }));
    expect(store.get('u9')).toBeUndefined();

    store.apply(event({ reset: true, upserts: [pod(7)], state: { phase: 'listing', rows: 1 } }));
    expect(names(store)).toEqual(['pod-7']);
    expect(store.size).toBe(1);
    expect(store.state?.phase).toBe('listing');
  });

  it('notifies once per event and counts rows per namespace', () => {
    const store = new RowStore();
    let calls = 0;
    store.subscribe(() => calls++);
    store.apply(event({ reset: true, upserts: [pod(0), pod(7), pod(1)] }));
    expect(calls).toBe(1);
    expect(Object.fromEntries(store.namespaces())).toEqual({ 'ns-0': 2, 'ns-1': 1 });
    store.apply(event({ deletes: ['u1'], upserts: [{ ...pod(0), namespace: 'ns-5' }] }));
    expect(Object.fromEntries(store.namespaces())).toEqual({ 'ns-0': 1, 'ns-5': 1 });
  });

  it('keeps the view sorted and filtered as rows change, and finds rows by uid', () => {
    const store = new RowStore();
    store.setOrder(rowComparator(restartsCol, 'desc'));
    store.apply(event({ reset: true, upserts: [pod(1, 3), pod(2, 1), pod(3, 2)] }));
    expect(names(store)).toEqual(['pod-1', 'pod-3', 'pod-2']);

    store.apply(event({ upserts: [pod(2, 9)] }));
    expect(names(store)).toEqual(['pod-2', 'pod-1', 'pod-3']);
    expect(store.indexOf('u3')).toBe(2);

    store.setFilter(rowMatcher('crash', new Set(), searchTextOf(columns)));
    expect(names(store)).toEqual([]);
    store.apply(event({ upserts: [pod(3, 2, 'CrashLoopBackOff'), pod(4, 7, 'CrashLoopBackOff')] }));
    expect(names(store)).toEqual(['pod-4', 'pod-3']);
    expect(store.indexOf('u1')).toBe(-1);
    store.apply(event({ upserts: [pod(4, 7)] }));
    expect(names(store)).toEqual(['pod-3']);

    store.setFilter(null);
    expect(names(store)).toEqual(['pod-2', 'pod-4', 'pod-1', 'pod-3']);
  });

  it('stays correct under 50 events a second for 10 seconds over 10,000 rows', () => {
    const store = new RowStore();
    const textOf = searchTextOf(columns);
    store.setOrder(rowComparator(restartsCol, 'asc'));
    store.setFilter(rowMatcher('', new Set(['ns-3', 'ns-4']), textOf));
    const model = new Map<string, Row>();
    const initial = Array.from({ length: 10_000 }, (_, i) => pod(i, i % 13));
    for (const r of initial) model.set(r.uid, r);
    store.apply(event({ reset: true, upserts: initial }));

    // Deterministic pseudo-random changes: restarts bumps, status flips, creations and deletions.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    let next = 10_000;
    for (let e = 0; e < 50 * 10; e++) {
      const upserts: Row[] = [];
      const deletes: string[] = [];
      for (let k = 0; k < 1 + random(8); k++) {
        const uids = [...model.keys()];
        const roll = random(10);
        if (roll < 6) {
          const old = model.get(uids[random(uids.length)])!;
          upserts.push(pod(Number(old.uid.slice(1)), random(50), random(4) ? 'Running' : 'Pending'));
        } else if (roll < 8) {
          upserts.push(pod(next++, random(50)));
        } else {
          deletes.push(uids[random(uids.length)]);
        }
      }
      for (const r of upserts) model.set(r.uid, r);
      for (const uid of deletes) model.delete(uid);
      store.apply(event({ upserts, deletes }));
      // Sorting by another column now and then must keep working on top of the incremental updates.
      if (e === 250) store.setOrder(rowComparator(statusCol, 'desc'));
    }

    const expected = [...model.values()].filter((r) => r.namespace === 'ns-3' || r.namespace === 'ns-4').sort(rowComparator(statusCol, 'desc'));
    expect(store.size).toBe(model.size);
    expect(store.view().map((r) => r.uid)).toEqual(expected.map((r) => r.uid));
    for (const r of expected) expect(store.get(r.uid)).toBe(model.get(r.uid));
    store.setFilter(null);
    expect(store.view().length).toBe(model.size);
  });

  it('rebuilds instead of splicing for large batches, with the same result', () => {
    const store = new RowStore();
    store.setOrder(rowComparator(nameCol, 'asc'));
    store.apply(event({ upserts: Array.from({ length: 600 }, (_, i) => pod(i)) }));
    expect(store.size).toBe(600);
    expect(names(store).slice(0, 3)).toEqual(['pod-0', 'pod-1', 'pod-2']);
    expect(names(store).at(-1)).toBe('pod-599');
  });

  it('keeps rows while a watch re-opens, and drops them when cleared', () => {
    const store = new RowStore();
    store.apply(event({ reset: true, upserts: [pod(1)] }));
    store.reopening();
    expect(store.state).toBeNull();
    expect(store.size).toBe(1);
    store.clear();
    expect(store.size).toBe(0);
    expect(store.view()).toEqual([]);
  });
});
