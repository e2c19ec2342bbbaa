import type { LocalGpu } from '../../../../shared/contract';
import { describeError } from '../../shell/errorActions';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { useQuery } from '../../ui/useQuery';
import { GpuTable, type TableColumn } from './GpuTable';
import { formatMiB } from './gpuView';

/** nvidia-smi is asked again this often while the tab is shown. */
const POLL_MS = 5_000;

const unit = (value: number | null, suffix: string) => (value === null ? '–' : `${value.toLocaleString(undefined, { maximumFractionDigits: 1 })}${suffix}`);

const COLUMNS: TableColumn<LocalGpu>[] = [
  { key: 'index', title: '#', width: '44px', className: 'kind-number', value: (g) => g.index },
  { key: 'name', title: 'GPU', pinned: true, width: 'minmax(180px, 2fr)', value: (g) => g.name, tooltip: (g) => `${g.uuid} · PCI ${g.pciBusId} · driver ${g.driverVersion}` },
  { key: 'util', title: 'Utilisation', width: '100px', className: 'kind-number', value: (g) => g.utilizationGpuPct, cell: (g) => unit(g.utilizationGpuPct, '%') },
  { key: 'memUtil', title: 'Memory busy', width: '110px', className: 'kind-number', value: (g) => g.utilizationMemoryPct, cell: (g) => unit(g.utilizationMemoryPct, '%') },
  { key: 'memory', title: 'Memory used', width: 'minmax(150px, 1fr)', className: 'kind-number', value: (g) => g.memoryUsedMiB, cell: (g) => `${formatMiB(g.memoryUsedMiB)} of ${formatMiB(g.memoryTotalMiB)}` },
  { key: 'temp', title: 'Temp.', width: '80px', className: 'kind-number', value: (g) => g.temperatureC, cell: (g) => unit(g.temperatureC, ' °C') },
  { key: 'power', title: 'Power', width: '130px', className: 'kind-number', value: (g) => g.powerDrawW, cell: (g) => `${unit(g.powerDrawW, ' W')}${g.powerLimitW !== null ? ` / ${unit(g.powerLimitW, ' W')}` : ''}` },
  { key: 'pstate', title: 'P-state', width: '80px', value: (g) => g.pstate },
  { key: 'processes', title: 'Processes', width: 'minmax(160px, 2fr)', value: (g) => g.processes?.map((p) => `${p.name} (${p.pid})`).join(', ') ?? null },
];

/** This machine's GPUs from nvidia-smi, or why there are none to show. */
export function LocalGpusView() {
  const query = useQuery('gpu.local', {}, { pollMs: POLL_MS });
  const local = query.value;
  return (
    <div className="gpu-view">
      {query.error !== undefined && <ErrorNotice error={describeError(query.error)} />}
      {!local && query.loading && <p className="muted">Asking nvidia-smi…</p>}
      {local && !local.available && (
        <div className="empty">
          <h2>No GPUs to show on this machine</h2>
          <p>{local.reason}</p>
          <p className="muted">This tab reads nvidia-smi on the machine Pilothouse's services run on (in browser mode, the host serving the page).</p>
        </div>
      )}
      {local?.available && (
        <GpuTable
          title="GPUs of this machine"
          rows={local.gpus}
          rowKey={(g) => g.uuid || String(g.index)}
          columns={COLUMNS}
          initialSort={{ key: 'index', dir: 'asc' }}
          summary={`${local.gpus.length} GPUs, read every ${POLL_MS / 1000} s`}
          empty={<p className="muted">nvidia-smi ran and listed no GPU.</p>}
        />
      )}
    </div>
  );
}
