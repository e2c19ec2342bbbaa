import { helmContract } from '../../../shared/contract';
import type { ServiceArea } from '../app/serviceArea';
import type { AuditService } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import type { Logger } from '../logging/logger';
import type { Database } from '../store/database';
import type { TaskRunner } from '../tasks/taskRunner';
import { createHelmRollbacks } from './helmRollback';
import { createHelmLocator } from './helmTool';
import { createReleaseDecodePool } from './releaseDecodePool';
import { sweepLeftoverKubeconfigs } from '../kube/client/privateKubeconfig';
import { createReleaseReader } from './releaseSecrets';

export interface HelmAreaDeps {
  /** Records who set which helm binary: rollbacks run it with cluster credentials. */
  audit: Pick<AuditService, 'record'>;
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
  /** Where helm's private kubeconfig directories are made, and leftovers swept at start; the OS temp directory by default. */
  tempParent?: string;
}

/**
 * The Helm area: releases read from their Secrets, and `helm rollback` run as a task; it holds nothing open itself.
 * At creation it removes the private kubeconfigs that runs of an earlier process, cut short by a crash, left behind.
 */
export function createHelmArea(deps: HelmAreaDeps): ServiceArea<typeof helmContract> {
  void sweepLeftoverKubeconfigs({ parent: deps.tempParent }).then(
    (removed) => {
      if (removed.length) deps.log.info('removed private kubeconfigs left by helm runs cut short', { count: removed.length });
    },
    (error: unknown) => deps.log.warn('could not sweep private kubeconfigs left by helm runs cut short', { error }),
  );
  const locator = createHelmLocator(deps);
  const decoder = createReleaseDecodePool(deps.log);
  // One for the area: what it decoded stays for the next poll.
  const releaseReader = createReleaseReader({ decoder });
  const rollbacks = createHelmRollbacks({ ...deps, locator, reader: releaseReader });
  return {
    contract: helmContract,
    handlers: {
      'helm.releases': async ({ connectionId, namespace }) => releaseReader.releases(await deps.access.config(connectionId), namespace),
      'helm.history': async ({ connectionId, namespace, name }) => releaseReader.history(await deps.access.config(connectionId), namespace, name),
      'helm.manifest': async ({ connectionId, namespace, name, revision }) => releaseReader.manifest(await deps.access.config(connectionId), namespace, name, revision),
      'helm.tool': () => locator.status(),
      'helm.setPath': ({ path }, ctx) =>
        deps.audit.record(
          {
            actor: ctx.actor,
            action: 'helm.setPath',
            target: 'helm binary',
            before: locator.configured() ?? 'helm on PATH',
            detail: `${path ?? 'helm on PATH'} is run at once as "helm version --short" to check it, and by every Helm rollback after`,
          },
          () => locator.setPath(path),
          (tool) => ({ after: tool.path ? `${tool.path}${tool.version ? ` (${tool.version})` : ''}` : `${tool.configuredPath ?? 'helm on PATH'}: ${tool.problem ?? 'not usable'}` }),
        ),
      'helm.rollback': (params, ctx) => rollbacks.start(params, ctx.actor),
    },
    endSession: () => {},
    close: () => decoder.close(),
  };
}
