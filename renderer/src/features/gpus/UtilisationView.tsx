import { useMemo, useState } from 'react';
import { GPU_METRICS, GpuGroupBy, GpuMetric, type ConnectionSummary } from '../../../../shared/contract';
import { CsvButton } from '../../shell/charts/CsvButton';
import type { CsvColumn } from '../../shell/charts/csv';
import { TimeSeriesChart } from '../../shell/charts/TimeSeriesChart';
import type { TimeSeriesData } from '../../shell/charts/timeSeries';
import { describeError } from '../../shell/errorActions';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { readSetting, writeSetting } from '../../shell/storage';
import { useDebouncedValue } from '../../shell/useDebouncedValue';
import { useQuery } from '../../ui/useQuery';
import { chartData } from './gpuView';
import { RangePicker, useRange } from './RangePicker';

const METRIC_KEY = 'pilothouse.gpus.metric';
const GROUP_KEY = 'pilothouse.gpus.groupBy';

const FILTERS = ['node', 'namespace', 'pod'] as const;
type FilterKey = (typeof FILTERS)[number];

const GROUP_LABELS: Record<GpuGroupBy, string> = { gpu: 'GPU', node: 'Node', pod: 'Pod', namespace: 'Namespace' };

const stored = <T extends string>(key: string, options: readonly T[], fallback: T): T => {
  const value = readSetting(key);
  return options.find((o) => o === value) ?? fallback;
};

/** How the chart's legend and axis write a value of `unit`. */
function formatter(unit: string): (v: number) => string {
  const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: unit === 'MiB' ? 0 : 1 });
  if (unit === 'MiB') return (v) => (Math.abs(v) >= 1024 ? `${number.format(v / 1024)} GiB` : `${number.format(v)} MiB`);
  return (v) => `${number.format(v)}${unit === '%' || unit === '°C' ? '' : ' '}${unit}`;
}

/** The chart's numbers as a table: a row per time, a column per series. */
function csvColumns(data: TimeSeriesData, unit: string): CsvColumn<number>[] {
  return [{ title: 'Time (UTC)', value: (i) => new Date(data.times[i] * 1000).toISOString() }, ...data.series.map((s) => ({ title: `${s.label} (${unit})`, value: (i: number) => s.values[i] }))];
}

/** dcgm-exporter metrics over time from the Prometheus connection, per GPU, node, pod or namespace, with drag to zoom. */
export function UtilisationView({ prometheus }: { prometheus: ConnectionSummary }) {
  const [metric, setMetric] = useState<GpuMetric>(() => stored(METRIC_KEY, GpuMetric.options, 'DCGM_FI_DEV_GPU_UTIL'));
  const [groupBy, setGroupBy] = useState<GpuGroupBy>(() => stored(GROUP_KEY, GpuGroupBy.options, 'node'));
  const range = useRange();
  const [filter, setFilter] = useState<Record<FilterKey, string>>({ node: '', namespace: '', pod: '' });
  const only = useDebouncedValue(filter, 400);
  // Exact label values; a blank field keeps every GPU.
  const narrowed = Object.fromEntries(FILTERS.flatMap((f) => (only[f].trim() ? [[f, only[f].trim().slice(0, 253)]] : [])));
  const query = useQuery('gpu.utilisation', { prometheusConnectionId: prometheus.id, metric, groupBy, ...range.span, ...narrowed }, { keepPrevious: true, refreshKey: String(range.version) });
  const answer = query.value;
  const data = useMemo(() => answer && chartData(answer, query.answered?.groupBy ?? groupBy), [answer, query.answered?.groupBy, groupBy]);
  const info = GPU_METRICS[answer?.metric ?? metric];
  const format = useMemo(() => formatter(info.unit), [info.unit]);
  const csv = useMemo(() => data && { columns: csvColumns(data, info.unit), rows: data.times.map((_, i) => i) }, [data, info.unit]);

  return (
    <div className="gpu-view">
      <div className="page-header gpu-controls">
        <label className="field inline">
          <span>Metric</span>
          <select
            value={metric}
            onChange={(e) => {
              const next = GpuMetric.parse(e.target.value);
              setMetric(next);
              writeSetting(METRIC_KEY, next);
            }}
          >
            {GpuMetric.options.map((m) => (
              <option key={m} value={m}>
                {GPU_METRICS[m].label} ({m})
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Per</span>
          <select
            value={groupBy}
            onChange={(e) => {
              const next = GpuGroupBy.parse(e.target.value);
              setGroupBy(next);
              writeSetting(GROUP_KEY, next);
            }}
          >
            {GpuGroupBy.options.map((g) => (
              <option key={g} value={g}>
                {GROUP_LABELS[g]}
              </option>
            ))}
          </select>
        </label>
        {FILTERS.map((f) => (
          <label key={f} className="field inline">
            <span>Only {f}</span>
            <input value={filter[f]} size={12} maxLength={253} spellCheck={false} placeholder="any" onChange={(e) => setFilter((all) => ({ ...all, [f]: e.target.value }))} />
          </label>
        ))}
        <RangePicker range={range} loading={query.loading} />
      </div>
      <p className="muted" aria-live="polite">
        {answer
          ? `${answer.series.length.toLocaleString()} series, a point every ${answer.step < 60 ? `${answer.step} s` : `${Math.round(answer.step / 60)} min`}. ${info.combine === 'avg' ? 'Groups show the average of their GPUs' : info.combine === 'sum' ? 'Groups show the sum of their GPUs' : 'Groups show their hottest GPU'}${groupBy === 'pod' || groupBy === 'namespace' ? '; GPUs no pod holds are left out' : ''}.`
          : query.loading
            ? 'Asking Prometheus…'
            : ''}
        {csv && (
          <>
            {' '}
            <CsvButton title={`${info.label} per ${GROUP_LABELS[query.answered?.groupBy ?? groupBy].toLowerCase()}`} columns={csv.columns} rows={csv.rows} />
          </>
        )}
      </p>
      {query.error !== undefined && <ErrorNotice error={describeError(query.error)} />}
      {data && (
        <TimeSeriesChart
          title={`${info.label} per ${GROUP_LABELS[query.answered?.groupBy ?? groupBy].toLowerCase()}`}
          data={data}
          unit={info.unit}
          format={format}
          range={info.unit === '%' ? { min: 0, max: 100 } : undefined}
          height={320}
          onZoom={range.zoomTo}
        />
      )}
    </div>
  );
}
