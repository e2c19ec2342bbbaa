/**
 * Prometheus with a day of dcgm-exporter history for the primary cluster's
 * GPUs, backfilled with `promtool tsdb create-blocks-from openmetrics` so
 * 24-hour range queries answer at once without waiting for scrapes.
 *
 * Values are shaped from a real H200 capture (fixtures/nvidia-h200/
 * query-series.csv): saturated training follows the capture's heavy phase,
 * inference its light bursty phase, an allocated-but-unused GPU the
 * idle-with-memory-held phase, and a free GPU the plain idle phase.
 */
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { BINARIES, TESTBED_SRC_DIR } from './paths';
import { freePort, run, spawnDaemon, waitFor } from './proc';
import { H200, type GpuProfile, type GpuSlot } from './topology';

/** How the bed's Prometheus is reached. */
export interface PrometheusInfo {
  /** `http://127.0.0.1:PORT`, the base of `/api/v1/query_range`. */
  url: string;
  /** Unix seconds where the backfilled 24 h of history ends; nothing is scraped after it. */
  historyEnd: number;
}

/** The dcgm-exporter metrics backfilled, with their HELP text. */
export const DCGM_METRICS = {
  DCGM_FI_DEV_GPU_UTIL: 'GPU utilization (in %).',
  DCGM_FI_DEV_FB_USED: 'Framebuffer memory used (in MiB).',
  DCGM_FI_DEV_FB_FREE: 'Framebuffer memory free (in MiB).',
  DCGM_FI_DEV_POWER_USAGE: 'Power draw (in W).',
  DCGM_FI_DEV_GPU_TEMP: 'GPU temperature (in C).',
  DCGM_FI_PROF_GR_ENGINE_ACTIVE: 'Ratio of time the graphics engine is active.',
} as const;

export type MetricName = keyof typeof DCGM_METRICS;

/** One row of the capture: what nvidia-smi reported at one instant. */
interface Sample {
  util: number;
  memUsed: number;
  power: number;
  temp: number;
}

/** Seconds of history backfilled; a little over a day so a 24 h query is full at its start. */
export const BACKFILL_SECONDS = 25 * 3600;
/** Spacing of backfilled samples: one a minute keeps the backfill to a few seconds. */
const STEP_SECONDS = 60;

function loadCapture(): Record<'idle' | 'heldIdle' | 'heavy' | 'light', Sample[]> {
  const text = readFileSync(join(TESTBED_SRC_DIR, 'fixtures', 'nvidia-h200', 'query-series.csv'), 'utf8');
  const rows = text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(', '))
    .map((f) => ({
      util: parseFloat(f[7]),
      memUsed: parseFloat(f[10]),
      power: parseFloat(f[12]),
      temp: parseFloat(f[14]),
    }));
  const phases = {
    idle: rows.filter((r) => r.util === 0 && r.memUsed === 0),
    heldIdle: rows.filter((r) => r.util === 0 && r.memUsed > 500),
    heavy: rows.filter((r) => r.util >= 90),
    light: rows.filter((r) => r.util > 0 && r.util < 60 && r.memUsed > 500),
  };
  for (const [name, list] of Object.entries(phases))
    if (list.length === 0) throw new Error(`H200 capture has no ${name} samples`);
  return phases;
}

/** Deterministic noise in [-1, 1]. */
function noise(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35);
  h ^= h >>> 13;
  h = Math.imul(h, 0x27d4eb2f);
  h ^= h >>> 16;
  return ((h >>> 0) / 0xffffffff) * 2 - 1;
}

/** One GPU's reading at second `t` (epoch) for its profile. */
function reading(
  capture: ReturnType<typeof loadCapture>,
  profile: GpuProfile,
  gpuSeed: number,
  t: number,
): Sample {
  const k = Math.floor(t / STEP_SECONDS) + gpuSeed * 7;
  const pick = (list: Sample[]) => list[((k % list.length) + list.length) % list.length];
  const jitter = 1 + 0.01 * noise(gpuSeed, k);
  const total = H200.memoryMiB - H200.reservedMiB;
  switch (profile) {
    case 'training': {
      // Every two hours a 4-minute checkpoint: memory stays held, compute stops.
      const checkpoint = t % 7200 < 240;
      const s = checkpoint ? pick(capture.heldIdle) : pick(capture.heavy);
      return { util: s.util, memUsed: Math.round(total * 0.88), power: s.power * jitter, temp: s.temp };
    }
    case 'inference': {
      // Traffic follows the day: busiest mid-afternoon UTC, quiet at night.
      const hour = (t / 3600) % 24;
      const load = 0.55 + 0.45 * Math.cos(((hour - 15) / 24) * 2 * Math.PI);
      const s = pick(capture.light);
      const base = pick(capture.heldIdle).power;
      return {
        util: Math.round(s.util * load * 1.6),
        // vLLM pre-allocates ~90% of GPU memory for its KV cache.
        memUsed: Math.round(total * 0.9),
        power: (base + (s.power - base) * load * 1.6) * jitter,
        temp: Math.round(s.temp - 3 + 4 * load),
      };
    }
    case 'allocated-idle': {
      const s = pick(capture.heldIdle);
      return { ...s, power: s.power * jitter };
    }
    case 'idle': {
      const s = pick(capture.idle);
      return { ...s, power: s.power * jitter };
    }
  }
}

function value(metric: MetricName, s: Sample, gpuSeed: number, t: number): string {
  switch (metric) {
    case 'DCGM_FI_DEV_GPU_UTIL':
      return String(Math.min(100, Math.max(0, Math.round(s.util))));
    case 'DCGM_FI_DEV_FB_USED':
      return String(s.memUsed);
    case 'DCGM_FI_DEV_FB_FREE':
      return String(H200.memoryMiB - H200.reservedMiB - s.memUsed);
    case 'DCGM_FI_DEV_POWER_USAGE':
      return s.power.toFixed(3);
    case 'DCGM_FI_DEV_GPU_TEMP':
      return String(Math.round(s.temp));
    case 'DCGM_FI_PROF_GR_ENGINE_ACTIVE': {
      // The engine is busy a little less than nvidia-smi's sampled utilization.
      const r = (s.util / 100) * (0.93 + 0.04 * noise(gpuSeed + 1000, Math.floor(t / STEP_SECONDS)));
      return Math.min(1, Math.max(0, r)).toFixed(6);
    }
  }
}

function labels(slot: GpuSlot): string {
  const l: Record<string, string> = {
    gpu: String(slot.index),
    UUID: slot.uuid,
    pci_bus_id: `00000000:${(0x18 + slot.index * 0x10).toString(16).toUpperCase()}:00.0`,
    device: `nvidia${slot.index}`,
    modelName: H200.modelName,
    Hostname: slot.node,
    DCGM_FI_DRIVER_VERSION: H200.driver,
    job: 'dcgm-exporter',
  };
  // dcgm-exporter adds the pod labels only for GPUs a pod holds.
  if (slot.pod) {
    l.namespace = slot.pod.namespace;
    l.pod = `${slot.pod.statefulSet}-${slot.pod.ordinal}`;
    l.container = slot.pod.container;
  }
  return Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
}

/** What a backfill covers: the bed's is every DCGM metric, one sample a minute, for {@link BACKFILL_SECONDS}. */
export interface BackfillShape {
  seconds: number;
  stepSeconds: number;
  metrics: readonly MetricName[];
}

const BED_BACKFILL: BackfillShape = { seconds: BACKFILL_SECONDS, stepSeconds: STEP_SECONDS, metrics: Object.keys(DCGM_METRICS) as MetricName[] };

/** Writes the OpenMetrics backfill file for `slots` covering `[end − shape.seconds, end]`. */
async function writeOpenMetrics(file: string, slots: readonly GpuSlot[], endSec: number, shape: BackfillShape): Promise<void> {
  const capture = loadCapture();
  const start = endSec - shape.seconds;
  const out = createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  for (const metric of shape.metrics) {
    await write(`# HELP ${metric} ${DCGM_METRICS[metric]}\n# TYPE ${metric} gauge\n`);
    for (const [seed, slot] of slots.entries()) {
      const prefix = `${metric}{${labels(slot)}} `;
      const lines: string[] = [];
      for (let t = start - (start % shape.stepSeconds); t <= endSec; t += shape.stepSeconds) {
        lines.push(`${prefix}${value(metric, reading(capture, slot.profile, seed, t), seed, t)} ${t}\n`);
      }
      await write(lines.join(''));
    }
  }
  await write('# EOF\n');
  out.end();
  await once(out, 'finish');
}

/**
 * Backfills a fresh TSDB for `slots` ending now and starts Prometheus on it,
 * listening on a free port of 127.0.0.1 and scraping only itself. The bed's
 * shape unless told otherwise (the GPU benchmark backfills 1,000 GPUs).
 */
export async function startPrometheus(
  stateDir: string,
  slots: readonly GpuSlot[],
  shape: BackfillShape = BED_BACKFILL,
): Promise<{ info: PrometheusInfo; pid: number; backfilledAt: number }> {
  const dir = join(stateDir, 'prometheus');
  const data = join(dir, 'data');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(data, { recursive: true });
  const now = Math.floor(Date.now() / 1000);
  const om = join(dir, 'dcgm-backfill.om');
  await writeOpenMetrics(om, slots, now, shape);
  await run(BINARIES.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', om, data]);
  rmSync(om);
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${STEP_SECONDS}s`,
      'scrape_configs:',
      '  - job_name: prometheus',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${port}']`,
      '',
    ].join('\n'),
  );
  const pid = spawnDaemon(
    BINARIES.prometheus,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d',
    ],
    { logFile: join(dir, 'prometheus.log') },
  );
  const info: PrometheusInfo = { url: `http://127.0.0.1:${port}`, historyEnd: now };
  await waitFor('Prometheus /-/ready', async () => ((await fetch(`${info.url}/-/ready`)).ok ? true : undefined), 60_000);
  return { info, pid, backfilledAt: now * 1000 };
}

/** True when Prometheus answers `/-/ready`. */
export async function prometheusHealthy(info: PrometheusInfo): Promise<boolean> {
  return fetch(`${info.url}/-/ready`).then(
    (r) => r.ok,
    () => false,
  );
}
