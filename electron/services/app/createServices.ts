import { join } from 'node:path';
import type { AppInfo } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { createAuditService, type AuditService } from '../audit/auditService';
import { createConnectionService, type ConnectionService } from '../connections/connectionService';
import { processEnvironment, type SourceEnvironment } from '../connections/sources';
import { createKubeAccess } from '../kube/kubeAccess';
import { createKubeActions, type KubeActions } from '../kube/kubeActions';
import { ListWatchKubeInspector, type KubeInspector } from '../kube/kubeInspector';
import { createKubeObjects, type KubeObjects } from '../kube/kubeObjects';
import { createPodLogs, type PodLogs } from '../kube/podLogs';
import { createPortForwards, type PortForwards } from '../kube/portForwards';
import { createLogger, type Logger } from '../logging/logger';
import { dispatch, type Handlers } from '../rpc/dispatch';
import { EventHub } from '../rpc/eventHub';
import type { SecretBox } from '../secrets/secretBox';
import { openDatabase, type Database } from '../store/database';

/** What only the composition root knows: the platform and its adapters. */
export interface PlatformAdapters {
  mode: AppInfo['mode'];
  version: string;
  dataDir: string;
  secretBox: SecretBox;
  /** Native file picker (desktop); absent in browser mode. */
  chooseFile?: (title: string) => Promise<string | undefined>;
  /** better_sqlite3.node for this runtime, when it is not the default build. */
  sqliteBinding?: string;
  environment?: SourceEnvironment;
  logger?: Logger;
}

/** Every service, wired; what both the Electron main process and browser mode run. */
export interface Services {
  handlers: Handlers;
  hub: EventHub;
  log: Logger;
  db: Database;
  connections: ConnectionService;
  audit: AuditService;
  kube: KubeInspector;
  objects: KubeObjects;
  actions: KubeActions;
  logs: PodLogs;
  portForwards: PortForwards;
  /** A UI connection went away: release what it held open (watches, log streams). */
  endSession(session: string): void;
  close(): void;
}

/** Opens the data file and builds the services and the contract's handlers. */
export function createServices(platform: PlatformAdapters): Services {
  const log = platform.logger ?? createLogger({ file: join(platform.dataDir, 'logs', 'pilothouse.log') });
  const db = openDatabase({ file: join(platform.dataDir, 'pilothouse.db'), nativeBinding: platform.sqliteBinding, log });
  const hub = new EventHub(log);
  const audit = createAuditService(db, hub, log);
  const connections = createConnectionService({
    db,
    secretBox: platform.secretBox,
    audit,
    hub,
    log,
    environment: platform.environment ?? processEnvironment(),
    // Re-imported credentials: live views that failed (401, 403) try again now rather than after their slow retry.
    onCredentialsReplaced: (id) => kube.credentialsChanged(id),
  });
  const access = createKubeAccess(connections, log);
  const kube = new ListWatchKubeInspector({ connections, hub, log, access });
  const objects = createKubeObjects({ access, audit, connections, log });
  const actions = createKubeActions({ access, audit, connections, log });
  const logs = createPodLogs({ access, hub, log });
  const portForwards = createPortForwards({ access, audit, connections, hub, log });

  const handlers: Handlers = {
    'app.info': () => ({
      version: platform.version,
      mode: platform.mode,
      platform: process.platform,
      secretStorage: platform.secretBox.description,
      capabilities: { nativeFileDialog: Boolean(platform.chooseFile) },
    }),
    'connections.list': () => connections.list(),
    'connections.previewKubeconfig': ({ source }) => connections.previewKubeconfig(source),
    'connections.importKubeconfig': ({ source, selections }, ctx) => connections.importKubeconfig(source, selections, ctx.actor),
    'connections.previewAwsProfiles': ({ source }) => connections.previewAwsProfiles(source),
    'connections.importAwsProfiles': ({ source, selections }, ctx) => connections.importAwsProfiles(source, selections, ctx.actor),
    'connections.addAwsKeys': (input, ctx) => connections.addAwsKeys(input, ctx.actor),
    'connections.rename': ({ id, name }, ctx) => connections.rename(id, name, ctx.actor),
    'connections.setLabels': ({ id, labels }, ctx) => connections.setLabels(id, labels, ctx.actor),
    'connections.delete': async ({ id }, ctx) => ({ deleted: await connections.delete(id, ctx.actor) }),
    'connections.test': ({ id }) => connections.test(id),
    'connections.chooseKubeconfigFile': async () => {
      if (!platform.chooseFile) throw new AppError('UNSUPPORTED', 'Browser mode has no native file picker: paste the kubeconfig, upload it, or type its path');
      const path = await platform.chooseFile('Choose a kubeconfig');
      return path ? { path } : {};
    },
    'kube.discover': ({ connectionId }) => kube.discover(connectionId),
    'kube.watch': ({ connectionId, resource, namespace }, ctx) => kube.watch(connectionId, resource, namespace, ctx.session),
    'kube.unwatch': ({ watchId }) => (kube.unwatch(watchId), {}),
    'kube.get': (ref) => objects.get(ref),
    'kube.events': (ref) => objects.events(ref),
    'kube.related': (ref) => objects.related(ref),
    'kube.revealSecret': (ref, ctx) => objects.revealSecret(ref, ctx.actor),
    'kube.permissions': (params) => objects.permissions(params),
    'kube.find': (params) => kube.find(params),
    'kube.delete': async (params, ctx) => (await actions.delete(params, ctx.actor), {}),
    'kube.scale': (params, ctx) => actions.scale(params, ctx.actor),
    'kube.restart': (ref, ctx) => actions.restart(ref, ctx.actor),
    'kube.cordon': async (params, ctx) => (await actions.cordon(params, ctx.actor), {}),
    'kube.openLogs': (params, ctx) => logs.open(params, ctx.session),
    'kube.closeLogs': ({ streamId }) => (logs.close(streamId), {}),
    'kube.downloadLogs': (target) => logs.download(target),
    'portForwards.start': (params, ctx) => portForwards.start(params, ctx.actor),
    'portForwards.list': () => portForwards.list(),
    'portForwards.stop': async ({ id }, ctx) => (await portForwards.stop(id, ctx.actor), {}),
    'audit.list': (query) => audit.list(query),
    // The undo call goes through the contract like any other: validated, then audited by its own service.
    'audit.undo': ({ id }, ctx) =>
      audit.undo(id, async (step) => {
        const result = await dispatch(handlers, step.method, step.params, ctx, log);
        if (!result.ok) throw new AppError(result.error.code, result.error.message);
      }),
  };

  return {
    handlers,
    hub,
    log,
    db,
    connections,
    audit,
    kube,
    objects,
    actions,
    logs,
    portForwards,
    endSession: (session) => {
      kube.endSession(session);
      logs.endSession(session);
    },
    close: () => {
      portForwards.closeAll();
      logs.closeAll();
      kube.close();
      db.close();
    },
  };
}
