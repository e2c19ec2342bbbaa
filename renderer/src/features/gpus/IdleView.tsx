import { useMemo, useState } from 'react';
import type { ConnectionSummary, GpuIdle, GpuSuggestion } from '../../../../shared/contract';
import { CsvButton } from '../../shell/charts/CsvButton';
import type { CsvColumn } from '../../shell/charts/csv';
import { describeError } from '../../shell/errorActions';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { FieldError } from '../../shell/FieldError';
import { readSetting, writeSetting } from '../../shell/storage';
import { useDebouncedValue } from '../../shell/useDebouncedValue';
import { useQuery } from '../../ui/useQuery';
import { GpuTable, type TableColumn } from './GpuTable';
import { formatUsd } from './gpuView';
import { openPod } from './InventoryView';
import { usePricesVersion } from './usePricesVersion';

const THRESHOLD_KEY = 'pilothouse.gpus.idleThreshold';
const WINDOW_KEY = 'pilothouse.gpus.idleWindow';

/** A whole or decimal number typed into a field, checked against its bounds; the problem to show under it otherwise. */
export function parseBounded(text: string, { min, max, integer, what }: { min: number; max: number; integer: boolean; what: string }): { value: number } | { problem: string } {
  const trimmed = text.trim();
  if (!trimmed) return { problem: `Type ${what}` };
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return { problem: `${what[0].toUpperCase()}${what.slice(1)} is a number such as ${integer ? min + 1 : '10'}` };
  const value = Number(trimmed);
  if (integer && !Number.isInteger(value)) return { problem: `${what[0].toUpperCase()}${what.slice(1)} is a whole number` };
  if (value < min || value > max) return { problem: `${what[0].toUpperCase()}${what.slice(1)} is between ${min} and ${max}` };
  return { value };
}

function idleColumns(clusterId: string): TableColumn<GpuIdle>[] {
  return [
    { key: 'gpu', title: 'GPU', pinned: true, width: 'minmax(180px, 1.5fr)', value: (g) => `${g.node} / GPU ${g.gpu}`, tooltip: (g) => `${g.modelName} · ${g.uuid}` },
    {
      key: 'pod',
      title: 'Pod',
      width: 'minmax(220px, 2fr)',
      value: (g) => `${g.namespace}/${g.pod}`,
      cell: (g) => (
        <button type="button" className="link" title={`Open pod ${g.namespace}/${g.pod} in the inspector`} onClick={() => openPod(clusterId, g.namespace, g.pod)}>
          {g.namespace}/{g.pod}
        </button>
      ),
    },
    { key: 'owner', title: 'Owner', width: 'minmax(150px, 1fr)', value: (g) => (g.ownerKind ? `${g.ownerKind}/${g.ownerName ?? ''}` : null) },
    { key: 'team', title: 'Team', width: '110px', value: (g) => g.team },
    { key: 'instanceType', title: 'Instance type', width: '130px', value: (g) => g.instanceType },
    { key: 'util', title: 'Avg util.', width: '90px', className: 'kind-number', value: (g) => g.avgUtilPct, cell: (g) => `${g.avgUtilPct.toFixed(1)}%` },
    { key: 'hourly', title: '$/hour', width: '90px', className: 'kind-number', value: (g) => g.hourlyUsd, cell: (g) => formatUsd(g.hourlyUsd), tooltip: (g) => (g.priceBasis ? `Priced as ${g.priceBasis}` : 'No row of the price table matches its instance type or GPU product') },
    { key: 'basis', title: 'Priced as', width: 'minmax(120px, 1fr)', value: (g) => g.priceBasis },
    { key: 'cost', title: 'Cost over window', width: '130px', className: 'kind-number', value: (g) => g.costOverWindowUsd, cell: (g) => formatUsd(g.costOverWindowUsd) },
  ];
}

const SUGGESTION_CSV: CsvColumn<GpuSuggestion>[] = [
  { title: 'Kind', value: (s) => s.kind },
  { title: 'Target', value: (s) => (s.kind === 'oversized-pod' ? `${s.namespace}/${s.pod}` : s.pool) },
  { title: 'Team', value: (s) => (s.kind === 'oversized-pod' ? s.team : null) },
  { title: 'GPUs', value: (s) => (s.kind === 'oversized-pod' ? s.held : s.gpus) },
  { title: 'USD per hour', value: (s) => (s.kind === 'oversized-pod' ? s.hourlyUsdToSave : s.hourlyUsd) },
  { title: 'Suggestion', value: (s) => s.message },
];

/**
 * GPUs that pods hold but barely use over a window, what they cost at the
 * price table's rates, who to talk to, and what to do where the data says so.
 */
export function IdleView({ cluster, prometheus }: { cluster: ConnectionSummary; prometheus: ConnectionSummary }) {
  const [thresholdText, setThresholdText] = useState(() => readSetting(THRESHOLD_KEY) ?? '10');
  const [windowText, setWindowText] = useState(() => readSetting(WINDOW_KEY) ?? '24');
  const threshold = parseBounded(useDebouncedValue(thresholdText, 400), { min: 0, max: 100, integer: false, what: 'a threshold' });
  const windowHours = parseBounded(useDebouncedValue(windowText, 400), { min: 1, max: 168, integer: true, what: 'a window in hours' });
  const valid = 'value' in threshold && 'value' in windowHours;
  const params = valid
    ? {
        clusterConnectionId: cluster.id,
        prometheusConnectionId: prometheus.id,
        thresholdPct: threshold.value,
        windowHours: windowHours.value,
        night: { fromHour: 22, toHour: 6, utcOffsetMinutes: -new Date().getTimezoneOffset() },
      }
    : null;
  const query = useQuery('gpu.idle', params, { keepPrevious: true, refreshKey: String(usePricesVersion()) });
  const report = query.value;
  const columns = useMemo(() => idleColumns(cluster.id), [cluster.id]);

  return (
    <div className="gpu-view">
      <div className="page-header gpu-controls">
        <div className="gpu-fields">
          <label className="field inline">
            <span>Idle below (%)</span>
            <input
              inputMode="decimal"
              value={thresholdText}
              size={5}
              aria-invalid={'problem' in threshold}
              aria-describedby="gpu-idle-threshold-error"
              onChange={(e) => {
                setThresholdText(e.target.value);
                writeSetting(THRESHOLD_KEY, e.target.value);
              }}
            />
          </label>
          <label className="field inline">
            <span>Over the last (hours)</span>
            <input
              inputMode="numeric"
              value={windowText}
              size={5}
              aria-invalid={'problem' in windowHours}
              aria-describedby="gpu-idle-window-error"
              onChange={(e) => {
                setWindowText(e.target.value);
                writeSetting(WINDOW_KEY, e.target.value);
              }}
            />
          </label>
        </div>
        <div className="page-header-actions">
          <button type="button" onClick={query.refetch} disabled={query.loading || !valid}>
            {query.loading ? 'Reading…' : 'Refresh'}
          </button>
        </div>
      </div>
      <FieldError id="gpu-idle-threshold-error" problem={'problem' in threshold ? threshold.problem : undefined} />
      <FieldError id="gpu-idle-window-error" problem={'problem' in windowHours ? windowHours.problem : undefined} />
      {query.error !== undefined && <ErrorNotice error={describeError(query.error)} />}
      {report?.podAccess.status === 'forbidden' && (
        <p className="notice gpu-notice-warn" role="status">
          Pods could not be listed, so owners and teams are unknown: {report.podAccess.message}
        </p>
      )}
      {report && (
        <>
          <p className="gpu-totals" aria-live="polite">
            <strong>
              {report.totals.idleGpus.toLocaleString()} of {report.totals.heldGpus.toLocaleString()} held GPUs
            </strong>{' '}
            averaged under {report.thresholdPct}% over the last {report.window.hours.toLocaleString()} h:{' '}
            <strong>{formatUsd(report.totals.hourlyUsd)}/hour</strong>, <strong>{formatUsd(report.totals.costOverWindowUsd)}</strong> over the window
            {report.totals.unpriced > 0 && <span className="muted"> (and {report.totals.unpriced.toLocaleString()} GPUs with no price in the table, not counted)</span>}.
            {!!report.totals.releasedIdleHoldings && (
              <span className="muted">
                {' '}
                Idle GPUs since given back: {report.totals.releasedIdleHoldings.toLocaleString()}
                {report.totals.releasedCostOverWindowUsd !== undefined && <>, {formatUsd(report.totals.releasedCostOverWindowUsd)} over the window</>}.
              </span>
            )}
            {!!report.totals.migHoldingsSkipped && (
              <span className="muted"> {report.totals.migHoldingsSkipped.toLocaleString()} MIG slices not judged: dcgm-exporter reports no utilisation for a MIG instance.</span>
            )}
          </p>
          {report.suggestions.length > 0 && (
            <section aria-labelledby="gpu-suggestions-title">
              <div className="gpu-section-head">
                <h2 className="gpu-section" id="gpu-suggestions-title">
                  Suggestions
                </h2>
                <CsvButton title={`GPU suggestions for ${cluster.name}`} columns={SUGGESTION_CSV} rows={report.suggestions} />
              </div>
              <ul className="gpu-suggestions">
                {report.suggestions.map((s) => (
                  <li key={s.kind === 'oversized-pod' ? `pod:${s.namespace}/${s.pod}` : `pool:${s.pool}`}>
                    <span className="badge tone-warn">{s.kind === 'oversized-pod' ? 'oversized pod' : 'idle overnight'}</span> {s.message}
                    {s.kind === 'oversized-pod' && (
                      <>
                        {' '}
                        <button type="button" className="link" onClick={() => openPod(cluster.id, s.namespace, s.pod)}>
                          Open pod
                        </button>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <h2 className="gpu-section">Idle GPUs</h2>
          <GpuTable
            title={`Idle GPUs on ${cluster.name}`}
            rows={report.gpus}
            rowKey={(g) => g.uuid || `${g.node}/${g.gpu}`}
            columns={columns}
            initialSort={{ key: 'cost', dir: 'desc' }}
            busy={query.loading}
            empty={<p className="muted">No held GPU averaged under {report.thresholdPct}% over the window.</p>}
          />
        </>
      )}
    </div>
  );
}
