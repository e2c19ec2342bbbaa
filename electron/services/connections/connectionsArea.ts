import { connectionsContract } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { ServiceArea } from '../app/serviceArea';
import { createConnectionService, type ConnectionService, type ConnectionServiceDeps } from './connectionService';

export interface ConnectionsAreaDeps extends ConnectionServiceDeps {
  /** Native file picker (desktop); absent in browser mode. */
  chooseFile?: (title: string) => Promise<string | undefined>;
}

/** The connections area: stored kubeconfig contexts and cloud profiles, imported, tested, renamed, labelled. */
export function createConnectionsArea({ chooseFile, ...deps }: ConnectionsAreaDeps): ServiceArea<typeof connectionsContract> & { service: ConnectionService } {
  const connections = createConnectionService(deps);
  return {
    contract: connectionsContract,
    service: connections,
    handlers: {
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
        if (!chooseFile) throw new AppError('UNSUPPORTED', 'Browser mode has no native file picker: paste the kubeconfig, upload it, or type its path');
        const path = await chooseFile('Choose a kubeconfig');
        return path ? { path } : {};
      },
    },
    endSession: () => {},
    close: () => {},
  };
}
