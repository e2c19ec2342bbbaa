import { Suspense, lazy, useMemo, useState } from 'react';
import { DEFAULT_TEAM_LABEL, GpuCostGroupBy, GpuLabelKey, SPEND_REQUEST_PRICE_USD, type ConnectionSummary, type GpuCost } from '../../../../shared/contract';
import { CsvButton } from '../../shell/charts/CsvButton';
import { describeError } from '../../shell/errorActions';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { readSetting, writeSetting } from '../../shell/storage';
import { useQuery } from '../../ui/useQuery';
import { useConnections } from '../connections/connectionsStore';
import { formatMoney, rangeOf, requestsLabel } from '../spend/spendView';
import { costChartData, costSummary, DAY_CSV_COLUMNS, dayRows, formatCost, formatGpuHours, groupCsvColumns, groupName } from './costView';
import { usePricesVersion } from './usePricesVersion';
import './cost.css';

const RANGE_KEY = 'pilothouse.gpus.costRange';
const GROUP_KEY = 'pilothouse.gpus.costGroupBy';
const AWS_KEY = 'pilothouse.gpus.costAws';
/** The team label the Inventory tab was last given, so both tabs name the same teams. */
const TEAM_LABEL_KEY = 'pilothouse.gpus.teamLabel';

const RANGES = [
  { id: 'last7', label: 'Last 7 days' },
  { id: 'last30', label: 'Last 30 days' },
] as const;
type CostRange = (typeof RANGES)[number]['id'];

// uPlot is loaded with the first chart drawn (see the Spend page).
const TimeSeriesChart = lazy(() => import('../../shell/charts/TimeSeriesChart').then((m) => ({ default: m.TimeSeriesChart })));

const storedTeamLabel = (): string => {
  const parsed = GpuLabelKey.safeParse(readSetting(TEAM_LABEL_KEY) ?? DEFAULT_TEAM_LABEL);
  return parsed.success ? parsed.data : DEFAULT_TEAM_LABEL;
};

/**
 * What the GPUs pods held cost, per namespace or team and day: GPU-hours
 * allocated (dcgm-exporter's pod labels) × the price table's GPU-hour rate,
 * beside what Cost Explorer billed for EC2 GPU instances on those days when
 * an AWS account is chosen.
 */
export function CostView({ cluster, prometheus }: { cluster: ConnectionSummary; prometheus: ConnectionSummary }) {
  const connections = useConnections((s) => s.connections);
  const accounts = useMemo(() => connections.filter((c) => c.kind === 'aws'), [connections]);
  const [range, setRange] = useState<CostRange>(() => RANGES.find((r) => r.id === readSetting(RANGE_KEY))?.id ?? 'last7');
  const [groupBy, setGroupBy] = useState<GpuCostGroupBy>(() => GpuCostGroupBy.options.find((g) => g === readSetting(GROUP_KEY)) ?? 'namespace');
  const [awsId, setAwsId] = useState(() => readSetting(AWS_KEY) ?? '');
  const [teamLabel] = useState(storedTeamLabel);
  // A stored account that has since been deleted asks nothing.
  const account = accounts.find((a) => a.id === awsId);
  const days = rangeOf(range, new Date().toISOString().slice(0, 10));
  const params = { clusterConnectionId: cluster.id, prometheusConnectionId: prometheus.id, ...days, groupBy, teamLabel, ...(account ? { awsConnectionId: account.id } : {}) };
  const query = useQuery('gpu.cost', params, { keepPrevious: true, refreshKey: String(usePricesVersion()) });
  const cost = query.value;

  return (
    <div className="gpu-view">
      <div className="page-header gpu-controls">
        <div className="gpu-fields">
          <div role="group" aria-label="Days" className="gpu-range">
            {RANGES.map((r) => (
              <button
                key={r.id}
                type="button"
                aria-pressed={range === r.id}
                onClick={() => {
                  setRange(r.id);
                  writeSetting(RANGE_KEY, r.id);
                }}
              >
                {r.label}
              </button>
            ))}
          </div>
          <label className="field inline">
            <span>Per</span>
            <select
              value={groupBy}
              onChange={(e) => {
                const next = GpuCostGroupBy.parse(e.target.value);
                setGroupBy(next);
                writeSetting(GROUP_KEY, next);
              }}
            >
              <option value="namespace">Namespace</option>
              <option value="team">Team (label {teamLabel})</option>
            </select>
          </label>
          <label className="field inline">
            <span>EC2 GPU bill from</span>
            <select
              value={account?.id ?? ''}
              onChange={(e) => {
                setAwsId(e.target.value);
                writeSetting(AWS_KEY, e.target.value || null);
              }}
              title={`Cost Explorer bills $${SPEND_REQUEST_PRICE_USD.toFixed(2)} per request; answers are cached`}
            >
              <option value="">No AWS account</option>
              {accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="page-header-actions">
          <button type="button" onClick={query.refetch} disabled={query.loading}>
            {query.loading ? 'Reading…' : 'Refresh'}
          </button>
        </div>
      </div>
      {query.error !== undefined && <ErrorNotice error={describeError(query.error)} />}
      {!cost && query.loading && <p className="muted">Asking Prometheus{account ? ' and Cost Explorer' : ''}…</p>}
      {cost && <CostAnswer cost={cost} clusterName={cluster.name} current={!query.loading} />}
    </div>
  );
}

function BillStatus({ cost }: { cost: GpuCost }) {
  const bill = cost.bill;
  if (bill?.status !== 'answered') return null;
  const { thisQuery, today } = bill.billableRequests;
  return (
    <span className="gpu-cost-status">
      <span className="badge" title={`Cost Explorer bills $${SPEND_REQUEST_PRICE_USD.toFixed(2)} per request. This account: ${today} today (UTC).`}>
        {requestsLabel(thisQuery)} this load · {today.toLocaleString()} today
      </span>
      {bill.stale ? (
        <span className="badge gpu-cost-stale" title={bill.staleReason}>
          stale bill, from {new Date(bill.fetchedAt).toLocaleString()}
        </span>
      ) : (
        bill.fromCache && (
          <span className="badge gpu-cost-cached" title={`Answered from the cache; Cost Explorer was asked at ${new Date(bill.fetchedAt).toLocaleString()}`}>
            cached bill
          </span>
        )
      )}
    </span>
  );
}

function CostAnswer({ cost, clusterName, current }: { cost: GpuCost; clusterName: string; current: boolean }) {
  const data = useMemo(() => costChartData(cost), [cost]);
  const days = useMemo(() => dayRows(cost), [cost]);
  const groupColumns = useMemo(() => groupCsvColumns(cost), [cost]);
  const per = cost.groupBy === 'team' ? 'team' : 'namespace';
  const title = `GPU cost per ${per} on ${clusterName}`;
  const hasBill = cost.bill?.status === 'answered';
  return (
    <div className={current ? 'gpu-cost' : 'gpu-cost gpu-cost-previous'} aria-busy={!current}>
      <p className="gpu-totals" aria-live="polite">
        {costSummary(cost)} <BillStatus cost={cost} />
      </p>
      {cost.podAccess.status === 'forbidden' && (
        <p className="notice gpu-notice-warn" role="status">
          Pods could not be listed, so teams come from namespace labels only: {cost.podAccess.message}
        </p>
      )}
      {cost.bill?.status === 'failed' && (
        <p className="notice gpu-notice-warn" role="status">
          No EC2 GPU bill: {cost.bill.message}
        </p>
      )}
      <p className="muted">
        GPU-hours are the GPUs dcgm-exporter saw a pod holding, every {Math.round(cost.resolutionSeconds / 60)} min, by UTC day; MIG slices are not counted.
        {cost.pricedAs.length > 0 && ` Priced as ${cost.pricedAs.map((p) => `${p.basis} (${formatMoney(p.gpuHourUsd, 'USD')}/GPU-hour)`).join(', ')}.`}
        {cost.total.unpricedGpuHours > 0 && ' GPU-hours with no price in the table are left out of the chart; add their instance type on the Prices tab.'}
      </p>
      <Suspense fallback={<p className="muted">Loading the chart…</p>}>
        <TimeSeriesChart title={title} data={data} unit="USD" format={(v) => formatMoney(v, 'USD')} mode="bars" stacked timeZone="UTC" />
      </Suspense>

      <div className="gpu-section-head">
        <h2 className="gpu-section">Per {per}</h2>
        <CsvButton title={title} columns={groupColumns} rows={cost.groups} />
      </div>
      <div className="gpu-cost-table-wrap">
        <table className="data gpu-cost-table" aria-label={title}>
          <thead>
            <tr>
              <th scope="col">{cost.groupBy === 'team' ? `Team (${cost.teamLabel})` : 'Namespace'}</th>
              <th scope="col" className="num">
                GPU-hours
              </th>
              <th scope="col" className="num">
                Cost
              </th>
            </tr>
          </thead>
          <tbody>
            {cost.groups.map((g) => (
              <tr key={g.group ?? ''}>
                <th scope="row">{groupName(g.group, cost.teamLabel)}</th>
                <td className="num">{formatGpuHours(g.gpuHours)}</td>
                <td className="num" title={g.unpricedGpuHours > 0 ? `${formatGpuHours(g.unpricedGpuHours)} have no price; the priced part is ${formatMoney(g.pricedCostUsd, 'USD')}` : undefined}>
                  {formatCost(g)}
                </td>
              </tr>
            ))}
            {!cost.groups.length && (
              <tr>
                <td colSpan={3} className="muted">
                  No pod held a GPU on these days.
                </td>
              </tr>
            )}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td className="num">{formatGpuHours(cost.total.gpuHours)}</td>
              <td className="num">{formatCost(cost.total)}</td>
            </tr>
          </tfoot>
        </table>
      </div>

      <div className="gpu-section-head">
        <h2 className="gpu-section">Per day</h2>
        <CsvButton title={`${title} by day`} columns={DAY_CSV_COLUMNS} rows={days} />
      </div>
      <div className="gpu-cost-table-wrap">
        <table className="data gpu-cost-table" aria-label={`${title} by day`}>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col" className="num">
                GPU-hours
              </th>
              <th scope="col" className="num">
                Allocated cost
              </th>
              {hasBill && (
                <>
                  <th scope="col" className="num">
                    EC2 GPU bill
                  </th>
                  <th scope="col" className="num">
                    Allocated
                  </th>
                </>
              )}
            </tr>
          </thead>
          <tbody>
            {days.map((r) => (
              <tr key={r.day}>
                <th scope="row">{r.day}</th>
                <td className="num">{formatGpuHours(r.amount.gpuHours)}</td>
                <td className="num">{formatCost(r.amount)}</td>
                {hasBill && (
                  <>
                    <td className="num" title={r.billEstimated ? 'Estimated: billing for this day has not closed' : undefined}>
                      {r.billUsd === null ? '–' : `${formatMoney(r.billUsd, cost.bill?.status === 'answered' ? cost.bill.unit : 'USD')}${r.billEstimated ? ' *' : ''}`}
                    </td>
                    <td className="num">{r.allocatedPct === null ? '–' : `${r.allocatedPct}%`}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td className="num">{formatGpuHours(cost.total.gpuHours)}</td>
              <td className="num">{formatCost(cost.total)}</td>
              {cost.bill?.status === 'answered' && (
                <>
                  <td className="num">{formatMoney(cost.bill.total, cost.bill.unit)}</td>
                  <td className="num">{cost.bill.allocatedPct === null ? '–' : `${cost.bill.allocatedPct}%`}</td>
                </>
              )}
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}
