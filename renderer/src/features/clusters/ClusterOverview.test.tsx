import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KubeOverview } from '../../../../shared/contract';
import { ok } from '../../test/fakeBridge';
import { useInspector } from './inspectorStore';
import { renderInspector } from './testKit';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** The primary test bed as the services would sum it up: one GPU node NotReady, one cordoned, a crash-looping rollout. */
function overview(overrides: Partial<KubeOverview> = {}): KubeOverview {
  return {
    complete: true,
    nodes: {
      listing: false,
      problems: [],
      value: {
        total: 7,
        ready: 6,
        notReady: 1,
        cordoned: 1,
        attention: [
          { name: 'gpu-h200-3', status: 'NotReady' },
          { name: 'cpu-2', status: 'Ready,SchedulingDisabled' },
        ],
      },
    },
    pods: { listing: false, problems: [], value: { total: 51, running: 42, runningNotReady: 3, pending: 2, succeeded: 5, failed: 1, unknown: 1 } },
    gpus: { listing: false, problems: [], value: { nodes: 4, allocatable: 32, inUse: 20, unschedulable: 8, waiting: 4 } },
    workloads: {
      listing: false,
      problems: [],
      value: {
        total: 12,
        more: 0,
        notAvailable: [
          {
            resource: { group: 'apps', version: 'v1', resource: 'deployments' },
            kind: 'Deployment',
            namespace: 'team-b',
            name: 'payments-worker',
            uid: 'uid-payments',
            status: 'ProgressDeadlineExceeded',
            available: 2,
            desired: 2,
            stalled: true,
          },
          {
            resource: { group: 'apps', version: 'v1', resource: 'deployments' },
            kind: 'Deployment',
            namespace: 'ml-serving',
            name: 'feature-store',
            uid: 'uid-feature-store',
            status: 'Unavailable',
            available: 0,
            desired: 2,
            stalled: false,
          },
        ],
      },
    },
    warnings: {
      listing: false,
      problems: [],
      value: {
        total: 14,
        recent: [
          { uid: 'e1', namespace: 'team-b', reason: 'BackOff', object: 'pod/payments-worker-7d9f', message: 'Back-off restarting failed container worker', count: 31, lastSeen: minutesAgo(2.5) },
          { uid: 'e2', namespace: 'ml-training', reason: 'BackoffLimitExceeded', object: 'job/eval-regression', message: 'Job has reached the specified backoff limit', count: 1, lastSeen: minutesAgo(40.5) },
        ],
      },
    },
    ...overrides,
  };
}

const tile = (name: string) => screen.getByRole('region', { name });

afterEach(() => {
  vi.useRealTimers();
  Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
});

describe('cluster overview', () => {
  it('sums up nodes, pods by phase and GPUs as tiles with bars, and lists what needs attention', async () => {
    const { fake } = renderInspector({ 'kube.overview': () => ok(overview()) }, 'overview');
    await screen.findByRole('region', { name: 'Nodes' });
    expect(fake.method('kube.overview')).toHaveBeenCalledWith({ connectionId: 'k-prod' });

    expect(within(tile('Nodes')).getByText('7 nodes')).toBeTruthy();
    expect(within(tile('Nodes')).getByRole('img').getAttribute('aria-label')).toBe('Nodes: 6 Ready, 1 NotReady');
    expect(within(tile('Nodes')).getByText('1 node cordoned')).toBeTruthy();
    expect(within(tile('Nodes')).getByRole('button', { name: 'gpu-h200-3' })).toBeTruthy();

    expect(within(tile('Pods')).getByText('51 pods')).toBeTruthy();
    expect(within(tile('Pods')).getByRole('img').getAttribute('aria-label')).toBe('Pods by phase: 39 Running, 3 Running, not ready, 2 Pending, 1 Failed, 5 Succeeded, 1 Unknown');

    expect(within(tile('GPUs')).getByText(/20 of 32 GPUs in use/)).toBeTruthy();
    expect(within(tile('GPUs')).getByRole('img').getAttribute('aria-label')).toBe('GPUs: 20 in use, 4 free, 8 free on NotReady or cordoned nodes');
    expect(within(tile('GPUs')).getByText('4 GPUs requested by pods waiting for a node')).toBeTruthy();

    const workloads = within(tile('Workloads not available'));
    expect(workloads.getAllByRole('row').slice(1).map((r) => r.textContent)).toEqual([
      'Deploymentteam-bpayments-workerProgressDeadlineExceeded2/2',
      'Deploymentml-servingfeature-storeUnavailable0/2',
    ]);
    const warnings = within(tile('Recent Warning events'));
    expect(warnings.getAllByRole('row').slice(1).map((r) => r.textContent)).toEqual([
      '2mBackOffteam-b/pod/payments-worker-7d9fBack-off restarting failed container worker31',
      '40mBackoffLimitExceededml-training/job/eval-regressionJob has reached the specified backoff limit1',
    ]);
    expect(warnings.getByText('14 Warning events in all: the Events view lists them.')).toBeTruthy();
    expect(screen.queryByText(/Still listing/)).toBeNull();
  });

  it('a workload’s name opens it in its table', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector({ 'kube.overview': () => ok(overview()) }, 'overview');
    await user.click(await screen.findByRole('button', { name: 'feature-store' }));
    expect(useInspector.getState().picked).toBe('apps/deployments');
    expect(await screen.findByRole('grid', { name: 'Deployments' })).toBeTruthy();
    await waitFor(() => expect(fake.method('kube.watch')).toHaveBeenCalledWith({ connectionId: 'k-prod', resource: { group: 'apps', version: 'v1', resource: 'deployments' } }));
  });

  it('says what is still listing, and shows a part that cannot be listed as such, not as zeros', async () => {
    const forbidden = 'No access to list pods in all namespaces (403 Forbidden)';
    const answer = overview({
      complete: false,
      nodes: { listing: true, problems: [] },
      pods: { listing: false, problems: [forbidden] },
      gpus: { listing: true, problems: [forbidden] },
    });
    renderInspector({ 'kube.overview': () => ok(answer) }, 'overview');
    expect(await screen.findByText(/Still listing… the figures grow as the lists arrive/)).toBeTruthy();
    expect(within(tile('Nodes')).getByText('still listing…')).toBeTruthy();
    expect(within(tile('Nodes')).getByText('Listing…')).toBeTruthy();
    expect(within(tile('Pods')).getByText(forbidden)).toBeTruthy();
    expect(within(tile('Pods')).queryByRole('img')).toBeNull();
    expect(within(tile('Pods')).queryByText(/^[\d,]+ pods$/)).toBeNull();
    expect(within(tile('GPUs')).getByText(forbidden)).toBeTruthy();
  });

  it('zero states: no GPU nodes, every workload available, no warnings', async () => {
    const quiet = overview({
      gpus: { listing: false, problems: [], value: { nodes: 0, allocatable: 0, inUse: 0, unschedulable: 0, waiting: 0 } },
      workloads: { listing: false, problems: [], value: { total: 5, notAvailable: [], more: 0 } },
      warnings: { listing: false, problems: [], value: { total: 0, recent: [] } },
    });
    renderInspector({ 'kube.overview': () => ok(quiet) }, 'overview');
    expect(await screen.findByText('No node offers GPUs (nvidia.com/gpu).')).toBeTruthy();
    expect(screen.getByText('All 5 workloads are available.')).toBeTruthy();
    expect(screen.getByText(/No Warning events/)).toBeTruthy();
  });

  it('asks again every 2 s while shown, not while the window is hidden, and at once when it is shown again', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    const { fake } = renderInspector({ 'kube.overview': () => ok(overview()) }, 'overview');
    await screen.findByRole('region', { name: 'Nodes' });
    const calls = () => fake.method('kube.overview').mock.calls.length;
    const first = calls();
    await act(() => vi.advanceTimersByTimeAsync(2000));
    expect(calls()).toBe(first + 1);

    const setVisibility = (value: DocumentVisibilityState) =>
      act(() => {
        Object.defineProperty(document, 'visibilityState', { value, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      });
    setVisibility('hidden');
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(calls()).toBe(first + 1);
    // The last answer stays on screen meanwhile.
    expect(within(tile('Nodes')).getByText('7 nodes')).toBeTruthy();

    setVisibility('visible');
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(calls()).toBe(first + 2);
  });

  it('stops asking once another resource is picked', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    const { fake } = renderInspector({ 'kube.overview': () => ok(overview()) }, 'overview');
    await screen.findByRole('region', { name: 'Nodes' });
    act(() => useInspector.getState().pick('/pods'));
    const calls = fake.method('kube.overview').mock.calls.length;
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(fake.method('kube.overview').mock.calls.length).toBe(calls);
  });
});
