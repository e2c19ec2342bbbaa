import { describe, expect, it } from 'vitest';
import { shapeCostPages, shapeForecast } from './costShape';

const usd = (amount: string) => ({ AmortizedCost: { Amount: amount, Unit: 'USD' } });

describe('cost shaping', () => {
  it('shows tag groups by value, the untagged rest by name, from amortized figures', () => {
    const { periods, unit } = shapeCostPages(
      [
        {
          ResultsByTime: [
            {
              TimePeriod: { Start: '2026-11-01', End: '2026-12-01' },
              Total: {},
              Groups: [
                { Keys: ['team$research'], Metrics: usd('10.5') },
                { Keys: ['team$'], Metrics: usd('2') },
                { Keys: ['team$ml-platform'], Metrics: usd('20') },
              ],
              Estimated: true,
            },
          ],
        },
      ],
      'AmortizedCost',
      { type: 'TAG', key: 'team' },
    );
    expect(unit).toBe('USD');
    expect(periods).toEqual([
      {
        start: '2026-11-01',
        end: '2026-12-01',
        total: 32.5,
        estimated: true,
        groups: [
          { keys: ['ml-platform'], amount: 20 },
          { keys: ['research'], amount: 10.5 },
          { keys: ['No team tag'], amount: 2 },
        ],
      },
    ]);
  });

  it('an empty answer is no periods, in USD', () => {
    expect(shapeCostPages([{ ResultsByTime: [] }], 'UnblendedCost', undefined)).toEqual({ periods: [], unit: 'USD' });
  });

  it('refuses a period without dates and amounts that are not numbers', () => {
    expect(() => shapeCostPages([{ ResultsByTime: [{ Total: usd('1') }] }], 'AmortizedCost', undefined)).toThrow(/without its dates/);
    for (const bad of ['', ' ', 'NaN', 'Infinity', '1e999', '12,5']) {
      expect(() => shapeCostPages([{ ResultsByTime: [{ TimePeriod: { Start: '2026-11-01', End: '2026-11-02' }, Total: usd(bad) }] }], 'AmortizedCost', undefined)).toThrow(/not a number/);
    }
  });

  it('a forecast over several periods sums their means and gives no interval for the total', () => {
    const shaped = shapeForecast(
      {
        ForecastResultsByTime: [
          { TimePeriod: { Start: '2026-12-04', End: '2026-12-05' }, MeanValue: '100', PredictionIntervalLowerBound: '90', PredictionIntervalUpperBound: '110' },
          { TimePeriod: { Start: '2026-12-05', End: '2026-12-06' }, MeanValue: '50.5' },
        ],
      },
      80,
    );
    expect(shaped).toEqual({
      unit: 'USD',
      predictionIntervalLevel: 80,
      total: { mean: 150.5 },
      periods: [
        { start: '2026-12-04', end: '2026-12-05', mean: 100, lower: 90, upper: 110 },
        { start: '2026-12-05', end: '2026-12-06', mean: 50.5 },
      ],
    });
  });
});
