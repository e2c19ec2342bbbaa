/**
 * Spend against the bed's moto, through the contract: an AWS connection added
 * as a user types its keys; Cost Explorer results seeded in moto show as
 * periods and groups; a second identical query within the TTL sends nothing
 * (counted at moto, by its request recorder); pages joined by NextPageToken
 * are followed; a refresh sends exactly one request per page again; the
 * billable count matches what moto saw; a forecast (which moto does not
 * implement) is reported unavailable; a dead endpoint is a clear error.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services/app/createServices';
import { contractClient } from '../support/contract';
import { createTestServices } from '../support/services';
import { defaultCostAndUsageResults, resetMoto, seedCostExplorer, type CostAndUsageResult } from '../testbed';

const bed = inject('testbed');
const moto = bed.moto;
let services: Services;
let connectionId = '';
const { call: succeed, failure: fail } = contractClient(() => services, { actor: 'it', session: 'it' });

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const today = Date.parse(isoDay(Date.now()));
const START = isoDay(today - 30 * DAY);
const END = isoDay(today);

/** One request moto recorded. */
interface Recorded {
  headers: Record<string, string>;
  body: string;
  body_encoded: boolean;
}

/** Starts moto's request recorder afresh: what it records from now on is what this file sent (integration files run one at a time). */
async function startRecording(): Promise<void> {
  for (const step of ['stop-recording', 'reset-recording', 'start-recording']) {
    const res = await fetch(`${moto.endpoint}/moto-api/recorder/${step}`, { method: 'POST' });
    if (!res.ok) throw new Error(`moto recorder ${step}: HTTP ${res.status}`);
  }
}

/** The GetCostAndUsage request bodies moto has received since recording started. */
async function costRequestsAtMoto(): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${moto.endpoint}/moto-api/recorder/download-recording`);
  if (!res.ok) throw new Error(`moto recorder download: HTTP ${res.status}`);
  const lines = (await res.text()).split('\n').filter((l) => l.trim());
  return lines
    .map((l) => JSON.parse(l) as Recorded)
    .filter((r) => Object.entries(r.headers).some(([k, v]) => k.toLowerCase() === 'x-amz-target' && v.endsWith('.GetCostAndUsage')))
    .map((r) => JSON.parse(r.body_encoded ? Buffer.from(r.body, 'base64').toString('utf8') : r.body) as Record<string, unknown>);
}

/** Two pages of one answer grouped by the `team` tag: the first ends with a NextPageToken, half-way through day 15's groups. */
function pagedByTeam(): CostAndUsageResult[] {
  const [, byTeam] = defaultCostAndUsageResults({ end: new Date(today) });
  const rows = byTeam.ResultsByTime;
  const day15 = rows[14];
  const first = { ...byTeam, ResultsByTime: [...rows.slice(0, 14), { ...day15, Groups: day15.Groups.slice(0, 2) }], NextPageToken: 'pilothouse-page-2' };
  const second = { ...byTeam, ResultsByTime: [{ ...day15, Groups: day15.Groups.slice(2) }, ...rows.slice(15)] };
  return [first, second];
}

beforeAll(async () => {
  ({ services } = createTestServices());
  await resetMoto(moto);
  // Handed out in this order: the SERVICE query below, then the two pages of the team query.
  const [byService] = defaultCostAndUsageResults({ end: new Date(today) });
  await seedCostExplorer(moto, [byService, ...pagedByTeam()]);
  // moto takes any keys; the contract wants keys shaped like AWS's.
  const connection = await succeed('connections.addAwsKeys', {
    name: 'moto-spend',
    accessKeyId: 'AKIAPILOTHOUSESPEND1',
    secretAccessKey: 'pilothouse-spend-secret-key-0001',
    region: 'eu-west-1',
    endpointUrl: moto.endpoint,
    onConflict: 'replace',
  });
  connectionId = connection.id;
  await startRecording();
});

afterAll(async () => {
  await fetch(`${moto.endpoint}/moto-api/recorder/stop-recording`, { method: 'POST' }).catch(() => undefined);
  await services?.close();
});

describe('spend on moto', () => {
  const byService = () => ({ connectionId, start: START, end: END, granularity: 'DAILY', metric: 'UnblendedCost', groupBy: { type: 'DIMENSION', key: 'SERVICE' } }) as const;

  it('shows the seeded costs by service, and a second identical query within the TTL sends nothing to Cost Explorer', async () => {
    const first = await succeed('spend.costs', byService());
    const [seeded] = defaultCostAndUsageResults({ end: new Date(today) });
    expect(first.periods.map((p) => p.start)).toEqual(seeded.ResultsByTime.map((r) => r.TimePeriod.Start));
    expect(first.periods.at(-1)?.end).toBe(END);
    const day = first.periods[3];
    const seededDay = seeded.ResultsByTime[3];
    const seededTotal = seededDay.Groups.reduce((sum, g) => sum + Number(g.Metrics.UnblendedCost.Amount), 0);
    expect(day.total).toBeCloseTo(seededTotal, 6);
    expect(day.groups[0].keys).toEqual(['Amazon Elastic Compute Cloud - Compute']);
    expect(day.groups.map((g) => g.keys[0]).sort()).toEqual(seededDay.Groups.map((g) => g.Keys[0]).sort());
    expect(first.periods.map((p) => p.estimated)).toEqual(seeded.ResultsByTime.map((r) => r.Estimated));
    expect(first).toMatchObject({ unit: 'USD', stale: false, fromCache: false, billableRequests: { thisQuery: 1, total: 1 } });

    const atMoto = await costRequestsAtMoto();
    expect(atMoto).toHaveLength(1);
    expect(atMoto[0]).toMatchObject({ TimePeriod: { Start: START, End: END }, Granularity: 'DAILY', Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }] });

    // The same query with its keys in another order.
    const again = await succeed('spend.costs', { groupBy: { key: 'SERVICE', type: 'DIMENSION' }, metric: 'UnblendedCost', granularity: 'DAILY', end: END, start: START, connectionId });
    expect(again).toMatchObject({ fromCache: true, stale: false, fetchedAt: first.fetchedAt, billableRequests: { thisQuery: 0, total: 1 } });
    expect(again.periods).toEqual(first.periods);
    expect(await costRequestsAtMoto()).toHaveLength(1);
  });

  it('follows NextPageToken across the seeded pages and puts the split day back together', async () => {
    const query = { connectionId, start: START, end: END, granularity: 'DAILY', metric: 'UnblendedCost', groupBy: { type: 'TAG', key: 'team' } } as const;
    const costs = await succeed('spend.costs', query);
    const atMoto = (await costRequestsAtMoto()).slice(1);
    expect(atMoto).toHaveLength(2);
    expect(atMoto[0].NextPageToken).toBeUndefined();
    expect(atMoto[1].NextPageToken).toBe('pilothouse-page-2');
    expect(costs.periods).toHaveLength(30);
    expect(costs.billableRequests.thisQuery).toBe(2);
    // Day 15 was split across the pages: all four teams (the untagged rest named) are there once.
    expect(costs.periods[14].groups.map((g) => g.keys[0]).sort()).toEqual(['No team tag', 'ml-platform', 'research', 'search']);
    const [, byTeam] = defaultCostAndUsageResults({ end: new Date(today) });
    const seededTotal = byTeam.ResultsByTime[14].Groups.reduce((sum, g) => sum + Number(g.Metrics.UnblendedCost.Amount), 0);
    expect(costs.periods[14].total).toBeCloseTo(seededTotal, 6);

    // Refresh: one request per page, exactly, and the same answer.
    const refreshed = await succeed('spend.costs', { ...query, refresh: true });
    expect(refreshed).toMatchObject({ fromCache: false, billableRequests: { thisQuery: 2 } });
    expect(refreshed.periods).toEqual(costs.periods);
    const after = await costRequestsAtMoto();
    expect(after).toHaveLength(5);
    expect(after.slice(3).map((b) => b.NextPageToken)).toEqual([undefined, 'pilothouse-page-2']);
  });

  it('counts the billable requests as moto saw them', async () => {
    const counts = await succeed('spend.requests', { connectionId });
    expect(counts).toMatchObject({ total: (await costRequestsAtMoto()).length, pricePerRequestUsd: 0.01 });
    expect(counts.today).toBeLessThanOrEqual(counts.thisMonth);
  });

  it('reports a forecast unavailable, as moto does not implement GetCostForecast', async () => {
    const forecast = await succeed('spend.forecast', { connectionId, start: isoDay(today), end: isoDay(today + 7 * DAY), granularity: 'DAILY', metric: 'UnblendedCost' });
    expect(forecast).toEqual({ unavailable: `Cost Explorer answered HTTP 500 to GetCostForecast: it is failing, or the endpoint ${moto.endpoint} does not offer it` });
    // Each forecast asked is billed like any other request.
    expect((await succeed('spend.requests', { connectionId })).total).toBe((await costRequestsAtMoto()).length + 1);
  });

  it('a dead endpoint with nothing cached is a clear error, and a cluster connection is refused', async () => {
    const dead = await succeed('connections.addAwsKeys', {
      name: 'moto-dead',
      accessKeyId: 'AKIAPILOTHOUSESPEND2',
      secretAccessKey: 'pilothouse-spend-secret-key-0002',
      region: 'us-east-1',
      endpointUrl: 'http://127.0.0.1:1',
      onConflict: 'replace',
    });
    const error = await fail('spend.costs', { ...byService(), connectionId: dead.id });
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toMatch(/Cannot reach Cost Explorer at http:\/\/127\.0\.0\.1:1/);
    expect(error.message).not.toContain('pilothouse-spend-secret-key');
    // Refused connections never reached AWS: not counted as billed.
    expect((await succeed('spend.requests', { connectionId: dead.id })).total).toBe(0);
    expect((await fail('spend.costs', { ...byService(), connectionId: 'no-such-connection' })).code).toBe('NOT_FOUND');
  });
});
