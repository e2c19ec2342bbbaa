import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../../shared/contract';
import { contractClient, until } from '../../../test/support/contract';
import { generatedKubeconfig } from '../../../test/support/kubeconfigs';
import { createTestServices } from '../../../test/support/services';
import type { Services } from '../app/createServices';
import { AesGcmSecretBox } from '../secrets/aesGcmSecretBox';
import type { SecretBox } from '../secrets/secretBox';
import { madeTempDir } from '../../../test/support/tempDirs';

const CONTEXTS = 1_000;
const open: Services[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/**
 * Services whose secret box calls `beforeSeal` with the number of the seal
 * about to happen; it may return 'corrupt' to make that seal's result
 * unsavable. A kubeconfig with 1,000 contexts waits at `kubeconfig`.
 */
function setup(beforeSeal: (n: number, services: Services) => 'corrupt' | void = () => {}) {
  const dataDir = madeTempDir('ph-import-');
  const box = AesGcmSecretBox.fromKeyFile(join(dataDir, 'secret.key'));
  let seals = 0;
  const secretBox: SecretBox = {
    description: box.description,
    // A null blob breaks the NOT NULL column: a write that fails halfway through the transaction.
    seal: (text) => (beforeSeal(++seals, services) === 'corrupt' ? (null as unknown as Buffer) : box.seal(text)),
    open: (sealed) => box.open(sealed),
  };
  const { services } = createTestServices({ dataDir, secretBox });
  open.push(services);
  const kubeconfig = join(dataDir, 'many.yaml');
  writeFileSync(kubeconfig, generatedKubeconfig({ contexts: CONTEXTS }));
  const client = contractClient(() => services, { actor: 'tester', session: 'import-1' });
  const selections = Array.from({ length: CONTEXTS }, (_, i) => ({ contextName: `ctx-${i}`, name: `ctx-${i}` }));
  const start = () => client.call('connections.importKubeconfig', { source: { kind: 'path', path: kubeconfig }, selections });
  const finished = (id: string) => until('the import to end', () => ((t) => t.status !== 'running' && t.status !== 'cancelling' && t)(services.tasks.get(id)));
  return { services, dataDir, start, finished };
}

const imports = (services: Services) => services.audit.list({ limit: 10 }).entries.filter((e) => e.action === 'connections.import');

// A worker started from the TypeScript sources and 1,000 contexts: seconds on a busy machine.
describe('importing a kubeconfig as a task', { timeout: 30_000 }, () => {
  it('imports 1,000 contexts with progress per context, lists every one, and audits the import once with its counts', async () => {
    let taskId = '';
    let atSeal: TaskSummary | undefined;
    const { services, start, finished } = setup((n, s) => {
      if (n === 500) atSeal = s.tasks.get(taskId);
    });
    const events: TaskSummary[] = [];
    services.hub.subscribe((batch) => {
      for (const e of batch.events) if (e.name === 'tasks.changed') events.push(...(e.payload as { tasks: TaskSummary[] }).tasks);
    });

    const started = await start();
    taskId = started.taskId;
    expect(started.task).toMatchObject({
      id: taskId,
      kind: 'connections.import',
      title: 'Import 1,000 contexts from ~/many.yaml',
      status: 'running',
      phase: 'read',
      cancellable: true,
      progress: { done: 0, total: 0, unit: 'contexts' },
    });
    expect(started.task.phases.map((p) => p.name)).toEqual(['read', 'check', 'seal', 'save']);

    const task = await finished(taskId);
    expect(atSeal).toMatchObject({ phase: 'seal', status: 'running', cancellable: true, progress: { done: 499, total: CONTEXTS, unit: 'contexts' } });
    expect(task).toMatchObject({ status: 'succeeded', result: { imported: CONTEXTS, replaced: 0, rejected: 0 }, progress: { done: CONTEXTS, total: CONTEXTS } });
    expect(task.phases.map((p) => p.state)).toEqual(['done', 'done', 'done', 'done']);
    expect(task.report?.summary).toBe(`Imported 1,000 contexts from ${task.target}.`);

    const names = services.connections.list().map((c) => c.name);
    expect(names).toHaveLength(CONTEXTS);
    expect(new Set(names)).toEqual(new Set(Array.from({ length: CONTEXTS }, (_, i) => `ctx-${i}`)));
    expect(imports(services)).toEqual([expect.objectContaining({ status: 'succeeded', actor: 'tester', after: JSON.stringify({ imported: CONTEXTS, replaced: 0, rejected: 0 }) })]);
    // Every window saw it start, and saw how it ended.
    await until('the final event', () => events.some((t) => t.id === taskId && t.status === 'succeeded'));
    expect(events.find((t) => t.id === taskId)).toMatchObject({ phase: 'read', status: 'running' });
  });

  it('saves nothing when cancelled during "seal", and ends cancelled', async () => {
    let taskId = '';
    const { services, start, finished } = setup((n, s) => {
      if (n === 300) s.tasks.cancel(taskId, 'tester');
    });
    taskId = (await start()).taskId;
    const task = await finished(taskId);
    expect(task).toMatchObject({ status: 'cancelled', phase: 'seal', message: 'Cancelled by tester' });
    expect(task.phases.find((p) => p.name === 'save')).toEqual({ name: 'save', state: 'skipped' });
    expect(services.connections.list()).toEqual([]);
    expect(imports(services)).toEqual([expect.objectContaining({ status: 'failed', error: 'Cancelled by tester' })]);
  });

  it('fails at "save" when another window took a chosen name meanwhile, saving none of the import', async () => {
    const { services, start, finished } = setup((n, s) => {
      if (n === 300) {
        void s.connections.addAwsKeys({ name: 'CTX-999', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'eu-west-1', onConflict: 'fail' }, 'other window');
      }
    });
    const task = await finished((await start()).taskId);
    expect(task).toMatchObject({ status: 'failed', phase: 'save', error: { code: 'NAME_CONFLICT', message: '"ctx-999" is already used: choose another name or replace' } });
    expect(task.phases.find((p) => p.name === 'save')?.state).toBe('failed');
    expect(services.connections.list().map((c) => c.name)).toEqual(['CTX-999']);
  });

  it('rolls the whole import back when a write fails halfway through "save"', async () => {
    const { services, start, finished } = setup((n) => (n === 700 ? 'corrupt' : undefined));
    const task = await finished((await start()).taskId);
    expect(task).toMatchObject({ status: 'failed', phase: 'save', error: { code: 'INTERNAL' } });
    expect(services.connections.list()).toEqual([]);
    expect(imports(services)).toEqual([expect.objectContaining({ status: 'failed' })]);
  });

  it('fails at "check", naming the context, when a chosen context is not in the file', async () => {
    const { services, dataDir, finished } = setup();
    const path = join(dataDir, 'one.yaml');
    writeFileSync(path, generatedKubeconfig({ contexts: 1 }));
    const started = services.connections.importKubeconfig({ kind: 'path', path }, [{ contextName: 'ctx-7', name: 'ctx-7', onConflict: 'fail' }], 'tester');
    const task = await finished(started.id);
    expect(task).toMatchObject({ status: 'failed', phase: 'check', error: { code: 'VALIDATION', message: 'Context "ctx-7" is not in ~/one.yaml' } });
  });
});
