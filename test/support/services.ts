/**
 * Services on a throwaway data dir, as tests and benchmarks need them: a fresh
 * key file, a quiet logger, and a home and environment of their own so the
 * machine's ~/.kube and ~/.aws are never read.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices, type PlatformAdapters, type Services } from '../../electron/services/app/createServices';
import { createLogger } from '../../electron/services/logging/logger';
import { AesGcmSecretBox } from '../../electron/services/secrets/aesGcmSecretBox';

export interface TestServicesOptions {
  dataDir?: string;
  mode?: PlatformAdapters['mode'];
  /** Defaults to the data dir, so ~/.kube/config is the test's own. */
  home?: string;
  env?: Record<string, string>;
  logger?: PlatformAdapters['logger'];
}

/** Creates services on `dataDir` (a new temp dir unless given). */
export function createTestServices(options: TestServicesOptions = {}): { services: Services; dataDir: string } {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ph-test-'));
  const services = createServices({
    mode: options.mode ?? 'browser',
    version: '0.0.0-test',
    dataDir,
    secretBox: AesGcmSecretBox.fromKeyFile(join(dataDir, 'secret.key')),
    logger: options.logger ?? createLogger(),
    environment: { home: options.home ?? dataDir, env: options.env ?? {} },
  });
  return { services, dataDir };
}

/** Services with `kubeconfig`'s (first) context imported as `name`, as a returning user has them. */
export async function servicesWithCluster(kubeconfig: string, name: string): Promise<{ services: Services; dataDir: string; connectionId: string }> {
  const { services, dataDir } = createTestServices();
  const [context] = services.connections.previewKubeconfig({ kind: 'path', path: kubeconfig }).contexts;
  const { imported } = await services.connections.importKubeconfig({ kind: 'path', path: kubeconfig }, [{ contextName: context.contextName, name, onConflict: 'fail' }], 'test');
  return { services, dataDir, connectionId: imported[0].id };
}
