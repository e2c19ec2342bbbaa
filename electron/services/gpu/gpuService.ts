import type { z } from 'zod';
import type { GpuCost, GpuCostParams, GpuHeatmap, GpuHeatmapParams, GpuIdleParams, GpuIdleReport, GpuInventory, GpuInventoryParams, GpuUtilisation, GpuUtilisationParams, LocalGpus } from '../../../shared/contract';
import { GPU_METRICS } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { ConnectionService } from '../connections/connectionService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import type { Logger } from '../logging/logger';
import { createPrometheusClient, type PrometheusAccess, type PrometheusAnswerReader, type PrometheusClient, type PrometheusClientOptions } from '../metrics/prometheusClient';
import type { SpendService } from '../spend/spendService';
import type { Database } from '../store/database';
import { listClusterGpus, summariseInventory, type GpuClusterSnapshot } from './clusterGpus';
import { allocatedGpuHoursQuery, ALLOCATION_RESOLUTION_S, alignRange, chooseStep, heatmapQuery, holdersQuery, hourlyUtilisationQuery, seriesKey, utilisationQuery } from './gpuQueries';
import { costReport, DAY_S, dayOf, dayStart, type BillAnswer } from './gpuCost';
import { idleReport } from './idleGpus';
import { createGpuPriceStore, type GpuPriceStore } from './priceStore';
import { alignSeries, heatmapOf } from './seriesShape';

/** How long one listing of a cluster answers inventory and idle calls: a page that asks twice lists 10,000 pods once. */
export const INVENTORY_TTL_MS = 5_000;
/** Heatmap columns at most when no step is given: a day at one minute. */
export const HEATMAP_MAX_COLUMNS = 1_440;

/** What the GPU service is built from. */
export interface GpuServiceDeps {
  db: Database;
  access: Pick<KubeAccess, 'config'>;
  connections: Pick<ConnectionService, 'prometheusAccessOf'>;
  log: Logger;
  /** This machine's GPUs (nvidia-smi). */
  readLocalGpus: () => Promise<LocalGpus>;
  /** Reads large Prometheus answers off the event loop (a parse pool's run). */
  readAnswer: PrometheusAnswerReader;
  /** The spend area's Cost Explorer reads (cached, each request counted): the EC2 GPU bill beside allocated cost. Without it an AWS account cannot be asked. */
  spend?: Pick<SpendService, 'costs'>;
  /** Test seams: a Prometheus client for an endpoint, a cluster lister, the clock (ms). */
  prometheus?: (access: PrometheusAccess, options: PrometheusClientOptions) => PrometheusClient;
  listCluster?: typeof listClusterGpus;
  now?: () => number;
}

/** The GPU area's behaviour; the area file maps the contract onto it. */
export interface GpuService {
  inventory(params: z.output<typeof GpuInventoryParams>): Promise<GpuInventory>;
  utilisation(params: z.output<typeof GpuUtilisationParams>): Promise<GpuUtilisation>;
  heatmap(params: z.output<typeof GpuHeatmapParams>): Promise<GpuHeatmap>;
  /** `signal` (an alert rule's timeout) stops the Prometheus query as well as close does. */
  idle(params: z.output<typeof GpuIdleParams>, signal?: AbortSignal): Promise<GpuIdleReport>;
  cost(params: z.output<typeof GpuCostParams>): Promise<GpuCost>;
  prices: GpuPriceStore;
  local(): Promise<LocalGpus>;
  /** Stops what is under way and forgets the cached listings. */
  close(): void;
}

/** {@link GpuService}: clusters through KubeAccess, metrics through each Prometheus connection. */
export function createGpuService(deps: GpuServiceDeps): GpuService {
  const now = deps.now ?? Date.now;
  const prometheusOf = (id: string) => (deps.prometheus ?? createPrometheusClient)(deps.connections.prometheusAccessOf(id), { readAnswer: deps.readAnswer });
  const list = deps.listCluster ?? listClusterGpus;
  const prices = createGpuPriceStore(deps.db, () => new Date(now()));
  const closing = new AbortController();
  const listings = new Map<string, { at: number; snapshot: Promise<GpuClusterSnapshot> }>();

  /** One listing per connection for a few seconds, shared by calls that overlap. */
  const snapshotOf = async (connectionId: string, refresh = false): Promise<GpuClusterSnapshot> => {
    const cached = listings.get(connectionId);
    if (cached && !refresh && now() - cached.at < INVENTORY_TTL_MS) return cached.snapshot;
    const entry = { at: now(), snapshot: deps.access.config(connectionId).then((kc) => list(kc, closing.signal)) };
    listings.set(connectionId, entry);
    try {
      return await entry.snapshot;
    } catch (err) {
      // A failure is not kept: the next call asks again.
      if (listings.get(connectionId) === entry) listings.delete(connectionId);
      throw err;
    }
  };

  return {
    async inventory({ connectionId, teamLabel, refresh }) {
      return summariseInventory(await snapshotOf(connectionId, refresh), teamLabel);
    },

    async utilisation({ prometheusConnectionId, metric, groupBy, start, end, step, node, namespace, pod }) {
      const range = alignRange(start, end, step ?? chooseStep(start, end));
      const client = prometheusOf(prometheusConnectionId);
      // One query however many GPUs: a thousand over a day is ~22 MB, read in a worker thread (see metrics/prometheusAnswer.ts).
      const matrix = await client.rangeMatrix(utilisationQuery(metric, groupBy, { node, namespace, pod }), range, { signal: closing.signal });
      // Yields every few milliseconds: a thousand GPUs' rows take tens of ms on a busy machine.
      const shaped = await alignSeries(matrix, (labels) => seriesKey(groupBy, labels));
      return { metric, unit: GPU_METRICS[metric].unit, step: range.step, ...shaped };
    },

    async heatmap({ prometheusConnectionId, metric, start, end, step }) {
      const range = alignRange(start, end, step ?? chooseStep(start, end, HEATMAP_MAX_COLUMNS));
      const client = prometheusOf(prometheusConnectionId);
      const [holders, matrix] = await Promise.all([
        client.instant(holdersQuery(), { time: range.end, signal: closing.signal }),
        client.rangeMatrix(heatmapQuery(metric), range, { signal: closing.signal }),
      ]);
      return await heatmapOf(matrix, holders, metric);
    },

    async idle({ clusterConnectionId, prometheusConnectionId, thresholdPct, windowHours, teamLabel, night }, signal) {
      // Whole minutes, so a repeated call asks Prometheus the same question.
      const end = Math.floor(now() / 60_000) * 60;
      const start = end - windowHours * 3600;
      // Each point averages the hour before it: the first is an hour into the window.
      const [hourly, snapshot] = await Promise.all([
        prometheusOf(prometheusConnectionId).range(hourlyUtilisationQuery(), { start: start + 3600, end, step: 3600 }, { signal: signal ? AbortSignal.any([closing.signal, signal]) : closing.signal }),
        snapshotOf(clusterConnectionId),
      ]);
      return idleReport(hourly, snapshot, prices.list(), { thresholdPct, teamLabel, night, window: { start, end, hours: windowHours } });
    },

    async cost({ clusterConnectionId, prometheusConnectionId, awsConnectionId, start, end, groupBy, teamLabel }) {
      const tomorrow = dayOf(now() / 1000 + DAY_S);
      if (end > tomorrow) throw new AppError('VALIDATION', `The range runs past today: end it on ${tomorrow} (exclusive) at the latest`);
      const { spend } = deps;
      if (awsConnectionId !== undefined && !spend) throw new AppError('INTERNAL', 'The EC2 GPU bill cannot be read: the spend area is not wired to the GPU area');
      // One point per day, at the midnight that ends it (see allocatedGpuHoursQuery).
      const range = { start: dayStart(start) + DAY_S, end: dayStart(end), step: DAY_S };
      const [held, snapshot, bill] = await Promise.all([
        prometheusOf(prometheusConnectionId).range(allocatedGpuHoursQuery(groupBy === 'team'), range, { signal: closing.signal }),
        snapshotOf(clusterConnectionId),
        awsConnectionId !== undefined && spend ? billOf(spend, awsConnectionId, start, end) : null,
      ]);
      return costReport(held, snapshot, prices.list(), bill, { start, end, groupBy, teamLabel, resolutionSeconds: ALLOCATION_RESOLUTION_S });
    },

    prices,
    local: () => deps.readLocalGpus(),
    close() {
      closing.abort();
      listings.clear();
    },
  };
}

/**
 * EC2 spend on GPU instance types per day, through the spend area, so its
 * cache answers a repeat load without a billed request. A connection that is
 * missing or not AWS is the caller's mistake and fails the call; anything
 * else (offline with nothing cached, no permission) leaves the GPU-hours
 * standing and says why there is no bill.
 */
async function billOf(spend: Pick<SpendService, 'costs'>, connectionId: string, start: string, end: string): Promise<BillAnswer> {
  try {
    return await spend.costs({ connectionId, start, end, granularity: 'DAILY', metric: 'UnblendedCost', filter: 'ec2-gpu' });
  } catch (err) {
    if (err instanceof AppError && err.code !== 'NOT_FOUND' && err.code !== 'VALIDATION') return { failed: err };
    throw err;
  }
}
