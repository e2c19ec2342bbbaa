import { useMemo } from 'react';
import { heatmapCells, type ConnectionSummary } from '../../../../shared/contract';
import { Heatmap } from '../../shell/charts/Heatmap';
import { describeError } from '../../shell/errorActions';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { useQuery } from '../../ui/useQuery';
import { heatmapData } from './gpuView';
import { RangePicker, useRange } from './RangePicker';

/** Every GPU's utilisation over time as one picture: idle GPUs are the dark rows. */
export function HeatmapView({ prometheus }: { prometheus: ConnectionSummary }) {
  const range = useRange();
  const query = useQuery('gpu.heatmap', { prometheusConnectionId: prometheus.id, metric: 'DCGM_FI_DEV_GPU_UTIL', ...range.span }, { keepPrevious: true, refreshKey: String(range.version) });
  const answer = query.value;
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
        <p className="muted" aria-live="polite">
          {answer ? `${answer.rows.length.toLocaleString()} GPUs × ${answer.columns.toLocaleString()} times, a column every ${answer.step < 60 ? `${answer.step} s` : `${Math.round(answer.step / 60)} min`}.` : query.loading ? 'Asking Prometheus…' : ''}
        </p>
        <RangePicker range={range} loading={query.loading} />
      </div>
      {query.error !== undefined && <ErrorNotice error={describeError(query.error)} />}
      {decoded?.error !== undefined && <ErrorNotice error={describeError(decoded.error)} />}
      {decoded?.data && <Heatmap title="GPU utilisation, every GPU" valueLabel="GPU utilisation" data={decoded.data} onZoom={range.zoomTo} />}
    </div>
  );
}
