import { Suspense, lazy, useMemo, useState, type FormEvent } from 'react';
import { SPEND_REQUEST_PRICE_USD, SpendTagKey, type ConnectionSummary, type SpendCosts, type SpendForecast, type SpendGranularity, type SpendGroupBy, type SpendMetric } from '../../../../shared/contract';
import { CsvButton } from '../../shell/charts/CsvButton';
import type { CsvColumn } from '../../shell/charts/csv';
import { describeError } from '../../shell/errorActions';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { useUi } from '../../shell/uiStore';
import { useNow } from '../../ui/useNow';
import { useDebouncedValue } from '../../shell/useDebouncedValue';
import { useQuery } from '../../ui/useQuery';
import { useConnections } from '../connections/connectionsStore';
import { SpendTable } from './SpendTable';
import { RANGE_PRESETS, ageLabel, chartData, csvRows, forecastRange, formatMoney, periodLabel, rangeOf, requestsLabel, tableView, type RangePreset, type SpendCsvRow } from './spendView';
import { useSpendCosts, type CostsParams } from './useSpendCosts';
import './spend.css';

type GroupChoice = 'none' | 'SERVICE' | 'LINKED_ACCOUNT' | 'INSTANCE_TYPE' | 'TAG';
const GROUP_CHOICES: { id: GroupChoice; label: string }[] = [
  { id: 'none', label: 'Nothing (totals)' },
  { id: 'SERVICE', label: 'Service' },
  { id: 'LINKED_ACCOUNT', label: 'Linked account' },
  { id: 'INSTANCE_TYPE', label: 'Instance type' },
  { id: 'TAG', label: 'Cost allocation tag…' },
];

const CSV_COLUMNS: readonly CsvColumn<SpendCsvRow>[] = [
  { title: 'Start', value: (r) => r.start },
  { title: 'End (exclusive)', value: (r) => r.end },
  { title: 'Group', value: (r) => r.group },
  { title: 'Amount', value: (r) => r.amount },
  { title: 'Unit', value: (r) => r.unit },
  { title: 'Estimated', value: (r) => r.estimated },
];

// uPlot is loaded with the first chart drawn, not with the app: it reads the window (matchMedia) as it loads.
const TimeSeriesChart = lazy(() => import('../../shell/charts/TimeSeriesChart').then((m) => ({ default: m.TimeSeriesChart })));

const todayUtc = () => new Date().toISOString().slice(0, 10);

/**
 * How long the settings must rest before they are asked: each query not in
 * the cache is billed, and arrowing through a closed select changes it once
 * per option passed.
 */
export const SETTLE_MS = 600;

/** "by service", "by tag team", or nothing when not grouped. */
const groupLabelOf = (groupBy: SpendGroupBy | undefined) => (groupBy ? (groupBy.type === 'TAG' ? `tag ${groupBy.key}` : GROUP_CHOICES.find((g) => g.id === groupBy.key)!.label.toLowerCase()) : undefined);

/** The settings an answer was asked with, in words: "1 Nov – 30 Nov 2026, daily, unblended, by service, EC2 GPU instances only". */
function settingsLabel(params: CostsParams): string {
  const group = groupLabelOf(params.groupBy);
  return [
    periodLabel(params.start, params.end, 'DAILY'),
    params.granularity === 'MONTHLY' ? 'monthly' : 'daily',
    params.metric === 'AmortizedCost' ? 'amortized' : 'unblended',
    group ? `by ${group}` : 'totals',
    ...(params.filter === 'ec2-gpu' ? ['EC2 GPU instances only'] : []),
  ].join(', ');
}

/** The Spend page: what an AWS account costs, from Cost Explorer, every billed request counted. */
export function SpendPage() {
  const connections = useConnections((s) => s.connections);
  const status = useConnections((s) => s.status);
  const selectedId = useConnections((s) => s.selectedId);
  const accounts = useMemo(() => connections.filter((c) => c.kind === 'aws'), [connections]);
  const [chosenId, setChosenId] = useState<string>();
  // The switcher's connection when it is an AWS account, else the first account.
  const account = accounts.find((c) => c.id === chosenId) ?? accounts.find((c) => c.id === selectedId) ?? accounts[0];

  if (status === 'ready' && !accounts.length) return <NoAccount />;
  return (
    <section className="page-body spend-page" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Spend</h1>
        {accounts.length > 0 && (
          <label className="field inline">
            <span>AWS account</span>
            <select value={account?.id ?? ''} onChange={(e) => setChosenId(e.target.value)}>
              {accounts.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {account ? <AccountSpend key={account.id} account={account} /> : <p className="muted">Loading connections…</p>}
    </section>
  );
}

function NoAccount() {
  const openDialog = useUi((s) => s.openDialog);
  return (
    <section className="page-body spend-page" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Spend</h1>
      </div>
      <div className="empty">
        <h2>Add an AWS account first</h2>
        <p>Spend reads AWS Cost Explorer with a stored AWS connection (it needs ce:GetCostAndUsage, and ce:GetCostForecast for the forecast).</p>
        <button type="button" className="primary" onClick={() => openDialog('add-aws')}>
          Add AWS account…
        </button>
      </div>
    </section>
  );
}

function AccountSpend({ account }: { account: ConnectionSummary }) {
  const [preset, setPreset] = useState<RangePreset>('last30');
  const [granularity, setGranularity] = useState<SpendGranularity>('DAILY');
  const [metric, setMetric] = useState<SpendMetric>('UnblendedCost');
  const [groupChoice, setGroupChoice] = useState<GroupChoice>('SERVICE');
  const [typedTag, setTypedTag] = useState('');
  const [tagKey, setTagKey] = useState<string>();
  const [tagError, setTagError] = useState<string>();
  const [gpuOnly, setGpuOnly] = useState(false);

  const today = todayUtc();
  const range = rangeOf(preset, today);
  const groupBy: SpendGroupBy | undefined =
    groupChoice === 'none' ? undefined : groupChoice === 'TAG' ? (tagKey ? { type: 'TAG', key: tagKey } : undefined) : { type: 'DIMENSION', key: groupChoice };
  // A tag grouping waits for its key: each query is billed, so nothing is asked per keystroke or without one.
  const waitingForTag = groupChoice === 'TAG' && !tagKey;
  const chosen: CostsParams | null = waitingForTag ? null : { connectionId: account.id, ...range, granularity, metric, ...(groupBy ? { groupBy } : {}), ...(gpuOnly ? { filter: 'ec2-gpu' } : {}) };
  const chosenKey = chosen && JSON.stringify(chosen);
  const settledKey = useDebouncedValue(chosenKey, SETTLE_MS);
  // Nothing to ask (a tag grouping without its key) needs no wait.
  const askedKey = chosenKey === null ? null : settledKey;
  const settling = askedKey !== chosenKey;
  const costs = useSpendCosts(useMemo(() => (askedKey === null ? null : (JSON.parse(askedKey) as CostsParams)), [askedKey]));
  const busy = costs.loading || settling;
  const reachesToday = range.end > today;
  // The forecast is billed too: asked once the settings rest.
  const forecastMetric = useDebouncedValue(reachesToday ? metric : null, SETTLE_MS);
  const forecast = useQuery('spend.forecast', forecastMetric ? { connectionId: account.id, ...forecastRange(today, forecastMetric) } : null);
  const requests = useQuery('spend.requests', { connectionId: account.id }, { refreshKey: `${costs.value?.fetchedAt}|${costs.value?.billableRequests.total}|${forecast.value && 'fetchedAt' in forecast.value ? forecast.value.fetchedAt : ''}|${costs.error ? 'e' : ''}` });

  const applyTag = (e: FormEvent) => {
    e.preventDefault();
    const parsed = SpendTagKey.safeParse(typedTag);
    if (!parsed.success) return setTagError(parsed.error.issues[0]?.message ?? 'Not a tag key');
    setTagError(undefined);
    setTagKey(parsed.data);
  };

  return (
    <>
      <div className="spend-controls">
        <label className="field inline">
          <span>Range</span>
          <select value={preset} onChange={(e) => setPreset(e.target.value as RangePreset)}>
            {RANGE_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Buckets</span>
          <select value={granularity} onChange={(e) => setGranularity(e.target.value as SpendGranularity)}>
            <option value="DAILY">Daily</option>
            <option value="MONTHLY">Monthly</option>
          </select>
        </label>
        <label className="field inline">
          <span>Cost</span>
          <select value={metric} onChange={(e) => setMetric(e.target.value as SpendMetric)} title="Amortized spreads upfront reservation and Savings Plans fees over their term">
            <option value="UnblendedCost">Unblended</option>
            <option value="AmortizedCost">Amortized</option>
          </select>
        </label>
        <label className="field inline">
          <span>Group by</span>
          <select value={groupChoice} onChange={(e) => setGroupChoice(e.target.value as GroupChoice)}>
            {GROUP_CHOICES.map((g) => (
              <option key={g.id} value={g.id}>
                {g.label}
              </option>
            ))}
          </select>
        </label>
        {groupChoice === 'TAG' && (
          <form className="spend-tag" onSubmit={applyTag}>
            <label className="field inline">
              <span>Tag key</span>
              <input value={typedTag} onChange={(e) => setTypedTag(e.target.value)} placeholder="team" aria-invalid={tagError ? true : undefined} aria-describedby={tagError ? 'spend-tag-error' : undefined} />
            </label>
            <button type="submit">Apply</button>
            {tagError && (
              <span id="spend-tag-error" className="field-error" role="alert">
                {tagError}
              </span>
            )}
          </form>
        )}
        <label className="field inline checkbox">
          <input type="checkbox" checked={gpuOnly} onChange={(e) => setGpuOnly(e.target.checked)} />
          <span>EC2 GPU instances only</span>
        </label>
        <p className="muted spend-billed-note">Settings not asked before are a new Cost Explorer query, billed ${SPEND_REQUEST_PRICE_USD.toFixed(2)} per request; asked once the settings rest.</p>
      </div>

      <div className="spend-status">
        <span className="muted">{periodLabel(range.start, range.end, 'DAILY')}</span>
        <span className="badge spend-requests" title={requestsTitle(requests.value)}>
          {requests.value ? requestsLabel(requests.value.thisMonth) : '… requests'}
        </span>
        {costs.value && costs.answersCurrent && <Freshness costs={costs.value} />}
        <button type="button" onClick={costs.refresh} disabled={busy || waitingForTag} title={`Ask Cost Explorer again now, past the cache: billed $${SPEND_REQUEST_PRICE_USD.toFixed(2)} per request, one per page of the answer`}>
          {busy ? 'Loading…' : 'Refresh'}
        </button>
      </div>

      {costs.error !== undefined && <ErrorNotice error={{ ...describeError(costs.error), action: { label: 'Try again', run: costs.refresh } }} />}
      {waitingForTag && <p className="muted">Type a cost allocation tag key and press Apply: each query is a billed request.</p>}
      {reachesToday && <ForecastLine forecast={forecast.value} error={forecast.error} />}
      {costs.value && costs.valueParams && <CostsView costs={costs.value} params={costs.valueParams} previous={!costs.answersCurrent || settling} busy={busy} />}
    </>
  );
}

function requestsTitle(counts: { today: number; thisMonth: number; total: number } | undefined): string {
  if (!counts) return 'Counting billable Cost Explorer requests…';
  return `Cost Explorer bills $${SPEND_REQUEST_PRICE_USD.toFixed(2)} per request. This account: ${counts.today} today, ${counts.thisMonth} this month, ${counts.total} in all (UTC).`;
}

/** "cached 2 h ago", or "stale — offline" with why, or that throttled requests were retried. */
function Freshness({ costs }: { costs: SpendCosts }) {
  const now = useNow();
  const age = ageLabel(costs.fetchedAt, now);
  const fetched = new Date(costs.fetchedAt).toLocaleString();
  if (costs.stale) {
    return (
      <span className="badge spend-stale" title={`${costs.staleReason ?? 'Cost Explorer could not be asked'}. Showing the answer from ${fetched}.`}>
        stale — {costs.staleBecause ?? 'offline'} · {age}
      </span>
    );
  }
  return (
    <>
      {costs.fromCache && (
        <span className="badge spend-cached" title={`Answered from the cache (no request); Cost Explorer was asked at ${fetched}`}>
          cached {age}
        </span>
      )}
      {costs.throttledRetries > 0 && (
        <span className="muted" role="status">
          Cost Explorer throttled; retried {costs.throttledRetries} {costs.throttledRetries === 1 ? 'time' : 'times'} after backing off
        </span>
      )}
    </>
  );
}

function ForecastLine({ forecast, error }: { forecast: SpendForecast | undefined; error: unknown }) {
  if (error !== undefined) return <p className="muted spend-forecast">Forecast: {describeError(error).message}</p>;
  if (!forecast) return <p className="muted spend-forecast">Forecast: loading…</p>;
  if ('unavailable' in forecast) return <p className="muted spend-forecast">Forecast unavailable: {forecast.unavailable}</p>;
  const { total, unit, predictionIntervalLevel } = forecast;
  return (
    <p className="spend-forecast">
      Forecast for the rest of this month: <strong>{formatMoney(total.mean, unit)}</strong>
      {total.lower !== undefined && total.upper !== undefined && (
        <span className="muted">
          {' '}
          ({predictionIntervalLevel}% interval {formatMoney(total.lower, unit)} – {formatMoney(total.upper, unit)})
        </span>
      )}
    </p>
  );
}

/**
 * The figures of one answer, labelled with the settings it answers (`params`),
 * not the ones chosen since: when `previous`, dimmed as "previous settings"
 * (busy while the new ones load, and still after they failed).
 */
function CostsView({ costs, params, previous, busy }: { costs: SpendCosts; params: CostsParams; previous: boolean; busy: boolean }) {
  const groupLabel = groupLabelOf(params.groupBy);
  const view = useMemo(() => tableView(costs), [costs]);
  const data = useMemo(() => chartData(view), [view]);
  const rows = useMemo(() => csvRows(costs), [costs]);
  const total = view.rows.reduce((sum, r) => sum + r.total, 0);
  const title = groupLabel ? `Spend by ${groupLabel}` : 'Spend';
  if (!costs.periods.length) return <p className="empty">Cost Explorer has no costs for this range.</p>;
  return (
    <div className={previous ? 'spend-costs spend-previous' : 'spend-costs'} aria-busy={busy}>
      {previous && <p className="muted spend-previous-note">{busy ? 'Loading the new settings; below, the previous settings' : 'The new settings could not be loaded; below, the previous settings'}: {settingsLabel(params)}.</p>}
      <p>
        Total <strong>{formatMoney(total, costs.unit)}</strong>
        {view.rows.some((r) => r.estimated) && <span className="muted"> (figures marked * are estimated: billing for those days has not closed)</span>}
      </p>
      <Suspense fallback={<p className="muted">Loading the chart…</p>}>
        <TimeSeriesChart title={title} data={data} unit={costs.unit} format={(v) => formatMoney(v, costs.unit)} mode="bars" stacked timeZone="UTC" />
      </Suspense>
      <div className="spend-table-header">
        <CsvButton title={title} columns={CSV_COLUMNS} rows={rows} />
      </div>
      <SpendTable view={view} unit={costs.unit} granularity={params.granularity} title={title} />
    </div>
  );
}
