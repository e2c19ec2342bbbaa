import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { DrillNamespaceStatus } from '../../../../shared/contract';
import { AddClusterFirst } from '../../shell/AddClusterFirst';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError } from '../../shell/errorActions';
import { readSetting, writeSetting } from '../../shell/storage';
import { useRefreshCount } from '../../shell/useRefreshCount';
import { TabList } from '../../ui/TabList';
import { useQuery } from '../../ui/useQuery';
import { selectedConnection, useConnections } from '../connections/connectionsStore';
import { BackupDialog } from './BackupDialog';
import { BackupsView } from './BackupsView';
import { DrillDialog, type DrillDialogInitial } from './DrillDialog';
import { HistoryView } from './HistoryView';
import { NamespacesView } from './NamespacesView';
import { SchedulesView } from './SchedulesView';
import { TargetsDialog } from './TargetsDialog';
import { VeleroView } from './VeleroView';
import './drills.css';

const TABS = [
  { id: 'namespaces', label: 'Namespaces' },
  { id: 'backups', label: 'Backups' },
  { id: 'schedules', label: 'Schedules' },
  { id: 'drills', label: 'Drills' },
  { id: 'velero', label: 'Velero' },
] as const;
type DrillsTab = (typeof TABS)[number]['id'];

const TAB_KEY = 'drills.tab';
/** Every cluster: the connection picker's first choice. */
const ALL = '';

/** How often at most the page reads again on `drills.changed`: a drill at work announces each step, up to five a second. */
const EVENT_SETTLE_MS = 1000;

/** `value`, changing at most once per `ms`: the first change at once, the last one of a burst when its time comes. */
function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const timer = setTimeout(
      () => {
        last.current = Date.now();
        setShown(value);
      },
      Math.max(0, last.current + ms - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [value, shown, ms]);
  return shown;
}

/** A dialog the page opens over its tabs. */
type PageDialog =
  | { kind: 'targets'; initial: Parameters<typeof TargetsDialog>[0]['initial'] }
  | { kind: 'backup'; initial: { connectionId: string; namespaces: string[] } }
  | { kind: 'drill'; initial: DrillDialogInitial };

/**
 * The DR drills page: per namespace how its drills stand against their RTO
 * and RPO targets (overdue ones flagged), the backups and their schedules,
 * the drill history with each drill's report and the RTO trend, and Velero's
 * own objects; on every cluster or one chosen. It reads again on
 * `drills.changed` and when a backup, drill or cleanup it started ends.
 */
export function DrillsPage() {
  const status = useConnections((s) => s.status);
  const connections = useConnections((s) => s.connections);
  const selected = useConnections(selectedConnection);
  const clusters = useMemo(() => connections.filter((c) => c.kind === 'kubernetes'), [connections]);
  const awsConnections = useMemo(() => connections.filter((c) => c.kind === 'aws'), [connections]);
  // Until one is picked here, the page follows the cluster chosen in the top bar.
  const [picked, setPicked] = useState<string>();
  const connectionId = picked ?? (selected?.kind === 'kubernetes' ? selected.id : ALL);
  const connection = clusters.find((c) => c.id === connectionId);
  const [tabId, setTabId] = useState(() => readSetting(TAB_KEY));
  const tab: DrillsTab = TABS.find((t) => t.id === tabId)?.id ?? 'namespaces';
  const choose = (id: DrillsTab) => {
    setTabId(id);
    writeSetting(TAB_KEY, id);
  };
  const events = useThrottled(useRefreshCount('drills.changed'), EVENT_SETTLE_MS);
  // Bumped when a task this page started ends, and after its own saves: the event may come later.
  const [bumps, setBumps] = useState(0);
  const changed = () => setBumps((n) => n + 1);
  const refreshKey = `${events}.${bumps}`;
  const scope = connection ? { connectionId: connection.id } : {};
  // Asked once the connections are known and one is a cluster: the first cluster added asks afresh.
  const overview = useQuery('drills.overview', status === 'idle' || status === 'loading' || !clusters.length ? null : scope, { refreshKey, keepPrevious: true });
  const [dialog, setDialog] = useState<PageDialog>();
  const close = () => setDialog(undefined);
  const defaultCluster = connection?.id ?? clusters[0]?.id ?? '';

  if (status === 'ready' && !clusters.length) {
    return (
      <section className="page-body drills-page" aria-labelledby="page-title">
        <h1 id="page-title">DR drills</h1>
        <AddClusterFirst />
      </section>
    );
  }

  const onTargets = (row: DrillNamespaceStatus | null) =>
    setDialog({ kind: 'targets', initial: row ? { connectionId: row.connectionId, namespace: row.namespace, target: row.target } : { connectionId: defaultCluster, namespace: '' } });
  const onBackup = (row: DrillNamespaceStatus | null) => setDialog({ kind: 'backup', initial: row ? { connectionId: row.connectionId, namespaces: [row.namespace] } : { connectionId: defaultCluster, namespaces: [] } });

  const needsOverview = (render: (value: NonNullable<typeof overview.value>) => ReactNode) => (
    <>
      {overview.error !== undefined && <ErrorNotice error={{ ...describeError(overview.error, { refresh: overview.refetch }), title: 'Could not read the drills overview' }} />}
      {overview.value ? render(overview.value) : overview.error === undefined && <p className="muted">Reading backups and drills…</p>}
    </>
  );

  let body: ReactNode;
  if (tab === 'namespaces') {
    body = needsOverview((o) => <NamespacesView overview={o} showConnection={!connection} onTargets={onTargets} onBackup={onBackup} onDrill={(r) => setDialog({ kind: 'drill', initial: { connectionId: r.connectionId, namespace: r.namespace } })} />);
  } else if (tab === 'backups') {
    body = (
      <BackupsView
        connectionId={connection?.id}
        showConnection={!connection}
        refreshKey={refreshKey}
        onBackup={() => onBackup(null)}
        onDrill={(b) => setDialog({ kind: 'drill', initial: { source: { kind: 'archive', backupId: b.id }, connectionId: b.connectionId, ...(b.namespaces.length === 1 ? { namespace: b.namespaces[0] } : {}) } })}
        onChanged={changed}
      />
    );
  } else if (tab === 'schedules') {
    body = needsOverview((o) => <SchedulesView schedules={o.schedules} destinations={o.destinations} connectionId={defaultCluster} clusters={clusters} awsConnections={awsConnections} showConnection={!connection} onChanged={changed} />);
  } else if (tab === 'drills') {
    body = <HistoryView connectionId={connection?.id} refreshKey={refreshKey} clusters={clusters} onChanged={changed} />;
  } else if (connection) {
    body = (
      <VeleroView
        key={connection.id}
        connection={connection}
        refreshKey={refreshKey}
        onDrill={(b) =>
          setDialog({
            kind: 'drill',
            initial: { source: { kind: 'velero', connectionId: connection.id, backupName: b.name, veleroNamespace: b.namespace }, connectionId: connection.id, ...(b.namespaces.length === 1 && b.namespaces[0] !== '*' ? { namespace: b.namespaces[0] } : {}) },
          })
        }
      />
    );
  } else {
    body = (
      <div className="empty">
        <p>Velero is read on one cluster: choose it in the Connection list above.</p>
      </div>
    );
  }

  return (
    <section className="page-body drills-page" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">DR drills</h1>
        <div className="page-header-actions">
          <label className="field inline">
            <span>Connection</span>
            <select value={connection ? connection.id : ALL} onChange={(e) => setPicked(e.target.value)}>
              <option value={ALL}>Every cluster</option>
              {clusters.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <TabList<DrillsTab> label="DR drills views" tabs={TABS} current={tab} onChoose={choose} tabId={(id) => `drills-tab-${id}`} panelId="drills-panel" />
      <div role="tabpanel" id="drills-panel" aria-labelledby={`drills-tab-${tab}`} className="drills-panel">
        {body}
      </div>
      {dialog?.kind === 'targets' && (
        <TargetsDialog
          initial={dialog.initial}
          connections={clusters}
          onClose={close}
          onSaved={changed}
        />
      )}
      {dialog?.kind === 'backup' && <BackupDialog initial={dialog.initial} clusters={clusters} awsConnections={awsConnections} destinations={overview.value?.destinations ?? []} onClose={close} onChanged={changed} />}
      {dialog?.kind === 'drill' && <DrillDialog initial={dialog.initial} clusters={clusters} onClose={close} onChanged={changed} />}
    </section>
  );
}
