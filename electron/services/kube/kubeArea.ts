import { kubeContract } from '../../../shared/contract';
import type { ServiceArea } from '../app/serviceArea';
import type { AuditService } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import type { Logger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import type { StreamHub } from '../rpc/streamHub';
import type { Database } from '../store/database';
import type { TaskRunner } from '../tasks/taskRunner';
import { createKubeAccess, type KubeAccess } from './client/kubeAccess';
import { sqliteDiscoveryStore } from './client/discoveryStore';
import { createKubeActions } from './actions/kubeActions';
import { createNodeDrain } from './actions/nodeDrain';
import { ListWatchKubeInspector, type KubeInspector } from './watch/kubeInspector';
import { createKubeObjects } from './objects/kubeObjects';
import { createPodLogs } from './logs/podLogs';

export interface KubeAreaDeps {
  connections: ConnectionService;
  /** Keeps each connection's discovery across launches. */
  db: Database;
  audit: AuditService;
  hub: EventHub;
  streams: StreamHub;
  log: Logger;
  /** Runs drains; the tasks area is built after this one. */
  taskRunner: () => TaskRunner;
}

/** The kube area: discovery, live tables, object detail, audited actions and pod logs. */
export function createKubeArea({ connections, db, audit, hub, streams, log, taskRunner }: KubeAreaDeps): ServiceArea<typeof kubeContract> & { access: KubeAccess; inspector: KubeInspector } {
  const access = createKubeAccess(connections, log, { store: sqliteDiscoveryStore(db, log) });
  const inspector = new ListWatchKubeInspector({ connections, hub, log, access });
  const objects = createKubeObjects({ access, audit, connections, log });
  const actions = createKubeActions({ access, audit, connections, log });
  const drains = createNodeDrain({ access, actions, connections, runner: taskRunner, log });
  const logs = createPodLogs({ access, streams, log });
  return {
    contract: kubeContract,
    access,
    inspector,
    handlers: {
      'kube.discover': async ({ connectionId, reuse }) => {
        const { serverVersion, resources, at } = await inspector.discover(connectionId, { reuse });
        return { serverVersion, resources, discoveredAt: new Date(at).toISOString() };
      },
      'kube.watch': ({ connectionId, resource, namespace }, ctx) => inspector.watch(connectionId, resource, namespace, ctx.session),
      'kube.unwatch': ({ watchId }) => (inspector.unwatch(watchId), {}),
      'kube.get': (ref) => objects.get(ref),
      'kube.events': (ref) => objects.events(ref),
      'kube.related': (ref) => objects.related(ref),
      'kube.revealSecret': (ref, ctx) => objects.revealSecret(ref, ctx.actor),
      'kube.permissions': (params) => objects.permissions(params),
      'kube.find': (params) => inspector.find(params),
      'kube.overview': (params) => inspector.overview(params),
      'kube.delete': async (params, ctx) => (await actions.delete(params, ctx.actor), {}),
      'kube.scale': (params, ctx) => actions.scale(params, ctx.actor),
      'kube.restart': (ref, ctx) => actions.restart(ref, ctx.actor),
      'kube.cordon': async (params, ctx) => (await actions.cordon(params, ctx.actor), {}),
      'kube.drainPlan': (ref) => drains.plan(ref),
      'kube.drain': (params, ctx) => drains.start(params, ctx.actor),
      'kube.openLogs': (params, ctx) => logs.open(params, ctx.session),
      'kube.downloadLogs': (target) => logs.download(target),
    },
    endSession: (session) => {
      inspector.endSession(session);
      logs.endSession(session);
    },
    close: () => {
      logs.closeAll();
      inspector.close();
    },
  };
}
