/**
 * What each kind of rule finds in its data source: one finding per subject
 * whose condition holds (a pod whose idle GPUs cost too much, a day over
 * budget, a GPU node not Ready, a namespace whose DR drill is overdue). A
 * source that fails throws, and the evaluator leaves the rule's alerts as
 * they were.
 */
import type { AlertRuleSpec, DailySpendParams, DrillOverdueParams, GpuNodeNotReadyParams, IdleGpuCostParams } from '../../../shared/contract/alerts';
import type { ConnectionSummary, GpuIdleReport, SpendCosts } from '../../../shared/contract';
import type { DrillSummary, DrillTarget } from '../../../shared/contract/drills';
import { humanDuration } from '../kube/model/durations';
import type { Finding } from './alertStore';

/** A node with GPUs and its Ready condition, as the kube source reads it. */
export interface GpuNodeCondition {
  name: string;
  /** Whole GPUs (capacity), plus MIG slices when it has no whole ones. */
  gpus: number;
  /** The Ready condition's status; null when the node reports none. */
  ready: string | null;
  reason: string | null;
  message: string | null;
  /** When the condition last changed, ISO. */
  since: string | null;
}

/** A namespace whose DR drill is overdue, as the drills source reads it. */
export interface OverdueDrill {
  connectionId: string;
  connectionName: string;
  namespace: string;
  target: DrillTarget;
  /** When the last passing drill started; absent when none ever passed. */
  lastPassedAt?: string;
  /** When the next drill fell due (the last pass plus the target's interval); absent when none ever passed. */
  dueAt?: string;
  /** The namespace's newest drill, whatever its outcome. */
  lastDrill?: DrillSummary;
}

/** Where rules read their data; each is a service function of its area, given to the evaluator so tests can stand in. */
export interface AlertSources {
  /** Idle GPUs (the GPU area's `gpu.idle`). */
  idleGpus(params: { clusterConnectionId: string; prometheusConnectionId: string; thresholdPct: number; windowHours: number }, signal: AbortSignal): Promise<GpuIdleReport>;
  /** Daily unblended costs through the spend area's cache: a billable request only when its cached answer has expired. Never a stale answer: that throws (the rule could not be evaluated). */
  dailyCosts(params: { connectionId: string; start: string; end: string }, signal: AbortSignal): Promise<SpendCosts>;
  /** The cluster's nodes with GPUs. */
  gpuNodes(clusterConnectionId: string, signal: AbortSignal): Promise<GpuNodeCondition[]>;
  /** Namespaces with drill targets whose drill is overdue at `now`, on the connection or on every stored one (the drills area's records: no cluster is asked). */
  overdueDrills(clusterConnectionId: string | undefined, now: number): OverdueDrill[];
}

/** A connection a rule reads: the params field naming it, its id, and the kind it must be. */
export interface RuleReference {
  field: string;
  id: string;
  kind: ConnectionSummary['kind'];
}

/** The connections a rule reads, each with the kind it must be. */
export function referencesOf(spec: AlertRuleSpec): RuleReference[] {
  switch (spec.kind) {
    case 'idle-gpu-cost':
      return [
        { field: 'clusterConnectionId', id: spec.params.clusterConnectionId, kind: 'kubernetes' },
        { field: 'prometheusConnectionId', id: spec.params.prometheusConnectionId, kind: 'prometheus' },
      ];
    case 'daily-spend':
      return [{ field: 'awsConnectionId', id: spec.params.awsConnectionId, kind: 'aws' }];
    case 'gpu-node-not-ready':
      return [{ field: 'clusterConnectionId', id: spec.params.clusterConnectionId, kind: 'kubernetes' }];
    case 'drill-overdue':
      return spec.params.clusterConnectionId ? [{ field: 'clusterConnectionId', id: spec.params.clusterConnectionId, kind: 'kubernetes' }] : [];
  }
}

const usd = (n: number) => `$${n.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const DAY_MS = 86_400_000;
/** A node's condition message is the kubelet's text: kept to a length a notification can show. */
const MAX_MESSAGE = 300;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Pods whose idle GPUs (priced ones) cost more than the rule allows per hour, costliest first. */
export async function idleGpuCostFindings(p: IdleGpuCostParams, sources: AlertSources, signal: AbortSignal): Promise<Finding[]> {
  const report = await sources.idleGpus(
    { clusterConnectionId: p.clusterConnectionId, prometheusConnectionId: p.prometheusConnectionId, thresholdPct: p.utilPct, windowHours: p.windowHours },
    signal,
  );
  const byPod = new Map<string, GpuIdleReport['gpus']>();
  for (const g of report.gpus) {
    const key = `${g.namespace}/${g.pod}`;
    byPod.set(key, [...(byPod.get(key) ?? []), g]);
  }
  const findings: Finding[] = [];
  for (const [pod, gpus] of byPod) {
    const priced = gpus.filter((g) => g.hourlyUsd !== null);
    // Unpriced GPUs cost an unknown amount, not nothing: a pod with none priced has no figure to compare.
    if (!priced.length) continue;
    const hourly = round(priced.reduce((a, g) => a + (g.hourlyUsd ?? 0), 0), 2);
    if (!(hourly > p.maxUsdPerHour)) continue;
    const nodes = [...new Set(gpus.map((g) => g.node))].sort();
    const avg = round(gpus.reduce((a, g) => a + g.avgUtilPct, 0) / gpus.length, 1);
    const first = gpus[0];
    const who = [first.team ? `team ${first.team}` : null, first.ownerKind && first.ownerName ? `${first.ownerKind} ${first.ownerName}` : null].filter(Boolean).join(', ');
    const unpriced = gpus.length - priced.length;
    findings.push({
      fingerprint: `pod:${pod}`,
      subject: pod,
      severity: 'warning',
      title: `${pod} holds ${plural(gpus.length, 'idle GPU')} costing ${usd(hourly)}/h`,
      detail:
        `${plural(gpus.length, 'GPU')} on ${nodes.join(', ')} averaged ${avg}% (below ${p.utilPct}%) over the last ${p.windowHours} h: ${usd(hourly)}/h, over ${usd(p.maxUsdPerHour)}/h` +
        (unpriced ? `; ${plural(unpriced, 'GPU')} without a price not counted` : '') +
        (who ? `. ${who}` : ''),
      value: hourly,
      threshold: p.maxUsdPerHour,
      unit: 'USD/h',
    });
  }
  return findings.sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
}

/**
 * Yesterday and today (UTC, as Cost Explorer counts days) when over budget.
 * Yesterday counts because Cost Explorer takes up to a day to bill a day; it
 * resolves when it leaves the two days looked at.
 */
export async function dailySpendFindings(p: DailySpendParams, sources: AlertSources, signal: AbortSignal, now: number): Promise<Finding[]> {
  const costs = await sources.dailyCosts({ connectionId: p.awsConnectionId, start: utcDay(now - DAY_MS), end: utcDay(now + DAY_MS) }, signal);
  return costs.periods
    .filter((period) => period.total > p.budgetUsd)
    .map((period) => ({
      fingerprint: `day:${period.start}`,
      subject: `${period.start} (UTC)`,
      severity: 'critical' as const,
      title: `AWS spend on ${period.start} is ${usd(period.total)}, over the ${usd(p.budgetUsd)} budget`,
      detail: `Unblended cost ${usd(period.total)} ${costs.unit} for ${period.start} (UTC), budget ${usd(p.budgetUsd)}${period.estimated ? '; the day is still being billed' : ''}`,
      value: round(period.total, 2),
      threshold: p.budgetUsd,
      unit: costs.unit,
    }));
}

/** GPU nodes whose Ready condition is not True (False, Unknown, or missing). */
export async function gpuNodeNotReadyFindings(p: GpuNodeNotReadyParams, sources: AlertSources, signal: AbortSignal): Promise<Finding[]> {
  const nodes = await sources.gpuNodes(p.clusterConnectionId, signal);
  return nodes
    .filter((n) => n.ready !== 'True')
    .map((n) => ({
      fingerprint: `node:${n.name}`,
      subject: n.name,
      severity: 'critical' as const,
      title: `GPU node ${n.name} is not Ready`,
      detail:
        `${n.ready === null ? 'It reports no Ready condition' : `Ready is ${n.ready}`}${n.reason ? ` (${n.reason})` : ''}${n.since ? ` since ${n.since}` : ''}` +
        `${n.message ? `: ${n.message.slice(0, MAX_MESSAGE)}` : ''}; ${plural(n.gpus, 'GPU')} on it`,
      value: null,
      threshold: null,
      unit: null,
    }));
}

/** "2026-11-27 10:00 UTC": a time a notification can show in one glance. */
const utcMinute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
/** A drill's error is a sentence from the drill's run: kept to what a notification can show. */
const MAX_DRILL_ERROR = 300;

/** What the namespace's newest drill says: its outcome, and its RTO against the target when it measured one. */
function lastDrillText(d: DrillSummary, target: DrillTarget): string {
  if (d.outcome === 'running') return `A drill is running, started ${utcMinute(d.startedAt)}`;
  const outcome = d.outcome === 'passed' || d.outcome === 'failed' ? d.outcome : `was ${d.outcome}`;
  const targetMs = target.rtoSeconds * 1000;
  const rto = d.rtoMs === undefined ? '' : `; its RTO was ${humanDuration(d.rtoMs)} against the ${humanDuration(targetMs)} target${d.rtoMs > targetMs ? ' (missed)' : ''}`;
  return `The last drill, started ${utcMinute(d.startedAt)}, ${outcome}${d.error ? ` (${d.error.slice(0, MAX_DRILL_ERROR)})` : ''}${rto}`;
}

/**
 * Namespaces whose last passing DR drill is older than their target's
 * interval, or that never passed one; worst first. A warning, since a drill a
 * day late is a reminder; critical once more than twice the interval has gone
 * by since the last pass, or when drills were run and the latest failed with
 * none ever passing: the restore has never been shown to work. A namespace
 * never drilled at all stays a warning: when its target was set is not
 * recorded, and a target just set asks for a first drill, not a page. The
 * figure is the days since the last pass against the interval.
 */
export async function drillOverdueFindings(p: DrillOverdueParams, sources: AlertSources, now: number): Promise<Finding[]> {
  const overdue = sources.overdueDrills(p.clusterConnectionId, now);
  const findings = overdue.map((o) => {
    const intervalMs = o.target.everyDays * DAY_MS;
    const sincePass = o.lastPassedAt === undefined ? undefined : now - Date.parse(o.lastPassedAt);
    const critical = sincePass !== undefined ? sincePass > 2 * intervalMs : o.lastDrill?.outcome === 'failed';
    const subject = `${o.namespace} on ${o.connectionName}`;
    const every = `a passing drill every ${plural(o.target.everyDays, 'day')}`;
    const passed =
      o.lastPassedAt === undefined || o.dueAt === undefined
        ? `No drill has passed since the target (${every}) was set`
        : `The last passing drill started ${utcMinute(o.lastPassedAt)} (${humanDuration(sincePass ?? 0)} ago); the target is ${every}, so one was due ${utcMinute(o.dueAt)}`;
    return {
      // A namespace is a DNS label, so the last "/" parts it from the connection id.
      fingerprint: `drill:${o.connectionId}/${o.namespace}`,
      subject,
      severity: critical ? ('critical' as const) : ('warning' as const),
      title: o.dueAt === undefined ? `${subject} has never passed a DR drill` : `DR drill of ${subject} overdue since ${utcMinute(o.dueAt)}`,
      detail: `${passed}. ${o.lastDrill ? lastDrillText(o.lastDrill, o.target) : 'It has never been drilled'}.`,
      value: sincePass === undefined ? null : round(sincePass / DAY_MS, 1),
      threshold: o.target.everyDays,
      unit: 'days',
      sincePass,
    };
  });
  // Critical first, then the longest since a pass (never passed counts as longest).
  findings.sort((a, b) => Number(b.severity === 'critical') - Number(a.severity === 'critical') || (b.sincePass ?? Infinity) - (a.sincePass ?? Infinity) || a.subject.localeCompare(b.subject));
  return findings.map(({ sincePass: _sincePass, ...f }) => f);
}
