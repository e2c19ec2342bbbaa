import { useEffect, useMemo, useState } from 'react';
import { DEFAULT_TEAM_LABEL, GpuLabelKey, type ConnectionSummary, type GpuNamespaceUse, type GpuNode, type GpuPod, type GpuTeamUse } from '../../../../shared/contract';
import { describeError } from '../../shell/errorActions';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { FieldError } from '../../shell/FieldError';
import { navigate } from '../../shell/routes';
import { readSetting, writeSetting } from '../../shell/storage';
import { useDebouncedValue } from '../../shell/useDebouncedValue';
import { useQuery } from '../../ui/useQuery';
import { Age } from '../clusters/CellValue';
import { useInspector } from '../clusters/inspectorStore';
import { resourceKey } from '../clusters/resourceCatalog';
import { useConnections } from '../connections/connectionsStore';
import { GpuTable, type TableColumn } from './GpuTable';
import { formatMiB } from './gpuView';
import { FREE_FIRST, useGpus } from './gpusStore';

const TEAM_LABEL_KEY = 'pilothouse.gpus.teamLabel';
/** The inventory is read again this often while shown: pods come and go. */
const POLL_MS = 30_000;

/** Opens a pod in the cluster inspector, as the Rollouts cockpit opens a workload. */
export function openPod(connectionId: string, namespace: string, name: string): void {
  useConnections.getState().select(connectionId);
  navigate('clusters');
  useInspector.getState().focusObject({ connectionId, key: resourceKey({ group: '', resource: 'pods' }), namespace, name });
}

const dash = (n: number | null) => (n === null ? '–' : n.toLocaleString());

const NODE_COLUMNS: TableColumn<GpuNode>[] = [
  {
    key: 'name',
    title: 'Node',
    pinned: true,
    width: 'minmax(200px, 2fr)',
    value: (n) => n.name,
    cell: (n) => (
      <>
        {n.name}
        {!n.ready && <span className="badge tone-bad gpu-badge">not ready</span>}
        {n.unschedulable && <span className="badge tone-warn gpu-badge">cordoned</span>}
      </>
    ),
  },
  { key: 'pool', title: 'Pool', width: 'minmax(120px, 1fr)', value: (n) => n.pool },
  { key: 'instanceType', title: 'Instance type', width: '130px', value: (n) => n.instanceType },
  { key: 'product', title: 'Product', width: 'minmax(160px, 1fr)', value: (n) => n.product },
  { key: 'memory', title: 'Memory / GPU', width: '110px', className: 'kind-number', value: (n) => n.memoryMiB, cell: (n) => formatMiB(n.memoryMiB) },
  { key: 'capacity', title: 'Capacity', width: '90px', className: 'kind-number', value: (n) => n.capacity },
  { key: 'allocatable', title: 'Allocatable', width: '100px', className: 'kind-number', value: (n) => n.allocatable },
  { key: 'requested', title: 'Requested', width: '100px', className: 'kind-number', value: (n) => n.requested, cell: (n) => dash(n.requested) },
  {
    key: 'free',
    title: 'Free',
    width: '80px',
    className: 'kind-number',
    value: (n) => n.free,
    cell: (n) => <strong className={n.free ? 'tone-ok' : undefined}>{dash(n.free)}</strong>,
    tooltip: (n) => (n.free !== null && n.free > 0 && (!n.ready || n.unschedulable) ? 'Free, but the node is not taking pods' : undefined),
  },
  {
    key: 'mig',
    title: 'MIG slices',
    width: 'minmax(140px, 1fr)',
    value: (n) => n.mig.map((m) => `${m.resource.replace('nvidia.com/', '')} ${m.requested ?? '?'}/${m.allocatable}`).join('; ') || null,
  },
];

const NAMESPACE_COLUMNS: TableColumn<GpuNamespaceUse>[] = [
  { key: 'namespace', title: 'Namespace', pinned: true, width: 'minmax(180px, 2fr)', value: (n) => n.namespace },
  { key: 'gpus', title: 'GPUs', width: '90px', className: 'kind-number', value: (n) => n.gpus },
  { key: 'migSlices', title: 'MIG slices', width: '100px', className: 'kind-number', value: (n) => n.migSlices },
  { key: 'pods', title: 'Pods', width: '80px', className: 'kind-number', value: (n) => n.pods },
];

const TEAM_COLUMNS: TableColumn<GpuTeamUse>[] = [
  { key: 'team', title: 'Team', pinned: true, width: 'minmax(180px, 2fr)', value: (t) => t.team, cell: (t) => t.team ?? <span className="muted">no team label</span> },
  { key: 'gpus', title: 'GPUs', width: '90px', className: 'kind-number', value: (t) => t.gpus },
  { key: 'migSlices', title: 'MIG slices', width: '100px', className: 'kind-number', value: (t) => t.migSlices },
  { key: 'pods', title: 'Pods', width: '80px', className: 'kind-number', value: (t) => t.pods },
];

function podColumns(connectionId: string): TableColumn<GpuPod>[] {
  return [
    {
      key: 'pod',
      title: 'Pod',
      pinned: true,
      width: 'minmax(240px, 2fr)',
      value: (p) => `${p.namespace}/${p.name}`,
      cell: (p) => (
        <button type="button" className="link" title={`Open pod ${p.namespace}/${p.name} in the inspector`} onClick={() => openPod(connectionId, p.namespace, p.name)}>
          {p.namespace}/{p.name}
        </button>
      ),
    },
    { key: 'node', title: 'Node', width: 'minmax(160px, 1fr)', value: (p) => p.node, cell: (p) => p.node ?? <span className="muted">not scheduled</span> },
    { key: 'gpus', title: 'GPUs', width: '70px', className: 'kind-number', value: (p) => p.gpus },
    { key: 'migSlices', title: 'MIG', width: '60px', className: 'kind-number', value: (p) => p.migSlices },
    { key: 'owner', title: 'Owner', width: 'minmax(160px, 1fr)', value: (p) => (p.ownerKind ? `${p.ownerKind}/${p.ownerName ?? ''}` : null) },
    { key: 'team', title: 'Team', width: '120px', value: (p) => p.team },
    { key: 'phase', title: 'Phase', width: '100px', value: (p) => p.phase },
    { key: 'since', title: 'Since', width: '100px', value: (p) => p.since, cell: (p) => (p.since ? <Age iso={p.since} /> : '–') },
  ];
}

/**
 * Who holds which GPUs on the selected cluster: nodes with capacity and what
 * is free (free first), GPUs per namespace and per team, and the pods holding
 * them, each a link to the pod in the inspector.
 */
export function InventoryView({ cluster }: { cluster: ConnectionSummary }) {
  const [teamText, setTeamText] = useState(() => readSetting(TEAM_LABEL_KEY) ?? DEFAULT_TEAM_LABEL);
  const typed = useDebouncedValue(teamText, 400);
  const parsed = GpuLabelKey.safeParse(typed);
  const teamProblem = parsed.success ? undefined : parsed.error.issues[0]?.message;
  const [lastGood, setLastGood] = useState(parsed.success ? parsed.data : DEFAULT_TEAM_LABEL);
  if (parsed.success && parsed.data !== lastGood) setLastGood(parsed.data);
  useEffect(() => writeSetting(TEAM_LABEL_KEY, lastGood), [lastGood]);
  const [refreshes, setRefreshes] = useState(0);
  const query = useQuery('gpu.inventory', { connectionId: cluster.id, teamLabel: lastGood }, { pollMs: POLL_MS, keepPrevious: true, refreshKey: String(refreshes) });
  const nodeSort = useGpus((s) => s.nodeSort);
  const sortNodes = useGpus((s) => s.sortNodes);
  const pods = useMemo(() => podColumns(cluster.id), [cluster.id]);
  const inv = query.value;

  return (
    <div className="gpu-view">
      <div className="page-header">
        <p className="muted" aria-live="polite">
          {inv
            ? `${inv.totals.nodes.toLocaleString()} GPU nodes: ${inv.totals.capacity.toLocaleString()} GPUs, ${inv.totals.allocatable.toLocaleString()} allocatable, ${dash(inv.totals.requested)} requested, ${dash(inv.totals.free)} free${inv.totals.pending ? `; ${inv.totals.pending.toLocaleString()} wanted by pods not yet scheduled` : ''}${inv.totals.migCapacity ? `; ${inv.totals.migCapacity.toLocaleString()} MIG slices (${dash(inv.totals.migRequested)} requested)` : ''}. Listed ${new Date(inv.listedAt).toLocaleTimeString()}.`
            : query.loading
              ? 'Reading the cluster…'
              : ''}
        </p>
        <div className="page-header-actions">
          <button type="button" onClick={() => sortNodes(FREE_FIRST)} title="Sort the nodes by free GPUs, most first">
            Free GPUs first
          </button>
          <button type="button" onClick={() => setRefreshes((n) => n + 1)} disabled={query.loading}>
            {query.loading ? 'Reading…' : 'Refresh'}
          </button>
        </div>
      </div>
      {query.error !== undefined && <ErrorNotice error={describeError(query.error)} />}
      {inv?.podAccess.status === 'forbidden' && (
        <p className="notice gpu-notice-warn" role="status">
          Pods could not be listed, so requested and free GPUs are unknown: {inv.podAccess.message}
        </p>
      )}
      {inv && (
        <>
          <h2 className="gpu-section">Nodes</h2>
          <GpuTable
            title={`GPU nodes of ${cluster.name}`}
            rows={inv.nodes}
            rowKey={(n) => n.name}
            columns={NODE_COLUMNS}
            initialSort={FREE_FIRST}
            sort={nodeSort}
            onSort={sortNodes}
            busy={query.loading}
            empty={<p className="muted">No node of this cluster offers nvidia.com/gpu or MIG resources.</p>}
          />
          <div className="gpu-columns">
            <section aria-labelledby="gpu-ns-title">
              <h2 className="gpu-section" id="gpu-ns-title">
                Per namespace
              </h2>
              <GpuTable
                title={`GPUs per namespace on ${cluster.name}`}
                rows={inv.namespaces}
                rowKey={(n) => n.namespace}
                columns={NAMESPACE_COLUMNS}
                initialSort={{ key: 'gpus', dir: 'desc' }}
                empty={<p className="muted">No pod holds a GPU.</p>}
              />
            </section>
            <section aria-labelledby="gpu-team-title">
              <div className="gpu-section-head">
                <h2 className="gpu-section" id="gpu-team-title">
                  Per team
                </h2>
                <label className="field inline">
                  <span>Team label</span>
                  <input value={teamText} onChange={(e) => setTeamText(e.target.value)} aria-invalid={teamProblem !== undefined} aria-describedby="gpu-team-label-error" spellCheck={false} />
                </label>
              </div>
              <FieldError id="gpu-team-label-error" problem={teamProblem} />
              {inv.namespaceLabels === 'forbidden' && <p className="muted">Namespace labels could not be read: teams come from pod labels only.</p>}
              <GpuTable
                title={`GPUs per team on ${cluster.name}`}
                rows={inv.teams}
                rowKey={(t) => t.team ?? ''}
                columns={TEAM_COLUMNS}
                initialSort={{ key: 'gpus', dir: 'desc' }}
                empty={<p className="muted">No pod holds a GPU.</p>}
              />
            </section>
          </div>
          <h2 className="gpu-section">Pods holding GPUs</h2>
          <GpuTable
            title={`Pods holding GPUs on ${cluster.name}`}
            rows={inv.pods}
            rowKey={(p) => `${p.namespace}/${p.name}`}
            columns={pods}
            initialSort={{ key: 'gpus', dir: 'desc' }}
            busy={query.loading}
            empty={<p className="muted">{inv.podAccess.status === 'forbidden' ? 'Pods could not be listed.' : 'No pod holds a GPU.'}</p>}
          />
        </>
      )}
    </div>
  );
}
