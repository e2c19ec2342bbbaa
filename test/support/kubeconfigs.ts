/**
 * Generated kubeconfigs for tests and benchmarks: many contexts, or a given
 * size. Every context `ctx-<i>` has its own cluster and a token user; the
 * servers are unroutable and the tokens are made up.
 */

/** Options of {@link generatedKubeconfig}. */
export interface GeneratedKubeconfigOptions {
  /** How many contexts (`ctx-0` … `ctx-<n-1>`). */
  contexts: number;
  /** Bytes of certificate-authority-data per cluster, as real kubeconfigs carry (~1.5 kB); 0 leaves it out. */
  certificateBytes?: number;
}

/** A kubeconfig with `contexts` contexts, current-context `ctx-0`. */
export function generatedKubeconfig({ contexts, certificateBytes = 0 }: GeneratedKubeconfigOptions): string {
  const ca = certificateBytes ? Buffer.from(`-----BEGIN CERTIFICATE-----\n${'A'.repeat(certificateBytes)}\n-----END CERTIFICATE-----\n`).toString('base64') : '';
  const clusters: string[] = [];
  const users: string[] = [];
  const entries: string[] = [];
  for (let i = 0; i < contexts; i++) {
    clusters.push(`- name: cluster-${i}\n  cluster:\n    server: https://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:6443\n${ca ? `    certificate-authority-data: ${ca}\n` : ''}`);
    users.push(`- name: user-${i}\n  user:\n    token: generated-token-${i}\n`);
    entries.push(`- name: ctx-${i}\n  context:\n    cluster: cluster-${i}\n    user: user-${i}\n    namespace: team-${i % 50}\n`);
  }
  return `apiVersion: v1\nkind: Config\ncurrent-context: ctx-0\nclusters:\n${clusters.join('')}users:\n${users.join('')}contexts:\n${entries.join('')}`;
}

/** A kubeconfig of just under `bytes` bytes, of contexts carrying 1.5 kB certificates, as large real ones do. */
export function kubeconfigOfSize(bytes: number): string {
  const certificateBytes = 1500;
  let contexts = Math.floor(bytes / generatedKubeconfig({ contexts: 1, certificateBytes }).length);
  for (;;) {
    const text = generatedKubeconfig({ contexts, certificateBytes });
    if (text.length <= bytes) return text;
    // Longer indexes make later contexts a little larger: shrink by the overshoot and try again.
    contexts -= Math.ceil((text.length - bytes) / (text.length / contexts));
  }
}
