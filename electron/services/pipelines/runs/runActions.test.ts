import Database from 'better-sqlite3';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import { kubeConfigFor } from '../../../../test/support/localKube';
import { createAuditService } from '../../audit/auditService';
import type { KubeAccess } from '../../kube/client/kubeAccess';
import { createLogger } from '../../logging/logger';
import type { EventHub } from '../../rpc/eventHub';
import { migrate } from '../../store/database';
import { migrations } from '../../store/migrations';
import { createRunActions, workflowFromText } from './runActions';

const refusal = (text: string) => {
  try {
    workflowFromText(text, 'ml');
  } catch (err) {
    return err instanceof AppError ? { code: err.code, message: err.message, line: err.location?.line } : { code: 'thrown', message: String(err) };
  }
  return { code: 'accepted' };
};

describe('a Workflow from a spec text', () => {
  it('takes one Workflow into the given namespace, refusing one that names another', () => {
    const wf = workflowFromText('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: hello-\nspec:\n  entrypoint: main\n', 'ml');
    expect(wf).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'hello-', namespace: 'ml' }, spec: { entrypoint: 'main' } });
    expect(workflowFromText('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: a, namespace: ml}\n', 'ml').metadata?.namespace).toBe('ml');
    expect(() => workflowFromText('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: a, namespace: team-a}\n', 'ml')).toThrow(/"team-a".*"ml"/);
  });

  it('refuses a YAML error with its line', () => {
    expect(refusal('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: [unclosed\n')).toMatchObject({ code: 'YAML_INVALID', line: expect.any(Number) });
  });

  it('refuses anything but exactly one named Workflow, saying what to do', () => {
    expect(refusal('apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n').message).toMatch(/only an argoproj.io\/v1alpha1 Workflow/);
    expect(refusal('apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: t}\n').message).toMatch(/submit from the template by name/);
    expect(refusal('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: a}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: b}\n').message).toMatch(/2 documents/);
    expect(refusal('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {}\n').message).toMatch(/metadata\.name/);
    expect(refusal('# nothing here\n').message).toMatch(/0 documents/);
  });
});

describe('the actions, against a fake apiserver', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  /** Serves the objects at their paths; records every write (method, path, content type, body). */
  async function cluster(objects: Record<string, unknown>, answer: (write: Write) => [number, unknown] = () => [201, { metadata: { name: 'made' } }]) {
    const writes: Write[] = [];
    const server = http.createServer((req, res) => {
      const json = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const path = req.url ?? '';
        if (req.method === 'GET') return path in objects ? json(200, objects[path]) : json(404, { kind: 'Status', code: 404, message: 'not found' });
        const write = { method: req.method ?? '', path, type: req.headers['content-type'] ?? '', body: JSON.parse(body) as unknown };
        writes.push(write);
        json(...answer(write));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const db = new Database(':memory:');
    migrate(db, migrations);
    const log = createLogger();
    const audit = createAuditService(db, { publish: () => {} } as unknown as EventHub, log);
    const kc = kubeConfigFor(server);
    const served = new Set(['jobs', 'cronjobs', 'workflows']);
    const actions = createRunActions({
      access: {
        config: async () => kc,
        resolve: async (_id, ref) => {
          if (!served.has(ref.resource)) throw new AppError('NOT_FOUND', 'not served');
          return { ...ref, kind: ref.resource, namespaced: true, verbs: [], builtin: ref.group !== 'argoproj.io' };
        },
        discover: async () => {
          throw new Error('the actions ask the server, not the last discovery');
        },
      } satisfies Pick<KubeAccess, 'config' | 'discover' | 'resolve'>,
      audit,
      connections: { list: () => [{ id: 'k', kind: 'kubernetes', name: 'bed', labels: {} }] as ConnectionSummary[] },
      log,
      random: () => 0,
    });
    return { actions, writes, audit };
  }

  const JOB_PATH = '/apis/batch/v1/namespaces/ml/jobs/train-1';
  const CRON_PATH = '/apis/batch/v1/namespaces/ml/cronjobs/nightly';
  const finished = {
    metadata: { name: 'train-1', namespace: 'ml', uid: 'job-uid', labels: { 'job-name': 'train-1', team: 'ml' } },
    spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'job-uid' } }, template: { metadata: { labels: { 'job-name': 'train-1' } }, spec: { containers: [] } } },
    status: { conditions: [{ type: 'Complete', status: 'True' }] },
  };
  const cron = (suspend: boolean) => ({ metadata: { name: 'nightly', namespace: 'ml', uid: 'cj-uid' }, spec: { schedule: '0 0 * * *', suspend, jobTemplate: { spec: { template: { spec: { containers: [] } } } } } });

  it('creates the re-run in the Job\'s namespace and records it', async () => {
    const { actions, writes, audit } = await cluster({ [JOB_PATH]: finished }, (w) => [201, w.body]);
    expect(await actions.rerunJob({ connectionId: 'k', namespace: 'ml', name: 'train-1', ifUid: 'job-uid' }, 'me')).toEqual({ namespace: 'ml', name: 'train-1-rerun-bbbbb' });
    expect(writes).toMatchObject([{ method: 'POST', path: '/apis/batch/v1/namespaces/ml/jobs', body: { metadata: { name: 'train-1-rerun-bbbbb', labels: { team: 'ml' } } } }]);
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({ action: 'job.rerun', target: 'bed/ml/jobs/train-1', status: 'succeeded', after: 'created Job "train-1-rerun-bbbbb"' });
  });

  it('refuses a Job that is not the one shown, or is gone, creating nothing and recording the refusal', async () => {
    const { actions, writes, audit } = await cluster({ [JOB_PATH]: finished });
    await expect(actions.rerunJob({ connectionId: 'k', namespace: 'ml', name: 'train-1', ifUid: 'old-uid' }, 'me')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(actions.rerunJob({ connectionId: 'k', namespace: 'ml', name: 'gone', ifUid: 'job-uid' }, 'me')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/is gone/) });
    expect(writes).toEqual([]);
    expect(audit.list({ limit: 2 }).entries.map((e) => e.status)).toEqual(['failed', 'failed']);
  });

  it('suspends with a JSON patch that tests the uid and the suspension it saw, and offers to resume', async () => {
    const { actions, writes, audit } = await cluster({ [CRON_PATH]: cron(false) }, () => [200, cron(true)]);
    expect(await actions.setCronJobSuspended({ connectionId: 'k', namespace: 'ml', name: 'nightly', ifUid: 'cj-uid', suspend: true, ifSuspended: false }, 'me')).toEqual({ suspended: true });
    expect(writes).toEqual([
      {
        method: 'PATCH',
        path: CRON_PATH,
        type: 'application/json-patch+json',
        body: [
          { op: 'test', path: '/metadata/uid', value: 'cj-uid' },
          { op: 'test', path: '/spec/suspend', value: false },
          { op: 'replace', path: '/spec/suspend', value: true },
        ],
      },
    ]);
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({ action: 'cronjob.suspend', before: 'scheduling', after: 'suspended', undo: { label: 'Resume the CronJob' } });
  });

  it('refuses to suspend a CronJob someone suspended or resumed since it was shown', async () => {
    const { actions, writes } = await cluster({ [CRON_PATH]: cron(true) });
    await expect(actions.setCronJobSuspended({ connectionId: 'k', namespace: 'ml', name: 'nightly', ifUid: 'cj-uid', suspend: true, ifSuspended: false }, 'me')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/is suspended now: someone changed it/),
    });
    expect(writes).toEqual([]);
  });

  it('triggers a Job owned by the CronJob and annotated manual', async () => {
    const { actions, writes } = await cluster({ [CRON_PATH]: cron(true) }, (w) => [201, w.body]);
    expect(await actions.triggerCronJob({ connectionId: 'k', namespace: 'ml', name: 'nightly', ifUid: 'cj-uid' }, 'me')).toEqual({ namespace: 'ml', name: 'nightly-manual-bbbbb' });
    expect(writes[0]).toMatchObject({
      path: '/apis/batch/v1/namespaces/ml/jobs',
      body: { metadata: { annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' }, ownerReferences: [{ kind: 'CronJob', name: 'nightly', uid: 'cj-uid', controller: true }] } },
    });
  });

  it('submits a Workflow into its namespace, the server naming it', async () => {
    const { actions, writes } = await cluster({}, () => [201, { metadata: { name: 'hello-x7k2q', namespace: 'ml' } }]);
    const made = await actions.submitWorkflow({ connectionId: 'k', namespace: 'ml', text: 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: hello-\n' }, 'me');
    expect(made).toEqual({ namespace: 'ml', name: 'hello-x7k2q' });
    expect(writes[0]).toMatchObject({ method: 'POST', path: '/apis/argoproj.io/v1alpha1/namespaces/ml/workflows', body: { metadata: { generateName: 'hello-', namespace: 'ml' } } });
  });
});

interface Write {
  method: string;
  path: string;
  type: string;
  body: unknown;
}
