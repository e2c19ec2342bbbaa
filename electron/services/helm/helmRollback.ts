/**
 * `helm rollback` as an audited task: the release read from its Secrets,
 * the real helm binary run against a kubeconfig holding only this
 * connection (private, removed when helm has exited), its output kept in the
 * task's report, and the release read again for the verdict. Its undo rolls
 * back to the revision that was current before, while the rollback's
 * revision is still the newest.
 */
import type { HelmHistory, HelmRevision, HelmRollbackParams } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { UndoStep } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import { auditTarget, connectionNameOf } from '../kube/actions/kubeActionTarget';
import type { KubeAccess } from '../kube/client/kubeAccess';
import type { Logger } from '../logging/logger';
import type { TaskContext, TaskRunner } from '../tasks/taskRunner';
import { runHelm, type HelmExit, type HelmLocator } from './helmTool';
import { withPrivateKubeconfig } from '../kube/client/privateKubeconfig';
import type { ReleaseReader } from './releaseSecrets';

/** A Helm rollback's phases, in order. */
export const HELM_ROLLBACK_PHASES = ['Read the release', 'Run helm rollback', 'Read the result'] as const;

/** How long helm waits for the rolled-back resources to be ready (`--timeout`). */
export const HELM_WAIT_TIMEOUT = '5m0s';

/** What stands in for the private directory in helm's output: the path says nothing useful and need not be shown. */
export const TEMP_DIR_SHOWN = '<private kubeconfig dir>';

/**
 * The environment helm runs in: this process's (PATH and HOME, for exec
 * credential plugins), without the variables that would point helm at
 * another cluster, namespace or storage, and with its own config, cache and
 * data kept in the private directory.
 */
export function helmEnvironment(base: NodeJS.ProcessEnv, dir: string, kubeconfig: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!key.startsWith('HELM_') && key !== 'KUBECONFIG') env[key] = value;
  return {
    ...env,
    KUBECONFIG: kubeconfig,
    HELM_DRIVER: 'secret',
    HELM_CONFIG_HOME: `${dir}/config`,
    HELM_CACHE_HOME: `${dir}/cache`,
    HELM_DATA_HOME: `${dir}/data`,
  };
}

/** The arguments of `helm rollback`; names and revisions are checked by the contract, so none can read as a flag. */
export function rollbackArgs(name: string, revision: number, namespace: string, kubeconfig: string): string[] {
  return ['rollback', name, String(revision), '--namespace', namespace, '--kubeconfig', kubeconfig, '--wait', '--timeout', HELM_WAIT_TIMEOUT];
}

/** The error a failed helm run is reported with: helm's last words, and a code that says what to do. */
export function helmFailure(exit: { code: number | null; signal: string | null }, lastError: string | undefined): AppError {
  const said = lastError ? `: ${lastError}` : '';
  const how = exit.code === null ? `was stopped (${exit.signal ?? 'signal'})` : `exited with code ${exit.code}`;
  const message = `helm rollback ${how}${said}`;
  if (/timed out|context deadline exceeded/i.test(lastError ?? '')) return new AppError('TIMEOUT', message);
  if (/another operation .* in progress/i.test(lastError ?? '')) return new AppError('CONFLICT', message);
  if (/forbidden/i.test(lastError ?? '')) return new AppError('FORBIDDEN', message);
  if (/unauthorized/i.test(lastError ?? '')) return new AppError('UNAUTHORIZED', message);
  return new AppError('VALIDATION', message);
}

const describeRevision = (r: HelmRevision) => `revision ${r.revision} (${r.chart || 'chart unknown'}${r.appVersion ? `, app ${r.appVersion}` : ''}, ${r.status})`;

export interface HelmRollbacksDeps {
  access: Pick<KubeAccess, 'config'>;
  connections: Pick<ConnectionService, 'list' | 'kubeconfigOf'>;
  locator: Pick<HelmLocator, 'require'>;
  reader: Pick<ReleaseReader, 'history'>;
  runner: Pick<TaskRunner, 'start'>;
  log: Logger;
  /** The environment helm inherits (PATH, HOME); this process's by default. */
  env?: NodeJS.ProcessEnv;
  /** Where the private directories are made; the OS temp directory by default. */
  tempParent?: string;
}

/** Rolls Helm releases back with the helm binary, as tasks. */
export interface HelmRollbacks {
  /** UNSUPPORTED (and no task) when there is no helm to run. */
  start(params: HelmRollbackParams, actor: string): Promise<{ taskId: string }>;
}

/** What a Helm rollback task ends with. */
interface RolledBack {
  revision: number;
  verdict: string;
}

/** {@link HelmRollbacks} over the helm binary. */
export function createHelmRollbacks(deps: HelmRollbacksDeps): HelmRollbacks {
  const { access, connections, locator, reader, runner, log } = deps;
  const env = deps.env ?? process.env;

  async function rollback(ctx: TaskContext, params: HelmRollbackParams, helm: string): Promise<RolledBack> {
    const { connectionId, namespace, name, revision, ifCurrentRevision } = params;
    const label = `release "${name}" in ${namespace}`;
    const kc = await access.config(connectionId);
    const newest = (h: HelmHistory) => h.revisions.at(-1);

    const before = await reader.history(kc, namespace, name, ctx.signal);
    const current = newest(before);
    if (!current) throw new AppError('NOT_FOUND', `There is no ${label}: it has no release Secrets`);
    if (ifCurrentRevision !== undefined && current.revision !== ifCurrentRevision) {
      throw new AppError('CONFLICT', `${label} is at revision ${current.revision} now, not ${ifCurrentRevision}: it was changed since. Nothing was changed`);
    }
    const target = before.revisions.find((r) => r.revision === revision);
    if (!target) throw new AppError('NOT_FOUND', `Revision ${revision} of ${label} is not kept (helm keeps --history-max revisions)`);
    const was = describeRevision(current);
    const to = `a copy of ${describeRevision(target)}`;
    const undoTo = (made: number): UndoStep => ({
      method: 'helm.rollback',
      params: { connectionId, namespace, name, revision: current.revision, ifCurrentRevision: made },
      label: `Roll back to revision ${current.revision}`,
    });
    const summary = `Rolling back ${label} from ${was} to revision ${revision}.`;
    // helm writes revision newest + 1 as soon as it starts: should the services die while it runs, the entry keeps an undo of that one (held to it).
    ctx.record({ audit: { before: was, after: to, undo: undoTo(current.revision + 1) }, summary });

    ctx.phase('Run helm rollback');
    let lastError: string | undefined;
    let ran: { exit: HelmExit } | { error: unknown };
    try {
      const exit = await withPrivateKubeconfig(
        connections.kubeconfigOf(connectionId),
        ({ dir, file }) => {
          ctx.log(`helm ${rollbackArgs(name, revision, namespace, TEMP_DIR_SHOWN + '/kubeconfig').join(' ')}`);
          return runHelm(helm, rollbackArgs(name, revision, namespace, file), {
            env: helmEnvironment(env, dir, file),
            signal: ctx.signal,
            onLine: (line, stream) => {
              // helm may echo the kubeconfig's path or a credential in an error: neither reaches the report.
              const shown = log.redactor.redact(line.split(dir).join(TEMP_DIR_SHOWN)).slice(0, 500);
              if (!shown.trim()) return;
              ctx.log(shown);
              if (stream === 'stderr') lastError = shown;
            },
          });
        },
        deps.tempParent,
      );
      ran = { exit };
    } catch (error) {
      ran = { error };
    }

    // Read however helm ended (cancelled and killed too, so without the task's signal): the entry says what the release is now, not what was asked.
    ctx.phase('Read the result');
    const helmSucceeded = 'exit' in ran && ran.exit.code === 0 && !ctx.signal.aborted;
    let now: HelmHistory | undefined;
    try {
      now = await reader.history(kc, namespace, name);
    } catch (err) {
      // Whether helm wrote its revision is not known: the undo stays, held to that revision, so it changes nothing if there is none.
      ctx.record({ audit: { before: was, after: `not known: the release could not be read again (${(err as Error).message})`, undo: undoTo(current.revision + 1) }, summary });
      if (helmSucceeded) throw err;
    }
    const made = now && newest(now);
    // Only a revision past the one before is the rollback's (a killed helm may leave it pending-rollback), and only that one is undone.
    const wrote = made && made.revision > current.revision ? made : undefined;
    if (wrote) ctx.record({ audit: { before: was, after: describeRevision(wrote), undo: undoTo(wrote.revision) }, summary });
    else if (now) ctx.record({ audit: { before: was, after: made ? `unchanged: ${describeRevision(made)}` : `no revision of ${label} is left` }, summary });

    if ('error' in ran) throw ran.error;
    ctx.throwIfCancelled();
    if (ran.exit.code !== 0) throw helmFailure(ran.exit, lastError);
    if (!wrote) throw new AppError('VALIDATION', `helm rollback said it succeeded, but ${label} has no new revision`);
    log.info('helm release rolled back', { connectionId, namespace, name, toRevision: revision, revision: wrote.revision });
    if (wrote.status !== 'deployed') throw new AppError('VALIDATION', `${label} is at ${describeRevision(wrote)} after the rollback, not deployed`);
    return { revision: wrote.revision, verdict: `${label} runs revision ${wrote.revision}, ${to}: deployed, its resources ready.` };
  }

  return {
    async start(params, actor) {
      const connectionName = connectionNameOf(connections, params.connectionId);
      const helm = await locator.require();
      const { id } = runner.start(
        {
          kind: 'helm.rollback',
          title: `Roll back Helm release ${params.name} to revision ${params.revision}`,
          target: auditTarget(connectionName, params.namespace, 'helm releases', params.name),
          connectionId: params.connectionId,
          connectionName,
          actor,
          phases: [...HELM_ROLLBACK_PHASES],
        },
        (ctx) => rollback(ctx, params, helm),
        { describe: (done) => ({ result: { revision: done.revision, toRevision: params.revision }, report: done.verdict }) },
      );
      return { taskId: id };
    },
  };
}
