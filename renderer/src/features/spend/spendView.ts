/**
 * What the Spend page shows, computed from a `spend.costs` answer: the range
 * presets, the series (the largest groups, the rest as "Other"), the chart's
 * data, the CSV rows, and the wording of amounts, ages and request counts.
 */
import { SPEND_REQUEST_PRICE_USD, type SpendCosts, type SpendForecastParams, type SpendGranularity } from '../../../../shared/contract';
import type { TimeSeriesData } from '../../shell/charts/timeSeries';

/** The ranges offered. */
export const RANGE_PRESETS = [
  { id: 'last7', label: 'Last 7 days' },
  { id: 'last30', label: 'Last 30 days' },
  { id: 'last90', label: 'Last 90 days' },
  { id: 'thisMonth', label: 'This month' },
  { id: 'last3Months', label: 'Last 3 months' },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]['id'];

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const monthStart = (year: number, month: number) => isoDay(Date.UTC(year, month, 1));

/**
 * The dates of a preset on UTC day `today` (Cost Explorer's days are UTC), the
 * end exclusive: the last N days include today; "last 3 months" are the three
 * whole months before this one.
 */
export function rangeOf(preset: RangePreset, today: string): { start: string; end: string } {
  const t = Date.parse(`${today}T00:00:00Z`);
  const d = new Date(t);
  const tomorrow = isoDay(t + DAY);
  switch (preset) {
    case 'last7':
      return { start: isoDay(t - 6 * DAY), end: tomorrow };
    case 'last30':
      return { start: isoDay(t - 29 * DAY), end: tomorrow };
    case 'last90':
      return { start: isoDay(t - 89 * DAY), end: tomorrow };
    case 'thisMonth':
      return { start: monthStart(d.getUTCFullYear(), d.getUTCMonth()), end: tomorrow };
    case 'last3Months':
      return { start: monthStart(d.getUTCFullYear(), d.getUTCMonth() - 3), end: monthStart(d.getUTCFullYear(), d.getUTCMonth()) };
  }
}

/** The forecast shown beside a range reaching today: the rest of this month, in one bucket. */
export function forecastRange(today: string, metric: SpendForecastParams['metric']): Omit<SpendForecastParams, 'connectionId'> {
  const d = new Date(`${today}T00:00:00Z`);
  return { start: today, end: monthStart(d.getUTCFullYear(), d.getUTCMonth() + 1), granularity: 'MONTHLY', metric };
}

/** Series drawn at most; smaller groups are summed as "Other". */
export const MAX_SERIES = 8;

/** The periods as rows of series values. */
export interface SpendTableView {
  /** Column labels, largest series first; "Total" alone when not grouped. */
  series: string[];
  rows: { start: string; end: string; estimated: boolean; values: number[]; total: number }[];
}

const groupLabel = (keys: readonly string[]) => keys.join(' / ') || '(none)';

/** The largest `max` groups over the whole range as series, the rest summed as "Other"; ungrouped, one "Total" series. */
export function tableView(costs: Pick<SpendCosts, 'periods'>, max = MAX_SERIES): SpendTableView {
  const grouped = costs.periods.some((p) => p.groups.length > 0);
  if (!grouped) return { series: ['Total'], rows: costs.periods.map((p) => ({ start: p.start, end: p.end, estimated: p.estimated, values: [p.total], total: p.total })) };
  const sums = new Map<string, number>();
  for (const p of costs.periods) for (const g of p.groups) sums.set(groupLabel(g.keys), (sums.get(groupLabel(g.keys)) ?? 0) + g.amount);
  const ranked = [...sums.entries()].sort((a, b) => b[1] - a[1]).map(([label]) => label);
  const shown = ranked.length > max ? ranked.slice(0, max - 1) : ranked;
  const other = ranked.length > shown.length;
  const index = new Map(shown.map((label, i) => [label, i]));
  const series = other ? [...shown, `Other (${ranked.length - shown.length})`] : shown;
  const rows = costs.periods.map((p) => {
    const values = series.map(() => 0);
    for (const g of p.groups) values[index.get(groupLabel(g.keys)) ?? series.length - 1] += g.amount;
    return { start: p.start, end: p.end, estimated: p.estimated, values, total: p.total };
  });
  return { series, rows };
}

/**
 * The table's series as the chart draws them: one stacked bar per period, at
 * its start (a UTC midnight). When some amount is negative (a refund, a
 * credit) the bars hang below zero and no bar top reads as the total, so a
 * "Net" line shows each period's total.
 */
export function chartData(view: SpendTableView): TimeSeriesData {
  const bars = view.series.map((label, i) => ({ key: `group:${label}`, label, values: view.rows.map((r) => r.values[i]) }));
  const negative = view.rows.some((r) => r.values.some((v) => v < 0));
  return {
    times: view.rows.map((r) => Date.parse(`${r.start}T00:00:00Z`) / 1000),
    series: negative ? [...bars, { key: 'net', label: 'Net', values: view.rows.map((r) => r.total), line: true }] : bars,
  };
}

/** One CSV row: every group of every period, not only the series drawn. */
export interface SpendCsvRow {
  start: string;
  end: string;
  group: string;
  amount: number;
  unit: string;
  estimated: boolean;
}

/** Every period's groups (or its total when not grouped) as CSV rows. */
export function csvRows(costs: Pick<SpendCosts, 'periods' | 'unit'>): SpendCsvRow[] {
  return costs.periods.flatMap((p) =>
    p.groups.length
      ? p.groups.map((g) => ({ start: p.start, end: p.end, group: groupLabel(g.keys), amount: g.amount, unit: costs.unit, estimated: p.estimated }))
      : [{ start: p.start, end: p.end, group: 'Total', amount: p.total, unit: costs.unit, estimated: p.estimated }],
  );
}

/** "$1,234.56" (or "1,234.56 XYZ" for a unit that is not a currency code). */
export function formatMoney(amount: number, unit: string): string {
  if (/^[A-Z]{3}$/.test(unit)) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency: unit, maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(amount);
    } catch {
      // An unknown currency code: fall through to a plain number.
    }
  }
  return `${amount.toLocaleString(undefined, { maximumFractionDigits: 2, minimumFractionDigits: 2 })} ${unit}`;
}

/** "12 requests · $0.12": what Cost Explorer bills for them. */
export function requestsLabel(count: number): string {
  return `${count.toLocaleString()} ${count === 1 ? 'request' : 'requests'} · $${(count * SPEND_REQUEST_PRICE_USD).toFixed(2)}`;
}

/** "just now", "5 min ago", "2 h ago", "3 days ago". */
export function ageLabel(iso: string, now: number): string {
  const ms = Math.max(0, now - Date.parse(iso));
  if (!Number.isFinite(ms) || ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  if (ms < DAY) return `${Math.floor(ms / 3_600_000)} h ago`;
  const days = Math.floor(ms / DAY);
  return `${days} ${days === 1 ? 'day' : 'days'} ago`;
}

/** "1–30 Nov 2026" style text of [start, end) for a heading; monthly buckets read as months. */
export function periodLabel(start: string, end: string, granularity: SpendGranularity): string {
  const fmt = (iso: string, options: Intl.DateTimeFormatOptions) => new Date(`${iso}T00:00:00Z`).toLocaleDateString(undefined, { timeZone: 'UTC', ...options });
  if (granularity === 'MONTHLY') return fmt(start, { month: 'short', year: 'numeric' });
  const last = isoDay(Date.parse(`${end}T00:00:00Z`) - DAY);
  return last === start ? fmt(start, { day: 'numeric', month: 'short', year: 'numeric' }) : `${fmt(start, { day: 'numeric', month: 'short' })} – ${fmt(last, { day: 'numeric', month: 'short', year: 'numeric' })}`;
}
