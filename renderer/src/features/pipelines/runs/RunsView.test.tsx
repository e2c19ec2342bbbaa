import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionSummary, JobRun, RunsList } from '../../../../../shared/contract';
import { setBridge } from '../../../api/client';
import { createFakeBridge, fail, kubeConnection, ok } from '../../../test/fakeBridge';
import { useToasts } from '../../../shell/toastStore';
import { resetStores } from '../../../test/renderApp';
import { useInspector } from '../../clusters/inspectorStore';
import { useConnections } from '../../connections/connectionsStore';
import { RunsView } from './RunsView';

const job = (more: Partial<JobRun> = {}): JobRun => ({
  namespace: 'ml',
  name: 'train-1',
  uid: 'u-train-1',
  createdAt: '2026-12-04T10:00:00Z',
  manual: false,
  state: 'Complete',
  startedAt: '2026-12-04T10:00:00Z',
  finishedAt: '2026-12-04T10:02:30Z',
  durationMs: 150_000,
  succeeded: 1,
  failed: 0,
  active: 0,
  completions: 1,
  podSelector: 'batch.kubernetes.io/controller-uid=u-train-1',
  ...more,
});

const list = (more: Partial<RunsList> = {}): RunsList => ({
  jobs: [
    job(),
    job({ name: 'eval', uid: 'u-eval', state: 'Failed', message: 'BackoffLimitExceeded', durationMs: 45_000, succeeded: 0, failed: 3 }),
    job({ name: 'nightly-2', uid: 'u-n2', cronJob: 'nightly', createdAt: '2026-12-04T00:00:00Z' }),
    job({ name: 'nightly-1', uid: 'u-n1', cronJob: 'nightly', createdAt: '2026-12-03T00:00:00Z', state: 'Failed', durationMs: 5_000 }),
  ],
  cronJobs: [{ namespace: 'ml', name: 'nightly', uid: 'u-cj', schedule: '0 0 * * *', suspended: false, active: 0, history: ['nightly-2', 'nightly-1'], lastScheduledAt: '2026-12-04T00:00:00Z' }],
  argo: { installed: false, workflows: [], cronWorkflows: [] },
  leftOut: { jobs: 0, cronJobs: 0, workflows: 0, cronWorkflows: 0 },
  listedAt: '2026-12-04T12:00:00Z',
  ...more,
});

const staging = kubeConnection({ id: 'k-staging', name: 'staging', labels: {} });

function bed(answer: RunsList, connection: ConnectionSummary = staging) {
  const fake = createFakeBridge({
    'pipelineRuns.list': () => ok(answer),
    'pipelineRuns.jobPods': () => ok([{ name: 'train-1-abcde', phase: 'Succeeded', createdAt: '2026-12-04T10:00:01Z' }]),
    'pipelineRuns.rerunJob': () => ok({ namespace: 'ml', name: 'train-1-rerun-x7k2q' }),
    'pipelineRuns.setCronJobSuspended': (p) => ok({ suspended: p.suspend }),
    'pipelineRuns.triggerCronJob': () => ok({ namespace: 'ml', name: 'nightly-manual-q2w3e' }),
    'pipelineRuns.submitWorkflow': () => ok({ namespace: 'ml', name: 'hello-abcde' }),
    'pipelineRuns.workflowSteps': () =>
      ok({
        steps: [
          { id: 'hello-x1', name: 'hello-x1', displayName: 'hello-x1', type: 'Steps', phase: 'Running', startedAt: '2026-12-04T11:00:00Z' },
          { id: 'hello-x1-1', name: 'hello-x1[0].a', displayName: 'a', type: 'Pod', phase: 'Succeeded', durationMs: 30_000, podName: 'hello-x1-a-123' },
        ],
      }),
  });
  setBridge(fake.bridge);
  act(() => useConnections.setState({ connections: [connection], status: 'ready' }));
  return fake;
}

const rowOf = (table: HTMLElement, text: string) => within(table).getAllByRole('row').find((r) => r.textContent?.includes(text))!;

beforeEach(() => {
  localStorage.clear();
  resetStores();
});

describe('the runs view', () => {
  it('lists Jobs with status and duration, and CronJobs that expand to their Jobs newest first', async () => {
    const fake = bed(list());
    const user = userEvent.setup();
    render(<RunsView connectionId="k-staging" />);
    const jobs = await screen.findByRole('table', { name: 'Jobs' });
    expect(fake.method('pipelineRuns.list')).toHaveBeenCalledWith({ connectionId: 'k-staging' });
    // The CronJob's Jobs are under it, not in the flat list.
    expect(within(jobs).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell')[0].textContent)).toEqual(['ml/train-1', 'ml/eval']);
    expect(within(rowOf(jobs, 'train-1')).getByText('Complete')).toBeTruthy();
    expect(within(rowOf(jobs, 'train-1')).getByText('2m30s')).toBeTruthy();
    expect(within(rowOf(jobs, 'eval')).getByText('Failed').getAttribute('title')).toBe('BackoffLimitExceeded');

    const crons = screen.getByRole('table', { name: 'CronJobs' });
    expect(within(crons).getAllByRole('row')).toHaveLength(2);
    await user.click(within(crons).getByRole('button', { name: /ml\/nightly/ }));
    const rows = within(crons).getAllByRole('row').slice(2);
    expect(rows.map((r) => within(r).getAllByRole('cell')[0].textContent)).toEqual(['↳ nightly-2', '↳ nightly-1']);
  });

  it('re-runs a finished Job held to the uid it showed, and offers no re-run while one runs', async () => {
    const fake = bed(list({ jobs: [job(), job({ name: 'live', uid: 'u-live', state: 'Running', durationMs: undefined, finishedAt: undefined, active: 1 })] }));
    const user = userEvent.setup();
    render(<RunsView connectionId="k-staging" />);
    const jobs = await screen.findByRole('table', { name: 'Jobs' });
    expect((within(rowOf(jobs, 'live')).getByRole('button', { name: 'Re-run…' }) as HTMLButtonElement).disabled).toBe(true);
    expect(within(rowOf(jobs, 'live')).getByText(/so far$/)).toBeTruthy();
    await user.click(within(rowOf(jobs, 'train-1')).getByRole('button', { name: 'Re-run…' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Re-run train-1' })).getByRole('button', { name: 'Re-run' }));
    await waitFor(() => expect(fake.method('pipelineRuns.rerunJob')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'ml', name: 'train-1', ifUid: 'u-train-1' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(useToasts.getState().toasts.map((t) => t.title)).toEqual(['Created Job train-1-rerun-x7k2q']);
    // The list is read again to show the new Job.
    expect(fake.method('pipelineRuns.list').mock.calls.length).toBeGreaterThan(1);
  });

  it('suspends a CronJob with what the view saw, and on a production connection only once the connection’s name is typed, sent for the services to check', async () => {
    const fake = bed(list({ cronJobs: [{ ...list().cronJobs[0], resourceVersion: '77' }] }), kubeConnection({ id: 'k-prod' }));
    const user = userEvent.setup();
    render(<RunsView connectionId="k-prod" />);
    const crons = await screen.findByRole('table', { name: 'CronJobs' });
    await user.click(within(crons).getByRole('button', { name: 'Suspend…' }));
    const dialog = screen.getByRole('dialog', { name: 'Suspend nightly' });
    const confirm = within(dialog).getByRole('button', { name: 'Suspend' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await user.type(within(dialog).getByRole('textbox'), 'prod-eu');
    await user.click(confirm);
    await waitFor(() =>
      expect(fake.method('pipelineRuns.setCronJobSuspended')).toHaveBeenCalledWith({ connectionId: 'k-prod', namespace: 'ml', name: 'nightly', ifUid: 'u-cj', ifResourceVersion: '77', confirmName: 'prod-eu', suspend: true, ifSuspended: false }),
    );
  });

  it('triggers a CronJob now and shows a refusal in the dialog', async () => {
    const fake = bed(list());
    fake.handle('pipelineRuns.triggerCronJob', () => fail('CONFLICT', 'CronJob "nightly" in ml was deleted and created again since: nothing was done'));
    const user = userEvent.setup();
    render(<RunsView connectionId="k-staging" />);
    await user.click(within(await screen.findByRole('table', { name: 'CronJobs' })).getByRole('button', { name: 'Trigger now…' }));
    const dialog = screen.getByRole('dialog', { name: 'Trigger now nightly' });
    await user.click(within(dialog).getByRole('button', { name: 'Trigger now' }));
    expect(await within(dialog).findByText(/deleted and created again since/)).toBeTruthy();
    expect(fake.method('pipelineRuns.triggerCronJob')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'ml', name: 'nightly', ifUid: 'u-cj' });
  });

  it('opens a Job\'s newest pod in the inspector for its logs', async () => {
    const fake = bed(list());
    const user = userEvent.setup();
    render(<RunsView connectionId="k-staging" />);
    const jobs = await screen.findByRole('table', { name: 'Jobs' });
    await user.click(within(rowOf(jobs, 'train-1')).getByRole('button', { name: 'Logs' }));
    await waitFor(() => expect(useInspector.getState().focus).toMatchObject({ connectionId: 'k-staging', key: expect.stringContaining('pods'), namespace: 'ml', name: 'train-1-abcde' }));
    expect(fake.method('pipelineRuns.jobPods')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'ml', name: 'train-1', uid: 'u-train-1' });
  });

  it('hides Argo when it is not installed, and shows Workflows with their steps\' pods when it is', async () => {
    bed(list());
    const { unmount } = render(<RunsView connectionId="k-staging" />);
    await screen.findByRole('table', { name: 'Jobs' });
    expect(screen.queryByRole('region', { name: 'Argo Workflows' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Submit workflow…' })).toBeNull();
    unmount();

    const fake = bed(
      list({
        argo: {
          installed: true,
          workflows: [
            {
              namespace: 'ml',
              name: 'hello-x1',
              uid: 'w1',
              phase: 'Running',
              progress: '1/2',
              startedAt: '2026-12-04T11:00:00Z',
            },
          ],
          cronWorkflows: [],
        },
      }),
    );
    const user = userEvent.setup();
    render(<RunsView connectionId="k-staging" />);
    const workflows = await screen.findByRole('table', { name: 'Workflows' });
    expect(within(rowOf(workflows, 'hello-x1')).getByText('1/2')).toBeTruthy();
    expect(fake.method('pipelineRuns.workflowSteps')).not.toHaveBeenCalled();
    await user.click(within(workflows).getByRole('button', { name: /ml\/hello-x1/ }));
    const steps = await screen.findByRole('table', { name: 'Steps of hello-x1' });
    expect(fake.method('pipelineRuns.workflowSteps')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'ml', name: 'hello-x1', uid: 'w1' });
    expect(within(rowOf(steps, 'Steps')).queryByRole('button', { name: 'Logs' })).toBeNull();
    await user.click(within(rowOf(steps, 'Succeeded')).getByRole('button', { name: 'Logs' }));
    expect(useInspector.getState().focus).toMatchObject({ namespace: 'ml', name: 'hello-x1-a-123' });
  });

  it('submits a pasted Workflow spec into the namespace given', async () => {
    const fake = bed(list({ argo: { installed: true, workflows: [], cronWorkflows: [] } }));
    const user = userEvent.setup();
    render(<RunsView connectionId="k-staging" />);
    await user.click(await screen.findByRole('button', { name: 'Submit workflow…' }));
    const dialog = screen.getByRole('dialog', { name: 'Submit a Workflow' });
    const submit = within(dialog).getByRole('button', { name: 'Submit' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    const spec = 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: hello-\n';
    await user.click(within(dialog).getByRole('textbox', { name: /Workflow \(YAML/ }));
    await user.paste(spec);
    const namespace = within(dialog).getByRole('textbox', { name: /Namespace/ });
    await user.clear(namespace);
    await user.type(namespace, 'ml');
    await user.click(submit);
    await waitFor(() => expect(fake.method('pipelineRuns.submitWorkflow')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'ml', text: spec }));
    await waitFor(() => expect(useToasts.getState().toasts.map((t) => t.title)).toEqual(['Submitted Workflow hello-abcde']));
  });

  it('on a production connection submits only once the connection\'s name is typed, not the namespace', async () => {
    const fake = bed(list({ argo: { installed: true, workflows: [], cronWorkflows: [] } }), kubeConnection({ id: 'k-prod' }));
    const user = userEvent.setup();
    render(<RunsView connectionId="k-prod" />);
    await user.click(await screen.findByRole('button', { name: 'Submit workflow…' }));
    const dialog = screen.getByRole('dialog', { name: 'Submit a Workflow' });
    const submit = within(dialog).getByRole('button', { name: 'Submit' }) as HTMLButtonElement;
    await user.click(within(dialog).getByRole('textbox', { name: /Workflow \(YAML/ }));
    await user.paste('kind: Workflow\n');
    const namespace = within(dialog).getByRole('textbox', { name: /Namespace/ });
    await user.clear(namespace);
    await user.type(namespace, 'ml');
    const confirm = within(dialog).getByRole('textbox', { name: 'Type prod-eu to confirm' });
    await user.type(confirm, 'ml');
    expect(submit.disabled).toBe(true);
    await user.clear(confirm);
    await user.type(confirm, 'prod-eu');
    await user.click(submit);
    await waitFor(() => expect(fake.method('pipelineRuns.submitWorkflow')).toHaveBeenCalledWith({ connectionId: 'k-prod', namespace: 'ml', confirmName: 'prod-eu', text: 'kind: Workflow\n' }));
  });

  it('says what was left out past the bound', async () => {
    bed(list({ leftOut: { jobs: 1200, cronJobs: 0, workflows: 3, cronWorkflows: 0 } }));
    render(<RunsView connectionId="k-staging" />);
    expect(await screen.findByText(/1200 older jobs, 3 older workflows left out\. To see them, show only one namespace with the namespace filter above a Clusters table/)).toBeTruthy();
  });
});
