import type { ContainerInfo } from '../../../../shared/contract';

/** The annotation that names the container `kubectl exec` and `kubectl logs` pick when none is given. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** One container the shell dialog lists. */
export interface ShellContainer {
  name: string;
  kind: ContainerInfo['kind'];
  state: string;
  /** Why a shell cannot start in it now; absent when it can. */
  problem?: string;
}

const isRunning = (c: Pick<ContainerInfo, 'state'>) => c.state === 'running';

/**
 * The containers a shell may be opened in, and the one chosen first: the
 * pod's default-container annotation when it names a running one, else the
 * first running container. Init containers are offered only while they run;
 * ephemeral (debug) containers are listed; one not running is listed with
 * why it cannot be chosen.
 */
export function shellContainers(containers: readonly ContainerInfo[], annotations: Readonly<Record<string, string>>): { options: ShellContainer[]; preferred?: string } {
  const options = containers
    .filter((c) => c.kind !== 'init' || isRunning(c))
    .map((c): ShellContainer => ({ name: c.name, kind: c.kind, state: c.state, ...(isRunning(c) ? {} : { problem: `It is not running (${c.state}).` }) }));
  const usable = options.filter((c) => !c.problem);
  const named = annotations[DEFAULT_CONTAINER_ANNOTATION];
  const preferred = usable.find((c) => c.name === named)?.name ?? usable.find((c) => c.kind === 'main')?.name ?? usable[0]?.name;
  return { options, ...(preferred ? { preferred } : {}) };
}

/**
 * Why the pod cannot take a shell now, from its containers once its detail
 * is loaded; undefined when one of them runs.
 */
export function podShellProblem(containers: readonly ContainerInfo[] | undefined): string | undefined {
  // Not loaded yet: offered, and the dialog says which containers run once it knows.
  if (!containers) return undefined;
  if (containers.some(isRunning)) return undefined;
  const states = containers.filter((c) => c.kind !== 'init').map((c) => `${c.name} ${c.state}`);
  return `No container is running${states.length ? ` (${states.join(', ')})` : ''}: a shell needs a running container.`;
}

/** Why a pod row (its kubectl STATUS) cannot take a shell; undefined when it is Running. */
export function podStatusShellProblem(status: unknown): string | undefined {
  if (status === 'Running') return undefined;
  return typeof status === 'string' && status ? `The pod is ${status}: a shell needs a running container.` : 'The pod’s status is not known yet.';
}
