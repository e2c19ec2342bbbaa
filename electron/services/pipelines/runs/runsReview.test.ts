import Database from 'better-sqlite3';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
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
import { createRunActions } from './runActions';
import { listJobPods, listRuns, readWorkflowSteps } from './runLists';
import { jobRun, workflowRun, workflowSteps, type BatchJob } from './runShapes';

// The review of issue #20: each defect it proved, held to the right behaviour.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function serve(handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void) {
  const server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c));
    req.on('end', () => handler(req, b, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return server;
}
const json = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

function actionsOn(server: http.Server) {
  const db = new Database(':memory:');
  migrate(db, migrations);
  const log = createLogger();
  const audit = createAuditService(db, { publish: () => {} } as unknown as EventHub, log);
  const kc = kubeConfigFor(server);
  const access = {
    config: async () => kc,
    resolve: async (_id: string, ref: { group: string; version: string; resource: string }) => ({
      ...ref,
      kind: ref.resource,
      namespaced: true,
      verbs: [],
      builtin: false,
    }),
    discover: async () => {
      throw new Error('not used');
    },
  } as unknown as Pick<KubeAccess, 'config' | 'discover' | 'resolve'>;
  const connections = {
    list: () =>
      [
        {
          id: 'k',
          kind: 'kubernetes',
          name: 'prod-eu',
          labels: { env: 'production' },
        },
      ] as unknown as ConnectionSummary[],
  };
  return {
    actions: createRunActions({
      access,
      audit,
      connections,
      log,
      random: () => 0,
    }),
    audit,
  };
}

const spec = (meta: string) => `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n${meta}\nspec: {entrypoint: main}\n`;

describe('submitting a Workflow', () => {
  it('refuses a spec naming another namespace than the one chosen, naming both, and posts nothing', async () => {
    const posts: string[] = [];
    const server = await serve((req, _b, res) => {
      posts.push(`${req.method} ${req.url}`);
      json(res, 201, {
        metadata: { name: 'hello-abcde', namespace: 'payments' },
      });
    });
    const { actions } = actionsOn(server);
    const refused = actions.submitWorkflow(
      {
        connectionId: 'k',
        namespace: 'ml-sandbox',
        confirmName: 'prod-eu',
        text: spec('  generateName: hello-\n  namespace: payments'),
      },
      'me',
    );
    await expect(refused).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/"payments".*"ml-sandbox"/),
    });
    expect(posts).toEqual([]);
  });

  it('creates in the namespace chosen and audits it with the Workflow’s real name', async () => {
    const posts: string[] = [];
    const server = await serve((req, _b, res) => {
      posts.push(`${req.method} ${req.url}`);
      json(res, 201, { metadata: { name: 'hello-abcde', namespace: 'ml' } });
    });
    const { actions, audit } = actionsOn(server);
    expect(
      await actions.submitWorkflow(
        {
          connectionId: 'k',
          namespace: 'ml',
          confirmName: 'prod-eu',
          text: spec('  generateName: hello-\n  namespace: ml'),
        },
        'me',
      ),
    ).toEqual({ namespace: 'ml', name: 'hello-abcde' });
    expect(posts).toEqual(['POST /apis/argoproj.io/v1alpha1/namespaces/ml/workflows']);
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({
      target: 'prod-eu/ml/workflows/hello-*',
      after: 'created Workflow "hello-abcde" in ml',
    });
    await actions.submitWorkflow(
      {
        connectionId: 'k',
        namespace: 'ml',
        confirmName: 'prod-eu',
        text: spec('  name: nightly-etl'),
      },
      'me',
    );
    expect(audit.list({ limit: 1 }).entries[0].target).toBe('prod-eu/ml/workflows/nightly-etl');
  });

  it('says a fixed name exists already and suggests generateName', async () => {
    const server = await serve((_r, _b, res) =>
      json(res, 409, {
        kind: 'Status',
        code: 409,
        reason: 'AlreadyExists',
        message: 'workflows.argoproj.io "nightly-etl" already exists',
      }),
    );
    const { actions } = actionsOn(server);
    const err = await actions
      .submitWorkflow(
        {
          connectionId: 'k',
          namespace: 'ml',
          confirmName: 'prod-eu',
          text: spec('  name: nightly-etl'),
        },
        'me',
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('CONFLICT');
    expect((err as AppError).message).toMatch(/"nightly-etl" exists in ml already.*generateName/);
    expect((err as AppError).message).not.toMatch(/try again/);
  });
});

describe('the production confirmation', () => {
  it('refuses every runs action on a production connection without the typed name, and with a wrong one', async () => {
    const calls: string[] = [];
    const server = await serve((req, _b, res) => {
      calls.push(`${req.method} ${req.url}`);
      json(res, 201, { metadata: { name: 'x', namespace: 'ml' } });
    });
    const { actions } = actionsOn(server);
    const on = {
      connectionId: 'k',
      namespace: 'ml',
      name: 'nightly',
      ifUid: 'u',
    };
    for (const attempt of [
      () =>
        actions.submitWorkflow(
          {
            connectionId: 'k',
            namespace: 'ml',
            workflowTemplate: { name: 'etl', clusterScope: false },
          },
          'me',
        ),
      () => actions.rerunJob(on, 'me'),
      () => actions.triggerCronJob(on, 'me'),
      () => actions.setCronJobSuspended({ ...on, suspend: true, ifSuspended: false }, 'me'),
      () => actions.triggerCronJob({ ...on, confirmName: 'prod-us' }, 'me'),
    ]) {
      await expect(attempt()).rejects.toMatchObject({
        code: 'VALIDATION',
        message: expect.stringContaining('prod-eu'),
      });
    }
    expect(calls).toEqual([]);
  });
});

describe('an action on what the list showed', () => {
  it('refuses a trigger when the CronJob changed since the list was read', async () => {
    const cron = {
      metadata: {
        name: 'nightly',
        namespace: 'ml',
        uid: 'cj-uid',
        resourceVersion: '999',
      },
      spec: {
        schedule: '0 0 * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: { containers: [{ name: 'm', image: 'trainer:CHANGED' }] },
            },
          },
        },
      },
    };
    const posted: unknown[] = [];
    const server = await serve((req, b, res) => {
      if (req.method === 'GET') return json(res, 200, cron);
      posted.push(JSON.parse(b));
      json(res, 201, JSON.parse(b));
    });
    const { actions } = actionsOn(server);
    const on = {
      connectionId: 'k',
      namespace: 'ml',
      name: 'nightly',
      ifUid: 'cj-uid',
      confirmName: 'prod-eu',
    };
    await expect(actions.triggerCronJob({ ...on, ifResourceVersion: '998' }, 'me')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/changed since/),
    });
    expect(posted).toEqual([]);
    await actions.triggerCronJob({ ...on, ifResourceVersion: '999' }, 'me');
    expect(posted).toHaveLength(1);
  });
});

describe('durations', () => {
  it('a finished Job being deleted keeps the time it took', () => {
    const done: BatchJob = {
      metadata: {
        name: 'j',
        namespace: 'ml',
        uid: 'u',
        deletionTimestamp: '2026-12-04T10:05:00Z',
      },
      spec: {},
      status: {
        startTime: '2026-12-01T10:00:00Z',
        completionTime: '2026-12-01T10:02:00Z',
        succeeded: 1,
        conditions: [
          {
            type: 'Complete',
            status: 'True',
            lastTransitionTime: '2026-12-01T10:02:00Z',
          },
        ],
      },
    };
    const r = jobRun(done);
    expect(r.state).toBe('Terminating');
    // The view counts up only with a start and no finish.
    expect(r).toMatchObject({ finishedAt: '2026-12-01T10:02:00Z', durationMs: 120_000 });
  });

  it('a failed Job being deleted is finished at its Failed condition', () => {
    const failed: BatchJob = {
      metadata: {
        name: 'f',
        namespace: 'ml',
        uid: 'u',
        deletionTimestamp: '2026-12-04T10:05:00Z',
      },
      spec: {},
      status: {
        startTime: '2026-12-04T09:00:00Z',
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            lastTransitionTime: '2026-12-04T09:30:00Z',
          },
        ],
      },
    };
    expect(jobRun(failed)).toMatchObject({ state: 'Terminating', finishedAt: '2026-12-04T09:30:00Z', durationMs: 30 * 60_000 });
  });

  it('a suspended Job counts no running time', () => {
    const preempted: BatchJob = {
      metadata: { name: 'p', namespace: 'ml', uid: 'u2' },
      spec: { suspend: true },
      status: {
        startTime: '2026-12-04T02:00:00Z',
        conditions: [
          {
            type: 'Suspended',
            status: 'True',
            lastTransitionTime: '2026-12-04T02:10:00Z',
          },
        ],
      },
    };
    const p = jobRun(preempted);
    expect(p.state).toBe('Suspended');
    expect(p.startedAt).toBeUndefined();
    expect(p.durationMs).toBeUndefined();
  });
});

describe('a Job’s pods for "Logs"', () => {
  it('finds the newest pod on a later page', async () => {
    const pods = Array.from({ length: 600 }, (_, i) => ({
      metadata: {
        name: `train-${String(i).padStart(4, '0')}`,
        creationTimestamp: new Date(Date.parse('2026-12-01T00:00:00Z') + i * 60_000).toISOString().replace('.000', ''),
      },
      status: { phase: 'Failed' },
    }));
    const asked: string[] = [];
    const server = await serve((req, _b, res) => {
      const u = new URL(req.url ?? '', 'http://x');
      asked.push(u.search);
      const from = Number(u.searchParams.get('continue') ?? 0);
      const lim = Number(u.searchParams.get('limit'));
      json(res, 200, {
        kind: 'PodList',
        metadata: from + lim < pods.length ? { continue: String(from + lim) } : {},
        items: pods.slice(from, from + lim),
      });
    });
    const got = await listJobPods(kubeConfigFor(server), 'ml', 'uid');
    expect(asked).toHaveLength(2);
    expect(got[0].name).toBe('train-0599');
  });

  it('stops after its bound of pages', async () => {
    let asked = 0;
    const server = await serve((req, _b, res) => {
      asked++;
      json(res, 200, {
        kind: 'PodList',
        metadata: { continue: String(asked) },
        items: [{ metadata: { name: `p-${asked}` }, status: { phase: 'Failed' } }],
      });
    });
    await listJobPods(kubeConfigFor(server), 'ml', 'uid');
    expect(asked).toBe(10);
  });
});

describe('the list and a Workflow’s steps', () => {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < 100; i++) {
    const id = `fanout-x7k2q-${1000000000 + i}`;
    nodes[id] = {
      id,
      name: `fanout-x7k2q[0].train-shard(${i}:shard-${i})`,
      displayName: `train-shard(${i}:shard-${i})`,
      type: 'Pod',
      phase: 'Succeeded',
      templateName: 'train-shard',
      startedAt: '2026-12-04T10:00:00Z',
      finishedAt: '2026-12-04T10:10:00Z',
    };
  }

  it('lists a Workflow of 100 pods in well under a kilobyte: its steps are read when it is expanded', () => {
    const one = workflowRun({
      metadata: { name: 'fanout-x7k2q', namespace: 'ml', uid: 'u' },
      status: { phase: 'Succeeded', nodes } as never,
    });
    expect(JSON.stringify(one).length).toBeLessThan(500);
  });

  it('unpacks compressedNodes into steps', () => {
    const compressedNodes = gzipSync(JSON.stringify(nodes)).toString('base64');
    const got = workflowSteps({
      metadata: { name: 'fanout-x7k2q', namespace: 'ml', uid: 'u' },
      status: { phase: 'Running', compressedNodes },
    });
    expect(got.problem).toBeUndefined();
    expect(got.steps).toHaveLength(100);
    expect(got.steps[0].podName).toMatch(/^fanout-x7k2q-train-shard-\d+$/);
  });

  it('says plainly when the nodes are offloaded or cannot be unpacked', () => {
    const offloaded = {
      metadata: { name: 'big', namespace: 'ml', uid: 'u' },
      status: { phase: 'Running', offloadNodeStatusVersion: 'fnv:123' },
    };
    expect(workflowRun(offloaded).nodesOffloaded).toBe(true);
    expect(workflowSteps(offloaded)).toEqual({
      steps: [],
      problem: expect.stringMatching(/offloaded.*argo get/),
    });
    expect(
      workflowSteps({
        ...offloaded,
        status: { compressedNodes: 'H4sIAAAAAAAA...' },
      }).problem,
    ).toMatch(/could not be read/);
  });

  it('reads one Workflow’s steps by name, held to its uid', async () => {
    const wf = {
      metadata: { name: 'fanout-x7k2q', namespace: 'ml', uid: 'u' },
      status: { phase: 'Succeeded', nodes },
    };
    const server = await serve((req, _b, res) => (req.url?.endsWith('/namespaces/ml/workflows/fanout-x7k2q') ? json(res, 200, wf) : json(res, 404, {})));
    const kc = kubeConfigFor(server);
    expect((await readWorkflowSteps(kc, 'ml', 'fanout-x7k2q', 'u')).steps).toHaveLength(100);
    await expect(readWorkflowSteps(kc, 'ml', 'fanout-x7k2q', 'other')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(readWorkflowSteps(kc, 'ml', 'gone', 'u')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('carries each object’s resourceVersion for the actions’ precondition', async () => {
    const server = await serve((req, _b, res) =>
      json(res, 200, {
        kind: 'List',
        metadata: {},
        items: req.url?.startsWith('/apis/batch/v1/namespaces/ml/jobs')
          ? [
              {
                metadata: {
                  name: 'j',
                  namespace: 'ml',
                  uid: 'u',
                  resourceVersion: '42',
                },
                status: {},
              },
            ]
          : [],
      }),
    );
    const kc = kubeConfigFor(server);
    const access = {
      config: async () => kc,
      discover: async () => ({ serverVersion: 'v1.34', resources: [], at: 0 }),
      resolve: async () => ({}),
    } as unknown as Pick<KubeAccess, 'config' | 'discover' | 'resolve'>;
    expect((await listRuns(access, 'k', 'ml')).jobs[0].resourceVersion).toBe('42');
  });
});
