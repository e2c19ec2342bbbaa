import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import {
  argoPodName,
  cronJobRuns,
  cronWorkflowRuns,
  derivedJobName,
  fnv32a,
  jobRun,
  manualJobBody,
  MANUAL_ANNOTATION,
  rerunJobBody,
  RERUN_OF_ANNOTATION,
  shortSuffix,
  workflowFromTemplate,
  workflowRun,
  workflowSteps,
  type ArgoWorkflow,
  type BatchCronJob,
  type BatchJob,
} from './runShapes';

const T0 = '2026-12-01T10:00:00Z';
const cronOwner = { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'cj-uid', controller: true, blockOwnerDeletion: true };

function job(overrides: Partial<BatchJob> & { name?: string } = {}): BatchJob {
  const { name = 'train-1', ...rest } = overrides;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: 'ml',
      uid: 'job-uid',
      creationTimestamp: T0,
      labels: { team: 'ml', 'controller-uid': 'job-uid', 'batch.kubernetes.io/controller-uid': 'job-uid', 'job-name': name, 'batch.kubernetes.io/job-name': name },
      annotations: { 'batch.kubernetes.io/job-tracking': '', note: 'keep' },
    },
    spec: {
      backoffLimit: 2,
      completions: 1,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'job-uid' } },
      template: {
        metadata: { labels: { team: 'ml', 'controller-uid': 'job-uid', 'batch.kubernetes.io/controller-uid': 'job-uid', 'job-name': name, 'batch.kubernetes.io/job-name': name } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'trainer:1' }] },
      },
    },
    status: {
      startTime: T0,
      completionTime: '2026-12-01T10:02:30Z',
      succeeded: 1,
      conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: '2026-12-01T10:02:30Z' }],
    },
    ...rest,
  };
}

describe('job state and duration', () => {
  it('takes a completed Job from its start to its completion', () => {
    const run = jobRun(job());
    expect(run).toMatchObject({ state: 'Complete', startedAt: T0, finishedAt: '2026-12-01T10:02:30Z', durationMs: 150_000, succeeded: 1, failed: 0, completions: 1, manual: false });
    expect(run.podSelector).toBe('batch.kubernetes.io/controller-uid=job-uid');
  });

  it('ends a failed Job when it was marked failed, with the reason', () => {
    const run = jobRun(
      job({
        status: {
          startTime: T0,
          failed: 3,
          conditions: [
            { type: 'FailureTarget', status: 'True', lastTransitionTime: '2026-12-01T10:00:40Z' },
            { type: 'Failed', status: 'True', message: 'Job has reached the specified backoff limit', lastTransitionTime: '2026-12-01T10:00:45Z' },
          ],
        },
      }),
    );
    expect(run).toMatchObject({ state: 'Failed', durationMs: 45_000, failed: 3, message: 'Job has reached the specified backoff limit' });
  });

  it('gives a running Job no end and no duration, even past FailureTarget', () => {
    const run = jobRun(job({ status: { startTime: T0, active: 1, conditions: [{ type: 'FailureTarget', status: 'True' }] } }));
    expect(run.state).toBe('Running');
    expect(run.finishedAt).toBeUndefined();
    expect(run.durationMs).toBeUndefined();
    expect(run.active).toBe(1);
  });

  it('tells suspended and terminating Jobs apart from running ones', () => {
    expect(jobRun(job({ spec: { suspend: true }, status: {} })).state).toBe('Suspended');
    expect(jobRun(job({ metadata: { name: 'x', deletionTimestamp: T0 } })).state).toBe('Terminating');
  });

  it('names the CronJob that controls it and whether it was triggered by hand', () => {
    const run = jobRun(job({ metadata: { name: 'nightly-1', namespace: 'ml', uid: 'u', ownerReferences: [cronOwner], annotations: { [MANUAL_ANNOTATION]: 'manual' } } }));
    expect(run).toMatchObject({ cronJob: 'nightly', manual: true });
  });
});

describe('CronJob history', () => {
  it('lists each CronJob its own Jobs, newest first, and no one else\'s', () => {
    const owned = (name: string, at: string, ns = 'ml') => jobRun(job({ metadata: { name, namespace: ns, uid: name, creationTimestamp: at, ownerReferences: [cronOwner] } }));
    const jobs = [owned('nightly-1', '2026-12-01T00:00:00Z'), owned('nightly-3', '2026-12-03T00:00:00Z'), owned('nightly-2', '2026-12-02T00:00:00Z'), owned('other-ns', '2026-12-04T00:00:00Z', 'team-a'), jobRun(job())];
    const cron: BatchCronJob = {
      metadata: { name: 'nightly', namespace: 'ml', uid: 'cj-uid' },
      spec: { schedule: '0 0 * * *', timeZone: 'Etc/UTC', suspend: true },
      status: { active: [{ name: 'nightly-3' }], lastScheduleTime: '2026-12-03T00:00:00Z', lastSuccessfulTime: '2026-12-02T00:01:00Z' },
    };
    expect(cronJobRuns([cron], jobs)).toEqual([
      {
        namespace: 'ml',
        name: 'nightly',
        uid: 'cj-uid',
        schedule: '0 0 * * *',
        timeZone: 'Etc/UTC',
        suspended: true,
        lastScheduledAt: '2026-12-03T00:00:00Z',
        lastSucceededAt: '2026-12-02T00:01:00Z',
        active: 1,
        history: ['nightly-3', 'nightly-2', 'nightly-1'],
      },
    ]);
  });
});

describe('re-running a Job', () => {
  it('copies the pod template without what the Job controller set for the old Job', () => {
    const body = rerunJobBody(job(), 'x7k2q');
    expect(body.metadata?.name).toBe('train-1-rerun-x7k2q');
    expect(body.metadata?.labels).toEqual({ team: 'ml' });
    expect(body.metadata?.annotations).toEqual({ note: 'keep', [RERUN_OF_ANNOTATION]: 'train-1' });
    expect(body.metadata?.ownerReferences).toBeUndefined();
    expect(body.spec?.selector).toBeUndefined();
    expect(body.spec?.template?.metadata?.labels).toEqual({ team: 'ml' });
    expect(body.spec?.template?.spec).toEqual(job().spec?.template?.spec);
    expect(body.spec?.backoffLimit).toBe(2);
  });

  it('keeps a CronJob owner without blocking its deletion, and drops other owners', () => {
    const other = { apiVersion: 'jobset.x-k8s.io/v1alpha2', kind: 'JobSet', name: 'js', uid: 'js-uid', controller: false };
    const body = rerunJobBody(job({ metadata: { ...job().metadata, ownerReferences: [other, cronOwner] } }), 'abcde');
    expect(body.metadata?.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'cj-uid', controller: true }]);
  });

  it('does not copy a suspension: the copy is meant to run', () => {
    const finishedSuspended = job({ spec: { ...job().spec, suspend: true } });
    expect(rerunJobBody(finishedSuspended, 'abcde').spec?.suspend).toBeUndefined();
  });

  it('refuses a Job that is running, suspended or being deleted, and one with a manual selector', () => {
    const refused = (j: BatchJob) => {
      try {
        rerunJobBody(j, 'abcde');
      } catch (err) {
        return err instanceof AppError ? `${err.code}: ${err.message}` : String(err);
      }
      return 'accepted';
    };
    expect(refused(job({ status: { active: 1 } }))).toMatch(/^CONFLICT: Job "train-1" is still running/);
    expect(refused(job({ spec: { ...job().spec, suspend: true }, status: {} }))).toMatch(/^CONFLICT: .* suspended/);
    expect(refused(job({ metadata: { name: 'train-1', deletionTimestamp: T0 } }))).toMatch(/^CONFLICT: .*being deleted/);
    expect(refused(job({ spec: { ...job().spec, manualSelector: true } }))).toMatch(/^VALIDATION: .*manual selector/);
  });

  it('cuts a long name so the new one still fits a pod label', () => {
    const name = derivedJobName('a'.repeat(60), 'rerun', 'abcde');
    expect(name).toHaveLength(63);
    expect(name.endsWith('-rerun-abcde')).toBe(true);
    // A cut that ends on "-" would leave "--" in the name; trailing dashes go.
    expect(derivedJobName(`${'b'.repeat(50)}-${'c'.repeat(20)}`, 'rerun', 'abcde')).toBe(`${'b'.repeat(50)}-rerun-abcde`);
  });

  it('draws suffixes from letters and digits only', () => {
    expect(shortSuffix(() => 0)).toBe('bbbbb');
    expect(shortSuffix(() => 0.9999)).toMatch(/^[a-z0-9]{5}$/);
  });
});

describe('triggering a CronJob', () => {
  it('makes a Job as kubectl create job --from=cronjob does', () => {
    const cron: BatchCronJob = {
      metadata: { name: 'nightly', namespace: 'ml', uid: 'cj-uid' },
      spec: {
        schedule: '0 0 * * *',
        jobTemplate: { metadata: { labels: { app: 'etl' }, annotations: { owner: 'data' } }, spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'OnFailure' } } } },
      },
    };
    expect(manualJobBody(cron, 'q2w3e')).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'nightly-manual-q2w3e',
        namespace: 'ml',
        labels: { app: 'etl' },
        annotations: { owner: 'data', [MANUAL_ANNOTATION]: 'manual' },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'cj-uid', controller: true }],
      },
      spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'OnFailure' } } },
    });
  });

  it('refuses a CronJob without a job template', () => {
    expect(() => manualJobBody({ metadata: { name: 'broken' }, spec: {} }, 'abcde')).toThrow(/no job template/);
  });
});

describe('Argo Workflows', () => {
  it('hashes node names with FNV-1a over UTF-8, as Go\'s hash/fnv', () => {
    // Reference values printed by Go's fnv.New32a().
    expect(fnv32a('steps-abc12[0].hello')).toBe(2220731494);
    expect(fnv32a('dag-x.task-é')).toBe(2157037648);
  });

  it('names step pods as the controller does (v2 by default, v1 on request)', () => {
    const node = { id: 'steps-abc12-1234', name: 'steps-abc12[0].hello', type: 'Pod', templateName: 'hello' };
    expect(argoPodName('steps-abc12', node, undefined)).toBe('steps-abc12-hello-2220731494');
    expect(argoPodName('steps-abc12', { ...node, templateName: undefined, templateRef: { template: 'hello' } }, 'v2')).toBe('steps-abc12-hello-2220731494');
    expect(argoPodName('steps-abc12', node, 'v1')).toBe('steps-abc12-1234');
    expect(argoPodName('single', { id: 'single', name: 'single', type: 'Pod', templateName: 'main' }, undefined)).toBe('single');
    expect(argoPodName('steps-abc12', { ...node, type: 'Steps' }, undefined)).toBeUndefined();
  });

  it('shapes a Workflow: phase, progress, duration, its CronWorkflow and template, steps in start order with their pods', () => {
    const wf: ArgoWorkflow = {
      metadata: { name: 'steps-abc12', namespace: 'ml', uid: 'wf-uid', creationTimestamp: T0, labels: { 'workflows.argoproj.io/cron-workflow': 'hourly' } },
      spec: { workflowTemplateRef: { name: 'etl' } },
      status: {
        phase: 'Running',
        progress: '1/2',
        startedAt: T0,
        nodes: {
          'steps-abc12-2': { id: 'steps-abc12-2', name: 'steps-abc12[1].world', displayName: 'world', type: 'Pod', phase: 'Running', templateName: 'world', startedAt: '2026-12-01T10:01:00Z' },
          'steps-abc12': { id: 'steps-abc12', name: 'steps-abc12', displayName: 'steps-abc12', type: 'Steps', phase: 'Running', startedAt: T0 },
          'steps-abc12-1': {
            id: 'steps-abc12-1',
            name: 'steps-abc12[0].hello',
            displayName: 'hello',
            type: 'Pod',
            phase: 'Succeeded',
            templateName: 'hello',
            startedAt: '2026-12-01T10:00:01Z',
            finishedAt: '2026-12-01T10:00:31Z',
          },
        },
      },
    };
    const run = workflowRun(wf);
    expect(run).toMatchObject({ phase: 'Running', progress: '1/2', startedAt: T0, cronWorkflow: 'hourly', workflowTemplate: 'etl' });
    expect(run.durationMs).toBeUndefined();
    expect(run).not.toHaveProperty('steps');
    expect(workflowSteps(wf).steps.map((s) => [s.displayName, s.podName, s.durationMs])).toEqual([
      ['steps-abc12', undefined, undefined],
      ['hello', 'steps-abc12-hello-2220731494', 30_000],
      ['world', expect.stringMatching(/^steps-abc12-world-\d+$/), undefined],
    ]);
  });

  it('gives a Workflow the controller has not seen yet an empty phase and no steps', () => {
    expect(workflowRun({ metadata: { name: 'new', namespace: 'ml', uid: 'u' } })).toMatchObject({ phase: '' });
    expect(workflowSteps({ metadata: { name: 'new', namespace: 'ml', uid: 'u' } })).toEqual({ steps: [] });
  });

  it('lists CronWorkflows with one or several schedules and their Workflows as history', () => {
    const wf = (name: string, at: string) => workflowRun({ metadata: { name, namespace: 'ml', uid: name, creationTimestamp: at, labels: { 'workflows.argoproj.io/cron-workflow': 'hourly' } } });
    const runs = cronWorkflowRuns(
      [
        { metadata: { name: 'hourly', namespace: 'ml', uid: 'c1' }, spec: { schedule: '0 * * * *', timezone: 'Europe/Berlin' }, status: { active: [{}], lastScheduledTime: T0 } },
        { metadata: { name: 'twice', namespace: 'ml', uid: 'c2' }, spec: { schedules: ['0 1 * * *', '0 13 * * *'], suspend: true } },
      ],
      [wf('hourly-1', '2026-12-01T09:00:00Z'), wf('hourly-2', '2026-12-01T10:00:00Z')],
    );
    expect(runs[0]).toMatchObject({ schedules: ['0 * * * *'], timeZone: 'Europe/Berlin', suspended: false, active: 1, lastScheduledAt: T0, history: ['hourly-2', 'hourly-1'] });
    expect(runs[1]).toMatchObject({ schedules: ['0 1 * * *', '0 13 * * *'], suspended: true, active: 0, history: [] });
  });

  it('submits from a template by reference, named by the server', () => {
    expect(workflowFromTemplate('ml', { name: 'etl', clusterScope: true })).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { generateName: 'etl-', namespace: 'ml' },
      spec: { workflowTemplateRef: { name: 'etl', clusterScope: true } },
    });
  });
});
