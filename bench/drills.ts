/**
 * bench/drills: backups and drills against the test bed, each next to kubectl
 * doing the same in the same run.
 *   - a backup of a namespace of `--objects` objects (ConfigMaps, Secrets,
 *     ServiceAccounts, Services, Deployments) into a local folder, from the
 *     call to the task's end (archive written and checked), beside `kubectl
 *     get <the same kinds> -o yaml` of that namespace (runs alternate);
 *   - a full drill of a `--drill-objects`-object namespace restored onto the
 *     secondary cluster (check, restore, wait until every Deployment is
 *     ready, verify, clean up), beside `kubectl apply` of the same objects
 *     into a fresh namespace of the secondary cluster + `kubectl wait` for
 *     every Deployment to be Available. The drill's RTO (restore start → all
 *     ready) is printed too: it is the part kubectl's baseline does.
 * Times are through the contract, without the UI.
 *
 * Run: npm run bench:drills -- [--runs 3] [--objects 1000] [--drill-objects 200] [--parts backup,drill]
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type { TaskSummary } from '../shared/contract';
import { isTaskFinished } from '../shared/contract';
import { KWOK_TOLERATION, startTestbed, type TestbedInfo } from '../test/testbed';
import { contractClient } from '../test/support/contract';
import { createTestServices, importKubeconfigAndWait } from '../test/support/services';
import { madeTempDir, removeMadeTempDirs } from '../test/support/tempDirs';
import { median, ms } from './largeCluster';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    objects: { type: 'string', default: '1000' },
    'drill-objects': { type: 'string', default: '200' },
    parts: { type: 'string', default: 'backup,drill' },
  },
});
const runs = Number(values.runs);
const parts = new Set(values.parts!.split(','));
const RUN = Date.now().toString(36);
const exec = promisify(execFile);
type Cluster = 'primary' | 'secondary';

let bed: TestbedInfo;
const kubectl = async (cluster: Cluster, ...args: string[]) => (await exec(bed.kubectl, ['--kubeconfig', bed.clusters[cluster].kubeconfigs.admin, ...args], { maxBuffer: 1 << 30 })).stdout;

/**
 * `total` objects for namespace `ns`, in the proportions of a small team's
 * namespace: half ConfigMaps, a fifth Secrets, a tenth each ServiceAccounts,
 * Services and Deployments (one replica, so each has a pod to wait for).
 */
function namespaceObjects(ns: string, total: number): object[] {
  const share = (f: number) => Math.floor(total * f);
  const counts = { sa: share(0.1), svc: share(0.1), deploy: share(0.1), secret: share(0.2) };
  const configMaps = total - counts.sa - counts.svc - counts.deploy - counts.secret;
  const meta = (name: string) => ({ name, namespace: ns, labels: { bench: 'drills' } });
  const items: object[] = [];
  for (let i = 0; i < configMaps; i++) items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`config-${i}`), data: { 'settings.yaml': `replicas: ${i}\nmodel: llama-${i % 7}\n`.repeat(4) } });
  for (let i = 0; i < counts.secret; i++) items.push({ apiVersion: 'v1', kind: 'Secret', metadata: meta(`secret-${i}`), stringData: { token: `t-${i}-${RUN}`, password: `p-${i}` } });
  for (let i = 0; i < counts.sa; i++) items.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(`sa-${i}`) });
  for (let i = 0; i < counts.svc; i++) items.push({ apiVersion: 'v1', kind: 'Service', metadata: meta(`svc-${i}`), spec: { selector: { app: `app-${i}` }, ports: [{ port: 80, targetPort: 8080 }] } });
  for (let i = 0; i < counts.deploy; i++) {
    items.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(`app-${i}`),
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: `app-${i}` } },
        template: { metadata: { labels: { app: `app-${i}` } }, spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }] } },
      },
    });
  }
  return items;
}

async function apply(cluster: Cluster, items: object[]): Promise<void> {
  const file = join(madeTempDir('ph-bench-drills-'), 'list.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  await kubectl(cluster, 'apply', '--server-side', '-f', file);
}

const timed = async (work: () => Promise<unknown>) => {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
};

async function main(): Promise<void> {
  bed = await startTestbed({ log: console.log });
  const { services } = createTestServices();
  const client = contractClient(() => services, { actor: 'bench', session: 'bench' });
  const ids: Record<Cluster, string> = { primary: '', secondary: '' };
  for (const cluster of ['primary', 'secondary'] as const) {
    const path = bed.clusters[cluster].kubeconfigs.admin;
    const [context] = (await services.connections.previewKubeconfig({ kind: 'path', path })).contexts;
    ids[cluster] = (await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: context.contextName, name: cluster }])).imported[0].id;
  }
  const destination = await client.call('drills.saveDestination', { name: 'bench', target: { kind: 'folder', path: madeTempDir('ph-bench-drills-archives-') } });

  /** Task `id` at its end, read every 10 ms so the wait adds little to what is measured. */
  async function verdict(id: string): Promise<TaskSummary> {
    for (;;) {
      const task = await client.call('tasks.get', { id });
      if (isTaskFinished(task.status)) {
        if (task.status !== 'succeeded') throw new Error(`task ${task.title} ended ${task.status}: ${task.error?.message}`);
        return task;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const backUp = async (ns: string) => {
    const { taskId, backupId } = await client.call('drills.startBackup', { connectionId: ids.primary, namespaces: [ns], destinationId: destination.id });
    await verdict(taskId);
    return backupId;
  };
  const namespaces: [Cluster, string][] = [];
  const namespace = async (cluster: Cluster, ns: string, items: object[]) => {
    await kubectl(cluster, 'create', 'namespace', ns);
    namespaces.push([cluster, ns]);
    await apply(cluster, items);
  };

  try {
    if (parts.has('backup')) {
      const total = Number(values.objects);
      const ns = `bench-drills-${RUN}`;
      console.log(`\nA backup of a namespace of ${total} objects (${runs} runs each, alternating)`);
      await namespace('primary', ns, namespaceObjects(ns, total));
      const kinds = 'configmaps,secrets,serviceaccounts,services,deployments';
      const theirs: number[] = [];
      const ours: number[] = [];
      let backupId = '';
      for (let i = 0; i < runs; i++) {
        theirs.push(await timed(() => kubectl('primary', 'get', kinds, '-n', ns, '-o', 'yaml')));
        ours.push(await timed(async () => (backupId = await backUp(ns))));
      }
      const [backup] = await client.call('drills.backups', { namespace: ns, limit: 1 });
      if (backup?.id !== backupId) throw new Error('the last backup is not listed');
      console.log(`  kubectl get ${kinds} -o yaml: median ${ms(median(theirs))}  (${theirs.map(ms).join(', ')})`);
      console.log(`  drills.startBackup to the task's end (${backup.objectCount} objects, ${backup.secretCount} Secrets encrypted, ${(backup.bytes / 1024).toFixed(0)} KiB): median ${ms(median(ours))}  (${ours.map(ms).join(', ')}); target ≤ 5,000 ms`);
      console.log(`  ratio: ${(median(ours) / median(theirs)).toFixed(2)}× kubectl`);
    }

    if (parts.has('drill')) {
      const total = Number(values['drill-objects']);
      const ns = `bench-drill-src-${RUN}`;
      console.log(`\nA full drill of a ${total}-object namespace onto the secondary cluster (${runs} runs each, alternating)`);
      const items = namespaceObjects(ns, total);
      await namespace('primary', ns, items);
      await kubectl('primary', 'wait', '--for=condition=Available', 'deployment', '--all', '-n', ns, '--timeout=300s');
      const backupId = await backUp(ns);
      const theirs: number[] = [];
      const ours: number[] = [];
      const rtos: number[] = [];
      /** Each phase's durations over the runs, by name. */
      const phaseTimes = new Map<string, number[]>();
      for (let i = 0; i < runs; i++) {
        const copy = `bench-drill-kubectl-${RUN}-${i}`;
        theirs.push(
          await timed(async () => {
            await kubectl('secondary', 'create', 'namespace', copy);
            namespaces.push(['secondary', copy]);
            await apply('secondary', items.map((o) => ({ ...o, metadata: { ...(o as { metadata: object }).metadata, namespace: copy } })));
            await kubectl('secondary', 'wait', '--for=condition=Available', 'deployment', '--all', '-n', copy, '--timeout=300s');
          }),
        );
        ours.push(
          await timed(async () => {
            const { taskId, drillId } = await client.call('drills.start', { source: { kind: 'archive', backupId }, namespace: ns, targetConnectionId: ids.secondary });
            const task = await verdict(taskId);
            for (const p of task.phases) {
              if (p.startedAt && p.finishedAt) phaseTimes.set(p.name, [...(phaseTimes.get(p.name) ?? []), Date.parse(p.finishedAt) - Date.parse(p.startedAt)]);
            }
            const drill = await client.call('drills.get', { id: drillId });
            if (drill.outcome !== 'passed') throw new Error(`drill ${drillId} ${drill.outcome}: ${drill.error ?? drill.checks.filter((c) => !c.passed).map((c) => c.detail).join('; ')}`);
            rtos.push(drill.rtoMs ?? NaN);
          }),
        );
      }
      console.log(`  kubectl create namespace + apply + wait Available: median ${ms(median(theirs))}  (${theirs.map(ms).join(', ')})`);
      console.log(`  drills.start to the task's end (check, restore, ready, verify, clean up): median ${ms(median(ours))}  (${ours.map(ms).join(', ')}); target ≤ 30,000 ms`);
      console.log(`  of which RTO (restore start → all ready): median ${ms(median(rtos))}  (${rtos.map(ms).join(', ')})`);
      console.log(`  by phase (medians): ${[...phaseTimes].map(([name, times]) => `${name} ${ms(median(times))}`).join(', ')}`);
      console.log(`  ratio: ${(median(ours) / median(theirs)).toFixed(2)}× kubectl (RTO alone ${(median(rtos) / median(theirs)).toFixed(2)}×)`);
    }
  } finally {
    await Promise.all(namespaces.map(([cluster, ns]) => kubectl(cluster, 'delete', 'namespace', ns, '--wait=false').catch(() => undefined)));
    await services.close();
    removeMadeTempDirs();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
