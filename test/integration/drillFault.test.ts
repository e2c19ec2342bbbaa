/**
 * The apiserver of the drill's target (the secondary cluster, which the fault
 * tests own) stops in the middle of a restore: the drill ends failed, never
 * passed, saying the restore stopped and listing what it had created, and
 * offers cleanup; once the apiserver is back, that cleanup removes every
 * object the drill made and leaves the cluster's objects as they were.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { isTaskFinished } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { contractClient, until } from '../support/contract';
import { createTestServices, importKubeconfigAndWait } from '../support/services';
import { madeTempDir } from '../support/tempDirs';
import { readyzStatus, startApiserver, stopApiserver } from '../testbed';
import { deadComponents } from '../testbed/clusters';

const bed = inject('testbed');
const { primary, secondary } = bed.clusters;
const run = promisify(execFile);
const RUN = Date.now().toString(36);
const NS = `ph-it-drillfault-${RUN}`;
/** Enough objects that the restore is still going when the apiserver stops. */
const CONFIG_MAPS = 400;

let services: Services;
const ids = { primary: '', secondary: '' };
let backupId = '';
const { call: succeed, finishedTask } = contractClient(() => services, { actor: 'it', session: 'it' });
const kubectl = async (kubeconfig: string, ...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 1 << 26 })).stdout;

/** The secondary cluster's namespaces and the objects of this file's drills. */
async function secondaryObjects(): Promise<string[]> {
  const out = await kubectl(secondary.kubeconfigs.admin, 'get', 'namespaces,configmaps', '-A', '-o', 'jsonpath={range .items[*]}{.kind} {.metadata.namespace}/{.metadata.name}{"\\n"}{end}');
  return out
    .split('\n')
    .filter((l) => l.includes('drill-ph-it-drillfault'))
    .sort();
}

beforeAll(async () => {
  ({ services } = createTestServices());
  if (deadComponents(secondary).length) await startApiserver(secondary);
  for (const [key, cluster] of [['primary', primary], ['secondary', secondary]] as const) {
    const path = cluster.kubeconfigs.admin;
    const [context] = (await services.connections.previewKubeconfig({ kind: 'path', path })).contexts;
    ids[key] = (await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: context.contextName, name: `${key}-${RUN}` }], 'it')).imported[0].id;
  }
  await kubectl(primary.kubeconfigs.admin, 'create', 'namespace', NS);
  const file = join(madeTempDir('ph-it-drillfault-'), 'list.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: Array.from({ length: CONFIG_MAPS }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `shard-${i}`, namespace: NS }, data: { shard: String(i) } })) }));
  await kubectl(primary.kubeconfigs.admin, 'apply', '--server-side', '-f', file);
  const destination = await succeed('drills.saveDestination', { name: 'local', target: { kind: 'folder', path: madeTempDir('ph-it-drillfault-archives-') } });
  const started = await succeed('drills.startBackup', { connectionId: ids.primary, namespaces: [NS], destinationId: destination.id });
  expect((await finishedTask(started.taskId)).status).toBe('succeeded');
  backupId = started.backupId;
}, 330_000);

afterAll(async () => {
  await services?.close();
  await kubectl(primary.kubeconfigs.admin, 'delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

it('a drill whose target apiserver stops mid-restore fails, lists what it created, and its cleanup removes it all once the apiserver is back', async () => {
  const before = await secondaryObjects();
  const { taskId, drillId } = await succeed('drills.start', { source: { kind: 'archive', backupId }, namespace: NS, targetConnectionId: ids.secondary });
  await until('the restore to be under way', async () => (await succeed('drills.get', { id: drillId })).created.length >= 30, 60_000, 10);
  await stopApiserver(secondary);
  try {
    const task = await finishedTask(taskId);
    expect(task.status).toBe('failed');
    const drill = await succeed('drills.get', { id: drillId });
    expect(drill.outcome).toBe('failed');
    expect(drill.error).toMatch(/restore stopped/i);
    expect(drill.created.length).toBeGreaterThanOrEqual(30);
    expect(drill.created.length).toBeLessThan(CONFIG_MAPS + 1);
    expect(drill.created[0]).toMatch(/^Namespace drill-ph-it-drillfault/);
    // The cleanup could not reach the cluster either: what is left is said, and offered.
    expect(drill.leftovers).toBe(drill.created.length);
    expect(drill.checksPassed).toBe(0);
  } finally {
    await startApiserver(secondary);
    await until('the secondary apiserver back', async () => (await readyzStatus(secondary).catch(() => 0)) === 200, 60_000, 250);
  }
  const { taskId: cleanupTask } = await succeed('drills.cleanup', { id: drillId });
  // The cleanup waits until the namespace is gone, which is the controller-manager's work: after the apiserver's restart it
  // reconnects first, which takes a loaded machine well over the 30 s `finishedTask` waits (the cleanup's own bound is 5 min).
  const cleaned = await until(
    'the cleanup task to end',
    async () => {
      const task = await succeed('tasks.get', { id: cleanupTask });
      return isTaskFinished(task.status) && task;
    },
    180_000,
    250,
  );
  expect(cleaned.status, cleaned.error?.message).toBe('succeeded');
  expect(await succeed('drills.get', { id: drillId })).toMatchObject({ outcome: 'failed', leftovers: 0 });
  await until('the drill namespace to go', async () => JSON.stringify(await secondaryObjects()) === JSON.stringify(before), 90_000, 500);
}, 240_000);
