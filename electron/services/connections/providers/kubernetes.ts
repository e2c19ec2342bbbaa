import type { ConnectionProvider } from './provider';

/** Kubernetes connections: a sealed single-context kubeconfig. */
export const kubernetesProvider: ConnectionProvider<'kubernetes'> = {
  is: 'a cluster',
  wanted: 'a cluster',
  summaryOf: (details) => ({ kube: details }),
  async test({ secret, redactor }) {
    // Loaded on first use: @kubernetes/client-node alone costs ~300 ms at start-up.
    const [{ kubeSecretsOf }, { testKubeConnection }] = await Promise.all([import('../../kube/objects/kubeSecrets'), import('../../kube/client/testConnection')]);
    for (const s of kubeSecretsOf(secret)) redactor.add(s);
    return testKubeConnection(secret);
  },
  access: ({ secret }) => secret,
};
