/**
 * bench/inspector: the Pods view at 10,000 pods, against the test bed with 500
 * nodes and 10,000 pods (seeded on the first run, ~85 s). In one run:
 *   - baseline: `kubectl get pods -A -o json` against the same apiserver;
 *   - browser mode in Chromium: Pods (all namespaces) — time to first rows and
 *     to the full list; watch latency (pod created → row counted) p95 at 50
 *     events/s; renderer JS heap; services process RSS.
 *
 * Run: npm run bench:inspector [-- --cluster secondary --runs 3 --keep]
 */
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { kubeRequest } from '../electron/services/kube/client/kubeHttp';
import { CHROMIUM, CHROMIUM_ARGS, ensureBuilt, requireChromium, servicesPidOf, startApp, switchConnection } from '../test/e2e/app';
import { removeLarge } from '../test/testbed';
import { kubectlListAllPods, mb, median, ms, percentile, prepareLargeCluster, rssOf } from './largeCluster';
import { servicesWithCluster } from '../test/support/services';

const { values } = parseArgs({
  options: {
    cluster: { type: 'string', default: 'secondary' },
    runs: { type: 'string', default: '3' },
    pods: { type: 'string', default: '10000' },
    nodes: { type: 'string', default: '500' },
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
    /** Leave the 10,000 pods in place for the next run (the bed's own tests expect them gone). */
    keep: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const wantPods = Number(values.pods);

/** The number the status bar shows for the rows held ("10,000 pods · live"). */
async function statusCount(page: Page): Promise<{ count: number; text: string }> {
  const text = (await page.getByRole('status').filter({ hasText: /pods?/ }).first().textContent()) ?? '';
  const match = /([\d,]+)\s+pods?/.exec(text);
  return { count: match ? Number(match[1].replace(/,/g, '')) : 0, text };
}

async function main(): Promise<void> {
  requireChromium();
  ensureBuilt();
  const { bed, kubeconfig, kc, total, cluster } = await prepareLargeCluster({ cluster: values.cluster!, nodes: Number(values.nodes), pods: wantPods });
  const baseline = Array.from({ length: runs }, () => kubectlListAllPods(bed.kubectl, kubeconfig));

  // A data dir with the cluster already imported; the app below opens it.
  const { services: setup, dataDir } = await servicesWithCluster(kubeconfig, 'bench');
  setup.close();

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const cold = { firstRows: [] as number[], fullList: [] as number[], firstView: [] as number[] };
  const warm = { firstRows: [] as number[], fullList: [] as number[], firstView: [] as number[] };
  /** Opens the Pods view from the Namespaces view and times its first row and its full, live list. */
  const openPods = async (page: Page, into: typeof cold) => {
    const firstStarted = Date.now();
    // Namespaces live first (not Nodes, whose Pods column would list the pods), so the timing below is the Pods view alone.
    await page.getByRole('navigation', { name: 'Resources' }).getByRole('button', { name: 'Namespaces', exact: true }).click();
    await page.getByRole('status').first().filter({ hasText: /namespaces? · live/ }).waitFor({ timeout: 60_000 });
    into.firstView.push(Date.now() - firstStarted);
    const started = Date.now();
    await page.getByRole('navigation', { name: 'Resources' }).getByRole('button', { name: 'Pods', exact: true }).click();
    await page.getByRole('grid', { name: 'Pods' }).getByRole('row').nth(1).waitFor();
    into.firstRows.push(Date.now() - started);
    await page.waitForFunction(
      (n) => {
        const text = document.querySelector('[role=status]')?.textContent ?? '';
        const m = /([\d,]+)\s+pods?/.exec(text);
        return /live/.test(text) && m !== null && Number(m[1].replace(/,/g, '')) >= n;
      },
      total,
      { timeout: 120_000 },
    );
    into.fullList.push(Date.now() - started);
  };
  const openApp = async () => {
    const app = await startApp({ dataDir });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(app.url);
    await switchConnection(page, 'bench');
    await page.goto(new URL('#/clusters', page.url()).toString());
    return { app, page };
  };
  // Cold: a fresh services process each run, so the cache starts empty.
  for (let i = 0; i < runs - 1; i++) {
    const { app, page } = await openApp();
    await openPods(page, cold);
    await page.close();
    await app.stop();
  }
  const { app, page } = await openApp();
  try {
    await openPods(page, cold);
    // Warm: back to a view whose cache is still live (within its grace period).
    for (let i = 0; i < runs; i++) await openPods(page, warm);

    // The Nodes view: its rows, then every node's Pods count (from the pods cache the Pods view keeps warm).
    const nodesStarted = Date.now();
    await page.getByRole('navigation', { name: 'Resources' }).getByRole('button', { name: 'Nodes', exact: true }).click();
    await page.getByRole('status').first().filter({ hasText: /nodes? · live/ }).waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => {
      const grid = document.querySelector('[role=grid]');
      const headers = Array.from(grid?.querySelectorAll('[role=columnheader]') ?? []).map((h) => h.textContent?.trim() ?? '');
      const at = headers.findIndex((h) => h.startsWith('Pods'));
      const rows = Array.from(grid?.querySelectorAll('[role=row]') ?? []).slice(1);
      return at >= 0 && rows.length > 0 && rows.every((r) => /\d/.test(r.querySelectorAll('[role=gridcell]')[at]?.textContent ?? ''));
    }, undefined, { timeout: 60_000 });
    const nodesWithCounts = Date.now() - nodesStarted;
    await page.getByRole('navigation', { name: 'Resources' }).getByRole('button', { name: 'Pods', exact: true }).click();
    await page.getByRole('status').first().filter({ hasText: /pods? · live/ }).waitFor({ timeout: 60_000 });

    // Watch latency: create pods at `rate`/s; each is counted when the status bar's count reaches it.
    const rate = Number(values.rate);
    const count = rate * Number(values.seconds);
    const before = (await statusCount(page)).count;
    await page.evaluate(() => {
      const w = window as unknown as { __seen: number[] };
      w.__seen = [];
      const el = document.querySelector('[role=status]')!;
      let last = 0;
      new MutationObserver(() => {
        const m = /([\d,]+)\s+pods?/.exec(el.textContent ?? '');
        const n = m ? Number(m[1].replace(/,/g, '')) : 0;
        for (let k = last + 1; k <= n; k++) w.__seen[k] = performance.timeOrigin + performance.now();
        last = Math.max(last, n);
      }).observe(el, { subtree: true, childList: true, characterData: true });
    });
    const sent: number[] = [];
    const ns = 'bench-00';
    const t0 = Date.now();
    for (let i = 0; i < count; i++) {
      const due = t0 + (i * 1000) / rate;
      if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
      const res = await kubeRequest(kc, `/api/v1/namespaces/${ns}/pods`, {
        method: 'POST',
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { generateName: 'bench-watch-', labels: { 'pilothouse.dev/bench': 'watch' } },
          spec: { containers: [{ name: 'c', image: 'busybox' }], tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }] },
        },
      });
      if (res.status !== 201) throw new Error(`creating a pod answered HTTP ${res.status}`);
      sent.push(Date.now());
    }
    await page.waitForFunction((n) => ((window as unknown as { __seen: number[] }).__seen.length ?? 0) > n, before + count, { timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { __seen: number[] }).__seen);
    const latencies = sent.map((at, i) => seen[before + i + 1] - at);

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const rss = rssOf(servicesPidOf(app));
    const hostRss = rssOf(app.process.pid!);

    console.log(`bench/inspector: ${cluster.name}, ${total.toLocaleString('en')} pods, ${runs} runs`);
    console.log(`  baseline kubectl get pods -A -o json: median ${ms(median(baseline.map((b) => b.ms)))} (${mb(baseline[0].bytes)})`);
    const kubectlMs = median(baseline.map((b) => b.ms));
    console.log(`  Pods view, cold cache, first rows: median ${ms(median(cold.firstRows))} (${cold.firstRows.map(ms).join(', ')}); target ≤ 1000 ms`);
    console.log(`  Pods view, cold cache, full list:  median ${ms(median(cold.fullList))} (${cold.fullList.map(ms).join(', ')}); ${(median(cold.fullList) / kubectlMs).toFixed(2)}× kubectl; target ≤ 3000 ms and ≤ 1.5×`);
    console.log(`  first view after launch (Namespaces; loads the Kubernetes client, discovers): median ${ms(median(cold.firstView))}`);
    console.log(`  Nodes view (${values.nodes}+ nodes, Pods column counted from the live pods cache): live with counts in ${ms(nodesWithCounts)}`);
    console.log(`  Pods view, warm cache, full list:  median ${ms(median(warm.fullList))} (first rows ${ms(median(warm.firstRows))})`);
    console.log(`  watch latency at ${rate}/s for ${values.seconds} s: p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, max ${ms(Math.max(...latencies))}; target p95 ≤ 200 ms`);
    console.log(`  renderer JS heap after GC: ${mb(heap)}; target ≤ 250 MB`);
    console.log(`  services process RSS: ${mb(rss)}; target ≤ 400 MB (the serving process beside it: ${mb(hostRss)})`);
  } finally {
    await browser.close();
    await app.stop();
    await kubeRequest(kc, `/api/v1/namespaces/bench-00/pods?labelSelector=${encodeURIComponent('pilothouse.dev/bench=watch')}`, { method: 'DELETE' }).catch(() => undefined);
    if (!values.keep) await removeLarge(kubeconfig, { log: console.log });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
