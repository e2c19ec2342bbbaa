import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionSummary, GpuIdleReport, GpuInventory, GpuPrice, GpuUtilisation } from '../../../../shared/contract';
import { createFakeBridge, fail, kubeConnection, ok, type FakeBridge } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useInspector } from '../clusters/inspectorStore';
import { useConnections } from '../connections/connectionsStore';
import { useUi } from '../../shell/uiStore';
import { useGpus } from './gpusStore';

// uPlot needs a 2D canvas, which jsdom lacks: the chart is replaced by its title, its series and its zoom callback.
vi.mock('../../shell/charts/TimeSeriesChart', () => ({
  TimeSeriesChart: ({ title, data, onZoom }: { title: string; data: { series: { label: string }[] }; onZoom(r: { start: number; end: number } | null): void }) => (
    <figure aria-label={title}>
      {data.series.map((s) => s.label).join(', ')}
      <button type="button" onClick={() => onZoom({ start: 5000, end: 6000 })}>
        fake zoom
      </button>
    </figure>
  ),
}));

const prometheus = (overrides: Partial<ConnectionSummary> = {}): ConnectionSummary =>
  kubeConnection({ id: 'p-prod', kind: 'prometheus', name: 'prom-eu', kube: undefined, prometheus: { url: 'https://prom.example.com', auth: 'none', clusterConnectionId: 'k-prod' }, ...overrides });

const inventory: GpuInventory = {
  nodes: [
    { name: 'gpu-a', ready: true, unschedulable: false, pool: 'p5', instanceType: 'p5.48xlarge', product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559, capacity: 8, allocatable: 8, requested: 8, free: 0, mig: [] },
    { name: 'gpu-b', ready: true, unschedulable: false, pool: 'p5', instanceType: 'p5.48xlarge', product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559, capacity: 8, allocatable: 8, requested: 2, free: 6, mig: [] },
    { name: 'gpu-c', ready: false, unschedulable: true, pool: null, instanceType: null, product: null, memoryMiB: null, capacity: 4, allocatable: 4, requested: null, free: null, mig: [] },
  ],
  namespaces: [{ namespace: 'ml', gpus: 10, migSlices: 0, pods: 2 }],
  teams: [{ team: 'vision', gpus: 10, migSlices: 0, pods: 2 }],
  pods: [
    { namespace: 'ml', name: 'train-0', node: 'gpu-a', gpus: 8, migSlices: 0, ownerKind: 'Job', ownerName: 'train', team: 'vision', phase: 'Running', since: '2026-12-04T10:00:00Z' },
    { namespace: 'ml', name: '=cmd', node: 'gpu-b', gpus: 2, migSlices: 0, ownerKind: null, ownerName: null, team: 'vision', phase: 'Running', since: null },
  ],
  podAccess: { status: 'listed' },
  namespaceLabels: 'read',
  teamLabel: 'team',
  totals: { nodes: 3, capacity: 20, allocatable: 20, requested: 10, free: 6, migCapacity: 0, migRequested: 0, pending: 0 },
  listedAt: '2026-12-04T12:00:00Z',
};

const utilisation: GpuUtilisation = {
  metric: 'DCGM_FI_DEV_GPU_UTIL',
  unit: '%',
  times: [1000, 1060],
  step: 60,
  series: [{ key: 'gpu-a', labels: { Hostname: 'gpu-a' }, values: [50, 60] }],
};

const idle: GpuIdleReport = {
  gpus: [
    {
      node: 'gpu-a',
      gpu: '3',
      uuid: 'GPU-3',
      modelName: 'H100',
      namespace: 'ml',
      pod: 'train-0',
      ownerKind: 'Job',
      ownerName: 'train',
      team: 'vision',
      instanceType: 'p5.48xlarge',
      avgUtilPct: 1.5,
      hourlyUsd: 12.29,
      costOverWindowUsd: 294.96,
      priceBasis: 'p5.48xlarge',
    },
  ],
  suggestions: [
    { kind: 'oversized-pod', namespace: 'ml', pod: 'train-0', ownerKind: 'Job', ownerName: 'train', team: 'vision', held: 8, busy: 1, avgUtilPct: [90, 1, 1, 1, 1, 1, 1, 1], hourlyUsdToSave: 86.03, message: 'ml/train-0 holds 8 GPUs and keeps 1 busy.' },
  ],
  totals: { idleGpus: 1, heldGpus: 10, hourlyUsd: 12.29, costOverWindowUsd: 294.96, unpriced: 2 },
  window: { start: 0, end: 86400, hours: 24 },
  thresholdPct: 10,
  podAccess: { status: 'listed' },
};

const price: GpuPrice = { instanceType: 'p5.48xlarge', gpuProduct: 'NVIDIA-H100-80GB-HBM3', gpus: 8, hourlyUsd: 98.32, gpuHourUsd: 12.29, source: 'aws-on-demand-2026', updatedAt: '2026-01-01T00:00:00Z' };

function open(tab: Parameters<ReturnType<typeof useGpus.getState>['show']>[0], connections: ConnectionSummary[], handlers: Parameters<typeof createFakeBridge>[0] = {}): FakeBridge {
  const fake = createFakeBridge({ 'connections.list': () => ok(connections), ...handlers });
  localStorage.clear();
  useGpus.setState({ tab, picked: {}, nodeSort: { key: 'free', dir: 'desc' } });
  renderApp(fake, '#/gpus');
  act(() => useConnections.getState().select(connections[0]?.id ?? null));
  return fake;
}

beforeEach(() => {
  useInspector.setState({ focus: null });
});

describe('GPU page', () => {
  it('asks for a cluster when none is selected', async () => {
    open('inventory', []);
    expect(await screen.findByRole('heading', { name: 'Choose a cluster' })).toBeTruthy();
  });

  it('lists nodes free GPUs first, unknown last, and opens a pod in the inspector', async () => {
    const fake = open('inventory', [kubeConnection()], { 'gpu.inventory': () => ok(inventory) });
    const nodes = await screen.findByRole('grid', { name: 'GPU nodes of prod-eu' });
    const names = () => within(nodes).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('gridcell')[0].textContent);
    expect(names()).toEqual(['gpu-b', 'gpu-a', 'gpu-cnot readycordoned']);
    expect(fake.method('gpu.inventory')).toHaveBeenCalledWith({ connectionId: 'k-prod', teamLabel: 'team' });
    expect(screen.getByText(/3 GPU nodes: 20 GPUs, 20 allocatable, 10 requested, 6 free/)).toBeTruthy();

    await userEvent.click(within(nodes).getByRole('button', { name: 'Sort by Node' }));
    expect(names()[0]).toBe('gpu-cnot readycordoned');
    await userEvent.click(screen.getByRole('button', { name: 'Free GPUs first' }));
    expect(names()[0]).toBe('gpu-b');

    await userEvent.click(screen.getByRole('button', { name: 'ml/train-0' }));
    await waitFor(() => expect(location.hash).toBe('#/clusters'));
    expect(useInspector.getState().focus).toMatchObject({ connectionId: 'k-prod', key: '/pods', namespace: 'ml', name: 'train-0' });
  });

  it('still shows capacity when pods cannot be listed, and says why the rest is unknown', async () => {
    const forbidden: GpuInventory = {
      ...inventory,
      nodes: inventory.nodes.map((n) => ({ ...n, requested: null, free: null })),
      pods: [],
      namespaces: [],
      teams: [],
      podAccess: { status: 'forbidden', message: 'pods is forbidden: User "viewer" cannot list resource "pods"' },
      totals: { ...inventory.totals, requested: null, free: null, pending: null },
    };
    open('inventory', [kubeConnection()], { 'gpu.inventory': () => ok(forbidden) });
    expect(await screen.findByText(/Pods could not be listed, so requested and free GPUs are unknown: pods is forbidden/)).toBeTruthy();
    expect(screen.getByText(/20 GPUs, 20 allocatable, – requested, – free/)).toBeTruthy();
    expect(screen.getByText('Pods could not be listed.')).toBeTruthy();
  });

  it('asks again with a new team label only once it is a valid label key', async () => {
    const fake = open('inventory', [kubeConnection()], { 'gpu.inventory': () => ok(inventory) });
    const field = await screen.findByRole('textbox', { name: 'Team label' });
    fireEvent.change(field, { target: { value: 'not a label!' } });
    expect(await screen.findByText('A label key is a name such as team or example.com/team')).toBeTruthy();
    fireEvent.change(field, { target: { value: 'example.com/team' } });
    await waitFor(() => expect(fake.method('gpu.inventory')).toHaveBeenLastCalledWith({ connectionId: 'k-prod', teamLabel: 'example.com/team' }));
    expect(fake.method('gpu.inventory').mock.calls.some(([p]) => (p as { teamLabel: string }).teamLabel === 'not a label!')).toBe(false);
  });

  it('says how to add a Prometheus connection when there is none', async () => {
    open('utilisation', [kubeConnection()]);
    expect(await screen.findByRole('heading', { name: 'Add a Prometheus connection' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Add Prometheus endpoint…' }));
    expect(await screen.findByRole('dialog')).toBeTruthy();
    act(() => useUi.getState().closeDialog());
    await userEvent.click(screen.getByRole('button', { name: 'Go to Connections' }));
    await waitFor(() => expect(location.hash).toBe('#/connections'));
  });

  it('does not guess a Prometheus for a cluster none is linked to, and remembers the pick', async () => {
    const fake = open('utilisation', [kubeConnection(), prometheus({ prometheus: { url: 'https://prom.example.com', auth: 'none' } })], { 'gpu.utilisation': () => ok(utilisation) });
    expect(await screen.findByRole('heading', { name: 'Choose where the metrics come from' })).toBeTruthy();
    expect(fake.method('gpu.utilisation')).not.toHaveBeenCalled();
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Metrics from' }), 'p-prod');
    expect(await screen.findByRole('figure', { name: 'GPU utilisation per node' })).toBeTruthy();
    expect(localStorage.getItem('pilothouse.gpus.prometheus.k-prod')).toBe('p-prod');
  });

  it('charts utilisation from the linked Prometheus and asks for the dragged range', async () => {
    const fake = open('utilisation', [kubeConnection(), prometheus()], { 'gpu.utilisation': () => ok(utilisation) });
    expect(await screen.findByRole('figure', { name: 'GPU utilisation per node' })).toBeTruthy();
    const first = fake.method('gpu.utilisation').mock.calls[0][0] as { prometheusConnectionId: string; start: number; end: number; groupBy: string };
    expect(first).toMatchObject({ prometheusConnectionId: 'p-prod', metric: 'DCGM_FI_DEV_GPU_UTIL', groupBy: 'node' });
    expect(first.end - first.start).toBe(86_400);
    expect(screen.getByRole('button', { name: 'Export GPU utilisation per node as CSV' })).toHaveProperty('disabled', false);

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Per' }), 'gpu');
    await waitFor(() => expect(fake.method('gpu.utilisation')).toHaveBeenLastCalledWith(expect.objectContaining({ groupBy: 'gpu' })));
    fireEvent.change(screen.getByRole('textbox', { name: 'Only namespace' }), { target: { value: ' ml ' } });
    await waitFor(() => expect(fake.method('gpu.utilisation')).toHaveBeenLastCalledWith(expect.objectContaining({ namespace: 'ml', groupBy: 'gpu' })));
    expect(fake.method('gpu.utilisation').mock.lastCall?.[0]).not.toHaveProperty('node');
    await userEvent.click(screen.getByRole('button', { name: 'fake zoom' }));
    await waitFor(() => expect(fake.method('gpu.utilisation')).toHaveBeenLastCalledWith(expect.objectContaining({ start: 5000, end: 6000 })));
    await userEvent.click(screen.getByRole('button', { name: 'Back to 24 h' }));
    await waitFor(() => expect((fake.method('gpu.utilisation').mock.lastCall?.[0] as { start: number; end: number }).end - (fake.method('gpu.utilisation').mock.lastCall?.[0] as { start: number }).start).toBe(86_400));
    await userEvent.click(screen.getByRole('button', { name: '1 h' }));
    await waitFor(() => expect((fake.method('gpu.utilisation').mock.lastCall?.[0] as { start: number; end: number }).end - (fake.method('gpu.utilisation').mock.lastCall?.[0] as { start: number }).start).toBe(3600));
  });

  it('shows a Prometheus error in place', async () => {
    open('utilisation', [kubeConnection(), prometheus()], { 'gpu.utilisation': () => fail('UNREACHABLE', 'Prometheus at https://prom.example.com did not answer') });
    expect((await screen.findByRole('alert')).textContent).toContain('did not answer');
  });

  it('draws the heatmap from its base64 cells, and says so when they do not match its rows', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    const heatmap = { metric: 'DCGM_FI_DEV_GPU_UTIL', start: 1000, step: 60, columns: 2, rows: [{ node: 'gpu-a', gpu: '0', uuid: 'GPU-0', modelName: 'H100', namespace: null, pod: null }] };
    const fake = open('heatmap', [kubeConnection(), prometheus()], { 'gpu.heatmap': (p) => ok({ ...heatmap, metric: p.metric ?? 'DCGM_FI_DEV_GPU_UTIL', cells: btoa(String.fromCharCode(10, 255)) }) });
    expect(await screen.findByRole('img', { name: /GPU utilisation, every GPU: GPU utilisation of 1 rows/ })).toBeTruthy();
    expect(screen.getByText(/1 GPUs × 2 times, a column every 1 min/)).toBeTruthy();
    expect(fake.method('gpu.heatmap')).toHaveBeenCalledWith(expect.objectContaining({ prometheusConnectionId: 'p-prod', metric: 'DCGM_FI_DEV_GPU_UTIL' }));
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Metric' }), 'DCGM_FI_PROF_GR_ENGINE_ACTIVE');
    await waitFor(() => expect(fake.method('gpu.heatmap')).toHaveBeenLastCalledWith(expect.objectContaining({ metric: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE' })));
    expect(await screen.findByRole('img', { name: /Graphics engine active, every GPU/ })).toBeTruthy();

    fake.handle('gpu.heatmap', (p) => ok({ ...heatmap, metric: p.metric ?? 'DCGM_FI_DEV_GPU_UTIL', cells: btoa('x') }));
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect((await screen.findByRole('alert')).textContent).toContain('1 cells for 1 GPUs × 2 times');
    vi.restoreAllMocks();
  });

  it('does not show the old metric’s heatmap under the new metric’s name while the new one loads', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    const heatmap = { start: 1000, step: 60, columns: 2, rows: [{ node: 'gpu-a', gpu: '0', uuid: 'GPU-0', modelName: 'H100', namespace: null, pod: null }], cells: btoa(String.fromCharCode(10, 255)) };
    const fake = open('heatmap', [kubeConnection(), prometheus()], { 'gpu.heatmap': (p) => ok({ ...heatmap, metric: p.metric ?? 'DCGM_FI_DEV_GPU_UTIL' }) });
    expect(await screen.findByRole('img', { name: /GPU utilisation, every GPU/ })).toBeTruthy();
    let answer!: () => void;
    fake.handle('gpu.heatmap', (p) => new Promise((resolve) => (answer = () => resolve(ok({ ...heatmap, metric: p.metric ?? 'DCGM_FI_DEV_GPU_UTIL' })))));
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Metric' }), 'DCGM_FI_PROF_GR_ENGINE_ACTIVE');
    expect(await screen.findByText('Asking Prometheus…')).toBeTruthy();
    expect(screen.queryByRole('img', { name: /every GPU/ })).toBeNull();
    act(() => answer());
    expect(await screen.findByRole('img', { name: /Graphics engine active, every GPU: Graphics engine active of 1 rows/ })).toBeTruthy();
    vi.restoreAllMocks();
  });

  it('lists idle GPUs with their cost, totals and suggestions, and checks the inputs first', async () => {
    const fake = open('idle', [kubeConnection(), prometheus()], { 'gpu.idle': () => ok(idle) });
    expect(await screen.findByRole('grid', { name: 'Idle GPUs on prod-eu' })).toBeTruthy();
    expect(fake.method('gpu.idle')).toHaveBeenCalledWith(expect.objectContaining({ clusterConnectionId: 'k-prod', prometheusConnectionId: 'p-prod', thresholdPct: 10, windowHours: 24 }));
    expect(screen.getByText(/1 of 10 held GPUs/)).toBeTruthy();
    expect(screen.getByText(/2 GPUs with no price/)).toBeTruthy();
    expect(screen.getByText('ml/train-0 holds 8 GPUs and keeps 1 busy.', { exact: false })).toBeTruthy();
    expect(within(screen.getByRole('grid', { name: 'Idle GPUs on prod-eu' })).getByText('$294.96')).toBeTruthy();

    // A price changed somewhere: the costs are asked for again.
    act(() => fake.emit('gpu.pricesChanged', {}));
    await waitFor(() => expect(fake.method('gpu.idle')).toHaveBeenCalledTimes(2));
    const calls = fake.method('gpu.idle').mock.calls.length;
    fireEvent.change(screen.getByRole('textbox', { name: 'Over the last (hours)' }), { target: { value: '500' } });
    expect(await screen.findByText('A window in hours is between 1 and 168')).toBeTruthy();
    fireEvent.change(screen.getByRole('textbox', { name: 'Idle below (%)' }), { target: { value: 'ten' } });
    expect(await screen.findByText('A threshold is a number such as 10')).toBeTruthy();
    expect(fake.method('gpu.idle').mock.calls.length).toBe(calls);
  });

  it('says what the idle list leaves out: GPUs given back during the window, and MIG slices it cannot judge', async () => {
    const report = { ...idle, totals: { ...idle.totals, releasedIdleHoldings: 3, releasedCostOverWindowUsd: 41.5, migHoldingsSkipped: 7 } };
    open('idle', [kubeConnection(), prometheus()], { 'gpu.idle': () => ok(report) });
    expect(await screen.findByText(/Idle GPUs since given back: 3, \$41\.50 over the window/)).toBeTruthy();
    expect(screen.getByText(/7 MIG slices not judged/)).toBeTruthy();
  });

  it('edits prices with problems shown on their fields, and removes them', async () => {
    const fake = open('prices', [], {
      'gpu.prices.list': () => ok([price]),
      'gpu.prices.save': ({ prices }) => ok([price, { ...prices[0], gpuProduct: prices[0].gpuProduct.trim(), gpuHourUsd: prices[0].hourlyUsd / prices[0].gpus, source: 'user', updatedAt: '2026-12-04T12:00:00Z' }]),
      'gpu.prices.remove': () => ok([]),
    });
    const table = await screen.findByRole('table', { name: 'GPU prices' });
    expect(within(table).getByText('$12.29')).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Add price' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Instance type' }), 'p5.48xlarge');
    await userEvent.type(screen.getByRole('textbox', { name: 'GPUs' }), 'eight');
    await userEvent.type(screen.getByRole('textbox', { name: 'USD per hour' }), '-3');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByText('p5.48xlarge is in the table already: edit that row')).toBeTruthy();
    expect(screen.getByText('Type the GPU product, e.g. NVIDIA-H100-80GB-HBM3')).toBeTruthy();
    expect(screen.getByText('GPUs are a whole number such as 8')).toBeTruthy();
    expect(screen.getByText('A price is a number of dollars such as 98.32')).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'GPUs' }).getAttribute('aria-invalid')).toBe('true');
    expect(fake.method('gpu.prices.save')).not.toHaveBeenCalled();

    const type = async (name: string, text: string) => {
      await userEvent.clear(screen.getByRole('textbox', { name }));
      await userEvent.type(screen.getByRole('textbox', { name }), text);
    };
    await type('Instance type', 'g6.xlarge');
    await type('GPU product', 'NVIDIA-L4');
    await type('GPUs', '1');
    await type('USD per hour', '0.805');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(fake.method('gpu.prices.save')).toHaveBeenCalledWith({ prices: [{ instanceType: 'g6.xlarge', gpuProduct: 'NVIDIA-L4', gpus: 1, hourlyUsd: 0.805 }] });
    expect(await within(table).findByText('g6.xlarge')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Instance type' })).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Remove the price of p5.48xlarge' }));
    expect(fake.method('gpu.prices.remove')).toHaveBeenCalledWith({ instanceTypes: ['p5.48xlarge'] });
    expect(await screen.findByText(/The table is empty/)).toBeTruthy();

    // Another window resets the table: this one reads it again.
    fake.handle('gpu.prices.list', () => ok([price]));
    act(() => fake.emit('gpu.pricesChanged', {}));
    expect(await within(table).findByText('p5.48xlarge')).toBeTruthy();
  });

  it('says why this machine shows no GPUs, and switches tabs by letter', async () => {
    open('prices', [], { 'gpu.prices.list': () => ok([]), 'gpu.local': () => ok({ available: false, reason: 'nvidia-smi is not installed on this machine' }) });
    await screen.findByRole('table', { name: 'GPU prices' });
    act(() => document.body.focus());
    fireEvent.keyDown(document.body, { key: 'm' });
    expect(await screen.findByText('nvidia-smi is not installed on this machine')).toBeTruthy();
    expect(screen.getByRole('tab', { name: /This machine/ }).getAttribute('aria-selected')).toBe('true');
  });
});
