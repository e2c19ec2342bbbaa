import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ConnectionSummary, RecentChange, RecentChanges, RolloutState } from '../../../../shared/contract';
import { describeError } from '../../shell/errorActions';
import { navigate } from '../../shell/routes';
import { useQuery } from '../../ui/useQuery';
import { useVirtualWindow } from '../../ui/useVirtualWindow';
import { VirtualGrid, type GridColumn, type SortSpec } from '../../ui/VirtualGrid';
import { Age } from '../clusters/CellValue';
import { RollbackDialog, type RollbackTarget } from '../clusters/detail/RollbackDialog';
import { useInspector } from '../clusters/inspectorStore';
import { resourceKey } from '../clusters/resourceCatalog';
import { useConnections } from '../connections/connectionsStore';
import { ViewHeader } from './ViewHeader';

/** The cockpit reads again this often while shown: a rollout under way moves on. */
const POLL_MS = 30_000;
const HOURS = 24;

const RESOURCES: Record<RecentChange['kind'], string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };
const STATE_TONE: Record<RolloutState, string> = { complete: 'tone-ok', progressing: 'tone-warn', failed: 'tone-bad', paused: 'tone-neutral', manual: 'tone-neutral' };

const changeKey = (c: RecentChange) => `${c.connectionId}/${c.kind}/${c.namespace}/${c.name}`;

/** Opens the workload in the cluster inspector, on its connection. */
function openInInspector(c: RecentChange) {
  useConnections.getState().select(c.connectionId);
  navigate('clusters');
  useInspector.getState().focusObject({ connectionId: c.connectionId, key: resourceKey({ group: 'apps', resource: RESOURCES[c.kind] }), namespace: c.namespace, name: c.name });
}

/** A change's workload as the rollback dialog takes it. */
const rollbackTarget = (c: RecentChange, connection: ConnectionSummary): RollbackTarget => ({
  connection,
  ref: { connectionId: c.connectionId, resource: { group: 'apps', version: 'v1', resource: RESOURCES[c.kind] }, namespace: c.namespace, name: c.name },
  entry: { one: c.kind.toLowerCase() },
  row: { name: c.name, namespace: c.namespace },
});

const SORTS: Record<string, (a: RecentChange, b: RecentChange, names: Map<string, string>) => number> = {
  changed: (a, b) => a.changedAt.localeCompare(b.changedAt),
  workload: (a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
  connection: (a, b, names) => (names.get(a.connectionId) ?? '').localeCompare(names.get(b.connectionId) ?? ''),
  by: (a, b) => (a.by ?? '').localeCompare(b.by ?? ''),
  state: (a, b) => a.state.localeCompare(b.state),
};

/** One connection's part of the cockpit as it stands. */
interface Part {
  value?: RecentChanges;
  error?: unknown;
  loading: boolean;
}

/**
 * One connection's part of the cockpit, asked on its own and again every
 * {@link POLL_MS}: a slow or unreachable cluster holds back only its own rows.
 */
function ConnectionChanges({ connectionId, refreshKey, onPart }: { connectionId: string; refreshKey: string; onPart(connectionId: string, part: Part): void }) {
  const { value, error, loading } = useQuery('rollouts.recentChanges', { hours: HOURS, connectionId }, { pollMs: POLL_MS, refreshKey });
  useEffect(() => onPart(connectionId, { value, error, loading }), [connectionId, value, error, loading, onPart]);
  return null;
}

/** The parts answered so far as one answer: every change, and each connection's source (a failed call as its error). */
function merged(ids: readonly string[], parts: Readonly<Record<string, Part>>, names: ReadonlyMap<string, string>): RecentChanges | undefined {
  const answered = ids.filter((id) => parts[id]?.value || parts[id]?.error !== undefined);
  if (!answered.length) return undefined;
  return {
    since: answered.map((id) => parts[id].value?.since ?? '').filter(Boolean).sort()[0] ?? new Date(Date.now() - HOURS * 3600_000).toISOString(),
    // A cluster whose last read failed shows its error, not the rows of an older answer.
    changes: answered.flatMap((id) => (parts[id].error !== undefined ? [] : (parts[id].value?.changes ?? []))),
    sources: answered.flatMap((id) => {
      const part = parts[id];
      if (part.error !== undefined) return [{ connectionId: id, connectionName: names.get(id) ?? id, workloads: 0, error: describeError(part.error).message }];
      return part.value!.sources;
    }),
  };
}

/**
 * The rollouts cockpit: every Deployment, StatefulSet and DaemonSet changed in
 * the last 24 hours on every Kubernetes connection, newest first, with who
 * changed it and how its rollout stands; a connection that could not be read
 * says why instead of looking quiet.
 */
export function RecentChangesView() {
  const connections = useConnections((s) => s.connections);
  const names = useMemo(() => new Map(connections.map((c) => [c.id, c.name])), [connections]);
  const ids = useMemo(() => connections.filter((c) => c.kind === 'kubernetes').map((c) => c.id), [connections]);
  const [parts, setParts] = useState<Record<string, Part>>({});
  const onPart = useCallback((id: string, part: Part) => setParts((all) => ({ ...all, [id]: part })), []);
  const [refreshes, setRefreshes] = useState(0);
  const value = useMemo(() => merged(ids, parts, names), [ids, parts, names]);
  const loading = ids.some((id) => parts[id]?.loading ?? true);
  const pending = ids.filter((id) => !parts[id]?.value && parts[id]?.error === undefined).length;
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortSpec>({ key: 'changed', dir: 'desc' });
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [rollingBack, setRollingBack] = useState<RecentChange>();

  const rows = useMemo(() => {
    const all = value?.changes ?? [];
    const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const shown = words.length
      ? all.filter((c) => {
          const text = `${c.kind} ${c.namespace}/${c.name} ${names.get(c.connectionId) ?? ''} ${c.by ?? ''} ${c.state} ${c.images.join(' ')}`.toLowerCase();
          return words.every((w) => text.includes(w));
        })
      : all;
    const compare = SORTS[sort.key] ?? SORTS.changed;
    const sign = sort.dir === 'asc' ? 1 : -1;
    return [...shown].sort((a, b) => sign * compare(a, b, names) || b.changedAt.localeCompare(a.changedAt));
  }, [value, filter, sort, names]);

  const columns = useMemo<GridColumn<RecentChange>[]>(
    () => [
      { key: 'changed', title: 'Changed', cell: (c) => <Age iso={c.changedAt} suffix=" ago" /> },
      {
        key: 'workload',
        title: 'Workload',
        pinned: true,
        cell: (c) => (
          <button type="button" className="link" title={`Open ${c.kind} ${c.name} in the inspector`} onClick={() => openInInspector(c)}>
            <span className="muted">{c.kind} · </span>
            {c.namespace}/{c.name}
            {c.managedBy && <span className="badge tone-warn managed-by">{c.managedBy.tool}</span>}
          </button>
        ),
        tooltip: (c) =>
          `${c.kind} ${c.namespace}/${c.name}${c.managedBy ? `, managed by ${c.managedBy.tool}${c.managedBy.name ? ` (${c.managedBy.name})` : ''}: ${c.managedBy.reverts ? 'it puts back what it holds, undoing a rollback made here' : 'its next upgrade replaces a rollback made here'}` : ''}`,
      },
      { key: 'connection', title: 'Connection', cell: (c) => names.get(c.connectionId) ?? c.connectionId },
      {
        key: 'by',
        title: 'By',
        cell: (c) => (
          <>
            {c.created && <span className="badge tone-neutral">created</span>} {c.by ?? <span className="muted">unknown</span>}
            {c.auditId !== undefined && <span className="muted"> · audit #{c.auditId}</span>}
          </>
        ),
        tooltip: (c) => (c.auditId !== undefined ? `Made in Pilothouse by ${c.by}: audit entry #${c.auditId}` : c.by ? `Last written by the field manager "${c.by}"` : undefined),
      },
      {
        key: 'revision',
        title: 'Revision',
        className: 'kind-number',
        cell: (c) => (c.revision !== undefined ? `${c.revision} (${c.revisions} kept)` : `${c.revisions} kept`),
      },
      { key: 'images', title: 'Images', className: 'mono', cell: (c) => c.images.join(', '), tooltip: (c) => c.images.join('\n') },
      {
        key: 'state',
        title: 'Rollout',
        cell: (c) => (
          <>
            <span className={`badge ${STATE_TONE[c.state]}`}>{c.state}</span>{' '}
            <span className="muted">
              {c.replicas.available}/{c.replicas.desired} available
            </span>
          </>
        ),
        tooltip: (c) => `${c.replicas.updated} updated, ${c.replicas.ready} ready, ${c.replicas.available} available of ${c.replicas.desired}`,
      },
      {
        key: 'rollback',
        title: 'Roll back',
        cell: (c) => (
          <button
            type="button"
            disabled={c.revisions < 2}
            title={c.revisions < 2 ? 'No earlier revision is kept to roll back to' : `Roll ${c.kind} ${c.name} back, after seeing the diff and a dry run`}
            onClick={() => setRollingBack(c)}
          >
            Roll back…
          </button>
        ),
      },
    ],
    [names],
  );
  const rollingBackOn = rollingBack && connections.find((c) => c.id === rollingBack.connectionId);
  const win = useVirtualWindow(rows.length);
  const failed = value?.sources.filter((s) => s.error) ?? [];
  const workloads = value?.sources.reduce((n, s) => n + s.workloads, 0) ?? 0;

  return (
    <div className="recent-changes">
      <ViewHeader
        summary={
          value &&
          `${value.changes.length} of ${workloads} workloads on ${value.sources.length - failed.length} of ${value.sources.length} clusters changed since ${new Date(value.since).toLocaleString()}${pending ? `; reading ${pending} more…` : ''}`
        }
        reading="Reading every cluster…"
        loading={loading}
        filterLabel="Filter changes"
        placeholder="name, namespace, cluster, who, image"
        filter={filter}
        onFilter={setFilter}
        onRefresh={() => setRefreshes((n) => n + 1)}
      />
      {ids.map((id) => (
        <ConnectionChanges key={id} connectionId={id} refreshKey={String(refreshes)} onPart={onPart} />
      ))}
      {failed.map((s) => (
        <p key={s.connectionId} className="notice notice-error" role="alert">
          {s.connectionName}: {s.error}
        </p>
      ))}
      {value && (
        <VirtualGrid
          label="Workloads changed in the last 24 hours"
          rows={rows}
          rowKey={changeKey}
          columns={columns}
          layout={{ template: '110px minmax(220px, 2fr) minmax(120px, 1fr) minmax(140px, 1fr) 110px minmax(160px, 2fr) 200px 110px', minWidth: 1170 }}
          sort={sort}
          onSort={(key) => setSort((s) => ({ key, dir: s.key === key && s.dir === 'desc' ? 'asc' : 'desc' }))}
          selectedKey={selectedKey}
          onRowClick={(key) => setSelectedKey(key)}
          win={win}
          idPrefix="recent-change"
          busy={loading}
          empty={<p className="muted">{filter.trim() ? 'No change matches the filter.' : `Nothing changed in the last ${HOURS} hours.`}</p>}
        />
      )}
      {rollingBack && rollingBackOn && (
        <RollbackDialog
          target={rollbackTarget(rollingBack, rollingBackOn)}
          onClose={() => {
            setRollingBack(undefined);
            setRefreshes((n) => n + 1);
          }}
          onForbidden={() => {}}
        />
      )}
    </div>
  );
}
