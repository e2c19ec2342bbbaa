/**
 * GPU cost per namespace or team: the GPU-hours pods held each day (from
 * dcgm-exporter's series, see allocatedGpuHoursQuery), priced at the price
 * table's GPU-hour rate for the node's instance type, set beside what Cost
 * Explorer billed for EC2 GPU instances on the same days.
 */
import type { GpuCost, GpuCostAmount, GpuCostBill, GpuCostDay, GpuCostGroupBy, GpuCostShare, GpuPrice, SpendCosts } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { PrometheusSeries } from '../metrics/prometheusClient';
import { GPU_PRODUCT_LABEL, instanceTypeOf, teamOf, type GpuClusterSnapshot } from './clusterGpus';
import { gpuHourPricer } from './idleGpus';

/** A day, seconds. */
export const DAY_S = 86_400;

/** Midnight UTC starting `day` (YYYY-MM-DD), unix s. */
export const dayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000;
/** The UTC day (YYYY-MM-DD) of unix second `t`. */
export const dayOf = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10);

/** What the report is asked for. */
export interface CostQuery {
  /** First day; `end` is the day after the last (exclusive). */
  start: string;
  end: string;
  groupBy: GpuCostGroupBy;
  teamLabel: string;
  /** Seconds each point of the held series stands for (see allocatedGpuHoursQuery). */
  resolutionSeconds: number;
}

interface Tally {
  gpuHours: number;
  pricedCostUsd: number;
  unpricedGpuHours: number;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const byName = new Intl.Collator('en', { numeric: true }).compare;
const empty = (): GpuCostAmount => ({ gpuHours: 0, costUsd: 0, pricedCostUsd: 0, unpricedGpuHours: 0 });

/** A tally as shown: hours to the thousandth, money to the cent; unknown cost when any hour is unpriced. */
function amountOf(t: Tally): GpuCostAmount {
  const unpricedGpuHours = round(t.unpricedGpuHours, 3);
  const pricedCostUsd = round(t.pricedCostUsd, 2);
  return { gpuHours: round(t.gpuHours, 3), costUsd: unpricedGpuHours > 0 ? null : pricedCostUsd, pricedCostUsd, unpricedGpuHours };
}

/** Sums of amounts as shown, so a total is what a reader adds up from the rows. */
function add(into: GpuCostAmount, a: GpuCostAmount): GpuCostAmount {
  const unpricedGpuHours = round(into.unpricedGpuHours + a.unpricedGpuHours, 3);
  const pricedCostUsd = round(into.pricedCostUsd + a.pricedCostUsd, 2);
  return { gpuHours: round(into.gpuHours + a.gpuHours, 3), costUsd: unpricedGpuHours > 0 ? null : pricedCostUsd, pricedCostUsd, unpricedGpuHours };
}

const largestFirst = (a: GpuCostShare, b: GpuCostShare) => b.gpuHours - a.gpuHours || (a.group === null ? 1 : b.group === null ? -1 : byName(a.group, b.group));

/** Every day from `start` up to (not including) `end`. */
export function daysOf(start: string, end: string): string[] {
  const out: string[] = [];
  for (let t = dayStart(start); t < dayStart(end); t += DAY_S) out.push(dayOf(t));
  return out;
}

/**
 * The report from the held series (one per namespace[, pod], node and GPU
 * model; each point, at a day's end, is the sum over that day of the GPUs
 * held at each instant of `resolutionSeconds`), the cluster's listing and the
 * price table. A GPU is priced by its node's instance type, else by its GPU
 * product (the node's label, else dcgm-exporter's model name: a node that has
 * since gone), else not at all.
 */
export function costReport(held: readonly PrometheusSeries[], snapshot: GpuClusterSnapshot, prices: readonly GpuPrice[], bill: BillAnswer | null, q: CostQuery): GpuCost {
  const price = gpuHourPricer(prices);
  const nodes = new Map(snapshot.nodes.map((n) => [n.name, n]));
  const pods = Array.isArray(snapshot.pods) ? new Map(snapshot.pods.map((p) => [`${p.namespace}/${p.name}`, p])) : undefined;
  const days = daysOf(q.start, q.end);
  const inRange = new Set(days);
  const cells = new Map<string, Map<string | null, Tally>>(days.map((d) => [d, new Map()]));
  const pricedAs = new Map<string, { basis: string; gpuHourUsd: number; gpuHours: number }>();

  for (const s of held) {
    const l = s.labels;
    const namespace = l.namespace ?? '';
    const group = q.groupBy === 'namespace' ? namespace : teamOf({ labels: pods?.get(`${namespace}/${l.pod ?? ''}`)?.labels ?? {}, namespace }, q.teamLabel, snapshot.namespaceLabels);
    const node = nodes.get(l.Hostname ?? '');
    const p = price(node ? instanceTypeOf(node.labels) : null, node?.labels[GPU_PRODUCT_LABEL] || (l.modelName ?? '').replace(/ /g, '-') || null);
    for (const [t, v] of s.points) {
      // The point at a day's end covers the day before it.
      const day = dayOf(t - DAY_S);
      if (!inRange.has(day) || !(v > 0)) continue;
      const hours = (v * q.resolutionSeconds) / 3600;
      const byGroup = cells.get(day)!;
      const tally = byGroup.get(group) ?? { gpuHours: 0, pricedCostUsd: 0, unpricedGpuHours: 0 };
      tally.gpuHours += hours;
      if (p) {
        tally.pricedCostUsd += hours * p.usd;
        const used = pricedAs.get(p.basis) ?? { basis: p.basis, gpuHourUsd: p.usd, gpuHours: 0 };
        used.gpuHours += hours;
        pricedAs.set(p.basis, used);
      } else tally.unpricedGpuHours += hours;
      byGroup.set(group, tally);
    }
  }

  const bills = new Map((bill && 'periods' in bill ? bill.periods : []).map((p) => [p.start, p]));
  const groupTotals = new Map<string | null, GpuCostAmount>();
  let total = empty();
  const dayRows: GpuCostDay[] = days.map((day) => {
    const groups = [...cells.get(day)!].map(([group, t]): GpuCostShare => ({ group, ...amountOf(t) })).sort(largestFirst);
    let dayTotal = empty();
    for (const g of groups) {
      dayTotal = add(dayTotal, g);
      groupTotals.set(g.group, add(groupTotals.get(g.group) ?? empty(), g));
    }
    total = add(total, dayTotal);
    const billed = bills.get(day);
    return { day, groups, total: dayTotal, billUsd: billed ? round(billed.total, 2) : null, billEstimated: billed?.estimated ?? false };
  });

  return {
    start: q.start,
    end: q.end,
    groupBy: q.groupBy,
    teamLabel: q.teamLabel,
    days: dayRows,
    groups: [...groupTotals].map(([group, a]) => ({ group, ...a })).sort(largestFirst),
    total,
    pricedAs: [...pricedAs.values()].map((p) => ({ ...p, gpuHours: round(p.gpuHours, 3) })).sort((a, b) => b.gpuHours - a.gpuHours || byName(a.basis, b.basis)),
    bill: bill === null ? null : billOf(bill, total),
    podAccess: Array.isArray(snapshot.pods) ? { status: 'listed' } : { status: 'forbidden', message: snapshot.pods.forbidden },
    resolutionSeconds: q.resolutionSeconds,
  };
}

/** The spend area's answer for the range, or why there is none. */
export type BillAnswer = SpendCosts | { failed: AppError };

function billOf(bill: BillAnswer, allocated: GpuCostAmount): GpuCostBill {
  if ('failed' in bill) return { status: 'failed', code: bill.failed.code, message: bill.failed.message };
  // The sum of the days as shown.
  const total = round(
    bill.periods.reduce((sum, p) => sum + round(p.total, 2), 0),
    2,
  );
  // Only like with like: the price table is in USD.
  const allocatedPct = allocated.costUsd !== null && total > 0 && bill.unit === 'USD' ? round((allocated.costUsd / total) * 100, 1) : null;
  return {
    status: 'answered',
    unit: bill.unit,
    total,
    allocatedPct,
    fetchedAt: bill.fetchedAt,
    fromCache: bill.fromCache,
    stale: bill.stale,
    ...(bill.staleReason !== undefined ? { staleReason: bill.staleReason } : {}),
    billableRequests: bill.billableRequests,
  };
}
