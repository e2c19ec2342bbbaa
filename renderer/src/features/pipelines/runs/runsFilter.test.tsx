import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, expect, it } from 'vitest';
import type { JobRun, RunsList } from '../../../../../shared/contract';
import { setBridge } from '../../../api/client';
import { createFakeBridge, kubeConnection, ok } from '../../../test/fakeBridge';
import { resetStores } from '../../../test/renderApp';
import { useConnections } from '../../connections/connectionsStore';
import { RunsView } from './RunsView';

// The review of issue #20: filtering must not hide the Jobs of CronJobs.

const job = (more: Partial<JobRun>): JobRun => ({ namespace: 'ml', name: 'x', uid: 'u', createdAt: '2026-12-04T10:00:00Z', manual: false, state: 'Complete', succeeded: 1, failed: 0, active: 0, podSelector: '', ...more });
beforeEach(() => {
  localStorage.clear();
  resetStores();
});

function show(list: RunsList) {
  setBridge(createFakeBridge({ 'pipelineRuns.list': () => ok(list) }).bridge);
  act(() => useConnections.setState({ connections: [kubeConnection({ id: 'k', name: 's', labels: {} })], status: 'ready' }));
  render(<RunsView connectionId="k" />);
}

const base = { argo: { installed: false, workflows: [], cronWorkflows: [] }, leftOut: { jobs: 0, cronJobs: 0, workflows: 0, cronWorkflows: 0 }, listedAt: '2026-12-04T12:00:00Z' };

it('filtering by "failed" keeps a CronJob whose Job failed, with that Job under it', async () => {
  show({
    ...base,
    jobs: [job({ name: 'nightly-29001', uid: 'n1', cronJob: 'nightly', state: 'Failed', message: 'BackoffLimitExceeded' }), job({ name: 'adhoc', uid: 'a' })],
    cronJobs: [{ namespace: 'ml', name: 'nightly', uid: 'cj', schedule: '0 0 * * *', suspended: false, active: 0, history: ['nightly-29001'] }],
  });
  const user = userEvent.setup();
  await screen.findByRole('table', { name: 'CronJobs' });
  await user.type(screen.getByLabelText('Filter runs'), 'failed');
  const crons = screen.getByRole('table', { name: 'CronJobs' });
  await user.click(within(crons).getByRole('button', { name: /ml\/nightly/ }));
  expect(within(crons).getByText(/nightly-29001/)).toBeTruthy();
  expect(screen.queryByText(/adhoc/)).toBeNull();
});

it('lists in the flat list the Jobs of a CronJob that is not listed', async () => {
  show({ ...base, jobs: [job({ name: 'gone-cron-1', uid: 'g1', cronJob: 'deleted-cron', state: 'Failed' })], cronJobs: [] });
  const jobs = await screen.findByRole('table', { name: 'Jobs' });
  expect(within(jobs).getByText(/gone-cron-1/)).toBeTruthy();
});

it('says a CronJob’s history is beyond the listed Jobs when older ones were left out', async () => {
  show({ ...base, jobs: [], cronJobs: [{ namespace: 'ml', name: 'weekly', uid: 'cj', schedule: '0 0 * * 0', suspended: false, active: 0, history: [] }], leftOut: { ...base.leftOut, jobs: 900 } });
  const user = userEvent.setup();
  const crons = await screen.findByRole('table', { name: 'CronJobs' });
  await user.click(within(crons).getByRole('button', { name: /ml\/weekly/ }));
  expect(within(crons).getByText(/None of its Jobs is among the newest 500 listed.*namespace filter above a Clusters table/)).toBeTruthy();
  expect(within(crons).queryByText(/No Jobs of it are kept/)).toBeNull();
});
