import { connectionsContract, type ImportStarted } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { ServiceArea } from '../app/serviceArea';
import type { StartedTask, TaskRunner } from '../tasks/taskRunner';
import { createConnectionService, type ConnectionService, type ConnectionServiceDeps } from './connectionService';
import { createParsePool, type ParsePoolOptions } from './parsePool';

export interface ConnectionsAreaDeps extends Omit<ConnectionServiceDeps, 'parser' | 'taskRunner'> {
  /** Native file picker (desktop); absent in browser mode. */
  chooseFile?: (title: string) => Promise<string | undefined>;
  /** The task runner, asked for when an import starts (see {@link ConnectionServiceDeps.taskRunner}). */
  taskRunner: () => Pick<TaskRunner, 'start' | 'get'>;
  /** Limits of the parse workers; the defaults suit the app. */
  parsing?: ParsePoolOptions;
}

/**
 * The connections area: stored kubeconfig contexts, cloud profiles and
 * Prometheus endpoints, imported or typed in, tested, renamed, labelled. Files are parsed in worker threads
 * the area owns and ends on close.
 */
export function createConnectionsArea({ chooseFile, taskRunner, parsing, ...deps }: ConnectionsAreaDeps): ServiceArea<typeof connectionsContract> & { service: ConnectionService } {
  const parser = createParsePool(deps.log, parsing);
  const connections = createConnectionService({ ...deps, parser, taskRunner });
  // The task as it stands now, so the UI shows its progress before the first event arrives.
  const started = ({ id }: StartedTask): ImportStarted => {
    const { report: _report, ...task } = taskRunner().get(id);
    return { taskId: id, task };
  };
  return {
    contract: connectionsContract,
    handlers: {
      'connections.list': () => connections.list(),
      'connections.previewKubeconfig': ({ source }) => connections.previewKubeconfig(source),
      'connections.importKubeconfig': ({ source, selections }, ctx) => started(connections.importKubeconfig(source, selections, ctx.actor)),
      'connections.previewAwsProfiles': ({ source }) => connections.previewAwsProfiles(source),
      'connections.importAwsProfiles': ({ source, selections }, ctx) => started(connections.importAwsProfiles(source, selections, ctx.actor)),
      'connections.addAwsKeys': (input, ctx) => connections.addAwsKeys(input, ctx.actor),
      'connections.addPrometheus': (input, ctx) => connections.addPrometheus(input, ctx.actor),
      'connections.editPrometheus': (input, ctx) => connections.editPrometheus(input, ctx.actor),
      'connections.rename': ({ id, name }, ctx) => connections.rename(id, name, ctx.actor),
      'connections.setLabels': ({ id, labels }, ctx) => connections.setLabels(id, labels, ctx.actor),
      'connections.delete': async ({ id }, ctx) => ({ deleted: await connections.delete(id, ctx.actor) }),
      'connections.test': ({ id }) => connections.test(id),
      'connections.chooseKubeconfigFile': async () => {
        if (!chooseFile) throw new AppError('UNSUPPORTED', 'Browser mode has no native file picker: paste the kubeconfig, upload it, or type its path');
        const path = await chooseFile('Choose a kubeconfig');
        return path ? { path } : {};
      },
    },
    service: connections,
    endSession: () => {},
    // Imports were cancelled by the tasks area, which closes first; previews still reading fail.
    close: () => parser.close(),
  };
}
