/**
 * bench/responsiveness: does the process that serves the UI stay responsive
 * while the services work hard? In one run, under the same load, two ways
 * of running browser mode:
 *   - baseline: the services inside the serving process (how Pilothouse ran
 *     before the services got a process of their own);
 *   - now: the services in their own process, the server relaying to them.
 * The load, started together: a cold watch of every pod of the bed's
 * secondary cluster (500 nodes, 10,000 pods, seeded as bench:inspector-services
 * seeds it), a 100,000-line burst in a followed pod's log (read through its
 * private stream and acknowledged), and eight 10 MiB kubeconfig previews in
 * parallel. Measured meanwhile: the round trip of `app.info` from another
 * client process (p50/p99), the event-loop delay of the serving process
 * (p50/p99/max), and the services' peak RSS. Then, in the new arrangement,
 * kill -9 of the services during a watch: the time until its rows flow again.
 *
 * Run: npm run bench:responsiveness [-- --runs 3 --lines 100000 --previews 8]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, statSync, truncateSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { PilothouseBridge } from '../shared/bridge';
import { forkServices, servicesEntry } from '../electron/host/forkedServices';
import { ServicesHost } from '../electron/host/servicesHost';
import { startBrowserServer } from '../electron/server/browserServer';
import { createServices } from '../electron/services/app/createServices';
import { kubeRequest } from '../electron/services/kube/client/kubeHttp';
import { createLogger } from '../electron/services/logging/logger';
import { createSessionServer } from '../electron/services/rpc/sessionServer';
import { AesGcmSecretBox } from '../electron/services/secrets/aesGcmSecretBox';
import { ensureBuilt } from '../test/e2e/app';
import { servicesWithCluster } from '../test/support/services';
import { criLogLine } from '../test/testbed';
import { call, connect, cookies, nextLine } from './benchClient';
import { mb, median, ms, percentile, prepareLargeCluster, rssOf } from './largeCluster';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    arrangement: { type: 'string' },
    'data-dir': { type: 'string' },
    url: { type: 'string' },
    seconds: { type: 'string' },
    runs: { type: 'string', default: '3' },
    lines: { type: 'string', default: '100000' },
    previews: { type: 'string', default: '8' },
    cluster: { type: 'string', default: 'secondary' },
  },
  allowPositionals: true,
});

type Arrangement = 'in-process' | 'own-process';

// ── role: host — the serving process, in one arrangement, reporting its event-loop delay ──
async function runHost(arrangement: Arrangement, dataDir: string): Promise<void> {
  const logger = createLogger({ file: join(dataDir, 'logs', 'pilothouse.log') });
  let sessions;
  let servicesPid = process.pid;
  let close: () => Promise<void>;
  if (arrangement === 'in-process') {
    const services = createServices({ mode: 'browser', version: 'bench', dataDir, secretBox: AesGcmSecretBox.fromKeyFile(join(dataDir, 'secret.key')), logger });
    sessions = createSessionServer(services);
    close = async () => services.close();
  } else {
    const host = new ServicesHost({
      spawn: () => forkServices(servicesEntry(join(root, 'out/main'))),
      config: { mode: 'browser', version: 'bench', dataDir, secrets: { kind: 'keyFile', file: join(dataDir, 'secret.key') }, nativeFileDialog: false },
      log: (message) => process.stderr.write(`[host] ${message}\n`),
    });
    await host.start();
    sessions = host;
    servicesPid = host.pid!;
    host.onRestart(() => process.stdout.write(JSON.stringify({ restarted: host.pid }) + '\n'));
    close = () => host.close();
  }
  const server = await startBrowserServer({ sessions, log: logger, rendererDir: join(root, 'out/renderer') });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  process.stdout.write(JSON.stringify({ url: server.url, servicesPid }) + '\n');
  // The orchestrator asks for the delay seen since the last ask (nanoseconds in the histogram).
  process.on('SIGUSR2', () => {
    process.stdout.write(JSON.stringify({ lag: { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 } }) + '\n');
    delay.reset();
  });
  process.on('SIGTERM', async () => {
    await server.close();
    await close();
    process.exit(0);
  });
}

// ── role: probe — app.info every 20 ms from a process of its own, reporting round trips ──
async function runProbe(url: string, seconds: number): Promise<void> {
  const { bridge, ws } = await connect(url);
  const trips: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    await call(bridge, 'app.info', {});
    trips.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 20));
  }
  process.stdout.write(JSON.stringify({ trips }) + '\n');
  ws.close();
}

// ── the orchestrator ──
function spawnRole(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/responsiveness.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
}

/** A kubeconfig of about `bytes`: contexts with inline certificates, as a large fleet's merged file is. */
function largeKubeconfig(bytes: number): string {
  const cert = Buffer.alloc(1500, 7).toString('base64');
  const parts = ['apiVersion: v1\nkind: Config\nclusters:\n'];
  const users = ['users:\n'];
  const contexts = ['contexts:\n'];
  let size = 0;
  for (let i = 0; size < bytes - 4096; i++) {
    const cluster = `- name: c${i}\n  cluster:\n    server: https://10.${(i >> 8) & 255}.${i & 255}.1:6443\n    certificate-authority-data: ${cert}\n`;
    const user = `- name: u${i}\n  user:\n    client-certificate-data: ${cert}\n    client-key-data: ${cert}\n`;
    const context = `- name: ctx-${i}\n  context:\n    cluster: c${i}\n    user: u${i}\n    namespace: team-${i % 50}\n`;
    parts.push(cluster);
    users.push(user);
    contexts.push(context);
    size += cluster.length + user.length + context.length;
  }
  return parts.join('') + users.join('') + contexts.join('');
}

interface Figures {
  trips: number[];
  lag: { p50: number; p99: number; max: number };
  servicesRss: number;
  rowsMs: number;
  logMs: number;
  previewsMs: number;
}

async function loadOnce(arrangement: Arrangement, opts: { dataDir: string; connectionId: string; pod: { namespace: string; name: string; container: string }; logFile: string; kubeconfigText: string; run: number }): Promise<Figures> {
  const host = spawnRole(['--role', 'host', '--arrangement', arrangement, '--data-dir', opts.dataDir]);
  try {
    const { url, servicesPid } = await nextLine<{ url: string; servicesPid: number }>(host, 'url');
    const load = await connect(url);
    const cookie = cookies.get(url)!;
    // Settle, then take the delay and RSS of the idle process as read.
    await new Promise((r) => setTimeout(r, 500));
    host.kill('SIGUSR2');
    await nextLine(host, 'lag');

    const probe = spawnRole(['--role', 'probe', '--url', url, '--seconds', '12'], { PILOTHOUSE_BENCH_COOKIE: cookie });
    const probed = nextLine<{ trips: number[] }>(probe, 'trips');
    await new Promise((r) => setTimeout(r, 300));
    let servicesRss = rssOf(servicesPid);
    const sampler = setInterval(() => (servicesRss = Math.max(servicesRss, rssOf(servicesPid))), 100);
    const started = performance.now();

    // 1. A cold watch of every pod: done when the list is live and every row held.
    const rowsDone = (async () => {
      let held = 0;
      let live = false;
      let watchId = '';
      const done = new Promise<void>((resolveRows) => {
        load.bridge.events['kube.rows']((e) => {
          if (e.watchId !== watchId) return;
          held = e.reset ? e.upserts.length : held + e.upserts.length - e.deletes.length;
          live = e.state.phase === 'live';
          if (live && held === e.state.rows) resolveRows();
        });
      });
      ({ watchId } = await call<{ watchId: string }>(load.bridge, 'kube.watch', { connectionId: opts.connectionId, resource: { group: '', version: 'v1', resource: 'pods' } }));
      await done;
      return performance.now() - started;
    })();
    // 2. A log burst, followed through the pod's private stream.
    const logDone = (async () => {
      const tag = `bench-${arrangement}-${opts.run}-${Date.now().toString(36)}`;
      const { streamId } = await call<{ streamId: string }>(load.bridge, 'kube.openLogs', { connectionId: opts.connectionId, namespace: opts.pod.namespace, pod: opts.pod.name, container: opts.pod.container, tailLines: 0 });
      const ended = new Promise<void>((resolveLog) => {
        load.bridge.stream('kube.logs', streamId, { message: (m) => void (m.lines.some((l) => l.endsWith(`${tag} end`)) && resolveLog()), end: () => resolveLog() });
      });
      const now = new Date();
      let body = '';
      for (let i = 0; i < Number(values.lines) - 1; i++) body += criLogLine(`${tag} ${i} GET /api/v1/items/${i % 977} 200`, now);
      appendFileSync(opts.logFile, body + criLogLine(`${tag} end`, now));
      await ended;
      return performance.now() - started;
    })();
    // 3. Previews of large kubeconfigs, all at once.
    const previewsDone = Promise.all(
      Array.from({ length: Number(values.previews) }, () => call(load.bridge, 'connections.previewKubeconfig', { source: { kind: 'text', text: opts.kubeconfigText } })),
    ).then(() => performance.now() - started);

    const [rowsMs, logMs, previewsMs] = await Promise.all([rowsDone, logDone, previewsDone]);
    const { trips } = await probed;
    clearInterval(sampler);
    host.kill('SIGUSR2');
    const { lag } = await nextLine<{ lag: Figures['lag'] }>(host, 'lag');
    load.ws.close();
    return { trips, lag, servicesRss, rowsMs, logMs, previewsMs };
  } finally {
    host.kill('SIGTERM');
    await new Promise((r) => host.once('exit', r));
  }
}

/** kill -9 of the services under a live watch: time until its rows flow again, as the page would see them after reconnecting. */
async function restartOnce(dataDir: string, connectionId: string): Promise<number> {
  const host = spawnRole(['--role', 'host', '--arrangement', 'own-process', '--data-dir', dataDir]);
  try {
    const { url, servicesPid } = await nextLine<{ url: string; servicesPid: number }>(host, 'url');
    const watchLive = async (bridge: PilothouseBridge) => {
      let watchId = '';
      const live = new Promise<void>((r) => bridge.events['kube.rows']((e) => e.watchId === watchId && e.state.phase === 'live' && r()));
      ({ watchId } = await call<{ watchId: string }>(bridge, 'kube.watch', { connectionId, resource: { group: '', version: 'v1', resource: 'pods' } }));
      await live;
    };
    const first = await connect(url);
    await watchLive(first.bridge);
    const killed = performance.now();
    process.kill(servicesPid, 'SIGKILL');
    await first.closed;
    // The page's bridge reconnects with a backoff starting at 250 ms, then its views watch again.
    await new Promise((r) => setTimeout(r, 250));
    for (;;) {
      try {
        const again = await connect(url);
        await watchLive(again.bridge);
        again.ws.close();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    return performance.now() - killed;
  } finally {
    host.kill('SIGTERM');
    await new Promise((r) => host.once('exit', r));
  }
}

async function main(): Promise<void> {
  ensureBuilt();
  const runs = Number(values.runs);
  const { kubeconfig, kc, total, cluster } = await prepareLargeCluster({ cluster: values.cluster!, nodes: 500, pods: 10_000 });
  const { services, dataDir, connectionId } = await servicesWithCluster(kubeconfig, 'bench');
  services.close();
  const found = await kubeRequest<{ items: { metadata: { namespace: string; name: string }; spec: { containers: { name: string }[] } }[] }>(kc, '/api/v1/pods?limit=1&fieldSelector=status.phase%3DRunning');
  const [item] = found.body.items;
  const pod = { namespace: item.metadata.namespace, name: item.metadata.name, container: item.spec.containers[0].name };
  const kubeconfigText = largeKubeconfig(10 * 1024 * 1024 - 64 * 1024);
  // Every container of the cluster reads this one file from its start: give it back its size afterwards.
  const logSize = statSync(cluster.podLogFile).size;
  console.log(`bench/responsiveness: ${total.toLocaleString()} pods; ${values.lines} log lines; ${values.previews} × ${mb(kubeconfigText.length)} previews; ${runs} runs of each arrangement; user ${userInfo().username}\n`);
  const results: Record<Arrangement, Figures[]> = { 'in-process': [], 'own-process': [] };
  try {
    for (let run = 0; run < runs; run++) {
      for (const arrangement of ['in-process', 'own-process'] as const) {
        const figures = await loadOnce(arrangement, { dataDir, connectionId, pod, logFile: cluster.podLogFile, kubeconfigText, run });
        results[arrangement].push(figures);
        console.log(`  run ${run + 1} ${arrangement}: app.info p99 ${ms(percentile(figures.trips, 99))}, loop p99 ${ms(figures.lag.p99)}, services RSS ${mb(figures.servicesRss)}`);
      }
    }
  } finally {
    truncateSync(cluster.podLogFile, logSize);
  }
  const restarts: number[] = [];
  for (let run = 0; run < runs; run++) restarts.push(await restartOnce(dataDir, connectionId));

  const row = (label: string, pick: (f: Figures) => number, format: (x: number) => string = ms) =>
    `| ${label} | ${format(median(results['in-process'].map(pick)))} | ${format(median(results['own-process'].map(pick)))} |`;
  console.log('\nMedians of the runs:\n');
  console.log('| Measure, under load | Services in the serving process (baseline) | Services in their own process |');
  console.log('|---|---|---|');
  console.log(row('`app.info` round trip, p50', (f) => percentile(f.trips, 50)));
  console.log(row('`app.info` round trip, p99 (target ≤ 50 ms)', (f) => percentile(f.trips, 99)));
  console.log(row('`app.info` round trip, slowest', (f) => Math.max(...f.trips)));
  console.log(row('Event-loop delay of the serving process, p50', (f) => f.lag.p50));
  console.log(row('Event-loop delay of the serving process, p99 (target ≤ 20 ms)', (f) => f.lag.p99));
  console.log(row('Event-loop delay of the serving process, max', (f) => f.lag.max));
  console.log(row('Services RSS, peak (target ≤ 300 MB)', (f) => f.servicesRss, mb));
  console.log(row('10,000 pods listed and held', (f) => f.rowsMs));
  console.log(row('Log burst followed to its last line', (f) => f.logMs));
  console.log(row('Kubeconfig previews all answered', (f) => f.previewsMs));
  console.log(`\nkill -9 of the services during a watch → rows flow again: median ${ms(median(restarts))} (${restarts.map(ms).join(', ')}; target ≤ 5 s)`);
}

if (values.role === 'host') void runHost(values.arrangement as Arrangement, values['data-dir']!);
else if (values.role === 'probe') void runProbe(values.url!, Number(values.seconds));
else
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );

