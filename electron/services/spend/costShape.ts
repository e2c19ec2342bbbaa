/**
 * Cost Explorer answers shaped for display: pages merged into one list of
 * periods with totals and sorted groups, forecasts with their interval.
 */
import type { GetCostAndUsageCommandOutput, GetCostForecastCommandOutput } from '@aws-sdk/client-cost-explorer';
import type { SpendGroupBy, SpendMetric, SpendPeriod } from '../../../shared/contract';
import { AppError } from '../../../shared/result';

/** What the spend area keeps of a GetCostAndUsage page (and caches). */
export type CostPage = Pick<GetCostAndUsageCommandOutput, 'ResultsByTime' | 'NextPageToken'>;
/** What the spend area keeps of a GetCostForecast answer (and caches). */
export type ForecastAnswer = Pick<GetCostForecastCommandOutput, 'Total' | 'ForecastResultsByTime'>;

/** An amount as Cost Explorer writes it ("12.3400000000"); anything else is an answer not to trust. */
function amountOf(text: string | undefined, what: string): number {
  const n = text === undefined ? 0 : Number(text);
  if (text !== undefined && (text.trim() === '' || !Number.isFinite(n))) throw new AppError('INTERNAL', `Cost Explorer answered ${what} that is not a number: "${text.slice(0, 40)}"`);
  return n;
}

/** A tag group's key as people read it: "team$research" is "research"; "team$" is the untagged rest. */
function groupKey(raw: string, groupBy: SpendGroupBy | undefined): string {
  if (groupBy?.type !== 'TAG') return raw;
  const value = raw.startsWith(`${groupBy.key}$`) ? raw.slice(groupBy.key.length + 1) : raw;
  return value === '' ? `No ${groupBy.key} tag` : value;
}

/**
 * Every page's periods as one list, oldest first. A period whose groups are
 * split across pages is put back together; a grouped period's total is the
 * sum of its groups (Cost Explorer leaves Total empty when grouping).
 */
export function shapeCostPages(pages: readonly CostPage[], metric: SpendMetric, groupBy: SpendGroupBy | undefined): { periods: SpendPeriod[]; unit: string } {
  const byStart = new Map<string, SpendPeriod & { grouped: boolean }>();
  let unit: string | undefined;
  for (const page of pages) {
    for (const r of page.ResultsByTime ?? []) {
      const start = r.TimePeriod?.Start;
      const end = r.TimePeriod?.End;
      if (!start || !end) throw new AppError('INTERNAL', 'Cost Explorer answered a period without its dates');
      const period = byStart.get(start) ?? { start, end, total: 0, groups: [], estimated: false, grouped: false };
      period.estimated ||= r.Estimated === true;
      const total = r.Total?.[metric];
      if (total && !period.grouped) {
        period.total = amountOf(total.Amount, `the total of ${start}`);
        unit ??= total.Unit;
      }
      for (const g of r.Groups ?? []) {
        const value = g.Metrics?.[metric];
        if (!period.grouped) period.total = 0;
        period.grouped = true;
        const amount = amountOf(value?.Amount, `a cost of ${start}`);
        period.groups.push({ keys: (g.Keys ?? []).map((k) => groupKey(k, groupBy)), amount });
        period.total += amount;
        if (value?.Unit) unit ??= value.Unit;
      }
      byStart.set(start, period);
    }
  }
  const periods = [...byStart.values()]
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
    .map(({ grouped: _grouped, ...p }) => ({ ...p, groups: p.groups.sort((a, b) => b.amount - a.amount) }));
  return { periods, unit: unit ?? 'USD' };
}

/** A forecast with its interval; the total's interval only when there is one period (Cost Explorer gives none for the sum). */
export function shapeForecast(answer: ForecastAnswer, level: number) {
  const periods = (answer.ForecastResultsByTime ?? []).map((r) => {
    const start = r.TimePeriod?.Start;
    const end = r.TimePeriod?.End;
    if (!start || !end) throw new AppError('INTERNAL', 'Cost Explorer answered a forecast period without its dates');
    const lower = r.PredictionIntervalLowerBound === undefined ? undefined : amountOf(r.PredictionIntervalLowerBound, `a forecast lower bound of ${start}`);
    const upper = r.PredictionIntervalUpperBound === undefined ? undefined : amountOf(r.PredictionIntervalUpperBound, `a forecast upper bound of ${start}`);
    return { start, end, mean: amountOf(r.MeanValue, `a forecast of ${start}`), ...(lower === undefined ? {} : { lower }), ...(upper === undefined ? {} : { upper }) };
  });
  const mean = answer.Total?.Amount === undefined ? periods.reduce((sum, p) => sum + p.mean, 0) : amountOf(answer.Total.Amount, 'the forecast total');
  const only = periods.length === 1 ? periods[0] : undefined;
  return {
    unit: answer.Total?.Unit ?? 'USD',
    predictionIntervalLevel: level,
    total: { mean, ...(only?.lower === undefined ? {} : { lower: only.lower }), ...(only?.upper === undefined ? {} : { upper: only.upper }) },
    periods,
  };
}
