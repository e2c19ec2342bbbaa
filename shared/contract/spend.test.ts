import { describe, expect, it } from 'vitest';
import { SpendCostsParams, SpendForecastParams, SpendTagKey, daysBetween } from './spend';

const base = { connectionId: 'aws-1', start: '2026-11-01', end: '2026-12-01', granularity: 'DAILY', metric: 'UnblendedCost' } as const;

describe('spend contract', () => {
  it('takes a well-formed query, a tag key trimmed', () => {
    const parsed = SpendCostsParams.parse({ ...base, groupBy: { type: 'TAG', key: '  team ' }, filter: 'ec2-gpu', refresh: true });
    expect(parsed.groupBy).toEqual({ type: 'TAG', key: 'team' });
  });

  it.each([
    ['a date that is not a calendar day', { ...base, start: '2026-02-30' }],
    ['a date in another format', { ...base, start: '01/11/2026' }],
    ['a date with a time', { ...base, end: '2026-12-01T00:00:00Z' }],
    ['an end before the start', { ...base, start: '2026-12-01', end: '2026-11-01' }],
    ['an empty range', { ...base, end: '2026-11-01' }],
    ['a range over the bound', { ...base, start: '2020-01-01', end: '2026-01-01' }],
    ['an unknown granularity', { ...base, granularity: 'HOURLY' }],
    ['an unknown metric', { ...base, metric: 'BlendedCost' }],
    ['an unknown dimension', { ...base, groupBy: { type: 'DIMENSION', key: 'REGION' } }],
    ['a tag key of spaces', { ...base, groupBy: { type: 'TAG', key: '   ' } }],
    ['a tag key with a newline', { ...base, groupBy: { type: 'TAG', key: 'team\nINFO forged' } }],
    ['a tag key with a direction override', { ...base, groupBy: { type: 'TAG', key: 'team\u202e' } }],
    ['a tag key over 128 characters', { ...base, groupBy: { type: 'TAG', key: 'k'.repeat(129) } }],
    ['an extra field on the group', { ...base, groupBy: { type: 'TAG', key: 'team', values: ['x'] } }],
    ['an unknown filter', { ...base, filter: 'everything' }],
    ['an extra field', { ...base, NextPageToken: 'x' }],
    ['no connection', { ...base, connectionId: '' }],
  ])('refuses %s', (_what, params) => {
    expect(SpendCostsParams.safeParse(params).success).toBe(false);
  });

  it('holds a forecast to the same range rules', () => {
    expect(SpendForecastParams.safeParse({ ...base, end: '2026-10-01' }).success).toBe(false);
    expect(SpendForecastParams.safeParse(base).success).toBe(true);
  });

  it('counts days across month ends and leap days', () => {
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(SpendTagKey.safeParse('kubernetes.io/cluster-name:prod').success).toBe(true);
  });
});
