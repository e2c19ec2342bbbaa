/**
 * The provider of each connection kind. A new kind (the GPU feature's
 * Prometheus endpoint) is one module beside these and one line here.
 */
import { awsProvider } from './aws';
import { kubernetesProvider } from './kubernetes';
import type { ConnectionProviders } from './provider';

/** Every kind's provider. */
export const connectionProviders: ConnectionProviders = {
  kubernetes: kubernetesProvider,
  aws: awsProvider,
};
