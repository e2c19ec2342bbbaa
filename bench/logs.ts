/**
 * bench/logs: a chatty pod in the Logs tab. In one run, against the test bed's
 * primary cluster (its pods' logs are one CRI file; lines appended to it
 * stream to every follower):
 *   - baseline: `kubectl logs -f` of the same pod — time from a burst of
 *     `--lines` lines being written to its last line printed;
 *   - browser mode in Chromium, the pod's Logs tab following: time to the
 *     burst's last line on screen, lines the services skipped, and how the UI
 *     bore it meanwhile — the longest main-thread task, the longest gap
 *     between frames, and a round trip to the page every 100 ms (its p95 is
 *     what a click would wait); then renderer heap and services RSS.
 *
 * Run: npm run bench:logs [-- --lines 100000 --runs 3]
 */
import { spawn } from 'node:child_process';
import { appendFileSync, statSync, truncateSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { chromium } from 'playwright-core';
import { kubeRequest } from '../electron/services/kube/client/kubeHttp';
import { CHROMIUM, CHROMIUM_ARGS, ensureBuilt, requireChromium, servicesPidOf, startApp, switchConnection } from '../test/e2e/app';
import { servicesWithCluster } from '../test/support/services';
import { KWOK_TOLERATION, criLogLine, startTestbed } from '../test/testbed';
import { mb, median, ms, percentile, rssOf } from './largeCluster';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } } });
const lines = Number(values.lines);
const runs = Number(values.runs);
const RUN = Date.now().toString(36);
const NS = `ph-bench-logs-${RUN}`;
const POD = 'chatty';


/** Writes `count` lines tagged `tag` in one go, the last one `<tag> end`; returns that last line. */
function writeBurst(logFile: string, tag: string, count: number): string {
  const now = new Date();
  const body: string[] = [];
  for (let i = 0; i < count - 1; i++) body.push(criLogLine(`${tag} ${String(i).padStart(7, '0')} GET /api/v1/items/${i % 977} 200 ${(i * 31) % 9000}B`, now));
  const last = `${tag} end`;
  body.push(criLogLine(last, now));
  appendFileSync(logFile, body.join(''));
  return last;
}

/** kubectl logs -f: time from the burst written to its last line printed. */
async function kubectlFollow(kubectl: string, kubeconfig: string, logFile: string, tag: string): Promise<number> {
  const child = spawn(kubectl, ['--kubeconfig', kubeconfig, 'logs', '-f', '--tail=0', '-n', NS, POD], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    // kubectl prints nothing until the first line: give it a moment to attach.
    await new Promise((r) => setTimeout(r, 1500));
    let tail = '';
    let started = 0;
    const done = new Promise<number>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        tail = (tail + chunk.toString('utf8')).slice(-200);
        if (tail.includes(`${tag} end`)) resolve(performance.now() - started);
      });
    });
    started = performance.now();
    writeBurst(logFile, tag, lines);
    return await done;
  } finally {
    child.kill();
  }
}

/**
 * Starts watching the page's health: long tasks, frame gaps. A string, not a
 * function: tsx would wrap the named callbacks in a helper the page lacks.
 */
const WATCH_HEALTH = `(() => {
  const h = (window.__health = { longest: 0, gaps: [], on: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) h.longest = Math.max(h.longest, e.duration);
  }).observe({ type: 'longtask', buffered: false });
  let last = performance.now();
  requestAnimationFrame(function frame(t) {
    h.gaps.push(t - last);
    last = t;
    if (h.on) requestAnimationFrame(frame);
  });
})()`;

async function main(): Promise<void> {
  requireChromium();
  ensureBuilt();
  const bed = await startTestbed({ log: console.log });
  const cluster = bed.clusters.primary;
  const kubeconfig = cluster.kubeconfigs.admin;
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const create = async (path: string, body: object) => {
    const res = await kubeRequest(kc, path, { method: 'POST', body });
    if (res.status !== 201) throw new Error(`POST ${path} answered HTTP ${res.status}`);
  };
  await create('/api/v1/namespaces', { metadata: { name: NS } });
  await create(`/api/v1/namespaces/${NS}/pods`, {
    metadata: { name: POD },
    spec: { containers: [{ name: 'app', image: 'busybox' }], tolerations: [KWOK_TOLERATION] },
  });

  // Every container of the bed reads this one file from its start: give it back its size afterwards.
  const logSizeBefore = statSync(cluster.podLogFile).size;
  const { services: setup, dataDir } = await servicesWithCluster(kubeconfig, 'bench');
  setup.close();
  const app = await startApp({ dataDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const baseline: number[] = [];
    for (let i = 0; i < runs; i++) baseline.push(await kubectlFollow(bed.kubectl, kubeconfig, cluster.podLogFile, `kubectl-${RUN}-${i}`));

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(app.url);
    await switchConnection(page, 'bench');
    await page.goto(new URL('#/clusters', page.url()).toString());
    await page.getByRole('navigation', { name: 'Resources' }).getByRole('button', { name: 'Pods', exact: true }).click();
    await page.getByLabel('Filter').fill(POD);
    await page.getByRole('grid', { name: 'Pods' }).getByText(POD, { exact: true }).click();
    await page.keyboard.press('Enter');
    await page.keyboard.press('l');
    const log = page.getByRole('log', { name: new RegExp(`Logs of ${POD}`) });
    const stream = page.getByRole('status', { name: 'Log stream' });
    await stream.filter({ hasText: 'streaming' }).waitFor({ timeout: 30_000 });

    const shown: number[] = [];
    const longest: number[] = [];
    const gapMax: number[] = [];
    const gapP95: number[] = [];
    const roundTripP95: number[] = [];
    const skipped: number[] = [];
    for (let i = 0; i < runs; i++) {
      await page.evaluate(WATCH_HEALTH);
      const tag = `app-${RUN}-${i}`;
      const roundTrips: number[] = [];
      let burstDone = false;
      const probe = (async () => {
        while (!burstDone) {
          const t = performance.now();
          await page.evaluate(() => 0);
          roundTrips.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const started = performance.now();
      const last = writeBurst(cluster.podLogFile, tag, lines);
      await page.waitForFunction((text) => document.querySelector('[role=log]')?.textContent?.includes(text) ?? false, last, { timeout: 300_000, polling: 50 });
      shown.push(performance.now() - started);
      burstDone = true;
      await probe;
      const health = await page.evaluate(() => {
        const h = (window as unknown as { __health: { longest: number; gaps: number[]; on: boolean } }).__health;
        h.on = false;
        return { longest: h.longest, gaps: h.gaps };
      });
      longest.push(health.longest);
      gapMax.push(Math.max(...health.gaps));
      gapP95.push(percentile(health.gaps, 95));
      roundTripP95.push(percentile(roundTrips, 95));
      const markers = await log.textContent();
      skipped.push([...(markers ?? '').matchAll(/([\d,]+) lines? skipped/g)].reduce((n, m) => n + Number(m[1].replace(/,/g, '')), 0));
    }
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const rss = rssOf(servicesPidOf(app));
    const hostRss = rssOf(app.process.pid!);

    const kubectlMs = median(baseline);
    console.log(`bench/logs: a burst of ${lines.toLocaleString('en')} lines, ${runs} runs, primary cluster`);
    console.log(`  baseline kubectl logs -f, burst written → last line printed: median ${ms(kubectlMs)} (${baseline.map(ms).join(', ')})`);
    console.log(`  Logs tab, burst written → last line on screen: median ${ms(median(shown))} (${shown.map(ms).join(', ')}); ${(median(shown) / kubectlMs).toFixed(2)}× kubectl; ${Math.round(lines / (median(shown) / 1000)).toLocaleString('en')} lines/s`);
    console.log(`  lines skipped by flow control (visible marker in the viewport only): ${skipped.join(', ')}`);
    console.log(`  longest main-thread task: median ${ms(median(longest))} (${longest.map(ms).join(', ')})`);
    console.log(`  frame gaps: p95 median ${ms(median(gapP95))}, longest median ${ms(median(gapMax))} (${gapMax.map(ms).join(', ')})`);
    console.log(`  page round trip every 100 ms during the burst: p95 median ${ms(median(roundTripP95))} (${roundTripP95.map(ms).join(', ')})`);
    console.log(`  renderer JS heap after GC: ${mb(heap)}; services RSS: ${mb(rss)}; the serving process: ${mb(hostRss)}`);
  } finally {
    await browser.close();
    await app.stop();
    await kubeRequest(kc, `/api/v1/namespaces/${NS}`, { method: 'DELETE' }).catch(() => undefined);
    truncateSync(cluster.podLogFile, logSizeBefore);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
