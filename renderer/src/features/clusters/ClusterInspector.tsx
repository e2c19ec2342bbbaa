import { useEffect, useMemo, useState } from 'react';
import { shownHealth } from '../../../../shared/connectionHealth';
import type { ConnectionSummary, LiveHealth } from '../../../../shared/contract';
import { useCountdown } from '../../ui/useCountdown';
import { CallError, getBridge } from '../../api/client';
import { describeError } from '../../shell/errorActions';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { useUi } from '../../shell/uiStore';
import { HealthBadge } from '../connections/HealthBadge';
import { reimportDialog, useConnectionTest } from '../connections/useConnectionTest';
import { PortForwardsButton } from './actions/PortForwardsButton';
import { ClusterOverview } from './ClusterOverview';
import { OVERVIEW, useInspector, type DiscoveryState } from './inspectorStore';
import { ProductionBanner } from './ProductionBanner';
import { resourceEntries, type ResourceEntry } from './resourceCatalog';
import { ResourcePicker } from './ResourcePicker';
import { ResourceView } from './ResourceView';

/** While the open views hear nothing from the server: since when, and when the next try is (counting down to it). */
function SilentServerBanner({ live, message }: { live: LiveHealth; message?: string }) {
  const left = useCountdown(live.retryAt);
  return (
    <div className="notice notice-error" role="alert">
      <strong>No answer from the API server since {new Date(live.since ?? live.at).toLocaleTimeString()}</strong>
      <p>
        {message}
        {message ? '. ' : ''}
        The tables keep what it last sent, marked stale; {left > 0 ? `trying again in ${left} s` : 'trying again now'}.
      </p>
    </div>
  );
}

function InspectorHeader({ connection, discovery }: { connection: ConnectionSummary; discovery: DiscoveryState | undefined }) {
  const { testing, test } = useConnectionTest(connection);
  const openDialog = useUi((s) => s.openDialog);
  const discover = useInspector((s) => s.discover);
  const version = discovery?.value?.serverVersion;
  const shown = shownHealth(connection.health);
  return (
    <>
      <div className="page-header">
        <h2>
          {connection.name} <HealthBadge health={connection.health} />
          {version && <span className="muted server-version"> Kubernetes {version}</span>}
        </h2>
        <div className="page-header-actions">
          <PortForwardsButton />
          <button type="button" onClick={() => void test()} disabled={testing}>
            {testing && <span className="spinner" aria-hidden="true" />}
            {testing ? 'Testing…' : 'Test'}
          </button>
        </div>
      </div>
      <ProductionBanner connection={connection} />
      {shown.live && !shown.live.reachable && <SilentServerBanner live={shown.live} message={shown.message} />}
      {discovery?.status === 'error' && discovery.error && (
        <ErrorNotice
          error={describeError(new CallError(discovery.error), {
            retest: () => void test(),
            reimport: () => openDialog(reimportDialog(connection)),
            refresh: () => void discover(connection.id, { fresh: true }),
          })}
        />
      )}
    </>
  );
}

interface InspectorMainProps {
  connection: ConnectionSummary;
  picked: string;
  entry: ResourceEntry | undefined;
  discovery: DiscoveryState | undefined;
  picks: number;
}

/** The overview, the live table of the picked resource, or why there is none. */
function InspectorMain({ connection, picked, entry, discovery, picks }: InspectorMainProps) {
  if (picked === OVERVIEW) return <ClusterOverview connection={connection} />;
  if (entry?.served) return <ResourceView key={`${connection.id} ${entry.key}`} connection={connection} entry={entry} picks={picks} />;
  if (!entry && discovery?.status === 'loading') return <p className="muted">Discovering what this cluster serves…</p>;
  return <p className="muted">This cluster does not serve {entry?.label ?? picked}.</p>;
}

/**
 * The inspector of one Kubernetes connection: the resource picker on the left
 * (built-ins and the cluster's custom resources, from discovery) and the live
 * table of the picked resource, or the overview.
 */
export function ClusterInspector({ connection }: { connection: ConnectionSummary }) {
  const discovery = useInspector((s) => s.discoveries[connection.id]);
  const picked = useInspector((s) => s.picked);
  const pick = useInspector((s) => s.pick);
  const discover = useInspector((s) => s.discover);
  useEffect(() => void discover(connection.id), [connection.id, discover]);
  // Re-imported credentials may reach another cluster (a dev cluster recreated under the same name): ask again what it serves.
  // A change of live health alone is no reason: asking a silent server what it serves would only fail again.
  useEffect(
    () => getBridge().events['connections.changed'](({ ids, healthOnly }) => !healthOnly && ids.includes(connection.id) && void discover(connection.id, { fresh: true })),
    [connection.id, discover],
  );

  const entries = useMemo(() => resourceEntries(discovery?.value), [discovery?.value]);
  const entry = entries.find((e) => e.key === picked);
  // Keys on the picker's buttons are theirs: a pick moves focus to the table it shows.
  const [picks, setPicks] = useState(0);
  const onPick = (key: string) => {
    pick(key);
    setPicks((n) => n + 1);
  };

  return (
    <div className="inspector">
      <InspectorHeader connection={connection} discovery={discovery} />
      <div className="inspector-body">
        <ResourcePicker entries={entries} picked={picked} discovery={discovery} onPick={onPick} />
        <div className="inspector-main">
          <InspectorMain connection={connection} picked={picked} entry={entry} discovery={discovery} picks={picks} />
        </div>
      </div>
    </div>
  );
}
