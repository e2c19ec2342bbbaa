/**
 * bench/rollouts: rollbacks and the rollouts cockpit against the test bed,
 * each next to kubectl doing the same in the same run.
 *   - one rollback of a 10-replica Deployment, from the call to the task's
 *     verdict (complete), beside `kubectl rollout undo` + `kubectl rollout
 *     status` of a twin Deployment (runs alternate; each undo goes back and
 *     forth between two revisions);
 *   - the 24-hour cockpit over both clusters holding `--deployments`
 *     Deployments changed today: `rollouts.recentChanges` answered, beside
 *     kubectl listing the same kinds (deployments, statefulsets, daemonsets,
 *     replicasets, controllerrevisions) on both clusters at once;
 *   - `--batch` Deployments rolled back at once, to every verdict, beside as
 *     many `kubectl rollout undo` then `kubectl rollout status` run at once.
 * Times are through the contract, without the UI: the dialog's click adds one
 * call, the cockpit's first paint renders the grid's visible rows after the
 * answer.
 *
 * Run: npm run bench:rollouts -- [--runs 5] [--replicas 10] [--deployments 1000] [--batch 50] [--parts rollback,cockpit,batch] [--keep]
 */
import { execFile } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import type { TaskSummary } from '../shared/contract';
import { isTaskFinished } from '../shared/contract';
import { startTestbed, KWOK_TOLERATION, type TestbedInfo } from '../test/testbed';
import { createTestServices, importKubeconfigAndWait } from '../test/support/services';
import { contractClient } from '../test/support/contract';
import { madeTempDir, removeMadeTempDirs } from '../test/support/tempDirs';
import { CHROMIUM, CHROMIUM_ARGS, ensureBuilt, startApp } from '../test/e2e/app';
import { median, ms } from './largeCluster';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    replicas: { type: 'string', default: '10' },
    deployments: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
    parts: { type: 'string', default: 'rollback,cockpit,batch' },
  },
});
const parts = new Set(values.parts!.split(','));
const runs = Number(values.runs);
const replicas = Number(values.replicas);
const cockpitDeployments = Number(values.deployments);
const batch = Number(values.batch);

// A namespace of its own per run: the last run's may still be terminating.
const NS = `bench-rollouts-${Date.now().toString(36)}`;
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const IMAGES = ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.10'];
const exec = promisify(execFile);
type Cluster = 'primary' | 'secondary';

let bed: TestbedInfo;
const kubectl = async (cluster: Cluster, ...args: string[]) => (await exec(bed.kubectl, ['--kubeconfig', bed.clusters[cluster].kubeconfigs.admin, ...args], { maxBuffer: 1 << 30 })).stdout;

const deployment = (name: string, count: number, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS, labels: { bench: 'rollouts' } },
  spec: {
    replicas: count,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'server', image }] } },
  },
});

async function apply(cluster: Cluster, items: object[]): Promise<void> {
  const file = join(madeTempDir('ph-bench-rollouts-'), 'list.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  await kubectl(cluster, 'apply', '--server-side', '-f', file);
}

/** Deployments with two revisions (IMAGES[0], then IMAGES[1]), rolled out complete. */
async function withTwoRevisions(cluster: Cluster, names: string[], count: number): Promise<void> {
  await apply(cluster, names.map((n) => deployment(n, count, IMAGES[0])));
  await Promise.all(names.map((n) => kubectl(cluster, 'rollout', 'status', `deployment/${n}`, '-n', NS, '--timeout=300s')));
  await apply(cluster, names.map((n) => deployment(n, count, IMAGES[1])));
  await Promise.all(names.map((n) => kubectl(cluster, 'rollout', 'status', `deployment/${n}`, '-n', NS, '--timeout=300s')));
}

const seconds = (x: number) => `${(x / 1000).toFixed(2)} s`;

/**
 * Browser mode on a copy of the bench's data (both clusters stored), in
 * Chromium: from the click on Rollouts to the cockpit's first row painted,
 * `runs` times (away to Connections and back in between, so each visit asks anew).
 */
async function cockpitFirstPaint(dataDir: string, runs: number): Promise<number[]> {
  const copy = madeTempDir('ph-bench-rollouts-app-');
  cpSync(dataDir, copy, { recursive: true });
  ensureBuilt();
  const app = await startApp({ dataDir: copy });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(app.url);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      await nav.getByRole('link', { name: 'Connections' }).click();
      await page.getByRole('table', { name: 'Connections' }).waitFor();
      const started = Date.now();
      await nav.getByRole('link', { name: 'Rollouts' }).click();
      await page.getByRole('grid', { name: 'Workloads changed in the last 24 hours' }).getByRole('row').nth(1).waitFor({ timeout: 60_000 });
      times.push(Date.now() - started);
    }
    return times;
  } finally {
    await browser.close();
    await app.stop();
  }
}

async function main(): Promise<void> {
  bed = await startTestbed({ log: console.log });
  const { services, dataDir } = createTestServices();
  const client = contractClient(() => services, { actor: 'bench', session: 'bench' });
  const ids: Record<Cluster, string> = { primary: '', secondary: '' };
  for (const cluster of ['primary', 'secondary'] as const) {
    const path = bed.clusters[cluster].kubeconfigs.admin;
    const [context] = (await services.connections.previewKubeconfig({ kind: 'path', path })).contexts;
    ids[cluster] = (await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: context.contextName, name: cluster }])).imported[0].id;
    await kubectl(cluster, 'create', 'namespace', NS);
  }

  /** Task `id` at its end, read every 10 ms so the wait adds little to what is measured. */
  async function verdict(id: string): Promise<TaskSummary> {
    for (;;) {
      const task = await client.call('tasks.get', { id });
      if (isTaskFinished(task.status)) return task;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  async function rollBack(name: string): Promise<void> {
    const { taskId } = await client.call('rollouts.rollback', { connectionId: ids.primary, resource: DEPLOYMENTS, namespace: NS, name });
    const task = await verdict(taskId);
    if (task.status !== 'succeeded') throw new Error(`rollback of ${name} ended ${task.status}: ${task.error?.message}`);
  }
  async function kubectlRollBack(name: string): Promise<void> {
    await kubectl('primary', 'rollout', 'undo', `deployment/${name}`, '-n', NS);
    await kubectl('primary', 'rollout', 'status', `deployment/${name}`, '-n', NS, '--timeout=300s');
  }
  const timed = async (work: () => Promise<unknown>) => {
    const t0 = performance.now();
    await work();
    return performance.now() - t0;
  };

  try {
    // 1. One rollback of a `replicas`-replica Deployment.
    if (parts.has('rollback')) {
    console.log(`\nOne rollback of a ${replicas}-replica Deployment (${runs} runs each, alternating)`);
    await withTwoRevisions('primary', ['model-server', 'model-server-twin'], replicas);
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < runs; i++) {
      ours.push(await timed(() => rollBack('model-server')));
      theirs.push(await timed(() => kubectlRollBack('model-server-twin')));
    }
    console.log(`  kubectl rollout undo + status: median ${ms(median(theirs))}  (${theirs.map(ms).join(', ')})`);
    console.log(`  Pilothouse rollback to verdict: median ${ms(median(ours))}  (${ours.map(ms).join(', ')})`);
    console.log(`  ratio: ${(median(ours) / median(theirs)).toFixed(2)}× kubectl (target ≤ 1.2×)`);
    }

    // 2. The cockpit over both clusters.
    if (parts.has('cockpit')) {
    console.log(`\nThe 24-hour cockpit: ${cockpitDeployments} Deployments changed today, half on each cluster`);
    const half = Math.ceil(cockpitDeployments / 2);
    for (const [cluster, count] of [['primary', half], ['secondary', cockpitDeployments - half]] as const) {
      await apply(cluster, Array.from({ length: count }, (_, i) => deployment(`svc-${i}`, 0, IMAGES[0])));
    }
    const kinds = 'deployments,statefulsets,daemonsets,replicasets,controllerrevisions';
    const kubectlCockpit: number[] = [];
    const cockpit: number[] = [];
    let shown = 0;
    for (let i = 0; i < runs; i++) {
      kubectlCockpit.push(await timed(() => Promise.all((['primary', 'secondary'] as const).map((c) => kubectl(c, 'get', kinds, '-A', '-o', 'json')))));
      cockpit.push(
        await timed(async () => {
          const recent = await client.call('rollouts.recentChanges', { hours: 24 });
          shown = recent.changes.length;
        }),
      );
    }
    console.log(`  kubectl get ${kinds} -A -o json, both clusters at once: median ${ms(median(kubectlCockpit))}`);
    console.log(`  rollouts.recentChanges through the contract (${shown} changes listed): median ${ms(median(cockpit))}  (${cockpit.map(ms).join(', ')})`);
    const painted = await cockpitFirstPaint(dataDir, runs);
    console.log(`  Chromium, Rollouts clicked → first row of the cockpit painted: median ${ms(median(painted))}  (${painted.map(ms).join(', ')}); target ≤ 300 ms`);
    }

    // 3. A batch of rollbacks.
    if (parts.has('batch')) {
    console.log(`\n${batch} Deployments rolled back at once (2 replicas each)`);
    const names = Array.from({ length: batch }, (_, i) => `batch-${i}`);
    const twins = names.map((n) => `${n}-twin`);
    await withTwoRevisions('primary', [...names, ...twins], 2);
    const kubectlBatch = await timed(() => Promise.all(twins.map(kubectlRollBack)));
    const batchTime = await timed(() => Promise.all(names.map(rollBack)));
    console.log(`  kubectl, ${batch} × (rollout undo + status) at once: ${seconds(kubectlBatch)}`);
    console.log(`  Pilothouse, ${batch} rollback tasks to their verdicts: ${seconds(batchTime)}  (${(batchTime / kubectlBatch).toFixed(2)}× kubectl)`);
    }
  } finally {
    await services.close();
    removeMadeTempDirs();
    if (!values.keep) for (const cluster of ['primary', 'secondary'] as const) await kubectl(cluster, 'delete', 'namespace', NS, '--wait=false').catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
