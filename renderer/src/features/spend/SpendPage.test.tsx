import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpendCosts, SpendForecast } from '../../../../shared/contract';
import type { TimeSeriesChartProps } from '../../shell/charts/TimeSeriesChart';
import { awsConnection, createFakeBridge, fail, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';
import { rangeOf } from './spendView';

// jsdom has no canvas: the chart is replaced by a recorder of what the page asks it to draw.
const { charts, saved } = vi.hoisted(() => ({ charts: [] as TimeSeriesChartProps[], saved: [] as { name: string; blob: Blob }[] }));
vi.mock('../../shell/charts/TimeSeriesChart', () => ({
  TimeSeriesChart: (props: TimeSeriesChartProps) => {
    charts.push(props);
    return <figure aria-label={`Chart: ${props.title}`} />;
  },
}));
vi.mock('../../shell/charts/download', async (original) => ({
  ...(await original<typeof import('../../shell/charts/download')>()),
  saveBlob: (name: string, blob: Blob) => saved.push({ name, blob }),
}));

const NOW = Date.parse('2026-12-04T12:00:00Z');
const today = '2026-12-04';

function costs(overrides: Partial<SpendCosts> = {}): SpendCosts {
  return {
    periods: [
      { start: '2026-12-02', end: '2026-12-03', total: 130, estimated: false, groups: [{ keys: ['Amazon Elastic Compute Cloud - Compute'], amount: 100 }, { keys: ['Amazon Simple Storage Service'], amount: 30 }] },
      { start: '2026-12-03', end: '2026-12-04', total: 85, estimated: true, groups: [{ keys: ['Amazon Elastic Compute Cloud - Compute'], amount: 80 }, { keys: ['=HYPERLINK("x")'], amount: 5 }] },
    ],
    unit: 'USD',
    fetchedAt: new Date(NOW).toISOString(),
    stale: false,
    fromCache: false,
    throttledRetries: 0,
    billableRequests: { thisQuery: 1, today: 3, total: 7 },
    ...overrides,
  };
}

const forecast: SpendForecast = {
  unit: 'USD',
  predictionIntervalLevel: 80,
  total: { mean: 4321.5, lower: 4000, upper: 4700 },
  periods: [{ start: today, end: '2027-01-01', mean: 4321.5, lower: 4000, upper: 4700 }],
  fetchedAt: new Date(NOW).toISOString(),
  fromCache: false,
};

function setup(handlers: Parameters<typeof createFakeBridge>[0] = {}, connections = [kubeConnection(), awsConnection(), awsConnection({ id: 'a-research', name: 'research' })]) {
  const fake = createFakeBridge({
    'connections.list': () => ok(connections),
    'spend.costs': () => ok(costs()),
    'spend.forecast': () => ok(forecast),
    'spend.requests': () => ok({ today: 3, thisMonth: 12, total: 40, pricePerRequestUsd: 0.01 }),
    ...handlers,
  });
  return renderApp(fake, '#/spend');
}

/** Waits past the settings' debounce (SpendPage's SETTLE_MS) on a busy machine. */
const SETTLED = { timeout: 4000 };

const costCalls = (fake: ReturnType<typeof createFakeBridge>) => fake.method('spend.costs').mock.calls.map((c) => c[0] as Record<string, unknown>);

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
  charts.length = 0;
  saved.length = 0;
});
afterEach(() => vi.useRealTimers());

describe('spend page', () => {
  it('asks nothing without an AWS account and offers to add one', async () => {
    const user = userEvent.setup();
    const { fake } = setup({}, [kubeConnection()]);
    expect(await screen.findByRole('heading', { name: 'Add an AWS account first' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Add AWS account…' }));
    expect(await screen.findByRole('dialog')).toBeTruthy();
    expect(fake.method('spend.costs')).not.toHaveBeenCalled();
  });

  it('loads the last 30 days by service for the first AWS account, as a stacked bar chart and a table, with requests and forecast', async () => {
    const { fake } = setup();
    const table = await screen.findByRole('table', { name: 'Spend by service' });
    expect(costCalls(fake)).toEqual([{ connectionId: 'a-ml', ...rangeOf('last30', today), granularity: 'DAILY', metric: 'UnblendedCost', groupBy: { type: 'DIMENSION', key: 'SERVICE' } }]);
    expect(rangeOf('last30', today)).toEqual({ start: '2026-11-05', end: '2026-12-05' });

    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['Period', 'Amazon Elastic Compute Cloud - Compute', 'Amazon Simple Storage Service', '=HYPERLINK("x")', 'Total']);
    const rows = within(table).getAllByRole('row');
    expect(rows[1].textContent).toContain('$100.00');
    expect(rows[2].textContent).toMatch(/\*/);
    expect(rows.at(-1)!.textContent).toContain('$215.00');

    await screen.findByLabelText('Chart: Spend by service');
    const chart = charts.at(-1)!;
    expect(chart).toMatchObject({ title: 'Spend by service', mode: 'bars', stacked: true, unit: 'USD', timeZone: 'UTC' });
    expect(chart.data.times).toEqual([Date.parse('2026-12-02T00:00:00Z') / 1000, Date.parse('2026-12-03T00:00:00Z') / 1000]);
    expect(chart.data.series.map((s) => [s.label, s.values])).toEqual([
      ['Amazon Elastic Compute Cloud - Compute', [100, 80]],
      ['Amazon Simple Storage Service', [30, 0]],
      ['=HYPERLINK("x")', [0, 5]],
    ]);

    expect((await screen.findByText('12 requests · $0.12')).getAttribute('title')).toMatch(/3 today, 12 this month, 40 in all/);
    expect(fake.method('spend.forecast')).toHaveBeenCalledWith({ connectionId: 'a-ml', start: today, end: '2027-01-01', granularity: 'MONTHLY', metric: 'UnblendedCost' });
    expect((await screen.findByText(/Forecast for the rest of this month/)).textContent).toMatch(/\$4,321\.50.*80% interval \$4,000\.00 – \$4,700\.00/);
    // Not from the cache: no badge.
    expect(screen.queryByText(/^cached/)).toBeNull();
  });

  it('uses the switcher’s connection when it is an AWS account, and the picker changes account', async () => {
    const user = userEvent.setup();
    localStorage.setItem('pilothouse.connection', 'a-research');
    const { fake } = setup();
    useConnections.setState({ selectedId: 'a-research' });
    await waitFor(() => expect(costCalls(fake).at(-1)?.connectionId).toBe('a-research'));
    await user.selectOptions(screen.getByRole('combobox', { name: 'AWS account' }), 'ml-prod');
    await waitFor(() => expect(costCalls(fake).at(-1)?.connectionId).toBe('a-ml'));
    expect(within(screen.getByRole('combobox', { name: 'AWS account' })).getAllByRole('option').map((o) => o.textContent)).toEqual(['ml-prod', 'research']);
  });

  it('asks again with each range, bucket, metric, grouping and the GPU filter', async () => {
    const user = userEvent.setup();
    const { fake } = setup();
    await screen.findByRole('table');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Range' }), 'Last 3 months');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Buckets' }), 'Monthly');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Cost' }), 'Amortized');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Group by' }), 'Instance type');
    await user.click(screen.getByRole('checkbox', { name: 'EC2 GPU instances only' }));
    await waitFor(
      () => expect(costCalls(fake).at(-1)).toEqual({ connectionId: 'a-ml', start: '2026-09-01', end: '2026-12-01', granularity: 'MONTHLY', metric: 'AmortizedCost', groupBy: { type: 'DIMENSION', key: 'INSTANCE_TYPE' }, filter: 'ec2-gpu' }),
      SETTLED,
    );
    // A range that ends before today has no forecast.
    expect(screen.queryByText(/Forecast/)).toBeNull();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Group by' }), 'Nothing (totals)');
    await waitFor(() => expect(costCalls(fake).at(-1)?.groupBy).toBeUndefined(), SETTLED);
  });

  it('groups by a typed tag key only when applied, and refuses a key Cost Explorer could not take', async () => {
    const user = userEvent.setup();
    const { fake } = setup();
    await screen.findByRole('table');
    const before = costCalls(fake).length;
    await user.selectOptions(screen.getByRole('combobox', { name: 'Group by' }), 'Cost allocation tag…');
    const input = screen.getByRole('textbox', { name: 'Tag key' });
    await user.type(input, 'te');
    expect(costCalls(fake)).toHaveLength(before);
    expect(screen.getByRole('button', { name: 'Refresh' })).toHaveProperty('disabled', true);
    await user.clear(input);
    await user.type(input, '   ');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByRole('alert').textContent).toBe('Type a tag key');
    await user.clear(input);
    await user.type(input, 'k'.repeat(129));
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByRole('alert').textContent).toMatch(/at most 128/);
    expect(costCalls(fake)).toHaveLength(before);
    await user.clear(input);
    await user.type(input, ' team ');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(costCalls(fake).at(-1)?.groupBy).toEqual({ type: 'TAG', key: 'team' }), SETTLED);
    expect(costCalls(fake)).toHaveLength(before + 1);
    expect(await screen.findByRole('table', { name: 'Spend by tag team' }, SETTLED)).toBeTruthy();
  });

  it('shows an answer from the cache with its age, and a stale one as offline with why', async () => {
    const { fake } = setup({ 'spend.costs': () => ok(costs({ fromCache: true, fetchedAt: new Date(NOW - 2 * 3_600_000 - 60_000).toISOString() })) });
    expect(await screen.findByText('cached 2 h ago')).toBeTruthy();
    fake.handle('spend.costs', () => ok(costs({ stale: true, staleBecause: 'offline', fromCache: true, staleReason: 'Cannot reach Cost Explorer: getaddrinfo ENOTFOUND ce.us-east-1.amazonaws.com', fetchedAt: new Date(NOW - 3 * 86_400_000).toISOString() })));
    await userEvent.setup().selectOptions(screen.getByRole('combobox', { name: 'Cost' }), 'Amortized');
    const stale = await screen.findByText(/^stale — offline/, {}, SETTLED);
    expect(stale.textContent).toBe('stale — offline · 3 days ago');
    expect(stale.getAttribute('title')).toMatch(/ENOTFOUND/);
    fake.handle('spend.costs', () => ok(costs({ stale: true, staleBecause: 'throttled', fromCache: true, staleReason: 'Cost Explorer is throttling requests: 5 tries over 11.3 s were all refused', fetchedAt: new Date(NOW).toISOString() })));
    await userEvent.setup().selectOptions(screen.getByRole('combobox', { name: 'Buckets' }), 'Monthly');
    expect(await screen.findByText(/^stale — throttled/, {}, SETTLED)).toBeTruthy();
  });

  it('asks once for settings changed in quick succession, and says a new query is billed', async () => {
    const user = userEvent.setup();
    const { fake } = setup();
    await screen.findByRole('table');
    expect(screen.getByText(/not asked before are a new Cost Explorer query, billed \$0\.01 per request/)).toBeTruthy();
    // Arrowing through a closed select changes it once per option passed.
    const range = screen.getByRole('combobox', { name: 'Range' });
    for (const label of ['Last 90 days', 'This month', 'Last 3 months', 'Last 7 days']) await user.selectOptions(range, label);
    expect(screen.getByRole('button', { name: 'Loading…' })).toBeTruthy();
    await waitFor(() => expect(costCalls(fake)).toHaveLength(2), SETTLED);
    expect(costCalls(fake)[1]).toMatchObject(rangeOf('last7', today));
    await new Promise((r) => setTimeout(r, 800));
    expect(costCalls(fake)).toHaveLength(2);
    // The forecast is billed too: one ask for the metric the settings rest on.
    const cost = screen.getByRole('combobox', { name: 'Cost' });
    for (const label of ['Amortized', 'Unblended', 'Amortized']) await user.selectOptions(cost, label);
    await waitFor(() => expect(fake.method('spend.forecast')).toHaveBeenLastCalledWith(expect.objectContaining({ metric: 'AmortizedCost' })), SETTLED);
    expect(fake.method('spend.forecast')).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(costCalls(fake)).toHaveLength(3), SETTLED);
  });

  it('labels the figures with the settings they answer, and marks them as previous after the new ones fail', async () => {
    const user = userEvent.setup();
    const { fake } = setup();
    await screen.findByRole('table', { name: 'Spend by service' });
    fake.handle('spend.costs', () => fail('UNREACHABLE', 'Cost Explorer did not answer'));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Group by' }), 'Linked account');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Buckets' }), 'Monthly');
    expect(await screen.findByText(/Cost Explorer did not answer/, {}, SETTLED)).toBeTruthy();
    // The service figures stay labelled by service and by day, and say they are the previous settings; nothing is loading.
    expect(screen.getByRole('table', { name: 'Spend by service' })).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Spend by linked account' })).toBeNull();
    expect(screen.getByText(/could not be loaded; below, the previous settings: .*daily, unblended, by service\./)).toBeTruthy();
    expect(screen.getByText(/previous settings/).closest('.spend-costs')!.getAttribute('aria-busy')).toBe('false');
    expect(charts.at(-1)!.title).toBe('Spend by service');
    fake.handle('spend.costs', () => ok(costs()));
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: 'Spend by linked account' })).toBeTruthy();
    expect(screen.queryByText(/previous settings/)).toBeNull();
  });

  it('says when throttled requests were retried', async () => {
    setup({ 'spend.costs': () => ok(costs({ throttledRetries: 2 })) });
    expect((await screen.findByRole('status')).textContent).toBe('Cost Explorer throttled; retried 2 times after backing off');
  });

  it('Refresh says it is billed and asks past the cache once', async () => {
    const user = userEvent.setup();
    const { fake } = setup({ 'spend.costs': () => ok(costs({ fromCache: true })) });
    await screen.findByText('cached just now');
    const refresh = screen.getByRole('button', { name: 'Refresh' });
    expect(refresh.getAttribute('title')).toMatch(/billed \$0\.01 per request/);
    fake.handle('spend.costs', () => ok(costs({ billableRequests: { thisQuery: 1, today: 4, total: 8 } })));
    await user.click(refresh);
    await waitFor(() => expect(screen.queryByText(/^cached/)).toBeNull());
    expect(costCalls(fake)).toHaveLength(2);
    expect(costCalls(fake)[1]).toMatchObject({ refresh: true, connectionId: 'a-ml' });
    // The request count is asked again after an answer.
    await waitFor(() => expect(fake.method('spend.requests').mock.calls.length).toBeGreaterThan(1));
  });

  it('shows a failure with its fix and tries again', async () => {
    const user = userEvent.setup();
    const { fake } = setup({ 'spend.costs': () => fail('FORBIDDEN', 'This identity may not call ce:GetCostAndUsage') });
    expect((await screen.findByRole('alert')).textContent).toMatch(/may not call ce:GetCostAndUsage/);
    fake.handle('spend.costs', () => ok(costs()));
    await user.click(within(screen.getByRole('alert')).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table')).toBeTruthy();
  });

  it('says why there is no forecast', async () => {
    setup({ 'spend.forecast': () => ok({ unavailable: 'Cost Explorer has too little history for this account to forecast' }) });
    expect((await screen.findByText(/^Forecast unavailable/)).textContent).toBe('Forecast unavailable: Cost Explorer has too little history for this account to forecast');
  });

  it('exports every group of every period as CSV, formulas defused', async () => {
    const user = userEvent.setup();
    setup();
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Export Spend by service as CSV' }));
    expect(saved).toHaveLength(1);
    expect(saved[0].name).toMatch(/^Spend-by-service.*\.csv$/);
    const text = await saved[0].blob.text();
    expect(text.replace(/^\uFEFF/, '').split('\r\n')).toEqual([
      'Start,End (exclusive),Group,Amount,Unit,Estimated',
      '2026-12-02,2026-12-03,Amazon Elastic Compute Cloud - Compute,100,USD,false',
      '2026-12-02,2026-12-03,Amazon Simple Storage Service,30,USD,false',
      '2026-12-03,2026-12-04,Amazon Elastic Compute Cloud - Compute,80,USD,true',
      `2026-12-03,2026-12-04,"'=HYPERLINK(""x"")",5,USD,true`,
      '',
    ]);
  });

  it('an empty answer says so', async () => {
    setup({ 'spend.costs': () => ok(costs({ periods: [] })) });
    expect(await screen.findByText('Cost Explorer has no costs for this range.')).toBeTruthy();
  });
});
