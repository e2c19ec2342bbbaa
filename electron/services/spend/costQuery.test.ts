import { describe, expect, it } from 'vitest';
import { PAST_TTL_MS, RECENT_TTL_MS, cacheTtlMs, costAndUsageInput, queryKey, stableJson } from './costQuery';

describe('cost queries', () => {
  it('writes equal values as equal JSON whatever the key order, at every level', () => {
    expect(stableJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: undefined } })).toBe('{"a":{"d":[{"x":2,"y":1}]},"b":1}');
    expect(stableJson({ a: { d: [{ x: 2, y: 1 }] }, b: 1 })).toBe(stableJson({ b: 1, a: { d: [{ y: 1, x: 2 }] } }));
  });

  it('keys a query by what Cost Explorer is asked, not by the connection, refresh or key order', () => {
    const a = queryKey('GetCostAndUsage', { start: '2026-11-01', end: '2026-12-01', granularity: 'DAILY', metric: 'UnblendedCost', groupBy: { type: 'TAG', key: 'team' } });
    const extra = { groupBy: { key: 'team', type: 'TAG' }, metric: 'UnblendedCost', granularity: 'DAILY', end: '2026-12-01', start: '2026-11-01', connectionId: 'x', refresh: true } as const;
    expect(queryKey('GetCostAndUsage', extra)).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    // Every field that changes the answer changes the key.
    const others = [
      queryKey('GetCostAndUsage', { start: '2026-11-01', end: '2026-12-01', granularity: 'DAILY', metric: 'UnblendedCost', groupBy: { type: 'TAG', key: 'Team' } }),
      queryKey('GetCostAndUsage', { start: '2026-11-01', end: '2026-12-01', granularity: 'DAILY', metric: 'UnblendedCost' }),
      queryKey('GetCostAndUsage', { start: '2026-11-01', end: '2026-12-01', granularity: 'DAILY', metric: 'UnblendedCost', groupBy: { type: 'TAG', key: 'team' }, filter: 'ec2-gpu' }),
      queryKey('GetCostAndUsage', { start: '2026-11-01', end: '2026-12-01', granularity: 'MONTHLY', metric: 'UnblendedCost', groupBy: { type: 'TAG', key: 'team' } }),
      queryKey('GetCostAndUsage', { start: '2026-11-02', end: '2026-12-01', granularity: 'DAILY', metric: 'UnblendedCost', groupBy: { type: 'TAG', key: 'team' } }),
      queryKey('GetCostForecast', { start: '2026-11-01', end: '2026-12-01', granularity: 'DAILY', metric: 'UnblendedCost' }),
    ];
    expect(new Set([a, ...others]).size).toBe(7);
  });

  it('a tag key that looks like JSON or a path stays one value in the request', () => {
    const input = costAndUsageInput({ start: '2026-11-01', end: '2026-12-01', granularity: 'DAILY', metric: 'AmortizedCost', groupBy: { type: 'TAG', key: '"},{"Type":"DIMENSION' } }, 'tok');
    expect(input.GroupBy).toEqual([{ Type: 'TAG', Key: '"},{"Type":"DIMENSION' }]);
    expect(input.NextPageToken).toBe('tok');
    expect(input.Metrics).toEqual(['AmortizedCost']);
  });

  it('keeps answers about settled days for 6 h and answers reaching into the last two days for 1 h', () => {
    const now = Date.parse('2026-12-04T00:30:00Z');
    expect(cacheTtlMs('2026-12-03', now)).toBe(PAST_TTL_MS);
    expect(cacheTtlMs('2026-12-04', now)).toBe(RECENT_TTL_MS);
    expect(cacheTtlMs('2027-01-01', now)).toBe(RECENT_TTL_MS);
    expect(cacheTtlMs('2026-11-01', now, 'GetCostForecast')).toBe(RECENT_TTL_MS);
  });

  it('keeps an answer with any Estimated period for 1 h, however old its days (review #19)', () => {
    const now = Date.parse('2026-12-04T00:30:00Z');
    expect(cacheTtlMs('2026-11-01', now, 'GetCostAndUsage', true)).toBe(RECENT_TTL_MS);
    expect(cacheTtlMs('2026-11-01', now, 'GetCostAndUsage', false)).toBe(PAST_TTL_MS);
  });
});
