/**
 * The Nodes table's Pods, GPUs requested and GPUs free columns: what each
 * node has been assigned, kept from the updates of the connection's
 * all-namespaces pods cache (the one the Pods view uses), so no extra request
 * is made per node.
 */
import type { Column, Row } from '../../../../shared/contract';
import type { CacheUpdate } from './resourceCache';

/** The columns added to node rows, in the order {@link NodePodCounts.withCount} appends their cells. */
export const NODE_POD_COLUMNS: Column[] = [
  { id: 'pods', title: 'Pods', kind: 'number' },
  { id: 'gpuRequested', title: 'GPUs requested', kind: 'number' },
  { id: 'gpuFree', title: 'GPUs free', kind: 'number' },
];

/** Phases in which the pods held say nothing about the cluster. */
const UNKNOWN_PHASES = new Set(['forbidden', 'unauthorized', 'error']);
/** Pod phases whose GPUs the kubelet has given back. */
const FINISHED_POD_PHASES = new Set(['Succeeded', 'Failed']);

/** Where pod rows keep what is counted (indexes into their cells; -1 when absent). */
export interface PodCells {
  /** The node the pod is assigned to. */
  node: number;
  /** GPUs the pod asks for (a number, or null for none). */
  gpus: number;
  /** The pod's phase. */
  phase: number;
}

/** Where a pod is and what it holds there. */
interface Placement {
  node: string;
  gpus: number;
}

/**
 * Pods and GPUs per node name, from pod rows. A pod counts on its node until
 * it is deleted; its GPUs count only until it finishes.
 */
export class NodePodCounts {
  private readonly placed = new Map<string, Placement>();
  private readonly counts = new Map<string, { pods: number; gpus: number }>();
  /** False while the pods cannot be listed (forbidden, failing): counts would mislead. */
  private known = true;

  /**
   * @param pod where pod rows keep their node, GPUs and phase
   * @param gpuAllocatable index of the node rows' allocatable GPUs cell (null on nodes without GPUs)
   */
  constructor(
    private readonly pod: PodCells,
    private readonly gpuAllocatable: number,
  ) {}

  /** Applies one pods-cache update; returns the nodes whose counts changed (every node after a reset). */
  apply(update: CacheUpdate): Set<string> | 'all' {
    const wasKnown = this.known;
    this.known = !UNKNOWN_PHASES.has(update.state.phase);
    if (update.reset) {
      this.placed.clear();
      this.counts.clear();
      for (const row of update.upserts) this.place(row.uid, this.placementOf(row));
      return 'all';
    }
    const changed = new Set<string>();
    for (const uid of update.deletes) this.place(uid, undefined, changed);
    for (const row of update.upserts) this.place(row.uid, this.placementOf(row), changed);
    return wasKnown === this.known ? changed : 'all';
  }

  /** Pods assigned to a node, finished ones included; null while pods cannot be listed. */
  countOf(node: string): number | null {
    return this.known ? (this.counts.get(node)?.pods ?? 0) : null;
  }

  /** GPUs held by a node's unfinished pods; null while pods cannot be listed. */
  gpusOf(node: string): number | null {
    return this.known ? (this.counts.get(node)?.gpus ?? 0) : null;
  }

  /**
   * A node row with its Pods, GPUs requested and GPUs free cells appended.
   * A node without GPUs shows neither GPU cell (unless pods there ask for
   * some anyway); free is never below zero.
   */
  withCount(row: Row): Row {
    const allocatable = row.cells[this.gpuAllocatable];
    const hasGpus = typeof allocatable === 'number';
    const requested = this.gpusOf(row.name);
    const free = hasGpus && requested !== null ? Math.max(0, allocatable - requested) : null;
    return { ...row, cells: [...row.cells, this.countOf(row.name), hasGpus || requested ? requested : null, free] };
  }

  private placementOf(row: Row): Placement | undefined {
    const node = row.cells[this.pod.node];
    if (typeof node !== 'string' || !node) return undefined;
    const gpus = row.cells[this.pod.gpus];
    const finished = FINISHED_POD_PHASES.has(String(row.cells[this.pod.phase]));
    return { node, gpus: typeof gpus === 'number' && gpus > 0 && !finished ? gpus : 0 };
  }

  private place(uid: string, next: Placement | undefined, changed?: Set<string>): void {
    const before = this.placed.get(uid);
    if (before?.node === next?.node && before?.gpus === next?.gpus) return;
    if (before) {
      this.add(before.node, -1, -before.gpus);
      changed?.add(before.node);
    }
    if (next) {
      this.placed.set(uid, next);
      this.add(next.node, 1, next.gpus);
      changed?.add(next.node);
    } else this.placed.delete(uid);
  }

  private add(node: string, pods: number, gpus: number): void {
    const c = this.counts.get(node) ?? { pods: 0, gpus: 0 };
    c.pods += pods;
    c.gpus += gpus;
    if (c.pods > 0) this.counts.set(node, c);
    else this.counts.delete(node);
  }
}
