/**
 * bench/inspectorServices: the services' side of the Pods view at 10,000
 * pods, without a UI. Against the test bed's secondary cluster with 500 nodes
 * and 10,000 pods (seeded on the first run, ~85 s), in one run:
 *   - baseline: `kubectl get pods -A -o json` (the bed's kubectl v1.34.4);
 *   - a cold cache: watch pods in all namespaces through the event hub, time
 *     to the first rows and to the full list (phase live, every row held);
 *   - a warm join: a second watch on the live cache, time to its reset;
 *   - watch latency: pods created at `rate`/s, from the create's answer until
 *     their upsert leaves the hub;
 *   - memory: this process's peak RSS during the cold lists (the kernel's
 *     high-water mark, and what a 10 ms sampler on the event loop saw), and
 *     its RSS and JS heap after GC, before and with the cache.
 *
 * Run: npm run bench:inspector-services -- [--cluster secondary] [--runs 3] [--rate 50] [--seconds 5] [--page-size N]
 */
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { KubeRowsEvent } from '../shared/contract';
import { ListWatchKubeInspector } from '../electron/services/kube/watch/kubeInspector';
import { kubeRequest } from '../electron/services/kube/client/kubeHttp';
import { KWOK_TOLERATION } from '../test/testbed';
import { kubectlListAllPods, mb, median, ms, peakRss, percentile, prepareLargeCluster, resetPeakRss, sampleRss } from './largeCluster';
import { servicesWithCluster } from '../test/support/services';

const { values } = parseArgs({
  options: {
    cluster: { type: 'string', default: 'secondary' },
    runs: { type: 'string', default: '3' },
    pods: { type: 'string', default: '10000' },
    nodes: { type: 'string', default: '500' },
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '5' },
    'page-size': { type: 'string' },
  },
});
const runs = Number(values.runs);
const wantPods = Number(values.pods);
const PODS = { group: '', version: 'v1', resource: 'pods' };

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
function memory(): { rss: number; heap: number } {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

async function main(): Promise<void> {
  const { bed, kubeconfig, kc, total, cluster } = await prepareLargeCluster({ cluster: values.cluster!, nodes: Number(values.nodes), pods: wantPods });
  const baseline = Array.from({ length: runs }, () => kubectlListAllPods(bed.kubectl, kubeconfig).ms);
  const { services, connectionId } = await servicesWithCluster(kubeconfig, 'bench');

  // The UI's side, reduced to counting: every row a watch holds, from the events alone.
  const held = new Map<string, Map<string, true>>();
  const listeners = new Set<(e: KubeRowsEvent) => void>();
  const sub = services.hub.subscribe((batch) => {
    for (const e of batch.events) {
      if (e.name !== 'kube.rows') continue;
      const ev = e.payload as KubeRowsEvent;
      let rows = held.get(ev.watchId);
      if (!rows || ev.reset) held.set(ev.watchId, (rows = new Map()));
      for (const r of ev.upserts) rows.set(r.uid, true);
      for (const uid of ev.deletes) rows.delete(uid);
      for (const l of listeners) l(ev);
    }
    sub.ack(batch.seq);
  });
  const waitFor = (check: (e: KubeRowsEvent) => boolean) =>
    new Promise<void>((resolve) => {
      const l = (e: KubeRowsEvent) => {
        if (!check(e)) return;
        listeners.delete(l);
        resolve();
      };
      listeners.add(l);
    });

  // Loads the Kubernetes client and the discovery answer once, as a running app has them.
  await services.kube.discover(connectionId);
  const before = memory();
  const firstRows: number[] = [];
  const fullList: number[] = [];
  let inspector: ListWatchKubeInspector | undefined;
  let watchId = '';
  const peakReset = resetPeakRss();
  const sampler = sampleRss(10);
  for (let i = 0; i < runs; i++) {
    // A new inspector each run: a cold cache; the last one stays for the figures below.
    inspector?.close();
    inspector = new ListWatchKubeInspector(
      { connections: services.connections, hub: services.hub, log: services.log },
      values['page-size'] ? { cache: { pageSize: Number(values['page-size']) } } : {},
    );
    const started = performance.now();
    const first = waitFor((e) => e.watchId === watchId && (held.get(watchId)?.size ?? 0) > 0);
    const full = waitFor((e) => e.watchId === watchId && e.state.phase === 'live' && (held.get(watchId)?.size ?? 0) >= total);
    ({ watchId } = await inspector.watch(connectionId, PODS));
    await first;
    firstRows.push(performance.now() - started);
    await full;
    fullList.push(performance.now() - started);
  }
  const sampledPeak = sampler.stop();
  const peak = peakRss();
  if (!inspector) throw new Error('--runs must be at least 1');
  const withCache = memory();

  const joinStarted = performance.now();
  let second = '';
  const reset = waitFor((e) => e.watchId === second && e.reset === true && e.upserts.length >= total);
  ({ watchId: second } = await inspector.watch(connectionId, PODS));
  await reset;
  const warmJoin = performance.now() - joinStarted;

  // Watch latency: pods created at `rate`/s; each counts from the create's answer until its upsert leaves the hub.
  const rate = Number(values.rate);
  const count = rate * Number(values.seconds);
  const seen = new Map<string, number>();
  listeners.add((e) => {
    if (e.watchId !== watchId) return;
    for (const r of e.upserts) if (r.name.startsWith('bench-watch-') && !seen.has(r.name)) seen.set(r.name, performance.now());
  });
  const sent = new Map<string, number>();
  const t0 = performance.now();
  for (let k = 0; k < count; k++) {
    const due = t0 + (k * 1000) / rate;
    if (performance.now() < due) await new Promise((r) => setTimeout(r, due - performance.now()));
    const name = `bench-watch-${k}`;
    const res = await kubeRequest(kc, '/api/v1/namespaces/bench-00/pods', {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels: { 'pilothouse.dev/bench': 'watch' } },
        spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }], tolerations: [KWOK_TOLERATION] },
      },
    });
    if (res.status !== 201) throw new Error(`creating a pod answered HTTP ${res.status}`);
    sent.set(name, performance.now());
  }
  const deadline = Date.now() + 30_000;
  while (seen.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const latencies = [...sent].flatMap(([name, at]) => (seen.has(name) ? [(seen.get(name) ?? at) - at] : []));
  await kubeRequest(kc, `/api/v1/namespaces/bench-00/pods?labelSelector=${encodeURIComponent('pilothouse.dev/bench=watch')}`, { method: 'DELETE' });
  const info = inspector.cacheInfo()[0];
  inspector.close();

  console.log(`bench/inspectorServices: ${cluster.name}, ${total.toLocaleString('en')} pods, ${runs} runs`);
  console.log(`  baseline kubectl get pods -A -o json: median ${ms(median(baseline))} (${baseline.map(ms).join(', ')})`);
  console.log(`  cold cache, first rows:  median ${ms(median(firstRows))} (${firstRows.map(ms).join(', ')})`);
  console.log(`  cold cache, full list:   median ${ms(median(fullList))} (${fullList.map(ms).join(', ')}); ${(median(fullList) / median(baseline)).toFixed(2)}× kubectl`);
  console.log(`  warm join (second watch, reset with every row): ${ms(warmJoin)}`);
  console.log(`  list pages ${info.pages}, watches ${info.watches}`);
  console.log(`  watch latency at ${rate}/s for ${values.seconds} s: ${latencies.length}/${count} seen, p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, max ${ms(Math.max(...latencies))}`);
  console.log(
    `  peak RSS during the cold lists: ${mb(peak)}${peakReset ? '' : ' (since the process started: the kernel would not reset it)'}; sampled every 10 ms: ${mb(sampledPeak)}`,
  );
  console.log(`  services process after GC: RSS ${mb(before.rss)} → ${mb(withCache.rss)} with the cache; JS heap ${mb(before.heap)} → ${mb(withCache.heap)}`);
  sub.close();
  services.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
