/**
 * Idle GPUs: GPUs a pod holds whose average utilisation over a window stays
 * below a threshold, what they cost, and what to do about it where the data
 * says so: a pod that holds more GPUs than it keeps busy, a node pool that
 * sits idle through the night.
 */
import type { GpuIdle, GpuIdleReport, GpuPrice, GpuSuggestion } from '../../../shared/contract';
import { countQuantity, GPU_RESOURCE } from '../kube/model';
import type { PrometheusSeries } from '../metrics/prometheusClient';
import { GPU_PRODUCT_LABEL, instanceTypeOf, nodePool, teamOf, type GpuClusterSnapshot, type GpuPodFacts } from './clusterGpus';

/** Night hours a pool must have been sampled through before it is called idle overnight. */
export const MIN_NIGHT_HOURS = 3;
const HOUR = 3600;

/** A GPU-hour's price and which row of the table gave it. */
export interface GpuHourPrice {
  usd: number;
  basis: string;
}

/**
 * Prices by the node's instance type, else by its GPU product (the cheapest
 * per-GPU row of that product: an estimate that does not overstate waste),
 * else none: unknown, never free.
 */
export function gpuHourPricer(prices: readonly GpuPrice[]): (instanceType: string | null, product: string | null) => GpuHourPrice | null {
  const byType = new Map(prices.map((p) => [p.instanceType, p]));
  const byProduct = new Map<string, GpuPrice>();
  for (const p of prices) {
    const best = byProduct.get(p.gpuProduct);
    if (!best || p.gpuHourUsd < best.gpuHourUsd) byProduct.set(p.gpuProduct, p);
  }
  return (instanceType, product) => {
    const exact = instanceType ? byType.get(instanceType) : undefined;
    if (exact) return { usd: exact.gpuHourUsd, basis: exact.instanceType };
    const similar = product ? byProduct.get(product) : undefined;
    return similar ? { usd: similar.gpuHourUsd, basis: `${similar.gpuProduct} as ${similar.instanceType}` } : null;
  };
}

/** What the report is asked for. */
export interface IdleQuery {
  thresholdPct: number;
  /** The hours the hourly series cover: [start, end], unix s. */
  window: { start: number; end: number; hours: number };
  teamLabel: string;
  night: { fromHour: number; toHour: number; utcOffsetMinutes: number };
}

/** Whether the hour ending at `t` (unix s) starts in the night, in the user's local time. */
export function isNightHour(t: number, night: IdleQuery['night']): boolean {
  const hour = Math.floor((t - HOUR + night.utcOffsetMinutes * 60) / HOUR) % 24;
  const h = (hour + 24) % 24;
  return night.fromHour < night.toHour ? h >= night.fromHour && h < night.toHour : h >= night.fromHour || h < night.toHour;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const pct = (n: number) => `${round(n, 1)}%`;
const usd = (n: number) => `$${n.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const byName = new Intl.Collator('en', { numeric: true }).compare;

interface Holding {
  node: string;
  gpu: string;
  uuid: string;
  modelName: string;
  namespace: string;
  pod: string;
  /** The GPU's key (see idleReport), to share its price among pods holding it at once. */
  gpuKey: string;
  sum: number;
  hours: number;
  /** The instants (unix s) it was sampled at. */
  at: number[];
}

/**
 * The report from hourly averages (each point the average of the hour before
 * it, split by the pod holding the GPU; see hourlyUtilisationQuery), the
 * cluster's listing and the price table. A GPU's average is the mean of the
 * hours it was held and sampled, and its cost counts those hours.
 *
 * Only current holdings are the rows, the held count, the $/hour and the
 * suggestions: a holding is current when it holds its GPU at the GPU's
 * latest point (no later point of the GPU free or held by another pod) and
 * that point is the window's end or the hour before (a scrape or rule that
 * runs late must not drop every holding). An idle holding given back earlier (a pod deleted, or moved to
 * other GPUs) counts only in `releasedCostOverWindowUsd`. A GPU that several
 * pods hold at once (time-slicing) is priced once, shared among them hour by
 * hour. MIG instances are not judged (dcgm-exporter reads their utilisation
 * as 0): they are counted in `migHoldingsSkipped`.
 */
export function idleReport(hourly: readonly PrometheusSeries[], snapshot: GpuClusterSnapshot, prices: readonly GpuPrice[], q: IdleQuery): GpuIdleReport {
  const price = gpuHourPricer(prices);
  const nodes = new Map(snapshot.nodes.map((n) => [n.name, n]));
  const pods = Array.isArray(snapshot.pods) ? new Map(snapshot.pods.map((p) => [`${p.namespace}/${p.name}`, p])) : undefined;
  const priceOfNode = (node: string, modelName: string) => {
    const n = nodes.get(node);
    return price(n ? instanceTypeOf(n.labels) : null, n?.labels[GPU_PRODUCT_LABEL] || modelName.replace(/ /g, '-') || null);
  };

  const holdings = new Map<string, Holding>();
  const migHoldings = new Set<string>();
  /** Per GPU and instant: how many pods held it then. */
  const holders = new Map<string, Map<number, number>>();
  /** Per GPU: its latest point, held or free. */
  const latest = new Map<string, number>();
  /** Per GPU: the highest hourly value at each night hour. */
  const nights = new Map<string, { node: string; at: Map<number, number> }>();
  for (const s of hourly) {
    const l = s.labels;
    const gpuKey = `${l.Hostname ?? ''}/${l.gpu ?? ''}/${l.UUID ?? ''}`;
    if (l.GPU_I_ID) {
      if (l.pod && s.points.length) migHoldings.add(`${gpuKey}/${l.GPU_I_ID}/${l.namespace ?? ''}/${l.pod}`);
      continue;
    }
    if (l.pod) {
      const key = `${gpuKey}/${l.namespace ?? ''}/${l.pod}`;
      const h = holdings.get(key) ?? { node: l.Hostname ?? '', gpu: l.gpu ?? '', uuid: l.UUID ?? '', modelName: l.modelName ?? '', namespace: l.namespace ?? '', pod: l.pod, gpuKey, sum: 0, hours: 0, at: [] };
      const counts = holders.get(gpuKey) ?? new Map<number, number>();
      for (const [t, v] of s.points) {
        h.sum += v;
        h.hours++;
        h.at.push(t);
        counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      holders.set(gpuKey, counts);
      if (h.hours) holdings.set(key, h);
    }
    for (const [t, v] of s.points) {
      latest.set(gpuKey, Math.max(t, latest.get(gpuKey) ?? -Infinity));
      if (!isNightHour(t, q.night)) continue;
      const n = nights.get(gpuKey) ?? { node: l.Hostname ?? '', at: new Map<number, number>() };
      n.at.set(t, Math.max(v, n.at.get(t) ?? -Infinity));
      nights.set(gpuKey, n);
    }
  }

  const sharers = (h: Holding, t: number) => holders.get(h.gpuKey)?.get(t) ?? 1;
  const lastOf = (h: Holding) => Math.max(...h.at);
  const firstOf = (h: Holding) => Math.min(...h.at);
  const byGpu = new Map<string, Holding[]>();
  for (const h of holdings.values()) byGpu.set(h.gpuKey, [...(byGpu.get(h.gpuKey) ?? []), h]);
  /**
   * A pod replaced on its GPU (a rollout): each hourly point averages the hour
   * before it, so the pod that went and the one that came both have the hour
   * of the handover. The one that went is not holding the GPU now, nor sharing it.
   */
  const handedOver = (h: Holding) => (byGpu.get(h.gpuKey) ?? []).some((other) => other !== h && firstOf(other) === lastOf(h) && firstOf(other) > firstOf(h));
  const handedOverAt = (gpuKey: string, t: number) => (byGpu.get(gpuKey) ?? []).filter((h) => lastOf(h) === t && handedOver(h)).length;
  const isCurrent = (h: Holding) => lastOf(h) === latest.get(h.gpuKey) && lastOf(h) >= q.window.end - HOUR && !handedOver(h);
  /** What holding the GPU costs now: its price shared among the pods holding it at the latest point (a pod that handed it over there holds none). */
  const nowShare = (h: Holding, usd: number) => usd / Math.max(1, sharers(h, lastOf(h)) - handedOverAt(h.gpuKey, lastOf(h)));
  const all = [...holdings.values()].map((h) => ({ ...h, avg: h.sum / h.hours, current: isCurrent(h) }));
  const held = all.filter((h) => h.current);
  const idle = all.filter((h) => h.avg < q.thresholdPct);
  const gpus: GpuIdle[] = idle
    .filter((h) => h.current)
    .map((h) => {
      const p = priceOfNode(h.node, h.modelName);
      const pod = pods?.get(`${h.namespace}/${h.pod}`);
      const node = nodes.get(h.node);
      return {
        node: h.node,
        gpu: h.gpu,
        uuid: h.uuid,
        modelName: h.modelName,
        namespace: h.namespace,
        pod: h.pod,
        ownerKind: pod?.ownerKind ?? null,
        ownerName: pod?.ownerName ?? null,
        team: teamOf({ labels: pod?.labels ?? {}, namespace: h.namespace }, q.teamLabel, snapshot.namespaceLabels),
        instanceType: node ? instanceTypeOf(node.labels) : null,
        avgUtilPct: round(h.avg, 2),
        hourlyUsd: p ? round(nowShare(h, p.usd), 4) : null,
        costOverWindowUsd: p ? round(costOf(h, p.usd, sharers), 2) : null,
        priceBasis: p?.basis ?? null,
      };
    })
    .sort((a, b) => (b.costOverWindowUsd ?? -1) - (a.costOverWindowUsd ?? -1) || byName(a.node, b.node) || byName(a.gpu, b.gpu));

  // A pod gives back its share of a GPU it shares, not the whole GPU.
  const shareOf = (h: Holding): GpuHourPrice | null => {
    const p = priceOfNode(h.node, h.modelName);
    return p && { ...p, usd: nowShare(h, p.usd) };
  };
  const suggestions: GpuSuggestion[] = [...oversizedPods(held, q, shareOf, pods, snapshot), ...idlePools(nights, snapshot, q, price)];

  // Sums of the rows as shown (in cents), so the total is what a reader adds up.
  const priced = gpus.filter((g) => g.hourlyUsd !== null);
  const released = idle.filter((h) => !h.current);
  const releasedCost = released.reduce((a, h) => {
    const p = priceOfNode(h.node, h.modelName);
    return a + (p ? round(costOf(h, p.usd, sharers), 2) : 0);
  }, 0);
  return {
    gpus,
    suggestions,
    totals: {
      idleGpus: gpus.length,
      heldGpus: new Set(held.map((h) => h.gpuKey)).size,
      hourlyUsd: round(priced.reduce((a, g) => a + (g.hourlyUsd ?? 0), 0), 2),
      costOverWindowUsd: round(priced.reduce((a, g) => a + (g.costOverWindowUsd ?? 0), 0), 2),
      unpriced: gpus.length - priced.length,
      releasedIdleHoldings: released.length,
      releasedCostOverWindowUsd: round(releasedCost, 2),
      migHoldingsSkipped: migHoldings.size,
    },
    window: q.window,
    thresholdPct: q.thresholdPct,
    podAccess: Array.isArray(snapshot.pods) ? { status: 'listed' } : { status: 'forbidden', message: snapshot.pods.forbidden },
  };
}

/** A holding's cost over the hours it was sampled: each hour's GPU-hour price shared among the pods holding that GPU then. */
function costOf(h: Holding, usdPerHour: number, sharers: (h: Holding, t: number) => number): number {
  return h.at.reduce((a, t) => a + usdPerHour / sharers(h, t), 0);
}

type Held = Holding & { avg: number };

/** Pods that keep fewer of their GPUs busy than they hold (none busy included). */
function oversizedPods(
  held: readonly Held[],
  q: IdleQuery,
  priceOf: (h: Held) => GpuHourPrice | null,
  pods: Map<string, GpuPodFacts> | undefined,
  snapshot: GpuClusterSnapshot,
): GpuSuggestion[] {
  const byPod = new Map<string, Held[]>();
  for (const h of held) {
    const key = `${h.namespace}/${h.pod}`;
    byPod.set(key, [...(byPod.get(key) ?? []), h]);
  }
  const out: Extract<GpuSuggestion, { kind: 'oversized-pod' }>[] = [];
  for (const list of byPod.values()) {
    // One GPU per UUID: a GPU held twice by the same pod in the window (a label that changed) counts once, by its busier record.
    const perGpu = new Map<string, Held>();
    for (const h of list) if ((perGpu.get(h.uuid)?.avg ?? -1) < h.avg) perGpu.set(h.uuid, h);
    const gpus = [...perGpu.values()].sort((a, b) => b.avg - a.avg);
    const busy = gpus.filter((g) => g.avg >= q.thresholdPct).length;
    if (busy === gpus.length) continue;
    const { namespace, pod: name } = gpus[0];
    const pod = pods?.get(`${namespace}/${name}`);
    const price = priceOf(gpus[gpus.length - 1]);
    const spare = gpus.length - busy;
    const averages = gpus.map((g) => round(g.avg, 1));
    const saving = price ? round(price.usd * spare, 2) : null;
    const cost = saving !== null ? ` (${usd(saving)}/hour)` : '';
    const message =
      busy === 0
        ? `${namespace}/${name} holds ${gpus.length} GPU${gpus.length === 1 ? '' : 's'} and none averaged ${pct(q.thresholdPct)} over the last ${q.window.hours} h (busiest ${pct(averages[0])}): stop it or give the GPUs back${cost}`
        : `${namespace}/${name} holds ${gpus.length} GPUs and keeps ${busy} busy (at or above ${pct(q.thresholdPct)} on average over ${q.window.hours} h): asking for ${busy} would free ${spare}${cost}`;
    out.push({
      kind: 'oversized-pod',
      namespace,
      pod: name,
      ownerKind: pod?.ownerKind ?? null,
      ownerName: pod?.ownerName ?? null,
      team: teamOf({ labels: pod?.labels ?? {}, namespace }, q.teamLabel, snapshot.namespaceLabels),
      held: gpus.length,
      busy,
      avgUtilPct: averages,
      hourlyUsdToSave: saving,
      message,
    });
  }
  return out.sort((a, b) => (b.hourlyUsdToSave ?? -1) - (a.hourlyUsdToSave ?? -1) || b.held - b.busy - (a.held - a.busy) || byName(`${a.namespace}/${a.pod}`, `${b.namespace}/${b.pod}`));
}

/** Pools whose every GPU stayed below the threshold at every sampled night hour, with every node sampled. */
function idlePools(
  nights: Map<string, { node: string; at: Map<number, number> }>,
  snapshot: GpuClusterSnapshot,
  q: IdleQuery,
  price: ReturnType<typeof gpuHourPricer>,
): GpuSuggestion[] {
  const pools = new Map<string, GpuClusterSnapshot['nodes']>();
  for (const n of snapshot.nodes) {
    const pool = nodePool(n.labels);
    if (pool) pools.set(pool, [...(pools.get(pool) ?? []), n]);
  }
  const out: Extract<GpuSuggestion, { kind: 'pool-idle-overnight' }>[] = [];
  for (const [pool, members] of pools) {
    const names = new Set(members.map((m) => m.name));
    const sampledNodes = new Set<string>();
    const hours = new Set<number>();
    let max = -Infinity;
    for (const n of nights.values()) {
      if (!names.has(n.node)) continue;
      sampledNodes.add(n.node);
      for (const [t, v] of n.at) {
        hours.add(t);
        max = Math.max(max, v);
      }
    }
    if (sampledNodes.size < names.size || hours.size < MIN_NIGHT_HOURS || max >= q.thresholdPct) continue;
    const gpus = members.reduce((a, m) => a + countQuantity(m.capacity[GPU_RESOURCE]), 0);
    if (gpus === 0) continue;
    const costs = members.map((m) => {
      const p = price(instanceTypeOf(m.labels), m.labels[GPU_PRODUCT_LABEL] || null);
      return p ? p.usd * countQuantity(m.capacity[GPU_RESOURCE]) : null;
    });
    const hourlyUsd = costs.every((c) => c !== null) ? round(costs.reduce((a: number, c) => a + (c ?? 0), 0), 2) : null;
    const nodeList = [...names].sort(byName);
    out.push({
      kind: 'pool-idle-overnight',
      pool,
      nodes: nodeList,
      gpus,
      nightHours: hours.size,
      maxUtilPct: round(max, 1),
      hourlyUsd,
      message: `Pool ${pool} (${nodeList.length} node${nodeList.length === 1 ? '' : 's'}, ${gpus} GPUs) stayed below ${pct(q.thresholdPct)} through all ${hours.size} night hours sampled (busiest GPU-hour ${pct(max)}): scale it down at night${hourlyUsd !== null ? ` to save ${usd(hourlyUsd)} per night hour` : ''}`,
    });
  }
  return out.sort((a, b) => (b.hourlyUsd ?? -1) - (a.hourlyUsd ?? -1) || byName(a.pool, b.pool));
}
