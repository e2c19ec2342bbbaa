/**
 * moto as the bed's AWS: one `moto_server` on 127.0.0.1 (STS, S3 and the rest
 * of moto's services on a single endpoint), the backup bucket, and Cost
 * Explorer data seeded through moto's static-results API.
 *
 * moto hands seeded `GetCostAndUsage` results out in order: the first request
 * body it has not seen takes the next result from the queue, and the same body
 * later gets the same result again; once the queue is empty, new bodies get an
 * empty result. `GetCostForecast` is not implemented by moto (HTTP 500).
 */
import { join } from 'node:path';
import { BINARIES } from './paths';
import { freePort, spawnDaemon, waitFor } from './proc';
import { ensureVeleroBucket } from './velero';

/** How the bed's moto is reached. */
export interface MotoInfo {
  /** `http://127.0.0.1:PORT`: the endpoint for every AWS SDK client. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** S3 bucket created for backup archives. */
  backupBucket: string;
}

/** moto's default account, which STS GetCallerIdentity reports. */
export const MOTO_ACCOUNT_ID = '123456789012';

/** A cost amount as Cost Explorer returns it. */
export interface MetricValue {
  Amount: string;
  Unit: string;
}

/** One day (or month) of a `GetCostAndUsage` answer. */
export interface ResultByTime {
  TimePeriod: { Start: string; End: string };
  Total: Record<string, MetricValue>;
  Groups: { Keys: string[]; Metrics: Record<string, MetricValue> }[];
  Estimated: boolean;
}

/** A whole `GetCostAndUsage` response body as moto will return it. */
export interface CostAndUsageResult {
  GroupDefinitions?: { Type: 'DIMENSION' | 'TAG' | 'COST_CATEGORY'; Key: string }[];
  ResultsByTime: ResultByTime[];
  DimensionValueAttributes: { Value: string; Attributes: Record<string, string> }[];
}

/** Starts moto_server on a free port and creates the backup bucket. */
export async function startMoto(stateDir: string): Promise<{ info: MotoInfo; pid: number }> {
  const port = await freePort();
  const pid = spawnDaemon(BINARIES.motoServer, ['-H', '127.0.0.1', '-p', String(port)], {
    logFile: join(stateDir, 'moto.log'),
    // Its request recorder (which tests use to count billable calls) writes here, not into the directory the bed was started from.
    env: { ...process.env, MOTO_RECORDER_FILEPATH: join(stateDir, 'moto-recording.jsonl') },
  });
  const info: MotoInfo = {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    accessKeyId: 'testing',
    secretAccessKey: 'testing',
    backupBucket: 'pilothouse-backups',
  };
  await waitFor('moto_server', async () => ((await fetch(`${info.endpoint}/moto-api/`)).ok ? true : undefined), 30_000);
  await createBackupBucket(info);
  return { info, pid };
}

async function createBackupBucket(info: MotoInfo): Promise<void> {
  // moto accepts unsigned path-style S3 calls; no SDK needed for one bucket.
  const res = await fetch(`${info.endpoint}/${info.backupBucket}`, { method: 'PUT' });
  if (!res.ok) throw new Error(`moto: creating bucket ${info.backupBucket} failed: HTTP ${res.status}`);
}

/** True when moto answers. */
export async function motoHealthy(info: MotoInfo): Promise<boolean> {
  return fetch(`${info.endpoint}/moto-api/`).then(
    (r) => r.ok,
    () => false,
  );
}

/**
 * Resets every moto backend (`POST /moto-api/reset`: buckets, queued Cost
 * Explorer results, everything) and re-creates the backup bucket and Velero's.
 */
export async function resetMoto(info: MotoInfo): Promise<void> {
  const res = await fetch(`${info.endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
  await Promise.all([createBackupBucket(info), ensureVeleroBucket(info)]);
}

/**
 * Queues `GetCostAndUsage` results in moto, handed out in order (see the
 * module comment). Call {@link resetMoto} first to drop earlier ones.
 */
export async function seedCostExplorer(info: MotoInfo, results: readonly CostAndUsageResult[]): Promise<void> {
  const res = await fetch(`${info.endpoint}/moto-api/static/ce/cost-and-usage-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account_id: MOTO_ACCOUNT_ID, results }),
  });
  if (res.status !== 201) throw new Error(`moto: seeding Cost Explorer failed: HTTP ${res.status}`);
}

/** AWS service names as Cost Explorer's SERVICE dimension spells them, with a daily base cost. */
const SERVICES: readonly [string, number][] = [
  ['Amazon Elastic Compute Cloud - Compute', 6120],
  ['EC2 - Other', 212],
  ['Amazon Elastic Kubernetes Service', 4.8],
  ['Amazon Simple Storage Service', 118],
  ['AmazonCloudWatch', 37],
  ['Amazon FSx', 154],
  ['Elastic Load Balancing', 18.5],
  ['Amazon Elastic Container Registry', 6.2],
];

/** Share of each service's cost carried by a `team` tag value ('' = untagged). */
const TEAMS: readonly [string, number][] = [
  ['ml-platform', 0.46],
  ['research', 0.31],
  ['search', 0.15],
  ['', 0.08],
];

/** Share of each team's cost by `env` tag value. */
const ENVS: readonly [string, number][] = [
  ['prod', 0.62],
  ['staging', 0.21],
  ['dev', 0.13],
  ['', 0.04],
];

/** Deterministic noise in [-1, 1] so seeds are repeatable. */
function noise(...keys: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of keys.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return (h / 0xffffffff) * 2 - 1;
}

const usd = (n: number): MetricValue => ({ Amount: n.toFixed(10), Unit: 'USD' });
const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** Options for {@link defaultCostAndUsageResults}. */
export interface CostSeedOptions {
  /** Number of daily buckets; default 30. */
  days?: number;
  /** Exclusive end date (UTC midnight); default today. */
  end?: Date;
}

/**
 * A month of realistic DAILY `UnblendedCost` data, as four responses sharing
 * one underlying cost matrix (so the groupings add up to the same totals):
 * grouped by SERVICE, by TAG `team`, by TAG `env`, and by SERVICE + TAG `team`.
 */
export function defaultCostAndUsageResults(opts: CostSeedOptions = {}): CostAndUsageResult[] {
  const days = opts.days ?? 30;
  const end = opts.end ?? new Date(new Date().toISOString().slice(0, 10));
  type Cell = { service: string; team: string; env: string; cost: number };
  const perDay: { start: Date; cells: Cell[] }[] = [];
  for (let i = days; i > 0; i--) {
    const start = new Date(end.getTime() - i * 86_400_000);
    const weekend = [0, 6].includes(start.getUTCDay());
    const cells: Cell[] = [];
    for (const [service, base] of SERVICES) {
      // GPU compute drops at weekends when training jobs are paused.
      const weekly = service.includes('Compute') && weekend ? 0.78 : 1;
      const daily = base * weekly * (1 + 0.06 * noise(service, isoDay(start)));
      for (const [team, tShare] of TEAMS)
        for (const [env, eShare] of ENVS) cells.push({ service, team, env, cost: daily * tShare * eShare });
    }
    perDay.push({ start, cells });
  }
  const byTime = (key: (c: Cell) => string[]): ResultByTime[] =>
    perDay.map(({ start, cells }, i) => {
      const groups = new Map<string, { keys: string[]; cost: number }>();
      for (const c of cells) {
        const keys = key(c);
        const g = groups.get(keys.join('\0')) ?? { keys, cost: 0 };
        g.cost += c.cost;
        groups.set(keys.join('\0'), g);
      }
      return {
        TimePeriod: { Start: isoDay(start), End: isoDay(new Date(start.getTime() + 86_400_000)) },
        Total: {},
        Groups: [...groups.values()].map((g) => ({ Keys: g.keys, Metrics: { UnblendedCost: usd(g.cost) } })),
        // Cost Explorer marks the most recent days as estimated until billing closes.
        Estimated: i >= perDay.length - 2,
      };
    });
  return [
    {
      GroupDefinitions: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
      ResultsByTime: byTime((c) => [c.service]),
      DimensionValueAttributes: [],
    },
    {
      GroupDefinitions: [{ Type: 'TAG', Key: 'team' }],
      ResultsByTime: byTime((c) => [`team$${c.team}`]),
      DimensionValueAttributes: [],
    },
    {
      GroupDefinitions: [{ Type: 'TAG', Key: 'env' }],
      ResultsByTime: byTime((c) => [`env$${c.env}`]),
      DimensionValueAttributes: [],
    },
    {
      GroupDefinitions: [
        { Type: 'DIMENSION', Key: 'SERVICE' },
        { Type: 'TAG', Key: 'team' },
      ],
      ResultsByTime: byTime((c) => [c.service, `team$${c.team}`]),
      DimensionValueAttributes: [],
    },
  ];
}
