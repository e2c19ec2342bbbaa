import type { ReactNode } from 'react';
import type { ConnectionSummary, GpuSummary, KubeOverview, NodeSummary, PodSummary, WarningSummary, WorkloadSummary } from '../../../../shared/contract';
import { describeError } from '../../shell/errorActions';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { StackedBar } from '../../ui/StackedBar';
import { usePageVisible } from '../../ui/usePageVisible';
import { useQuery } from '../../ui/useQuery';
import { HealthFacts } from '../connections/HealthFacts';
import { statusTone } from './cellFormat';
import { Age } from './CellValue';
import { ObjectLink } from './detail/ObjectLink';
import { resourceKey } from './resourceCatalog';
import './overview.css';

/** How often the overview asks again while shown: during a rollout the counts change by the second. */
const POLL_MS = 2000;

const NODES_KEY = resourceKey({ group: '', resource: 'nodes' });

/** One part of the overview: its figures, partial while listing, absent when what it reads cannot be listed. */
type Part<T> = { listing: boolean; problems: string[]; value?: T };

/** A tile or section of the overview: the part's figures, why they are missing, or that they are on their way. */
function PartSection<T>({ title, part, className, children }: { title: string; part: Part<T>; className: string; children: (value: T) => ReactNode }) {
  return (
    <section className={className} aria-label={title}>
      <h3>
        {title}
        {part.listing && <span className="muted overview-listing"> still listing…</span>}
      </h3>
      {part.problems.map((problem) => (
        <p key={problem} className="overview-problem">
          {problem}
        </p>
      ))}
      {part.value !== undefined ? children(part.value) : !part.problems.length && <p className="muted">Listing…</p>}
    </section>
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

function NodeFigures({ nodes, connectionId }: { nodes: NodeSummary; connectionId: string }) {
  if (!nodes.total) return <p className="muted">No nodes.</p>;
  return (
    <>
      <p className="overview-figure">{plural(nodes.total, 'node')}</p>
      <StackedBar
        label="Nodes"
        segments={[
          { label: 'Ready', value: nodes.ready, tone: 'tone-ok' },
          { label: 'NotReady', value: nodes.notReady, tone: 'tone-bad' },
        ]}
      />
      {nodes.cordoned > 0 && <p className="tone-warn">{plural(nodes.cordoned, 'node')} cordoned</p>}
      {nodes.attention.length > 0 && (
        <ul className="overview-names">
          {nodes.attention.map((n) => (
            <li key={n.name}>
              <ObjectLink to={{ connectionId, key: NODES_KEY, name: n.name }} kind="Node">
                {n.name}
              </ObjectLink>{' '}
              <span className={`badge tone-${statusTone(n.status)}`}>{n.status}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function PodFigures({ pods }: { pods: PodSummary }) {
  if (!pods.total) return <p className="muted">No pods.</p>;
  return (
    <>
      <p className="overview-figure">{plural(pods.total, 'pod')}</p>
      <StackedBar
        label="Pods by phase"
        segments={[
          { label: 'Running', value: pods.running - pods.runningNotReady, tone: 'tone-ok' },
          { label: 'Running, not ready', value: pods.runningNotReady, tone: 'tone-warn' },
          { label: 'Pending', value: pods.pending, tone: 'tone-pending' },
          { label: 'Failed', value: pods.failed, tone: 'tone-bad' },
          { label: 'Succeeded', value: pods.succeeded, tone: 'tone-neutral' },
          { label: 'Unknown', value: pods.unknown, tone: 'tone-unknown' },
        ]}
      />
    </>
  );
}

function GpuFigures({ gpus }: { gpus: GpuSummary }) {
  if (!gpus.nodes) return <p className="muted">No node offers GPUs (nvidia.com/gpu).</p>;
  const free = Math.max(0, gpus.allocatable - gpus.inUse - gpus.unschedulable);
  return (
    <>
      <p className="overview-figure">
        {gpus.inUse.toLocaleString()} of {plural(gpus.allocatable, 'GPU')} in use
        <span className="muted"> on {plural(gpus.nodes, 'node')}</span>
      </p>
      <StackedBar
        label="GPUs"
        segments={[
          { label: 'in use', value: gpus.inUse, tone: 'tone-accent' },
          { label: 'free', value: free, tone: 'tone-ok' },
          { label: 'free on NotReady or cordoned nodes', value: gpus.unschedulable, tone: 'tone-unknown' },
        ]}
      />
      {gpus.waiting > 0 && <p className="tone-warn">{plural(gpus.waiting, 'GPU')} requested by pods waiting for a node</p>}
    </>
  );
}

function WorkloadList({ workloads, connectionId }: { workloads: WorkloadSummary; connectionId: string }) {
  if (!workloads.notAvailable.length) {
    return <p className="muted">{workloads.total ? `All ${plural(workloads.total, 'workload')} are available.` : 'No Deployments, StatefulSets or DaemonSets.'}</p>;
  }
  return (
    <>
      <table className="overview-table">
        <thead>
          <tr>
            <th>Kind</th>
            <th>Namespace</th>
            <th>Name</th>
            <th>Status</th>
            <th>Available</th>
          </tr>
        </thead>
        <tbody>
          {workloads.notAvailable.map((w) => (
            <tr key={w.uid}>
              <td>{w.kind}</td>
              <td>{w.namespace}</td>
              <td>
                <ObjectLink to={{ connectionId, key: resourceKey(w.resource), namespace: w.namespace, name: w.name, uid: w.uid }} kind={w.kind}>
                  {w.name}
                </ObjectLink>
              </td>
              <td>
                <span className={`badge tone-${w.stalled ? 'bad' : statusTone(w.status)}`}>{w.status}</span>
              </td>
              <td>
                {w.available}/{w.desired}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {workloads.more > 0 && <p className="muted">and {plural(workloads.more, 'more workload')} not available</p>}
    </>
  );
}

function WarningList({ warnings }: { warnings: WarningSummary }) {
  if (!warnings.recent.length) return <p className="muted">No Warning events (the cluster keeps events for about an hour).</p>;
  return (
    <>
      <table className="overview-table">
        <thead>
          <tr>
            <th>Last seen</th>
            <th>Reason</th>
            <th>Object</th>
            <th>Message</th>
            <th>Count</th>
          </tr>
        </thead>
        <tbody>
          {warnings.recent.map((w) => (
            <tr key={w.uid}>
              <td>{w.lastSeen ? <Age iso={w.lastSeen} /> : '—'}</td>
              <td className="tone-warn">{w.reason}</td>
              <td>
                {w.namespace && <span className="muted">{w.namespace}/</span>}
                {w.object}
              </td>
              <td className="overview-message">{w.message}</td>
              <td>{w.count.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {warnings.total > warnings.recent.length && <p className="muted">{plural(warnings.total, 'Warning event')} in all: the Events view lists them.</p>}
    </>
  );
}

/** The figures of one answer. */
function HealthFigures({ overview, connectionId }: { overview: KubeOverview; connectionId: string }) {
  return (
    <>
      {!overview.complete && (
        <p className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> Still listing… the figures grow as the lists arrive.
        </p>
      )}
      <div className="overview-tiles">
        <PartSection title="Nodes" part={overview.nodes} className="overview-tile">
          {(nodes) => <NodeFigures nodes={nodes} connectionId={connectionId} />}
        </PartSection>
        <PartSection title="Pods" part={overview.pods} className="overview-tile">
          {(pods) => <PodFigures pods={pods} />}
        </PartSection>
        <PartSection title="GPUs" part={overview.gpus} className="overview-tile">
          {(gpus) => <GpuFigures gpus={gpus} />}
        </PartSection>
      </div>
      <PartSection title="Workloads not available" part={overview.workloads} className="overview-section">
        {(workloads) => <WorkloadList workloads={workloads} connectionId={connectionId} />}
      </PartSection>
      <PartSection title="Recent Warning events" part={overview.warnings} className="overview-section">
        {(warnings) => <WarningList warnings={warnings} />}
      </PartSection>
    </>
  );
}

/**
 * Health at a glance, computed by the services from the live caches and
 * asked for every {@link POLL_MS} while the overview is on screen; nothing is
 * asked while the window is hidden.
 */
function ClusterHealth({ connectionId }: { connectionId: string }) {
  const visible = usePageVisible();
  // The last answer stays while the window is hidden and comes back, rather than blanking the tiles.
  const query = useQuery('kube.overview', visible ? { connectionId } : null, { pollMs: POLL_MS, keepPrevious: true });
  const mine = query.answered?.connectionId === connectionId;
  const overview = mine ? query.value : undefined;
  const error = mine ? query.error : undefined;
  return (
    <div className="overview-health">
      {error !== undefined && <ErrorNotice error={describeError(error)} />}
      {overview ? (
        <HealthFigures overview={overview} connectionId={connectionId} />
      ) : (
        error === undefined && (
          <p className="muted" role="status">
            <span className="spinner" aria-hidden="true" /> Listing nodes, pods, workloads and events…
          </p>
        )
      )}
    </div>
  );
}

/** The cluster's health at a glance; then where the cluster is and what its last Test found. */
export function ClusterOverview({ connection }: { connection: ConnectionSummary }) {
  const kube = connection.kube!;
  return (
    <div className="overview">
      <ClusterHealth connectionId={connection.id} />
      <h3>Connection</h3>
      <dl className="facts">
        <dt>Server</dt>
        <dd className="mono">{kube.server}</dd>
        <dt>Context</dt>
        <dd>{kube.contextName}</dd>
        <dt>Default namespace</dt>
        <dd>{kube.namespace ?? 'default'}</dd>
      </dl>
      <HealthFacts connection={connection} />
    </div>
  );
}
