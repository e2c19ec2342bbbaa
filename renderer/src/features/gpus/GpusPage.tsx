import { useMemo, type ReactNode } from 'react';
import type { ConnectionSummary } from '../../../../shared/contract';
import { KeyScope, type KeyBindings } from '../../shell/keyScope';
import { navigate } from '../../shell/routes';
import { useUi } from '../../shell/uiStore';
import { TabList } from '../../ui/TabList';
import { selectedConnection, useConnections } from '../connections/connectionsStore';
import { CostView } from './CostView';
import { choosePrometheus, type PrometheusChoice } from './gpuView';
import { GPU_TABS, pickedPrometheus, useGpus, type GpuTabId } from './gpusStore';
import { HeatmapView } from './HeatmapView';
import { IdleView } from './IdleView';
import { InventoryView } from './InventoryView';
import { LocalGpusView } from './LocalGpusView';
import { PricesView } from './PricesView';
import { UtilisationView } from './UtilisationView';
import './gpus.css';

/** What each tab needs: the selected cluster, its Prometheus, both, or neither. */
const NEEDS: Record<GpuTabId, { cluster: boolean; prometheus: boolean }> = {
  inventory: { cluster: true, prometheus: false },
  utilisation: { cluster: false, prometheus: true },
  heatmap: { cluster: false, prometheus: true },
  idle: { cluster: true, prometheus: true },
  cost: { cluster: true, prometheus: true },
  prices: { cluster: false, prometheus: false },
  local: { cluster: false, prometheus: false },
};

/** The cluster the page works on: the selected Kubernetes connection, or the cluster a selected Prometheus watches. */
export function clusterOf(connections: readonly ConnectionSummary[], selected: ConnectionSummary | undefined): ConnectionSummary | undefined {
  if (selected?.kind === 'kubernetes') return selected;
  const linked = selected?.kind === 'prometheus' ? selected.prometheus?.clusterConnectionId : undefined;
  return linked === undefined ? undefined : connections.find((c) => c.id === linked && c.kind === 'kubernetes');
}

function NoCluster() {
  return (
    <div className="empty">
      <h2>Choose a cluster</h2>
      <p>This view works on one cluster: choose a Kubernetes connection in the switcher at the top, or import a kubeconfig on the Connections page.</p>
    </div>
  );
}

function NoPrometheus({ choice, cluster }: { choice: PrometheusChoice; cluster: ConnectionSummary | undefined }) {
  return (
    <div className="empty">
      <h2>{choice.status === 'none' ? 'Add a Prometheus connection' : 'Choose where the metrics come from'}</h2>
      {choice.status === 'none' ? (
        <p>
          GPU utilisation comes from dcgm-exporter metrics in Prometheus. Add a Prometheus endpoint (its URL, and a token or user name if it asks for one) linked to
          {cluster ? ` ${cluster.name}` : ' the cluster it watches'}.
        </p>
      ) : (
        <p>
          No Prometheus connection is linked to {cluster ? cluster.name : 'this cluster'}. Pick one above, or link one to the cluster on the Connections page so it is chosen by itself.
        </p>
      )}
      {choice.status === 'none' && (
        <button type="button" className="primary" onClick={() => useUi.getState().openDialog('add-prometheus')}>
          Add Prometheus endpoint…
        </button>
      )}{' '}
      <button type="button" className={choice.status === 'none' ? undefined : 'primary'} onClick={() => navigate('connections')}>
        Go to Connections
      </button>
    </div>
  );
}

/** Which Prometheus connection serves the charts: the linked one first, any other on request. */
function PrometheusPicker({ choice, clusterId, pickKey }: { choice: PrometheusChoice; clusterId: string | undefined; pickKey: string }) {
  const pick = useGpus((s) => s.pickPrometheus);
  if (choice.status === 'none') return null;
  return (
    <label className="field inline">
      <span>Metrics from</span>
      <select value={choice.status === 'chosen' ? choice.connection.id : ''} onChange={(e) => pick(pickKey, e.target.value || null)}>
        {choice.status === 'unlinked' && <option value="">Choose a Prometheus…</option>}
        {choice.candidates.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.prometheus?.clusterConnectionId === clusterId ? ' (linked)' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The GPU page: who holds which GPUs on the selected cluster, how hard they
 * work and what idle ones cost (from its Prometheus), the price table, and
 * this machine's own GPUs. Letters switch tabs.
 */
export function GpusPage() {
  const connections = useConnections((s) => s.connections);
  const status = useConnections((s) => s.status);
  const selected = useConnections(selectedConnection);
  const cluster = clusterOf(connections, selected);
  const tab = useGpus((s) => s.tab);
  const show = useGpus((s) => s.show);
  // Without a cluster the pick is kept under a key of its own: no cluster id is empty.
  const pickKey = cluster?.id ?? '';
  const picked = useGpus((s) => pickedPrometheus(s, pickKey));
  const choice = useMemo(() => choosePrometheus(connections, cluster?.id, picked), [connections, cluster?.id, picked]);
  const prometheus = choice.status === 'chosen' ? choice.connection : undefined;
  const needs = NEEDS[tab];
  const keys = useMemo<KeyBindings>(() => Object.fromEntries(GPU_TABS.map((t) => [t.key, () => show(t.id)])), [show]);

  let body: ReactNode;
  if (needs.cluster && !cluster) body = status === 'ready' || status === 'error' ? <NoCluster /> : <p className="muted">Loading connections…</p>;
  else if (needs.prometheus && !prometheus) body = status === 'ready' || status === 'error' ? <NoPrometheus choice={choice} cluster={cluster} /> : <p className="muted">Loading connections…</p>;
  else if (tab === 'inventory') body = <InventoryView key={cluster!.id} cluster={cluster!} />;
  else if (tab === 'utilisation') body = <UtilisationView key={prometheus!.id} prometheus={prometheus!} />;
  else if (tab === 'heatmap') body = <HeatmapView key={prometheus!.id} prometheus={prometheus!} />;
  else if (tab === 'idle') body = <IdleView key={`${cluster!.id}/${prometheus!.id}`} cluster={cluster!} prometheus={prometheus!} />;
  else if (tab === 'cost') body = <CostView key={`${cluster!.id}/${prometheus!.id}`} cluster={cluster!} prometheus={prometheus!} />;
  else if (tab === 'prices') body = <PricesView />;
  else body = <LocalGpusView />;

  return (
    <KeyScope keys={keys} page className="page-body gpus-page" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">GPUs</h1>
        <div className="page-header-actions">
          {(needs.cluster || needs.prometheus) && cluster && <span className="muted">Cluster: {cluster.name}</span>}
          {needs.prometheus && <PrometheusPicker choice={choice} clusterId={cluster?.id} pickKey={pickKey} />}
        </div>
      </div>
      <TabList label="GPU views" tabs={GPU_TABS} current={tab} onChoose={show} tabId={(id) => `gpus-tab-${id}`} panelId="gpus-panel" />
      <div role="tabpanel" id="gpus-panel" aria-labelledby={`gpus-tab-${tab}`} className="gpus-panel">
        {body}
      </div>
    </KeyScope>
  );
}
