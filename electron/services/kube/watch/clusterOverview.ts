/**
 * The cluster overview, computed from the rows the live caches hold (the
 * same trimmed cells the tables show, never whole objects): nodes by
 * readiness, pods by phase, GPUs in use and free, workloads short of what
 * they want, and the newest Warning events.
 */
import type {
  Column,
  GpuSummary,
  KubeOverview,
  NodeSummary,
  PodSummary,
  RecentWarning,
  ResourceRef,
  Row,
  WarningSummary,
  WatchState,
  WorkloadAttention,
  WorkloadSummary,
} from '../../../../shared/contract';
import { isStalledStatus } from '../model';
import type { CellValue } from './rowShapes';

/** What the overview reads of one cache: where it stands, its columns, and the rows it holds now. */
export interface OverviewSource {
  resource: ResourceRef;
  kind: string;
  state: WatchState;
  columns: readonly Column[];
  rows: readonly Row[];
}

/** The caches the overview reads, all of them across all namespaces. */
export interface OverviewSources {
  nodes: OverviewSource;
  pods: OverviewSource;
  /** Deployments, StatefulSets and DaemonSets. */
  workloads: OverviewSource[];
  events: OverviewSource;
}

/** How many nodes, workloads and warnings the overview names; the rest are counted. */
export const OVERVIEW_LIMITS = { nodes: 10, workloads: 50, warnings: 10 } as const;

/** Phases in which a cache's rows say nothing about the cluster. */
const FAILED_PHASES = new Set<WatchState['phase']>(['forbidden', 'unauthorized', 'error']);
/** Pods in these phases have ended and hold nothing on their node. */
const FINISHED_PHASES = new Set(['Succeeded', 'Failed']);

/** Reads a row's cells by column id, so the overview follows the shapes' columns wherever they are. */
function cellReader(source: OverviewSource): (row: Row, id: string) => CellValue {
  const index = new Map(source.columns.map((c, i) => [c.id, i]));
  return (row, id) => {
    const i = index.get(id);
    return i === undefined ? null : (row.cells[i] ?? null);
  };
}

const text = (cell: CellValue): string => (typeof cell === 'string' ? cell : '');
const count = (cell: CellValue): number => (typeof cell === 'number' ? cell : 0);

/** Why a source's rows cannot be trusted, or undefined when they can. */
function problemOf(source: OverviewSource): string | undefined {
  if (!FAILED_PHASES.has(source.state.phase)) return undefined;
  return source.state.message ?? `${source.resource.resource} cannot be listed (${source.state.phase})`;
}

/**
 * One part of the overview from its sources: its value needs every source
 * (`needs: 'all'`) or at least one (`'any'`, the rest named as problems).
 */
function part<T>(sources: OverviewSource[], needs: 'all' | 'any', compute: (usable: OverviewSource[]) => T): { listing: boolean; problems: string[]; value?: T } {
  const problems = sources.map(problemOf).filter((p): p is string => p !== undefined);
  const usable = sources.filter((s) => problemOf(s) === undefined);
  const listing = sources.some((s) => s.state.phase === 'listing');
  const known = needs === 'all' ? problems.length === 0 : usable.length > 0;
  return known ? { listing, problems, value: compute(usable) } : { listing, problems };
}

/** A node's readiness and cordon, from its Status cell ("Ready", "NotReady,SchedulingDisabled", "Unknown"). */
function nodeState(status: string): { ready: boolean; cordoned: boolean } {
  const parts = status.split(',');
  return { ready: parts[0] === 'Ready', cordoned: parts.includes('SchedulingDisabled') };
}

/** Nodes by readiness and cordon, naming the first few that need attention. */
export function summarizeNodes(nodes: OverviewSource): NodeSummary {
  const cell = cellReader(nodes);
  const summary: NodeSummary = { total: 0, ready: 0, notReady: 0, cordoned: 0, attention: [] };
  const attention: NodeSummary['attention'] = [];
  for (const row of nodes.rows) {
    const status = text(cell(row, 'status'));
    const { ready, cordoned } = nodeState(status);
    summary.total++;
    if (ready) summary.ready++;
    else summary.notReady++;
    if (cordoned) summary.cordoned++;
    if (!ready || cordoned) attention.push({ name: row.name, status });
  }
  // Not ready before merely cordoned, then by name.
  attention.sort((a, b) => Number(nodeState(a.status).ready) - Number(nodeState(b.status).ready) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  summary.attention = attention.slice(0, OVERVIEW_LIMITS.nodes);
  return summary;
}

/**
 * Pods by phase. A Running pod whose Status is anything but plain "Running"
 * ("Running (0/1 ready)", "CrashLoopBackOff", "Terminating") is not ready
 * and is also counted apart.
 */
export function summarizePods(pods: OverviewSource): PodSummary {
  const cell = cellReader(pods);
  const summary: PodSummary = { total: 0, running: 0, runningNotReady: 0, pending: 0, succeeded: 0, failed: 0, unknown: 0 };
  for (const row of pods.rows) {
    summary.total++;
    switch (cell(row, 'phase')) {
      case 'Running':
        summary.running++;
        if (cell(row, 'status') !== 'Running') summary.runningNotReady++;
        break;
      case 'Pending':
        summary.pending++;
        break;
      case 'Succeeded':
        summary.succeeded++;
        break;
      case 'Failed':
        summary.failed++;
        break;
      default:
        summary.unknown++;
    }
  }
  return summary;
}

/**
 * Whole GPUs: what the nodes offer (allocatable) against what unfinished pods
 * placed on them request. A pod's GPUs cell already counts as the scheduler
 * does (a limit stands for a missing request; an init container asking for
 * more than the others raises the pod's need). Free GPUs on nodes that are
 * not Ready or are cordoned are unschedulable, not free.
 */
export function summarizeGpus(nodes: OverviewSource, pods: OverviewSource): GpuSummary {
  const nodeCell = cellReader(nodes);
  const podCell = cellReader(pods);
  const offered = new Map<string, { allocatable: number; schedulable: boolean; used: number }>();
  for (const row of nodes.rows) {
    const allocatable = nodeCell(row, 'gpuAllocatable');
    // Null for nodes without the device plugin's resource; a number (0 included) for GPU nodes.
    if (typeof allocatable !== 'number') continue;
    const { ready, cordoned } = nodeState(text(nodeCell(row, 'status')));
    offered.set(row.name, { allocatable, schedulable: ready && !cordoned, used: 0 });
  }
  let waiting = 0;
  for (const row of pods.rows) {
    const gpus = count(podCell(row, 'gpus'));
    if (!gpus || FINISHED_PHASES.has(text(podCell(row, 'phase')))) continue;
    const node = text(podCell(row, 'node'));
    if (!node) waiting += gpus;
    else {
      const on = offered.get(node);
      if (on) on.used += gpus;
    }
  }
  const summary: GpuSummary = { nodes: offered.size, allocatable: 0, inUse: 0, unschedulable: 0, waiting };
  for (const node of offered.values()) {
    summary.allocatable += node.allocatable;
    summary.inUse += node.used;
    if (!node.schedulable) summary.unschedulable += Math.max(0, node.allocatable - node.used);
  }
  return summary;
}

/** Desired replicas (for a DaemonSet, nodes) from the Ready cell, "ready/desired" as the workload shapes write it. */
function desiredOf(ready: CellValue): number {
  const match = /^\d+\/(\d+)$/.exec(text(ready));
  return match ? Number(match[1]) : 0;
}

/** Worst first: stalled, then none available, then the larger shortfall, then by place and name. */
function byUrgency(a: WorkloadAttention, b: WorkloadAttention): number {
  return (
    Number(b.stalled) - Number(a.stalled) ||
    Number(a.available > 0) - Number(b.available > 0) ||
    a.available / (a.desired || 1) - b.available / (b.desired || 1) ||
    (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
    a.name.localeCompare(b.name)
  );
}

/** Deployments, StatefulSets and DaemonSets with fewer available than desired, or whose rollout stalled. */
export function summarizeWorkloads(sources: OverviewSource[]): WorkloadSummary {
  let total = 0;
  const notAvailable: WorkloadAttention[] = [];
  for (const source of sources) {
    const cell = cellReader(source);
    for (const row of source.rows) {
      total++;
      const status = text(cell(row, 'status'));
      if (status === 'Terminating') continue;
      const desired = desiredOf(cell(row, 'ready'));
      const available = count(cell(row, 'available'));
      const stalled = isStalledStatus(status);
      if (!stalled && available >= desired) continue;
      notAvailable.push({
        resource: source.resource,
        kind: source.kind,
        ...(row.namespace ? { namespace: row.namespace } : {}),
        name: row.name,
        uid: row.uid,
        status,
        available,
        desired,
        stalled,
      });
    }
  }
  notAvailable.sort(byUrgency);
  return { total, notAvailable: notAvailable.slice(0, OVERVIEW_LIMITS.workloads), more: Math.max(0, notAvailable.length - OVERVIEW_LIMITS.workloads) };
}

/** The newest Warning events, newest first (by when they last happened). */
export function summarizeWarnings(events: OverviewSource): WarningSummary {
  const cell = cellReader(events);
  const warnings: { at: number; warning: RecentWarning }[] = [];
  for (const row of events.rows) {
    if (cell(row, 'type') !== 'Warning') continue;
    const lastSeen = text(cell(row, 'lastSeen'));
    const at = Date.parse(lastSeen);
    warnings.push({
      at: Number.isNaN(at) ? -Infinity : at,
      warning: {
        uid: row.uid,
        ...(row.namespace ? { namespace: row.namespace } : {}),
        reason: text(cell(row, 'reason')),
        object: text(cell(row, 'object')),
        message: text(cell(row, 'message')),
        count: count(cell(row, 'count')) || 1,
        ...(lastSeen ? { lastSeen } : {}),
      },
    });
  }
  warnings.sort((a, b) => b.at - a.at);
  return { total: warnings.length, recent: warnings.slice(0, OVERVIEW_LIMITS.warnings).map((w) => w.warning) };
}

/** The whole overview from the caches' rows as they stand; `complete` once no first list is still running. */
export function summarizeCluster(sources: OverviewSources): KubeOverview {
  const all = [sources.nodes, sources.pods, ...sources.workloads, sources.events];
  return {
    complete: all.every((s) => s.state.phase !== 'listing'),
    nodes: part([sources.nodes], 'all', () => summarizeNodes(sources.nodes)),
    pods: part([sources.pods], 'all', () => summarizePods(sources.pods)),
    gpus: part([sources.nodes, sources.pods], 'all', () => summarizeGpus(sources.nodes, sources.pods)),
    workloads: part(sources.workloads, 'any', summarizeWorkloads),
    warnings: part([sources.events], 'all', () => summarizeWarnings(sources.events)),
  };
}
