import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ConnectionSummary, GpuCost } from '../../../../shared/contract';
import { awsConnection, createFakeBridge, fail, kubeConnection, ok, type FakeBridge } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';
import { useGpus } from './gpusStore';

// uPlot needs a 2D canvas, which jsdom lacks: the chart is replaced by its title and its series (lines marked).
vi.mock('../../shell/charts/TimeSeriesChart', () => ({
  TimeSeriesChart: ({ title, data, timeZone }: { title: string; data: { series: { label: string; line?: boolean; values: (number | null)[] }[] }; timeZone?: string }) => (
    <figure aria-label={title} data-time-zone={timeZone}>{data.series.map((s) => `${s.label}${s.line ? ' (line)' : ''}: ${s.values.join('/')}`).join('; ')}</figure>
  ),
}));

const prometheus = kubeConnection({ id: 'p-prod', kind: 'prometheus', name: 'prom-eu', kube: undefined, prometheus: { url: 'https://prom.example.com', auth: 'none', clusterConnectionId: 'k-prod' } });
const aws = awsConnection();

const amount = (gpuHours: number, costUsd: number | null, unpricedGpuHours = 0) => ({ gpuHours, costUsd, pricedCostUsd: costUsd ?? 0, unpricedGpuHours });

function answer(bill: GpuCost['bill']): GpuCost {
  return {
    start: '2026-11-28',
    end: '2026-11-30',
    groupBy: 'namespace',
    teamLabel: 'team',
    days: [
      { day: '2026-11-28', groups: [{ group: 'ml-training', ...amount(192, 1519.1) }, { group: 'lab', ...amount(10, null, 10) }], total: amount(202, null, 10), billUsd: bill ? 3000 : null, billEstimated: false },
      { day: '2026-11-29', groups: [{ group: 'ml-training', ...amount(96, 759.55) }], total: amount(96, 759.55), billUsd: bill ? 2000 : null, billEstimated: true },
    ],
    groups: [
      { group: 'ml-training', ...amount(288, 2278.65) },
      { group: 'lab', ...amount(10, null, 10) },
    ],
    total: amount(298, null, 10),
    pricedAs: [{ basis: 'p5en.48xlarge', gpuHourUsd: 7.912, gpuHours: 288 }],
    bill,
    podAccess: { status: 'listed' },
    resolutionSeconds: 300,
  };
}

const billed: GpuCost['bill'] = { status: 'answered', unit: 'USD', total: 5000, allocatedPct: null, fetchedAt: '2026-11-30T10:00:00Z', fromCache: false, stale: false, billableRequests: { thisQuery: 1, today: 3, total: 9 } };

function open(connections: ConnectionSummary[], handlers: Parameters<typeof createFakeBridge>[0] = {}, settings: Record<string, string> = {}): FakeBridge {
  const fake = createFakeBridge({ 'connections.list': () => ok(connections), ...handlers });
  localStorage.clear();
  for (const [k, v] of Object.entries(settings)) localStorage.setItem(k, v);
  useGpus.setState({ tab: 'cost', picked: {}, nodeSort: { key: 'free', dir: 'desc' } });
  renderApp(fake, '#/gpus');
  act(() => useConnections.getState().select(connections[0]?.id ?? null));
  return fake;
}

describe('GPU cost tab', () => {
  it('shows GPU-hours and cost per namespace, unknown where unpriced, without asking Cost Explorer until an account is chosen', async () => {
    const fake = open([kubeConnection(), prometheus, aws], { 'gpu.cost': (p) => ok(answer((p as { awsConnectionId?: string }).awsConnectionId ? billed : null)) });
    const table = await screen.findByRole('table', { name: 'GPU cost per namespace on prod-eu' });
    expect(fake.method('gpu.cost')).toHaveBeenCalledWith(expect.objectContaining({ clusterConnectionId: 'k-prod', prometheusConnectionId: 'p-prod', groupBy: 'namespace' }));
    const first = fake.method('gpu.cost').mock.calls[0][0] as { start: string; end: string; awsConnectionId?: string };
    expect(first.awsConnectionId).toBeUndefined();
    // Last 7 days: today included, the end exclusive.
    expect((Date.parse(first.end) - Date.parse(first.start)) / 86_400_000).toBe(7);
    const rows = within(table).getAllByRole('row').map((r) => r.textContent);
    expect(rows[1]).toMatch(/ml-training.*288 GPU-h.*\$2,278\.65/);
    expect(rows[2]).toMatch(/lab.*10 GPU-h.*unknown/);
    expect(rows.at(-1)).toMatch(/Total.*298 GPU-h.*unknown/);
    expect(screen.getByText(/Allocated GPU cost unknown: 10 GPU-h of 298 GPU-h have no price/)).toBeTruthy();
    expect((await screen.findByRole('figure', { name: 'GPU cost per namespace on prod-eu' })).textContent).toBe('ml-training: 1519.1/759.55; lab: 0/0');
    // Daily UTC buckets: the chart shows UTC dates, not the local time of their midnights.
    expect(screen.getByRole('figure', { name: 'GPU cost per namespace on prod-eu' }).dataset.timeZone).toBe('UTC');

    await userEvent.selectOptions(screen.getByLabelText('EC2 GPU bill from'), 'a-ml');
    await waitFor(() => expect(fake.method('gpu.cost')).toHaveBeenLastCalledWith(expect.objectContaining({ awsConnectionId: 'a-ml' })));
    expect(await screen.findByText(/1 request · \$0\.01 this load · 3 today/)).toBeTruthy();
    expect(screen.getByRole('figure', { name: 'GPU cost per namespace on prod-eu' }).textContent).toContain('EC2 GPU bill (line): 3000/2000');
    const days = screen.getByRole('table', { name: 'GPU cost per namespace on prod-eu by day' });
    expect(within(days).getAllByRole('row')[2].textContent).toMatch(/2026-11-29.*\$759\.55.*\$2,000\.00 \*.*38%/);
  });

  it('groups by team and takes 30 days when asked', async () => {
    const fake = open([kubeConnection(), prometheus], { 'gpu.cost': (p) => ok(p.groupBy === 'team' ? { ...answer(null), groupBy: 'team', groups: [{ group: null, ...amount(5, 39.56) }] } : answer(null)) });
    await screen.findByRole('table', { name: 'GPU cost per namespace on prod-eu' });
    await userEvent.selectOptions(screen.getByLabelText('Per'), 'team');
    await userEvent.click(screen.getByRole('button', { name: 'Last 30 days' }));
    await waitFor(() => expect(fake.method('gpu.cost')).toHaveBeenLastCalledWith(expect.objectContaining({ groupBy: 'team' })));
    const last = fake.method('gpu.cost').mock.lastCall![0] as { start: string; end: string };
    expect((Date.parse(last.end) - Date.parse(last.start)) / 86_400_000).toBe(30);
    const table = await screen.findByRole('table', { name: 'GPU cost per team on prod-eu' });
    expect(within(table).getByRole('rowheader', { name: 'No team label' })).toBeTruthy();
    expect(within(table).getAllByRole('columnheader')[0].textContent).toBe('Team (team)');
  });

  it('shows why the bill is missing, and an error it cannot get past', async () => {
    const fake = open([kubeConnection(), prometheus, aws], { 'gpu.cost': () => ok(answer({ status: 'failed', code: 'UNREACHABLE', message: 'Cannot reach Cost Explorer' })) }, { 'pilothouse.gpus.costAws': 'a-ml' });
    expect(await screen.findByText(/No EC2 GPU bill: Cannot reach Cost Explorer/)).toBeTruthy();
    fake.handle('gpu.cost', () => fail('UNREACHABLE', 'Cannot reach Prometheus at https://prom.example.com'));
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText(/Cannot reach Prometheus/)).toBeTruthy();
  });
});
