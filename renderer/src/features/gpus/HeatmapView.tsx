import { useMemo, useState } from 'react';
import { GPU_METRICS, heatmapCells, type ConnectionSummary } from '../../../../shared/contract';
import { Heatmap } from '../../shell/charts/Heatmap';
import { describeError } from '../../shell/errorActions';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { useQuery } from '../../ui/useQuery';
import { heatmapData } from './gpuView';
import { RangePicker, useRange } from './RangePicker';

const HEATMAP_METRICS = ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_PROF_GR_ENGINE_ACTIVE'] as const;
type HeatmapMetric = (typeof HEATMAP_METRICS)[number];

/** Every GPU's utilisation over time as one picture: idle GPUs are the dark rows. */
export function HeatmapView({ prometheus }: { prometheus: ConnectionSummary }) {
  const range = useRange();
  const [metric, setMetric] = useState<HeatmapMetric>('DCGM_FI_DEV_GPU_UTIL');
  const query = useQuery('gpu.heatmap', { prometheusConnectionId: prometheus.id, metric, ...range.span }, { keepPrevious: true, refreshKey: String(range.version) });
  // The answer kept while another metric loads is a different picture: it is not shown under the new metric's name.
  const answer = query.value?.metric === metric ? query.value : undefined;
  // Decoded once per answer: a thousand GPUs × 1,440 minutes is 1.4 MB.
  const decoded = useMemo(() => {
    if (!answer) return undefined;
    try {
      return { data: heatmapData(answer, heatmapCells(answer)) };
    } catch (err) {
      return { error: err };
    }
  }, [answer]);

  return (
    <div className="gpu-view">
      <div className="page-header gpu-controls">
        <label className="field inline">
          <span>Metric</span>
          <select value={metric} onChange={(e) => setMetric(HEATMAP_METRICS.find((m) => m === e.target.value) ?? 'DCGM_FI_DEV_GPU_UTIL')}>
            {HEATMAP_METRICS.map((m) => (
              <option key={m} value={m}>
                {GPU_METRICS[m].label} ({m})
              </option>
            ))}
          </select>
        </label>
        <p className="muted" aria-live="polite">
          {answer ? `${answer.rows.length.toLocaleString()} GPUs × ${answer.columns.toLocaleString()} times, a column every ${answer.step < 60 ? `${answer.step} s` : `${Math.round(answer.step / 60)} min`}.` : query.loading ? 'Asking Prometheus…' : ''}
        </p>
        <RangePicker range={range} loading={query.loading} />
      </div>
      {query.error !== undefined && <ErrorNotice error={describeError(query.error)} />}
      {decoded?.error !== undefined && <ErrorNotice error={describeError(decoded.error)} />}
      {decoded?.data && <Heatmap title={`${GPU_METRICS[metric].label}, every GPU`} valueLabel={GPU_METRICS[metric].label} data={decoded.data} onZoom={range.zoomTo} />}
    </div>
  );
}
