import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../../../shared/result';
import type { ConnectionService } from '../../connections/connectionService';
import type { Logger } from '../../logging/logger';

/** A `KubeConfig` per stored connection, built once and rebuilt when the stored kubeconfig changes. */
export interface KubeClients {
  /**
   * The connection's KubeConfig. Reads the stored kubeconfig each time, so a
   * changed connection gets fresh credentials and a deleted one throws the
   * connection service's NOT_FOUND.
   */
  get(connectionId: string): Promise<KubeConfig>;
  /** Drops the cached KubeConfig, e.g. after a 401 so exec plugins run again. */
  forget(connectionId: string): void;
}

/** {@link KubeClients} over the connection service's sealed kubeconfigs. */
export function createKubeClients(connections: Pick<ConnectionService, 'kubeconfigOf'>, log: Logger): KubeClients {
  const cache = new Map<string, { fingerprint: string; kc: KubeConfig }>();
  return {
    async get(connectionId) {
      const text = connections.kubeconfigOf(connectionId);
      const fingerprint = createHash('sha256').update(text).digest('hex');
      const cached = cache.get(connectionId);
      if (cached?.fingerprint === fingerprint) return cached.kc;
      // Loaded on first use: @kubernetes/client-node alone costs ~300 ms at start-up.
      const [{ KubeConfig }, { kubeSecretsOf }] = await Promise.all([import('@kubernetes/client-node'), import('../objects/kubeSecrets')]);
      for (const s of kubeSecretsOf(text)) log.redactor.add(s);
      const kc = new KubeConfig();
      try {
        // Throws for credentials it cannot load, e.g. a tokenFile that no longer exists.
        kc.loadFromString(text);
      } catch (err) {
        throw new AppError('KUBECONFIG_INVALID', `The stored kubeconfig cannot be used: ${(err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300)}`);
      }
      cache.set(connectionId, { fingerprint, kc });
      return kc;
    },
    forget(connectionId) {
      cache.delete(connectionId);
    },
  };
}
