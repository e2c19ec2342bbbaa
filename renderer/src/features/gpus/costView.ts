/**
 * What the GPU page's Cost tab shows, computed from a `gpu.cost` answer: the
 * chart (a stacked bar per day of allocated cost by namespace or team, the
 * EC2 GPU bill as a line), the tables' rows and the summary sentence.
 */
import type { GpuCost, GpuCostAmount, GpuCostShare } from '../../../../shared/contract';
import type { CsvColumn } from '../../shell/charts/csv';
import type { TimeSeriesData } from '../../shell/charts/timeSeries';
import { formatMoney } from '../spend/spendView';

/** Groups drawn at most; the rest are summed as "Other". */
export const MAX_COST_SERIES = 8;

/** A group's name as shown: a team of null is the pods without the label. */
export const groupName = (group: string | null, teamLabel: string): string => group ?? `No ${teamLabel} label`;

/** "$1,234.56", or "unknown" when GPU-hours have no price (never $0). */
export const formatCost = (a: Pick<GpuCostAmount, 'costUsd'>): string => (a.costUsd === null ? 'unknown' : formatMoney(a.costUsd, 'USD'));

/** "1,234.5 GPU-h". */
export const formatGpuHours = (hours: number): string => `${hours.toLocaleString(undefined, { maximumFractionDigits: 1 })} GPU-h`;

/**
 * The chart: the priced cost of the largest groups as stacked bars (a day's
 * bar at its start), the rest as "Other", and the bill as a line when there is one.
 */
export function costChartData(cost: GpuCost, max = MAX_COST_SERIES): TimeSeriesData {
  const ranked = cost.groups.slice().sort((a, b) => b.pricedCostUsd - a.pricedCostUsd || b.gpuHours - a.gpuHours);
  const shown = ranked.length > max ? ranked.slice(0, max - 1) : ranked;
  const index = new Map(shown.map((g, i) => [g.group, i]));
  const other = ranked.length > shown.length;
  const series = shown.map((g) => ({ key: `g:${g.group ?? ''}`, label: groupName(g.group, cost.teamLabel), values: cost.days.map(() => 0 as number | null) }));
  if (other) series.push({ key: 'other', label: `Other (${ranked.length - shown.length})`, values: cost.days.map(() => 0) });
  cost.days.forEach((d, i) => {
    for (const g of d.groups) {
      const s = series[index.get(g.group) ?? series.length - 1];
      s.values[i] = (s.values[i] ?? 0) + g.pricedCostUsd;
    }
  });
  const bill = cost.bill?.status === 'answered' ? [{ key: 'bill', label: 'EC2 GPU bill', values: cost.days.map((d) => d.billUsd), line: true }] : [];
  return { times: cost.days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000), series: [...series, ...bill] };
}

/** "allocated GPU cost $X vs EC2 GPU bill $Y (Z% allocated)", with what is unknown said plainly. */
export function costSummary(cost: GpuCost): string {
  const unpriced = cost.total.unpricedGpuHours;
  const allocated =
    cost.total.costUsd !== null
      ? `Allocated GPU cost ${formatMoney(cost.total.costUsd, 'USD')} for ${formatGpuHours(cost.total.gpuHours)}`
      : `Allocated GPU cost unknown: ${formatGpuHours(unpriced)} of ${formatGpuHours(cost.total.gpuHours)} have no price (the priced part is ${formatMoney(cost.total.pricedCostUsd, 'USD')})`;
  const bill = cost.bill;
  if (bill === null) return `${allocated}.`;
  if (bill.status === 'failed') return `${allocated}. The EC2 GPU bill could not be read: ${bill.message}`;
  const pct = bill.allocatedPct === null ? '' : ` (${bill.allocatedPct.toLocaleString(undefined, { maximumFractionDigits: 1 })}% allocated)`;
  return `${allocated} vs EC2 GPU bill ${formatMoney(bill.total, bill.unit)}${pct}.`;
}

/** One row of the per-day table. */
export interface CostDayRow {
  day: string;
  amount: GpuCostAmount;
  billUsd: number | null;
  billEstimated: boolean;
  /** Allocated cost as a share of the day's bill; null when either is unknown or the bill is 0. */
  allocatedPct: number | null;
}

/** The per-day rows. */
export function dayRows(cost: GpuCost): CostDayRow[] {
  return cost.days.map((d) => ({
    day: d.day,
    amount: d.total,
    billUsd: d.billUsd,
    billEstimated: d.billEstimated,
    allocatedPct: d.total.costUsd !== null && d.billUsd !== null && d.billUsd > 0 ? Math.round((d.total.costUsd / d.billUsd) * 1000) / 10 : null,
  }));
}

/** The per-group table's CSV: one row per namespace or team over the range. */
export function groupCsvColumns(cost: Pick<GpuCost, 'groupBy' | 'teamLabel'>): CsvColumn<GpuCostShare>[] {
  return [
    { title: cost.groupBy === 'team' ? `Team (${cost.teamLabel})` : 'Namespace', value: (g) => groupName(g.group, cost.teamLabel) },
    { title: 'GPU-hours', value: (g) => g.gpuHours },
    { title: 'Cost (USD)', value: (g) => g.costUsd },
    { title: 'Priced cost (USD)', value: (g) => g.pricedCostUsd },
    { title: 'Unpriced GPU-hours', value: (g) => g.unpricedGpuHours },
  ];
}

/** The per-day table's CSV. */
export const DAY_CSV_COLUMNS: readonly CsvColumn<CostDayRow>[] = [
  { title: 'Day (UTC)', value: (r) => r.day },
  { title: 'GPU-hours', value: (r) => r.amount.gpuHours },
  { title: 'Allocated cost (USD)', value: (r) => r.amount.costUsd },
  { title: 'Unpriced GPU-hours', value: (r) => r.amount.unpricedGpuHours },
  { title: 'EC2 GPU bill', value: (r) => r.billUsd },
  { title: 'Bill estimated', value: (r) => (r.billUsd === null ? null : r.billEstimated) },
  { title: 'Allocated (%)', value: (r) => r.allocatedPct },
];
