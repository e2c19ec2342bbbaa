/**
 * bench/gpu: the GPU page at 1,000 GPUs, and the spend page's billable calls.
 *   - backfills 24 h of `DCGM_FI_DEV_GPU_UTIL` at 15 s steps for `--gpus`
 *     GPUs (125 nodes × 8 by default) into a Prometheus of its own, started
 *     beside the bed's;
 *   - the baseline: the same range query straight to Prometheus with fetch +
 *     JSON.parse (what curl and a script would pay), at the page's step and
 *     at the 15 s the data has;
 *   - `gpu.heatmap` and `gpu.utilisation` (per GPU) through the contract in
 *     this process, with the longest stall of this process's event loop
 *     while each ran (the services' loop serves every other call);
 *   - in Chromium (browser mode): the heatmap and the per-GPU chart of the
 *     last 24 h, from the click to painted, and from the last large frame
 *     received to painted (target ≤ 1 s after the data arrives);
 *   - heatmap frame times while a zoom is dragged across it (p50/p95/max);
 *   - the spend page: billable Cost Explorer calls of a first load and of a
 *     reload within the cache's lifetime (target 0), counted at moto.
 *
 * Needs the test bed (`npm run testbed:up`): its primary cluster, moto.
 * Run: npm run bench:gpu -- [--gpus 1000] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ensureBuilt, startApp, switchConnection } from '../test/e2e/app';
import { contractClient } from '../test/support/contract';
import { servicesWithCluster } from '../test/support/services';
import { madeTempDir } from '../test/support/tempDirs';
import { defaultCostAndUsageResults, readTestbedState, resetMoto, seedCostExplorer } from '../test/testbed';
import { startPrometheus } from '../test/testbed/prometheus';
import { H200, gpuUuid, type GpuPod, type GpuProfile, type GpuSlot } from '../test/testbed/topology';
import { median, ms, percentile } from './largeCluster';

const { values } = parseArgs({ options: { gpus: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' } } });
const GPUS = Number(values.gpus);
const RUNS = Number(values.runs);
const DAY = 24 * 3600;

const state = readTestbedState();
if (!state) throw new Error('no test bed: run `npm run testbed:up` first');
const bed = state;

/** A fleet of `count` GPUs on 8-GPU nodes: trainers, model servers, idle notebooks and free GPUs, as a real one mixes them. */
function fleet(count: number): GpuSlot[] {
  const profiles: Exclude<GpuProfile, 'idle'>[] = ['training', 'inference', 'allocated-idle'];
  const slots: GpuSlot[] = [];
  for (let n = 0; slots.length < count; n++) {
    const node = `bench-gpu-${String(n).padStart(3, '0')}`;
    const kind = n % 5 === 4 ? 'idle' : profiles[n % 3];
    const pod: GpuPod | undefined =
      kind === 'idle' ? undefined : { namespace: `team-${n % 7}`, statefulSet: `job-${n}`, ordinal: 0, container: 'main', image: 'registry.example/ml:1', gpus: H200.gpusPerNode, profile: kind };
    for (let i = 0; i < H200.gpusPerNode && slots.length < count; i++) slots.push({ node, index: i, uuid: gpuUuid(node, i), pod, profile: kind });
  }
  return slots;
}

/** The longest gap between 5 ms ticks of this process's event loop while `work` runs. */
async function withLoopStall<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; stallMs: number }> {
  let last = performance.now();
  let stall = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  const start = performance.now();
  try {
    const value = await work();
    return { value, ms: performance.now() - start, stallMs: stall };
  } finally {
    clearInterval(tick);
  }
}

/** In the page: when each large WebSocket frame arrived, and frame timestamps while asked. */
const PAGE_PROBES = `
  window.__name = (f) => f;
  window.__bigFrames = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const size = typeof e.data === 'string' ? e.data.length : (e.data.byteLength ?? e.data.size ?? 0);
        if (size > 64 * 1024) window.__bigFrames.push(performance.now());
      });
    }
  };
  window.__frames = null;
  window.__recordFrames = () => {
    window.__frames = [];
    const step = (t) => { if (window.__frames) { window.__frames.push(t); requestAnimationFrame(step); } };
    requestAnimationFrame(step);
  };
  window.__stopFrames = () => { const f = window.__frames; window.__frames = null; return f; };
`;

/** From `act` to an element matching `selector` whose aria-label matches `label`: total, and after the last large frame. */
async function timeToPainted(page: Page, act: () => Promise<unknown>, selector: string, label: RegExp): Promise<{ totalMs: number; afterDataMs: number }> {
  const t0 = await page.evaluate(() => {
    (window as unknown as { __bigFrames: number[] }).__bigFrames = [];
    return performance.now();
  });
  await act();
  const painted = await page.waitForFunction(
    ({ selector, source }) => {
      const re = new RegExp(source);
      const el = Array.from(document.querySelectorAll(selector)).find((e) => re.test(e.getAttribute('aria-label') ?? ''));
      return el ? performance.now() : false;
    },
    { selector, source: label.source },
    { polling: 'raf', timeout: 120_000 },
  );
  const at = (await painted.jsonValue()) as number;
  const frames = await page.evaluate(() => (window as unknown as { __bigFrames: number[] }).__bigFrames);
  const lastFrame = frames.length ? Math.max(...frames) : t0;
  return { totalMs: at - t0, afterDataMs: at - lastFrame };
}

const fmt = (xs: number[]) => `median ${ms(median(xs))} (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;

async function main() {
  console.log(`bench/gpu: ${GPUS} GPUs × 24 h at 15 s (${((GPUS * DAY) / 15 / 1e6).toFixed(2)} M samples), ${RUNS} runs`);

  // 1. Backfill.
  const dir = madeTempDir('ph-bench-gpu-');
  const backfillStart = performance.now();
  const { info: prometheus, pid } = await startPrometheus(dir, fleet(GPUS), { seconds: DAY, stepSeconds: 15, metrics: ['DCGM_FI_DEV_GPU_UTIL'] });
  console.log(`backfill (write OpenMetrics, promtool, start Prometheus): ${ms(performance.now() - backfillStart)}`);
  try {
    const end = prometheus.historyEnd;
    const start = end - DAY;

    // 2. Baseline: straight to Prometheus.
    for (const step of [60, 15]) {
      const times: number[] = [];
      let bytes = 0;
      for (let r = 0; r < RUNS; r++) {
        const t = performance.now();
        const res = await fetch(`${prometheus.url}/api/v1/query_range?${new URLSearchParams({ query: 'DCGM_FI_DEV_GPU_UTIL', start: String(start), end: String(end), step: String(step) })}`);
        const text = await res.text();
        bytes = text.length;
        const parsed = JSON.parse(text) as { data: { result: unknown[] } };
        if (parsed.data.result.length !== GPUS) throw new Error(`Prometheus answered ${parsed.data.result.length} series, not ${GPUS}`);
        times.push(performance.now() - t);
      }
      console.log(`baseline fetch + JSON.parse, step ${step} s (${(bytes / 1e6).toFixed(1)} MB): ${fmt(times)}`);
    }

    // 3. Through the contract, in this process.
    const { services, dataDir, connectionId } = await servicesWithCluster(bed.clusters.primary.kubeconfigs.admin, 'primary');
    const api = contractClient(() => services, { actor: 'bench', session: 'bench' });
    const prom = await api.call('connections.addPrometheus', { name: 'bench-prometheus', url: prometheus.url, auth: 'none', clusterConnectionId: connectionId });
    await api.call('connections.addAwsKeys', { name: 'billing', accessKeyId: 'AKIAPILOTHOUSEBENCH1', secretAccessKey: 'pilothouse-bench-secret-key-00001', region: 'us-east-1', endpointUrl: bed.moto.endpoint, onConflict: 'replace' });
    for (const [name, call] of [
      ['gpu.heatmap (24 h)', () => api.call('gpu.heatmap', { prometheusConnectionId: prom.id, start, end })],
      ['gpu.utilisation per GPU (24 h)', () => api.call('gpu.utilisation', { prometheusConnectionId: prom.id, metric: 'DCGM_FI_DEV_GPU_UTIL', groupBy: 'gpu', start, end })],
    ] as const) {
      const times: number[] = [];
      const stalls: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const run = await withLoopStall(call as () => Promise<unknown>);
        times.push(run.ms);
        stalls.push(run.stallMs);
      }
      console.log(`${name} through the contract: ${fmt(times)}; longest event-loop stall ${fmt(stalls)}`);
    }
    await services.close();

    // 4. In Chromium.
    await resetMoto(bed.moto);
    await seedCostExplorer(bed.moto, defaultCostAndUsageResults());
    for (const step of ['stop-recording', 'reset-recording', 'start-recording']) await fetch(`${bed.moto.endpoint}/moto-api/recorder/${step}`, { method: 'POST' });
    ensureBuilt();
    const app = await startApp({ dataDir });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      await page.addInitScript(PAGE_PROBES);
      await page.goto(app.url);
      await switchConnection(page, 'primary');
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'GPUs', exact: true }).click();

      // Per GPU over 24 h (the range and grouping are kept, so each run below is a tab switch, as a user makes it).
      await page.getByRole('tab', { name: 'Utilisation' }).click();
      await page
        .locator('label.field')
        .filter({ has: page.locator('span', { hasText: /^Per$/ }) })
        .locator('select')
        .selectOption('gpu');
      await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '24 h' }).click();
      await page.getByRole('img', { name: new RegExp(`${GPUS.toLocaleString('en-US')} series from`) }).waitFor({ timeout: 120_000 });
      const heat: { totalMs: number; afterDataMs: number }[] = [];
      const chart: { totalMs: number; afterDataMs: number }[] = [];
      for (let r = 0; r < RUNS; r++) {
        await page.getByRole('tab', { name: 'Inventory' }).click();
        heat.push(await timeToPainted(page, () => page.getByRole('tab', { name: 'Heatmap' }).click(), '[role="img"]', new RegExp(`of ${GPUS.toLocaleString('en-US')} rows`)));
        await page.getByRole('tab', { name: 'Inventory' }).click();
        chart.push(await timeToPainted(page, () => page.getByRole('tab', { name: 'Utilisation' }).click(), '[role="img"]', new RegExp(`${GPUS.toLocaleString('en-US')} series from`)));
      }
      console.log(`heatmap in Chromium, click → painted: ${fmt(heat.map((h) => h.totalMs))}; data arrived → painted: ${fmt(heat.map((h) => h.afterDataMs))} (target ≤ 1000 ms)`);
      console.log(`per-GPU chart in Chromium, click → painted: ${fmt(chart.map((h) => h.totalMs))}; data arrived → painted: ${fmt(chart.map((h) => h.afterDataMs))} (target ≤ 1000 ms)`);

      // 5. Frame times while a zoom is dragged across the heatmap.
      await page.getByRole('tab', { name: 'Heatmap' }).click();
      const canvas = page.locator('[role="img"][aria-label*="rows"]').first();
      await canvas.waitFor();
      const box = (await canvas.boundingBox())!;
      const frameTimes: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
        await page.evaluate(() => (window as unknown as { __recordFrames(): void }).__recordFrames());
        await page.mouse.down();
        for (let i = 1; i <= 40; i++) await page.mouse.move(box.x + box.width * (0.2 + 0.5 * (i / 40)), box.y + box.height / 2);
        const frames = await page.evaluate(() => (window as unknown as { __stopFrames(): number[] }).__stopFrames());
        await page.keyboard.press('Escape');
        await page.mouse.up();
        for (let i = 1; i < frames.length; i++) frameTimes.push(frames[i] - frames[i - 1]);
        await page.getByRole('tab', { name: 'Inventory' }).click();
        await page.getByRole('tab', { name: 'Heatmap' }).click();
        await canvas.waitFor();
      }
      console.log(`heatmap frame time while dragging a zoom: p50 ${ms(percentile(frameTimes, 50))}, p95 ${ms(percentile(frameTimes, 95))}, max ${ms(Math.max(...frameTimes))} over ${frameTimes.length} frames`);

      // 6. Billable calls of the spend page: a first load, then a reload within the cache's lifetime.
      const costCalls = async () =>
        (await (await fetch(`${bed.moto.endpoint}/moto-api/recorder/download-recording`)).text()).split('\n').filter((l) => l.includes('GetCostAndUsage')).length;
      await nav.getByRole('link', { name: 'Spend', exact: true }).click();
      await page.locator('table.spend-table').waitFor({ timeout: 60_000 });
      const first = await costCalls();
      await page.reload();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Spend', exact: true }).click();
      await page.locator('.spend-cached').first().waitFor({ timeout: 60_000 });
      console.log(`spend page billable GetCostAndUsage calls: first load ${first}, reload within the TTL ${(await costCalls()) - first} (target 0)`);
    } finally {
      await browser.close();
      await app.stop();
    }
  } finally {
    process.kill(pid, 'SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
