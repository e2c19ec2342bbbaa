import { describe, expect, it } from 'vitest';
import type { Row } from '../../../../shared/contract';
import { NodePodCounts } from './nodePodCounts';

const live = { phase: 'live' as const, rows: 0 };
const pod = (uid: string, node: string | null): Row => ({ uid, name: uid, namespace: 'a', cells: ['Running', node] });
const nodeRow = (name: string): Row => ({ uid: `n-${name}`, name, cells: ['Ready'] });

describe('pods per node', () => {
  it('counts a reset, then follows pods scheduled, moved and deleted, naming the nodes that changed', () => {
    const counts = new NodePodCounts(1);
    expect(counts.apply({ reset: true, upserts: [pod('p1', 'gpu-1'), pod('p2', 'gpu-1'), pod('p3', null)], deletes: [], state: live })).toBe('all');
    expect([counts.countOf('gpu-1'), counts.countOf('gpu-2')]).toEqual([2, 0]);

    // p3 scheduled on gpu-2, p1 deleted.
    expect(counts.apply({ upserts: [pod('p3', 'gpu-2')], deletes: ['p1'], state: live })).toEqual(new Set(['gpu-2', 'gpu-1']));
    expect([counts.countOf('gpu-1'), counts.countOf('gpu-2')]).toEqual([1, 1]);

    // An update that does not move a pod changes no count.
    expect(counts.apply({ upserts: [pod('p2', 'gpu-1')], deletes: [], state: live })).toEqual(new Set());
    expect(counts.withCount(nodeRow('gpu-1')).cells).toEqual(['Ready', 1]);
  });

  it('says nothing (null) while pods may not be listed, and everything changes when that turns', () => {
    const counts = new NodePodCounts(1);
    counts.apply({ reset: true, upserts: [], deletes: [], state: { phase: 'forbidden', rows: 0, message: 'no access' } });
    expect(counts.countOf('gpu-1')).toBeNull();
    expect(counts.withCount(nodeRow('gpu-1')).cells).toEqual(['Ready', null]);
    expect(counts.apply({ upserts: [pod('p1', 'gpu-1')], deletes: [], state: live })).toBe('all');
    expect(counts.countOf('gpu-1')).toBe(1);
  });
});
