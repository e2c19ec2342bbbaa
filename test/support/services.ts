/**
 * Services on a throwaway data dir, as tests and benchmarks need them: a fresh
 * key file, a quiet logger, and a home and environment of their own so the
 * machine's ~/.kube and ~/.aws are never read.
 */
import { join } from 'node:path';
import type { AwsImportSelection, AwsProfilesSource, ConnectionSummary, KubeconfigSource, KubeImportSelection, TaskSummary } from '../../shared/contract';
import { AppError } from '../../shared/result';
import type { z } from 'zod';
import { createServices, type PlatformAdapters, type Services } from '../../electron/services/app/createServices';
import { createLogger } from '../../electron/services/logging/logger';
import { AesGcmSecretBox } from '../../electron/services/secrets/aesGcmSecretBox';
import { madeTempDir } from './tempDirs';
import type { StartedTask } from '../../electron/services/tasks/taskRunner';

export interface TestServicesOptions {
  dataDir?: string;
  mode?: PlatformAdapters['mode'];
  /** Defaults to the data dir, so ~/.kube/config is the test's own. */
  home?: string;
  env?: Record<string, string>;
  logger?: PlatformAdapters['logger'];
  /** Defaults to an AES-GCM box with a key file in the data dir. */
  secretBox?: PlatformAdapters['secretBox'];
}

/** Creates services on `dataDir` (unless given, a new temp dir, removed after the test file). */
export function createTestServices(options: TestServicesOptions = {}): { services: Services; dataDir: string } {
  const dataDir = options.dataDir ?? madeTempDir('ph-test-');
  const services = createServices({
    mode: options.mode ?? 'browser',
    version: '0.0.0-test',
    dataDir,
    secretBox: options.secretBox ?? AesGcmSecretBox.fromKeyFile(join(dataDir, 'secret.key')),
    logger: options.logger ?? createLogger(),
    environment: { home: options.home ?? dataDir, env: options.env ?? {} },
  });
  return { services, dataDir };
}

/** What a succeeded import left: the connections it saved, in the order they were selected, and its task. */
export interface ImportOutcome {
  imported: ConnectionSummary[];
  task: TaskSummary;
}

/**
 * Waits for an import's task. Resolves once it succeeded, with the saved
 * connections (found by the names chosen); rejects with its error, as an
 * AppError with the task's code, when it failed, and with a plain Error
 * when it was cancelled or interrupted.
 */
export async function importOutcome(services: Services, started: StartedTask, names: string[]): Promise<ImportOutcome> {
  const task = await started.done;
  if (task.status !== 'succeeded') {
    if (task.status === 'failed' && task.error) throw new AppError(task.error.code, task.error.message);
    throw new Error(`the import ended ${task.status}: ${task.message ?? 'no message'}`);
  }
  // A replaced connection keeps its own name, which may differ in case (names are compared ASCII-case-insensitively).
  const byName = new Map(services.connections.list().map((c) => [c.name.toLowerCase(), c]));
  return { imported: names.map((n) => byName.get(n.toLowerCase())).filter((c): c is ConnectionSummary => c !== undefined), task };
}

/** Imports kubeconfig contexts as the UI does and waits for the task; see {@link importOutcome}. A refusal before the task starts rejects too. */
export async function importKubeconfigAndWait(
  services: Services,
  source: KubeconfigSource,
  selections: z.input<typeof KubeImportSelection>[],
  actor = 'test',
): Promise<ImportOutcome> {
  const chosen = selections.map((s) => ({ ...s, onConflict: s.onConflict ?? 'fail' }));
  return importOutcome(services, services.connections.importKubeconfig(source, chosen, actor), chosen.map((s) => s.name));
}

/** Imports AWS profiles as the UI does and waits for the task; see {@link importOutcome}. */
export async function importAwsProfilesAndWait(
  services: Services,
  source: AwsProfilesSource,
  selections: z.input<typeof AwsImportSelection>[],
  actor = 'test',
): Promise<ImportOutcome> {
  const chosen = selections.map((s) => ({ ...s, onConflict: s.onConflict ?? 'fail' }));
  return importOutcome(services, services.connections.importAwsProfiles(source, chosen, actor), chosen.map((s) => s.name));
}

/** Services with `kubeconfig`'s (first) context imported as `name`, as a returning user has them. */
export async function servicesWithCluster(kubeconfig: string, name: string): Promise<{ services: Services; dataDir: string; connectionId: string }> {
  const { services, dataDir } = createTestServices();
  const [context] = (await services.connections.previewKubeconfig({ kind: 'path', path: kubeconfig })).contexts;
  const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path: kubeconfig }, [{ contextName: context.contextName, name }]);
  return { services, dataDir, connectionId: imported[0].id };
}
