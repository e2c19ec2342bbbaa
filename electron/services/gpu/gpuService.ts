import type { z } from 'zod';
import type { GpuHeatmap, GpuHeatmapParams, GpuIdleParams, GpuIdleReport, GpuInventory, GpuInventoryParams, GpuUtilisation, GpuUtilisationParams, LocalGpus } from '../../../shared/contract';
import { GPU_METRICS } from '../../../shared/contract';
import type { ConnectionService } from '../connections/connectionService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import type { Logger } from '../logging/logger';
import { createPrometheusClient, type PrometheusAccess, type PrometheusAnswerReader, type PrometheusClient, type PrometheusClientOptions } from '../metrics/prometheusClient';
import type { Database } from '../store/database';
import { listClusterGpus, summariseInventory, type GpuClusterSnapshot } from './clusterGpus';
import { alignRange, chooseStep, heatmapQuery, holdersQuery, hourlyUtilisationQuery, seriesKey, utilisationQuery } from './gpuQueries';
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
  idle(params: z.output<typeof GpuIdleParams>): Promise<GpuIdleReport>;
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

    async idle({ clusterConnectionId, prometheusConnectionId, thresholdPct, windowHours, teamLabel, night }) {
      // Whole minutes, so a repeated call asks Prometheus the same question.
      const end = Math.floor(now() / 60_000) * 60;
      const start = end - windowHours * 3600;
      // Each point averages the hour before it: the first is an hour into the window.
      const [hourly, snapshot] = await Promise.all([
        prometheusOf(prometheusConnectionId).range(hourlyUtilisationQuery(), { start: start + 3600, end, step: 3600 }, { signal: closing.signal }),
        snapshotOf(clusterConnectionId),
      ]);
      return idleReport(hourly, snapshot, prices.list(), { thresholdPct, teamLabel, night, window: { start, end, hours: windowHours } });
    },

    prices,
    local: () => deps.readLocalGpus(),
    close() {
      closing.abort();
      listings.clear();
    },
  };
}
