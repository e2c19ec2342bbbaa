/**
 * Following a change the cluster has already taken (a rollback, an Argo
 * Rollouts action): a read that fails only because the cluster did not
 * answer is tried again, until it has been silent for {@link LOST_CONTACT_MS}
 * in a row; then the task fails saying the change was applied and its
 * outcome is not known, never claiming either.
 */
import { AppError } from '../../../shared/result';

/** How long the cluster may not answer, in a row, before the outcome of a followed change is said to be unknown. */
export const LOST_CONTACT_MS = 20_000;
/** Failures that say nothing of the change, only that the cluster did not answer. */
const NO_ANSWER = new Set(['UNREACHABLE', 'TIMEOUT']);

/** Consecutive silence while a change is followed. */
export interface SilenceBudget {
  /** The cluster answered: the silence is over. */
  answered(): void;
  /**
   * A read failed: anything but silence is thrown on; silence past the budget
   * is thrown as `applied` was applied and `outcome` is not known, then `next`.
   */
  failed(err: unknown, applied: string, outcome: string, next?: string): void;
}

export function silenceBudget(now: () => number = Date.now): SilenceBudget {
  let since: number | undefined;
  return {
    answered: () => void (since = undefined),
    failed(err, applied, outcome, next = 'Look again when the cluster answers') {
      if (!(err instanceof AppError) || !NO_ANSWER.has(err.code)) throw err;
      since ??= now();
      if (now() - since >= LOST_CONTACT_MS) {
        throw new AppError(err.code, `Lost contact with the cluster while following the rollout (${err.message}): ${applied} was applied; whether ${outcome} is not known. ${next}`);
      }
    },
  };
}
