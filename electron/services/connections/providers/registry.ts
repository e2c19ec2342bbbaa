/**
 * The provider of each connection kind. A new kind is one module beside
 * these and its line here.
 */
import { awsProvider } from './aws';
import { kubernetesProvider } from './kubernetes';
import { prometheusProvider } from './prometheus';
import type { ConnectionProviders } from './provider';

/** Every kind's provider. */
export const connectionProviders: ConnectionProviders = {
  kubernetes: kubernetesProvider,
  aws: awsProvider,
  prometheus: prometheusProvider,
};
