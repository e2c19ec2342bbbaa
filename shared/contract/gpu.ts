import { z } from 'zod';
import { defineArea, Empty, method } from './area';
import { daysBetween, SpendDate } from './spend';

const ConnectionId = z.string().min(1).max(64);

/**
 * A Kubernetes label key (`team`, `example.com/team`): an optional DNS
 * subdomain prefix and a name of at most 63 characters.
 */
export const GpuLabelKey = z
  .string()
  .trim()
  .min(1, 'Type a label key')
  .max(317, 'A label key is at most 317 characters')
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    'A label key is a name such as team or example.com/team',
  );

/** The label that names a pod's team when the params don't say (the pod's own label, else its namespace's). */
export const DEFAULT_TEAM_LABEL = 'team';

/** A time, unix seconds. */
const UnixSeconds = z.number().min(0).max(32_503_680_000);

// ---------------------------------------------------------------- inventory

export const GpuInventoryParams = z
  .object({
    /** A Kubernetes connection. */
    connectionId: ConnectionId,
    /** The pod (else namespace) label whose value names a team. */
    teamLabel: GpuLabelKey.default(DEFAULT_TEAM_LABEL),
    /** List again even when a list from the last few seconds is cached. */
    refresh: z.boolean().optional(),
  })
  .strict();
export type GpuInventoryParams = z.input<typeof GpuInventoryParams>;

/** One MIG resource of a node (`nvidia.com/mig-1g.10gb`): slices, not whole GPUs. */
export const GpuMigResource = z.object({
  /** The extended resource name, e.g. `nvidia.com/mig-1g.10gb`. */
  resource: z.string(),
  capacity: z.number().int().nonnegative(),
  allocatable: z.number().int().nonnegative(),
  /** Requested by unfinished pods; null when pods could not be listed. */
  requested: z.number().int().nonnegative().nullable(),
});
export type GpuMigResource = z.infer<typeof GpuMigResource>;

/** A node with GPUs (whole or MIG). */
export const GpuNode = z.object({
  name: z.string(),
  ready: z.boolean(),
  /** Cordoned. */
  unschedulable: z.boolean(),
  /** The node group or pool (EKS node group, Karpenter node pool, GKE/AKS pool labels), else the instance type; null when neither is labelled. */
  pool: z.string().nullable(),
  /** `node.kubernetes.io/instance-type`. */
  instanceType: z.string().nullable(),
  /** `nvidia.com/gpu.product` from GPU feature discovery, e.g. NVIDIA-H200. */
  product: z.string().nullable(),
  /** `nvidia.com/gpu.memory`: memory per GPU, MiB. */
  memoryMiB: z.number().nullable(),
  /** Whole GPUs (`nvidia.com/gpu`). */
  capacity: z.number().int().nonnegative(),
  allocatable: z.number().int().nonnegative(),
  /** Whole GPUs requested by unfinished pods on the node; null when pods could not be listed. */
  requested: z.number().int().nonnegative().nullable(),
  /** allocatable − requested, never below 0; null when pods could not be listed. */
  free: z.number().int().nonnegative().nullable(),
  mig: z.array(GpuMigResource),
});
export type GpuNode = z.infer<typeof GpuNode>;

/** A pod that holds GPUs (it has not finished and requests `nvidia.com/gpu` or MIG slices). */
export const GpuPod = z.object({
  namespace: z.string(),
  name: z.string(),
  /** Null while it waits to be scheduled. */
  node: z.string().nullable(),
  /** Whole GPUs. */
  gpus: z.number().int().nonnegative(),
  /** MIG slices of any profile. */
  migSlices: z.number().int().nonnegative(),
  /** The controlling owner's kind (a ReplicaSet's Deployment is not looked up: ReplicaSet). */
  ownerKind: z.string().nullable(),
  ownerName: z.string().nullable(),
  /** The team label's value on the pod, else on its namespace; null when neither has it. */
  team: z.string().nullable(),
  phase: z.string(),
  /** When it started (else was created), ISO. */
  since: z.string().nullable(),
});
export type GpuPod = z.infer<typeof GpuPod>;

/** GPUs held in one namespace. */
export const GpuNamespaceUse = z.object({ namespace: z.string(), gpus: z.number().int(), migSlices: z.number().int(), pods: z.number().int() });
export type GpuNamespaceUse = z.infer<typeof GpuNamespaceUse>;

/** GPUs held by one team; `team` null gathers the pods with no team label. */
export const GpuTeamUse = z.object({ team: z.string().nullable(), gpus: z.number().int(), migSlices: z.number().int(), pods: z.number().int() });
export type GpuTeamUse = z.infer<typeof GpuTeamUse>;

/**
 * Whether the pods (and namespaces, for team labels) could be listed: a
 * connection allowed to list nodes only still gets capacity, with every
 * `requested`/`free` null and the reason.
 */
export const GpuPodAccess = z.discriminatedUnion('status', [
  z.object({ status: z.literal('listed') }),
  z.object({ status: z.literal('forbidden'), message: z.string() }),
]);
export type GpuPodAccess = z.infer<typeof GpuPodAccess>;

export const GpuInventory = z.object({
  /** GPU nodes, by name. */
  nodes: z.array(GpuNode),
  /** Largest first. */
  namespaces: z.array(GpuNamespaceUse),
  /** Largest first. */
  teams: z.array(GpuTeamUse),
  /** Pods holding GPUs, most GPUs first. */
  pods: z.array(GpuPod),
  podAccess: GpuPodAccess,
  /** Namespace labels could not be read: teams come from pod labels only. */
  namespaceLabels: z.enum(['read', 'forbidden']),
  teamLabel: z.string(),
  totals: z.object({
    nodes: z.number().int(),
    capacity: z.number().int(),
    allocatable: z.number().int(),
    /** Null when pods could not be listed. */
    requested: z.number().int().nullable(),
    free: z.number().int().nullable(),
    migCapacity: z.number().int(),
    migRequested: z.number().int().nullable(),
    /** GPUs requested by pods not yet scheduled. */
    pending: z.number().int().nullable(),
  }),
  /** When the cluster was listed, ISO (answers are cached for a few seconds). */
  listedAt: z.string(),
});
export type GpuInventory = z.infer<typeof GpuInventory>;

// ---------------------------------------------------------------- metrics

/** dcgm-exporter metrics the GPU page can chart. */
export const GpuMetric = z.enum([
  'DCGM_FI_DEV_GPU_UTIL',
  'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
  'DCGM_FI_DEV_FB_USED',
  'DCGM_FI_DEV_FB_FREE',
  'DCGM_FI_DEV_POWER_USAGE',
  'DCGM_FI_DEV_GPU_TEMP',
]);
export type GpuMetric = z.infer<typeof GpuMetric>;

/**
 * How each metric is shown and combined across GPUs: percentages average,
 * memory and power add up, temperature takes the hottest. GR_ENGINE_ACTIVE is
 * a 0–1 ratio in DCGM and is answered as a percentage.
 */
export const GPU_METRICS: Record<GpuMetric, { label: string; unit: '%' | 'MiB' | 'W' | '°C'; combine: 'avg' | 'sum' | 'max' }> = {
  DCGM_FI_DEV_GPU_UTIL: { label: 'GPU utilisation', unit: '%', combine: 'avg' },
  DCGM_FI_PROF_GR_ENGINE_ACTIVE: { label: 'Graphics engine active', unit: '%', combine: 'avg' },
  DCGM_FI_DEV_FB_USED: { label: 'Memory used', unit: 'MiB', combine: 'sum' },
  DCGM_FI_DEV_FB_FREE: { label: 'Memory free', unit: 'MiB', combine: 'sum' },
  DCGM_FI_DEV_POWER_USAGE: { label: 'Power', unit: 'W', combine: 'sum' },
  DCGM_FI_DEV_GPU_TEMP: { label: 'Temperature', unit: '°C', combine: 'max' },
};

/** Points per series a range query aims at when no step is given. */
export const GPU_MAX_POINTS = 1_500;
/** Longest range charted: 31 days. */
export const GPU_MAX_RANGE_S = 31 * 86_400;

/** Series grouping: one per GPU, or combined per node, pod or namespace (GPUs no pod holds are left out of pod and namespace). */
export const GpuGroupBy = z.enum(['gpu', 'node', 'pod', 'namespace']);
export type GpuGroupBy = z.infer<typeof GpuGroupBy>;

/** A label value to keep (exact match); dcgm-exporter's labels. */
const LabelValue = z.string().min(1).max(253);

const rangeCheck = <T extends { start: number; end: number; step?: number }>(q: T, ctx: z.core.$RefinementCtx<T>) => {
  if (q.end <= q.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'The end must come after the start' });
  else if (q.end - q.start > GPU_MAX_RANGE_S) ctx.addIssue({ code: 'custom', path: ['end'], message: 'A range is at most 31 days' });
  else if (q.step !== undefined && (q.end - q.start) / q.step > 11_000) ctx.addIssue({ code: 'custom', path: ['step'], message: 'That step gives more than 11,000 points per series: take a larger one' });
};

export const GpuUtilisationParams = z
  .object({
    /** A Prometheus connection. */
    prometheusConnectionId: ConnectionId,
    metric: GpuMetric.default('DCGM_FI_DEV_GPU_UTIL'),
    groupBy: GpuGroupBy.default('node'),
    start: UnixSeconds,
    end: UnixSeconds,
    /** Seconds between points; by default the smallest of 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h… keeping {@link GPU_MAX_POINTS} per series. Start and end are put on multiples of it. */
    step: z.number().int().min(1).max(86_400).optional(),
    /** Only these GPUs: exact label values. */
    node: LabelValue.optional(),
    namespace: LabelValue.optional(),
    pod: LabelValue.optional(),
  })
  .strict()
  .superRefine(rangeCheck);
export type GpuUtilisationParams = z.input<typeof GpuUtilisationParams>;

/**
 * A column of numbers (null where there is none), checked in one loop: the
 * transports check every result, and a thousand series × 1,440 points
 * through z.array(z.number().nullable()) take 80–170 ms of the services'
 * thread, this a few.
 */
const NumberColumn = z.custom<(number | null)[]>(
  (v) => Array.isArray(v) && v.every((x) => x === null || (typeof x === 'number' && Number.isFinite(x))),
  'Expected an array of finite numbers or null',
);

/** One line of a chart. */
export const GpuSeries = z.object({
  /** Stable and unique: `node/gpu` per GPU, the node, `namespace/pod`, or the namespace. */
  key: z.string(),
  /** The labels it was grouped by: Hostname, gpu, UUID and modelName per GPU (whoever holds it); Hostname; namespace and pod; namespace. */
  labels: z.record(z.string(), z.string()),
  /** One per time; null where there is no sample. */
  values: NumberColumn,
});
export type GpuSeries = z.infer<typeof GpuSeries>;

/** Columns for uPlot: every series aligned on one time axis. */
export const GpuUtilisation = z.object({
  metric: GpuMetric,
  unit: z.string(),
  /** Unix seconds, ascending, `step` apart. */
  times: z.array(z.number()),
  step: z.number().int(),
  /** By key. */
  series: z.array(GpuSeries),
});
export type GpuUtilisation = z.infer<typeof GpuUtilisation>;

export const GpuHeatmapParams = z
  .object({
    prometheusConnectionId: ConnectionId,
    /** A percentage metric. */
    metric: z.enum(['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_PROF_GR_ENGINE_ACTIVE']).default('DCGM_FI_DEV_GPU_UTIL'),
    start: UnixSeconds,
    end: UnixSeconds,
    step: z.number().int().min(1).max(86_400).optional(),
  })
  .strict()
  .superRefine(rangeCheck);
export type GpuHeatmapParams = z.input<typeof GpuHeatmapParams>;

/** The byte of a heatmap cell with no sample. */
export const GPU_HEATMAP_NO_SAMPLE = 255;

/** One row of the heatmap: a GPU. */
export const GpuHeatmapRow = z.object({
  node: z.string(),
  /** The GPU's index on its node (dcgm-exporter's `gpu`). */
  gpu: z.string(),
  uuid: z.string(),
  modelName: z.string(),
  /** The pod holding it at the end of the range, if any. */
  namespace: z.string().nullable(),
  pod: z.string().nullable(),
});
export type GpuHeatmapRow = z.infer<typeof GpuHeatmapRow>;

/**
 * GPUs × times, compact: `cells` is base64 of rows.length × columns bytes,
 * row after row, each 0–100 (percent, rounded) or {@link GPU_HEATMAP_NO_SAMPLE}.
 * Column i is the time `start + i × step`.
 */
export const GpuHeatmap = z.object({
  metric: z.string(),
  start: z.number(),
  step: z.number().int(),
  columns: z.number().int(),
  /** By node, then GPU index. */
  rows: z.array(GpuHeatmapRow),
  cells: z.string(),
});
export type GpuHeatmap = z.infer<typeof GpuHeatmap>;

/** Decodes a heatmap's cells (browser and Node alike). */
export function heatmapCells(heatmap: Pick<GpuHeatmap, 'cells'>): Uint8Array {
  const text = atob(heatmap.cells);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

// ---------------------------------------------------------------- idle GPUs

export const GpuIdleParams = z
  .object({
    /** The cluster: owners, teams and node instance types. */
    clusterConnectionId: ConnectionId,
    prometheusConnectionId: ConnectionId,
    /** A held GPU whose average utilisation over the window is below this is idle. */
    thresholdPct: z.number().min(0).max(100).default(10),
    /** Hours back from now. */
    windowHours: z.number().int().min(1).max(168).default(24),
    teamLabel: GpuLabelKey.default(DEFAULT_TEAM_LABEL),
    /** The night, for the overnight suggestion: local hours [from, to) and the local offset from UTC. */
    night: z
      .object({
        fromHour: z.number().int().min(0).max(23).default(22),
        toHour: z.number().int().min(0).max(23).default(6),
        utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60).default(0),
      })
      .strict()
      .refine((n) => n.fromHour !== n.toHour, 'The night must start and end at different hours')
      .default({ fromHour: 22, toHour: 6, utcOffsetMinutes: 0 }),
  })
  .strict();
export type GpuIdleParams = z.input<typeof GpuIdleParams>;

/** A GPU held by a pod and idle over the window. */
export const GpuIdle = z.object({
  node: z.string(),
  gpu: z.string(),
  uuid: z.string(),
  modelName: z.string(),
  namespace: z.string(),
  pod: z.string(),
  ownerKind: z.string().nullable(),
  ownerName: z.string().nullable(),
  team: z.string().nullable(),
  instanceType: z.string().nullable(),
  avgUtilPct: z.number(),
  /** Null when no price matches the node's instance type or GPU product: unknown, not free. */
  hourlyUsd: z.number().nullable(),
  /** hourly × the hours of the window it was sampled in; null when the price is unknown. */
  costOverWindowUsd: z.number().nullable(),
  /** Which price row priced it: the node's instance type, or the GPU product's cheapest per-GPU row when the instance type has none ("NVIDIA-H200 as p5en.48xlarge"). */
  priceBasis: z.string().nullable(),
});
export type GpuIdle = z.infer<typeof GpuIdle>;

/** Something to do about idle GPUs, with the figures that justify it. */
export const GpuSuggestion = z.discriminatedUnion('kind', [
  z.object({
    /** A pod holds more GPUs than it keeps busy. */
    kind: z.literal('oversized-pod'),
    namespace: z.string(),
    pod: z.string(),
    ownerKind: z.string().nullable(),
    ownerName: z.string().nullable(),
    team: z.string().nullable(),
    held: z.number().int(),
    /** GPUs at or above the threshold on average. */
    busy: z.number().int(),
    /** Each held GPU's average, busiest first. */
    avgUtilPct: z.array(z.number()),
    /** What the GPUs it could give back cost per hour; null when unpriced. */
    hourlyUsdToSave: z.number().nullable(),
    message: z.string(),
  }),
  z.object({
    /** Every GPU of a node pool stayed below the threshold through the night hours of the window. */
    kind: z.literal('pool-idle-overnight'),
    pool: z.string(),
    nodes: z.array(z.string()),
    gpus: z.number().int(),
    /** Night hours sampled within the window. */
    nightHours: z.number(),
    /** The highest hourly average of any of its GPUs at night. */
    maxUtilPct: z.number(),
    /** What the pool's GPUs cost per night hour; null when unpriced. */
    hourlyUsd: z.number().nullable(),
    message: z.string(),
  }),
]);
export type GpuSuggestion = z.infer<typeof GpuSuggestion>;

export const GpuIdleReport = z.object({
  /** Most expensive first, unpriced last. */
  gpus: z.array(GpuIdle),
  suggestions: z.array(GpuSuggestion),
  totals: z.object({
    idleGpus: z.number().int(),
    /** GPUs a pod still held at the window's end. */
    heldGpus: z.number().int(),
    /** Sum over priced idle GPUs (those still held). */
    hourlyUsd: z.number(),
    costOverWindowUsd: z.number(),
    /** Idle GPUs without a price (not in the sums). */
    unpriced: z.number().int(),
    /** Idle holdings given back before the window's end (a pod deleted or moved): not rows, not in $/hour. */
    releasedIdleHoldings: z.number().int().optional(),
    /** What those cost over the window, where priced. */
    releasedCostOverWindowUsd: z.number().optional(),
    /** Pods' holdings of MIG slices, not judged: dcgm-exporter reports no utilisation for a MIG instance. */
    migHoldingsSkipped: z.number().int().optional(),
  }),
  window: z.object({ start: z.number(), end: z.number(), hours: z.number() }),
  thresholdPct: z.number(),
  /** Pods could not be listed: owners and teams are unknown. */
  podAccess: GpuPodAccess,
});
export type GpuIdleReport = z.infer<typeof GpuIdleReport>;

// ---------------------------------------------------------------- cost per namespace or team

/** Longest range of {@link GpuCostParams}: 31 days, like every GPU range. */
export const GPU_COST_MAX_DAYS = 31;

/** What allocated GPU cost is summed by: the pod's namespace, or its team label (the pod's, else its namespace's). */
export const GpuCostGroupBy = z.enum(['namespace', 'team']);
export type GpuCostGroupBy = z.infer<typeof GpuCostGroupBy>;

export const GpuCostParams = z
  .object({
    /** The cluster: node instance types (for the price) and teams. */
    clusterConnectionId: ConnectionId,
    /** Where dcgm-exporter's series say which pod held each GPU when. */
    prometheusConnectionId: ConnectionId,
    /** An AWS account whose Cost Explorer EC2 GPU instance spend is set beside the allocated cost; none, none asked. */
    awsConnectionId: ConnectionId.optional(),
    /** The first day, UTC. */
    start: SpendDate,
    /** The day after the last, UTC (exclusive, as Cost Explorer has it). */
    end: SpendDate,
    groupBy: GpuCostGroupBy.default('namespace'),
    teamLabel: GpuLabelKey.default(DEFAULT_TEAM_LABEL),
  })
  .strict()
  .superRefine((q, ctx) => {
    const days = daysBetween(q.start, q.end);
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['end'], message: 'The end (exclusive) must come after the start' });
    else if (days > GPU_COST_MAX_DAYS) ctx.addIssue({ code: 'custom', path: ['end'], message: `A range is at most ${GPU_COST_MAX_DAYS} days` });
  });
export type GpuCostParams = z.input<typeof GpuCostParams>;

/**
 * GPU-hours allocated and what they cost at the price table's rates. A
 * GPU-hour with no price (no row for its node's instance type or GPU product)
 * makes `costUsd` null, unknown rather than free; `pricedCostUsd` is the part
 * that could be priced.
 */
export const GpuCostAmount = z.object({
  gpuHours: z.number().nonnegative(),
  /** Null when any of the GPU-hours has no price. */
  costUsd: z.number().nonnegative().nullable(),
  /** The cost of the GPU-hours that have a price. */
  pricedCostUsd: z.number().nonnegative(),
  unpricedGpuHours: z.number().nonnegative(),
});
export type GpuCostAmount = z.infer<typeof GpuCostAmount>;

/** One namespace's or team's share; `group` null gathers the pods with no team label. */
export const GpuCostShare = GpuCostAmount.extend({ group: z.string().nullable() });
export type GpuCostShare = z.infer<typeof GpuCostShare>;

/** One UTC day. */
export const GpuCostDay = z.object({
  /** YYYY-MM-DD. */
  day: z.string(),
  /** Most GPU-hours first. */
  groups: z.array(GpuCostShare),
  total: GpuCostAmount,
  /** Cost Explorer's EC2 spend on GPU instance types that day; null when no AWS account was asked or its answer has no such day. */
  billUsd: z.number().nullable(),
  /** Cost Explorer may still revise the day's bill. */
  billEstimated: z.boolean(),
});
export type GpuCostDay = z.infer<typeof GpuCostDay>;

/** The EC2 GPU bill for the range, as the spend area answered it (cached; each request billed). */
export const GpuCostBill = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('answered'),
    /** The currency, e.g. "USD". */
    unit: z.string(),
    total: z.number(),
    /** Allocated cost as a percentage of the bill; null when the cost is unknown, the bill is 0 or not in USD. */
    allocatedPct: z.number().nullable(),
    fetchedAt: z.string(),
    fromCache: z.boolean(),
    stale: z.boolean(),
    staleReason: z.string().optional(),
    /** Billable Cost Explorer requests, as the spend area counts them. */
    billableRequests: z.object({ thisQuery: z.number().int().nonnegative(), today: z.number().int().nonnegative(), total: z.number().int().nonnegative() }),
  }),
  /** Cost Explorer could not answer and nothing was cached: the GPU-hours stand without it. */
  z.object({ status: z.literal('failed'), code: z.string(), message: z.string() }),
]);
export type GpuCostBill = z.infer<typeof GpuCostBill>;

export const GpuCost = z.object({
  start: z.string(),
  end: z.string(),
  groupBy: GpuCostGroupBy,
  teamLabel: z.string(),
  /** Every day of the range, oldest first (days with nothing allocated included). */
  days: z.array(GpuCostDay),
  /** Over the range, most GPU-hours first. */
  groups: z.array(GpuCostShare),
  total: GpuCostAmount,
  /** Which price rows priced the GPU-hours: an instance type, or "NVIDIA-H200 as p5en.48xlarge" for a node whose type has no row. */
  pricedAs: z.array(z.object({ basis: z.string(), gpuHourUsd: z.number(), gpuHours: z.number() })),
  /** Null when no AWS account was given. */
  bill: GpuCostBill.nullable(),
  /** Pods could not be listed: teams come from namespace labels only. */
  podAccess: GpuPodAccess,
  /** Seconds each sample of "who holds this GPU" stands for. */
  resolutionSeconds: z.number().int(),
});
export type GpuCost = z.infer<typeof GpuCost>;

// ---------------------------------------------------------------- prices

/** An EC2-style instance type, or any name the user gives a machine shape. */
export const GpuInstanceType = z
  .string()
  .trim()
  .min(1, 'Type an instance type')
  .max(64, 'An instance type is at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'An instance type is letters, digits, ".", "-" and "_", e.g. p5.48xlarge');

/** One row of the price table: what a GPU-hour of this instance type costs. */
export const GpuPrice = z.object({
  instanceType: z.string(),
  /** As GPU feature discovery labels it (`nvidia.com/gpu.product`), e.g. NVIDIA-H100-80GB-HBM3. */
  gpuProduct: z.string(),
  gpus: z.number().int().positive(),
  /** The instance's price per hour. */
  hourlyUsd: z.number().nonnegative(),
  /** hourlyUsd / gpus. */
  gpuHourUsd: z.number().nonnegative(),
  /** Where the price came from and when; `user` once edited. */
  source: z.string(),
  updatedAt: z.string(),
});
export type GpuPrice = z.infer<typeof GpuPrice>;

export const GpuPriceInput = z
  .object({
    instanceType: GpuInstanceType,
    gpuProduct: z.string().trim().min(1, 'Type the GPU product, e.g. NVIDIA-H100-80GB-HBM3').max(128, 'A GPU product is at most 128 characters').regex(/^[\x20-\x7e]+$/, 'A GPU product is printable ASCII'),
    gpus: z.number().int('GPUs are a whole number').min(1, 'An instance has at least 1 GPU').max(64, 'At most 64 GPUs per instance'),
    hourlyUsd: z.number().min(0, 'A price cannot be negative').max(10_000, 'At most $10,000 an hour'),
  })
  .strict();
export type GpuPriceInput = z.input<typeof GpuPriceInput>;

// ---------------------------------------------------------------- this machine

/** A GPU of this machine, as `nvidia-smi` reports it. */
export const LocalGpu = z.object({
  index: z.number().int(),
  name: z.string(),
  uuid: z.string(),
  pciBusId: z.string(),
  driverVersion: z.string(),
  memoryTotalMiB: z.number(),
  memoryUsedMiB: z.number(),
  utilizationGpuPct: z.number().nullable(),
  utilizationMemoryPct: z.number().nullable(),
  temperatureC: z.number().nullable(),
  powerDrawW: z.number().nullable(),
  powerLimitW: z.number().nullable(),
  pstate: z.string().nullable(),
  processes: z.array(z.object({ pid: z.number().int(), name: z.string(), usedMemoryMiB: z.number().nullable() })).optional(),
});
export type LocalGpu = z.infer<typeof LocalGpu>;

/** This machine's GPUs, or why there are none to show (no nvidia-smi, driver not loaded…). */
export const LocalGpus = z.discriminatedUnion('available', [
  z.object({ available: z.literal(true), gpus: z.array(LocalGpu) }),
  z.object({ available: z.literal(false), reason: z.string() }),
]);
export type LocalGpus = z.infer<typeof LocalGpus>;

/**
 * The GPUs area: who holds which GPUs in a cluster, how hard they work
 * (dcgm-exporter metrics from a Prometheus connection), which held GPUs sit
 * idle and what that costs, the price table, and this machine's own GPUs.
 */
export const gpuContract = defineArea('gpu', {
  methods: {
    'gpu.inventory': method(GpuInventoryParams, GpuInventory),
    'gpu.utilisation': method(GpuUtilisationParams, GpuUtilisation),
    'gpu.heatmap': method(GpuHeatmapParams, GpuHeatmap),
    'gpu.idle': method(GpuIdleParams, GpuIdleReport),
    /** GPU-hours allocated per namespace or team per day, their cost at the price table's rates, and the EC2 GPU bill beside. */
    'gpu.cost': method(GpuCostParams, GpuCost),
    'gpu.prices.list': method(Empty, z.array(GpuPrice)),
    /** Adds or replaces prices, all or none. */
    'gpu.prices.save': method(z.object({ prices: z.array(GpuPriceInput).min(1).max(500) }).strict(), z.array(GpuPrice)),
    'gpu.prices.remove': method(z.object({ instanceTypes: z.array(GpuInstanceType).min(1).max(500) }).strict(), z.array(GpuPrice)),
    /** Back to the prices Pilothouse ships: edits and additions are dropped. */
    'gpu.prices.reset': method(Empty, z.array(GpuPrice)),
    'gpu.local': method(Empty, LocalGpus),
  },
  events: {
    /** The price table was edited, pruned or reset (in any window): price lists and idle costs refetch. */
    'gpu.pricesChanged': z.object({}),
  },
});
