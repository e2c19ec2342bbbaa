/**
 * The Nodes table's Pods column: how many pods each node has been assigned,
 * kept from the updates of the connection's all-namespaces pods cache (the
 * one the Pods view uses), so no extra request is made per node.
 */
import type { Column, Row } from '../../../../shared/contract';
import type { CacheUpdate } from './resourceCache';

/** The column added to node rows. */
export const NODE_PODS_COLUMN: Column = { id: 'pods', title: 'Pods', kind: 'number' };

/** Phases in which the pods held say nothing about the cluster. */
const UNKNOWN_PHASES = new Set(['forbidden', 'unauthorized', 'error']);

/** Pods per node name, from pod rows (whose `nodeColumn` cell names the node). */
export class NodePodCounts {
  private readonly nodeOf = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  /** False while the pods cannot be listed (forbidden, failing): counts would mislead. */
  private known = true;

  constructor(private readonly nodeColumn: number) {}

  /** Applies one pods-cache update; returns the nodes whose count changed (every node after a reset). */
  apply(update: CacheUpdate): Set<string> | 'all' {
    const wasKnown = this.known;
    this.known = !UNKNOWN_PHASES.has(update.state.phase);
    if (update.reset) {
      this.nodeOf.clear();
      this.counts.clear();
      for (const row of update.upserts) this.place(row.uid, this.nodeIn(row));
      return 'all';
    }
    const changed = new Set<string>();
    for (const uid of update.deletes) this.place(uid, undefined, changed);
    for (const row of update.upserts) this.place(row.uid, this.nodeIn(row), changed);
    return wasKnown === this.known ? changed : 'all';
  }

  /** The count for a node, or null while pods cannot be listed. */
  countOf(node: string): number | null {
    return this.known ? (this.counts.get(node) ?? 0) : null;
  }

  /** A node row with its Pods cell appended. */
  withCount(row: Row): Row {
    return { ...row, cells: [...row.cells, this.countOf(row.name)] };
  }

  private nodeIn(row: Row): string | undefined {
    const cell = row.cells[this.nodeColumn];
    return typeof cell === 'string' && cell ? cell : undefined;
  }

  private place(uid: string, node: string | undefined, changed?: Set<string>): void {
    const before = this.nodeOf.get(uid);
    if (before === node) return;
    if (before !== undefined) {
      this.counts.set(before, (this.counts.get(before) ?? 1) - 1);
      changed?.add(before);
    }
    if (node === undefined) this.nodeOf.delete(uid);
    else {
      this.nodeOf.set(uid, node);
      this.counts.set(node, (this.counts.get(node) ?? 0) + 1);
      changed?.add(node);
    }
  }
}
