import { describe, expect, it } from 'vitest';
import type { Row } from '../../../../shared/contract';
import { NODE_POD_COLUMNS, NodePodCounts } from './nodePodCounts';

const live = { phase: 'live' as const, rows: 0 };
/** Pod rows as the pods shape has them, trimmed to status, GPUs, node and phase. */
const pod = (uid: string, node: string | null, gpus: number | null = null, phase = 'Running'): Row => ({ uid, name: uid, namespace: 'a', cells: [phase, gpus, node, phase] });
/** Node rows: status, allocatable GPUs (null on a node without). */
const nodeRow = (name: string, gpus: number | null = null): Row => ({ uid: `n-${name}`, name, cells: ['Ready', gpus] });
const counter = () => new NodePodCounts({ gpus: 1, node: 2, phase: 3 }, 1);
/** Pods, GPUs requested and GPUs free of a node. */
const added = (counts: NodePodCounts, name: string, gpus: number | null = 8) => counts.withCount(nodeRow(name, gpus)).cells.slice(2);

describe('pods per node', () => {
  it('adds Pods, GPUs requested and GPUs free, numeric like the other count columns', () => {
    expect(NODE_POD_COLUMNS).toEqual([
      { id: 'pods', title: 'Pods', kind: 'number' },
      { id: 'gpuRequested', title: 'GPUs requested', kind: 'number' },
      { id: 'gpuFree', title: 'GPUs free', kind: 'number' },
    ]);
  });

  it('counts a reset, then follows pods scheduled, moved and deleted, naming the nodes that changed', () => {
    const counts = counter();
    expect(counts.apply({ reset: true, upserts: [pod('p1', 'gpu-1'), pod('p2', 'gpu-1'), pod('p3', null)], deletes: [], state: live })).toBe('all');
    expect([counts.countOf('gpu-1'), counts.countOf('gpu-2')]).toEqual([2, 0]);

    // p3 scheduled on gpu-2, p1 deleted.
    expect(counts.apply({ upserts: [pod('p3', 'gpu-2')], deletes: ['p1'], state: live })).toEqual(new Set(['gpu-2', 'gpu-1']));
    expect([counts.countOf('gpu-1'), counts.countOf('gpu-2')]).toEqual([1, 1]);

    // An update that does not move a pod changes no count.
    expect(counts.apply({ upserts: [pod('p2', 'gpu-1')], deletes: [], state: live })).toEqual(new Set());
    expect(counts.withCount(nodeRow('gpu-1')).cells).toEqual(['Ready', null, 1, null, null]);
  });

  it('sums the GPUs of the pods on each node and says how many of the allocatable are free', () => {
    const counts = counter();
    counts.apply({ reset: true, upserts: [pod('train', 'gpu-0', 8), pod('infer-0', 'gpu-1', 4), pod('infer-1', 'gpu-1', 2), pod('web', 'gpu-1')], deletes: [], state: live });
    expect(added(counts, 'gpu-0')).toEqual([1, 8, 0]);
    expect(added(counts, 'gpu-1')).toEqual([3, 6, 2]);
    expect(added(counts, 'gpu-3')).toEqual([0, 0, 8]);
    // Allocatable below what is held (a GPU turned unhealthy under a pod): none free, not a negative number.
    expect(added(counts, 'gpu-0', 6)).toEqual([1, 8, 0]);
  });

  it('moves GPUs with a pod from node to node, and gives them back when it is deleted', () => {
    const counts = counter();
    counts.apply({ reset: true, upserts: [pod('nb', 'gpu-2', 4)], deletes: [], state: live });
    expect(counts.apply({ upserts: [pod('nb', 'gpu-3', 4)], deletes: [], state: live })).toEqual(new Set(['gpu-2', 'gpu-3']));
    expect([added(counts, 'gpu-2'), added(counts, 'gpu-3')]).toEqual([
      [0, 0, 8],
      [1, 4, 4],
    ]);
    // A row whose GPUs change changes its node's figures only.
    expect(counts.apply({ upserts: [pod('nb', 'gpu-3', 8)], deletes: [], state: live })).toEqual(new Set(['gpu-3']));
    expect(added(counts, 'gpu-3')).toEqual([1, 8, 0]);
    expect(counts.apply({ upserts: [], deletes: ['nb'], state: live })).toEqual(new Set(['gpu-3']));
    expect(added(counts, 'gpu-3')).toEqual([0, 0, 8]);
    // Deleting a pod never seen changes nothing.
    expect(counts.apply({ upserts: [], deletes: ['ghost'], state: live })).toEqual(new Set());
  });

  it('counts a finished pod on its node but not its GPUs, from the moment it finishes', () => {
    const counts = counter();
    counts.apply({ reset: true, upserts: [pod('job', 'gpu-0', 8), pod('failed', 'gpu-0', 2, 'Failed')], deletes: [], state: live });
    expect(added(counts, 'gpu-0')).toEqual([2, 8, 0]);
    expect(counts.apply({ upserts: [pod('job', 'gpu-0', 8, 'Succeeded')], deletes: [], state: live })).toEqual(new Set(['gpu-0']));
    expect(added(counts, 'gpu-0')).toEqual([2, 0, 8]);
    // A pending pod already assigned to the node holds its GPUs.
    counts.apply({ upserts: [pod('next', 'gpu-0', 8, 'Pending')], deletes: [], state: live });
    expect(added(counts, 'gpu-0')).toEqual([3, 8, 0]);
  });

  it('starts over on a reset: pods gone from the new list no longer count', () => {
    const counts = counter();
    counts.apply({ reset: true, upserts: [pod('a', 'gpu-0', 8), pod('b', 'gpu-1', 8)], deletes: [], state: live });
    expect(counts.apply({ reset: true, upserts: [pod('b', 'gpu-1', 8)], deletes: [], state: live })).toBe('all');
    expect(added(counts, 'gpu-0')).toEqual([0, 0, 8]);
    expect(added(counts, 'gpu-1')).toEqual([1, 8, 0]);
  });

  it('leaves the GPU cells of a node without GPUs empty, not 0, unless pods there ask for some', () => {
    const counts = counter();
    counts.apply({ reset: true, upserts: [pod('web', 'cpu-0')], deletes: [], state: live });
    expect(added(counts, 'cpu-0', null)).toEqual([1, null, null]);
    counts.apply({ upserts: [pod('odd', 'cpu-0', 1, 'Pending')], deletes: [], state: live });
    expect(added(counts, 'cpu-0', null)).toEqual([2, 1, null]);
  });

  it('ignores GPU cells that are not counts', () => {
    const counts = counter();
    counts.apply({ reset: true, upserts: [pod('a', 'gpu-0', -3), { uid: 'b', name: 'b', cells: ['Running', '8', 'gpu-0', 'Running'] }], deletes: [], state: live });
    expect(added(counts, 'gpu-0')).toEqual([2, 0, 8]);
  });

  it('says nothing (null) while pods may not be listed, and everything changes when that turns', () => {
    const counts = counter();
    counts.apply({ reset: true, upserts: [], deletes: [], state: { phase: 'forbidden', rows: 0, message: 'no access' } });
    expect(counts.countOf('gpu-1')).toBeNull();
    expect(counts.gpusOf('gpu-1')).toBeNull();
    expect(counts.withCount(nodeRow('gpu-1', 8)).cells).toEqual(['Ready', 8, null, null, null]);
    expect(counts.apply({ upserts: [pod('p1', 'gpu-1', 8)], deletes: [], state: live })).toBe('all');
    expect(added(counts, 'gpu-1')).toEqual([1, 8, 0]);
    // Failing later: the counts kept are not shown, and every node goes out again.
    expect(counts.apply({ upserts: [], deletes: [], state: { phase: 'error', rows: 1, message: 'gone' } })).toBe('all');
    expect(added(counts, 'gpu-1')).toEqual([null, null, null]);
  });

  it('counts nothing when the pods cache could not be opened (no cells to read)', () => {
    const counts = new NodePodCounts({ node: -1, gpus: -1, phase: -1 }, 1);
    counts.apply({ reset: true, upserts: [], deletes: [], state: { phase: 'error', rows: 0 } });
    expect(added(counts, 'gpu-0')).toEqual([null, null, null]);
  });
});
