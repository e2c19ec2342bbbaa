import { helmContract } from '../../../shared/contract';
import type { ServiceArea } from '../app/serviceArea';
import type { ConnectionService } from '../connections/connectionService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import type { Logger } from '../logging/logger';
import type { Database } from '../store/database';
import type { TaskRunner } from '../tasks/taskRunner';
import { createHelmRollbacks } from './helmRollback';
import { createHelmLocator } from './helmTool';
import { releaseReader } from './releaseSecrets';

export interface HelmAreaDeps {
  /** The kube area's access: one client per connection, for reading release Secrets. */
  access: Pick<KubeAccess, 'config'>;
  /** Connection names, and the single-context kubeconfig helm runs with. */
  connections: Pick<ConnectionService, 'list' | 'kubeconfigOf'>;
  /** Holds the helm binary's path. */
  db: Database;
  runner: TaskRunner;
  log: Logger;
  /** The environment whose PATH is searched for helm and which helm inherits; this process's by default. */
  env?: NodeJS.ProcessEnv;
}

/** The Helm area: releases read from their Secrets, and `helm rollback` run as a task; it holds nothing open itself. */
export function createHelmArea(deps: HelmAreaDeps): ServiceArea<typeof helmContract> {
  const locator = createHelmLocator(deps);
  const rollbacks = createHelmRollbacks({ ...deps, locator, reader: releaseReader });
  return {
    contract: helmContract,
    handlers: {
      'helm.releases': async ({ connectionId, namespace }) => releaseReader.releases(await deps.access.config(connectionId), namespace),
      'helm.history': async ({ connectionId, namespace, name }) => releaseReader.history(await deps.access.config(connectionId), namespace, name),
      'helm.manifest': async ({ connectionId, namespace, name, revision }) => releaseReader.manifest(await deps.access.config(connectionId), namespace, name, revision),
      'helm.tool': () => locator.status(),
      'helm.setPath': ({ path }) => locator.setPath(path),
      'helm.rollback': (params, ctx) => rollbacks.start(params, ctx.actor),
    },
    endSession: () => {},
    close: () => {},
  };
}
