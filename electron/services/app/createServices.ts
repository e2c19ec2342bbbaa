import { join } from 'node:path';
import type { AppInfo } from '../../../shared/contract';
import { createAlertsArea } from '../alerts/alertsArea';
import { createAuditArea } from '../audit/auditArea';
import type { AuditService } from '../audit/auditService';
import { createConnectionsArea } from '../connections/connectionsArea';
import type { ConnectionService } from '../connections/connectionService';
import { processEnvironment, type SourceEnvironment } from '../connections/sources';
import { createGpuArea } from '../gpu/gpuArea';
import { readLocalGpus } from '../gpu/nvidiaSmi';
import { createHelmArea } from '../helm/helmArea';
import { createKubeArea } from '../kube/kubeArea';
import type { KubeInspector } from '../kube/watch/kubeInspector';
import type { PortForwards } from '../kube/portForward/portForwards';
import { createPortForwardsArea } from '../kube/portForward/portForwardsArea';
import type { Notify } from '../rollouts/rolloutGuards';
import { createRolloutsArea } from '../rollouts/rolloutsArea';
import { createPipelinesArea } from '../pipelines/pipelinesArea';
import { createPipelineRunsArea } from '../pipelines/runs/pipelineRunsArea';
import { createDrillsArea } from '../drills/drillsArea';
import { createRunbooksArea } from '../runbooks/runbooksArea';
import { createSpendArea } from '../spend/spendArea';
import { createLogger, type Logger } from '../logging/logger';
import { dispatch, type Handlers } from '../rpc/dispatch';
import { EventHub } from '../rpc/eventHub';
import { StreamHub } from '../rpc/streamHub';
import type { SecretBox } from '../secrets/secretBox';
import { openDatabase, type Database } from '../store/database';
import { createTasksArea } from '../tasks/tasksArea';
import { createTerminalArea } from '../terminal/terminalArea';
import type { TaskRunner } from '../tasks/taskRunner';
import { createAppArea } from './appArea';
import { combineHandlers, type ServiceArea } from './serviceArea';

/** What only the composition root knows: the platform and its adapters. */
export interface PlatformAdapters {
  mode: AppInfo['mode'];
  version: string;
  dataDir: string;
  secretBox: SecretBox;
  /** Native file picker (desktop), or folder picker when `folder`; absent in browser mode. */
  chooseFile?: (title: string, folder?: boolean) => Promise<string | undefined>;
  /** OS notifications (desktop): a guarded rollout rolled back; absent in browser mode, where a toast says it. */
  notify?: Notify;
  /** Prints a self-contained HTML report to a PDF file the person picks (desktop); absent in browser mode. */
  savePdf?: (html: string, fileName: string) => Promise<string | undefined>;
  /** better_sqlite3.node for this runtime, when it is not the default build. */
  sqliteBinding?: string;
  environment?: SourceEnvironment;
  logger?: Logger;
}

/** Every area, wired; what the services process (and tests, in-process) run. */
export interface Services {
  handlers: Handlers;
  hub: EventHub;
  /** Private streams, one session each (pod logs, terminals). */
  streams: StreamHub;
  log: Logger;
  db: Database;
  /** Area services that tests and benches drive directly. */
  connections: ConnectionService;
  audit: AuditService;
  kube: KubeInspector;
  portForwards: PortForwards;
  tasks: TaskRunner;
  /** A UI connection went away: every area releases what it held open for it (watches, log streams). */
  endSession(session: string): void;
  /**
   * Closes every area, newest first, then the data file. Synchronous unless
   * an area has work to finish (a running task's cleanup); the promise says when all is closed.
   */
  close(): Promise<void>;
}

/** Opens the data file and builds every area; the contract's handlers are theirs combined. */
export function createServices(platform: PlatformAdapters): Services {
  const log = platform.logger ?? createLogger({ file: join(platform.dataDir, 'logs', 'pilothouse.log') });
  const db = openDatabase({ file: join(platform.dataDir, 'pilothouse.db'), nativeBinding: platform.sqliteBinding, log });
  const hub = new EventHub(log);
  const streams = new StreamHub(log);

  const app = createAppArea(() => ({
    version: platform.version,
    mode: platform.mode,
    platform: process.platform,
    secretStorage: platform.secretBox.description,
    capabilities: { nativeFileDialog: Boolean(platform.chooseFile), pdfExport: Boolean(platform.savePdf) },
  }));
  const audit = createAuditArea({ db, hub, log, call: (method, params, ctx) => dispatch(handlers, method, params, ctx, log) });
  const connections = createConnectionsArea({
    db,
    secretBox: platform.secretBox,
    audit: audit.service,
    hub,
    log,
    environment: platform.environment ?? processEnvironment(),
    chooseFile: platform.chooseFile,
    // Built below: the tasks area closes before this one, cancelling imports before their parse workers end.
    taskRunner: () => tasks.runner,
    // Re-imported credentials: live views that failed (401, 403) try again now rather than after their slow retry.
    onCredentialsReplaced: (id) => kube.inspector.credentialsChanged(id),
  });
  // The task runner is built below: the tasks area closes before this one, cancelling drains while their cluster client is still open.
  const kube = createKubeArea({ connections: connections.service, db, audit: audit.service, hub, streams, log, taskRunner: () => tasks.runner });
  const portForwards = createPortForwardsArea({ access: kube.access, audit: audit.service, connections: connections.service, hub, log });

  const tasks = createTasksArea({ db, audit: audit.service, hub, log });
  const rollouts = createRolloutsArea({
    access: kube.access,
    connections: connections.service,
    audit: audit.service,
    runner: tasks.runner,
    log,
    db,
    hub,
    notify: platform.notify,
  });
  const helm = createHelmArea({ access: kube.access, connections: connections.service, audit: audit.service, db, runner: tasks.runner, log });
  const { chooseFile } = platform;
  const runbooks = createRunbooksArea({ db, audit: audit.service, hub, runner: tasks.runner, log, chooseFolder: chooseFile && ((title) => chooseFile(title, true)) });
  const spend = createSpendArea({ db, connections: connections.service, log });
  const terminal = createTerminalArea({ connections: connections.service, access: kube.access, audit: audit.service, hub, streams, db, log });
  const gpu = createGpuArea({ db, access: kube.access, connections: connections.service, spend: spend.service, hub, log, readLocalGpus: () => readLocalGpus() });
  const drills = createDrillsArea({ db, access: kube.access, connections: connections.service, audit: audit.service, hub, runner: tasks.runner, secretBox: platform.secretBox, log, savePdf: platform.savePdf });
  const alerts = createAlertsArea({ db, gpu: gpu.service, spend: spend.service, access: kube.access, drills: drills.store, connections: connections.service, audit: audit.service, hub, log, notify: platform.notify });

  const pipelines = createPipelinesArea({ db, access: kube.access, connections: connections.service, audit: audit.service, hub, runner: tasks.runner, log, chooseFile });
  const pipelineRuns = createPipelineRunsArea({ access: kube.access, audit: audit.service, connections: connections.service, log });

  // The areas, in the order they are built; they close in reverse.
  const areas = [app, connections, audit, kube, portForwards, tasks, rollouts, helm, terminal, runbooks, spend, gpu, drills, alerts, pipelines, pipelineRuns] as const satisfies readonly ServiceArea[];
  const handlers: Handlers = combineHandlers(areas);

  return {
    handlers,
    hub,
    streams,
    log,
    db,
    connections: connections.service,
    audit: audit.service,
    kube: kube.inspector,
    portForwards: portForwards.service,
    tasks: tasks.runner,
    endSession: (session) => {
      for (const area of areas) area.endSession(session);
      streams.detach(session);
    },
    close: () => {
      const closing = [...areas].reverse();
      const closeFrom = (i: number): Promise<void> | void => {
        for (; i < closing.length; i++) {
          const area = closing[i];
          const failed = (err: unknown) => log.error('an area failed to close', { area: area.contract.name, error: err });
          try {
            const pending = area.close();
            // Areas built earlier (and the data file) stay open until this one is done.
            if (pending) return pending.catch(failed).then(() => closeFrom(i + 1));
          } catch (err) {
            failed(err);
          }
        }
        db.close();
      };
      return Promise.resolve(closeFrom(0));
    },
  };
}
