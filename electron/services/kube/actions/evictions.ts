/**
 * The timing of a drain, apart from HTTP so it can be tested with a fake
 * clock: each pod's eviction retried while a PodDisruptionBudget forbids it
 * (HTTP 429, every few seconds, as kubectl does) until one deadline, then a
 * wait for the evicted pods to be gone under the same deadline.
 */
import type { DrainPod } from '../../../../shared/contract';
import { AppError, type ErrorCode } from '../../../../shared/result';
import { kubeStatusError } from '../client/kubeErrors';

/** Time as a drain sees it; tests pass a fake one. */
export interface DrainClock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** The wall clock. */
export const systemClock: DrainClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', stop);
        resolve();
      }, ms);
      const stop = () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', stop, { once: true });
    }),
};

/** What the apiserver answered one eviction. */
export type EvictionAnswer =
  | { kind: 'evicted' }
  /** Already gone (404), or replaced by a namesake since it was listed. */
  | { kind: 'gone' }
  /** 429: a PodDisruptionBudget forbids it now (or the server asks to slow down): try again later. */
  | { kind: 'blocked'; budget?: string; message: string }
  | { kind: 'failed'; code: ErrorCode; message: string };

interface StatusBody {
  message?: string;
  details?: { causes?: { reason?: string; message?: string; type?: string }[] };
}

/** The budget a 429 names: "The disruption budget web-pdb needs 2 healthy pods and has 2 currently". */
const BUDGET = /disruption budget (\S+) needs/;

/**
 * Reads the answer to `POST …/pods/<name>/eviction`. `who` names the
 * connection, so a refusal says who may not evict where.
 */
export function evictionAnswer(status: number, body: unknown, pod: Pick<DrainPod, 'namespace' | 'name'>, who: string): EvictionAnswer {
  const said = (body ?? {}) as StatusBody;
  const causes = said.details?.causes ?? [];
  if (status >= 200 && status < 300) return { kind: 'evicted' };
  if (status === 404) return { kind: 'gone' };
  if (status === 429) {
    const budget = causes.map((c) => BUDGET.exec(c.message ?? '')?.[1]).find(Boolean);
    return { kind: 'blocked', ...(budget ? { budget } : {}), message: causes.find((c) => c.message)?.message ?? said.message ?? 'The server asked to wait (429)' };
  }
  // The uid precondition failed: the pod that was listed is gone, a namesake stands in its place.
  if (status === 409 && /precondition/i.test(said.message ?? '')) return { kind: 'gone' };
  if (status === 403) {
    // Its namespace is being deleted: the pod goes with it, as kubectl counts it.
    if (causes.some((c) => c.type === 'NamespaceTerminating' || c.reason === 'NamespaceTerminating')) return { kind: 'evicted' };
    return { kind: 'failed', code: 'FORBIDDEN', message: `No access (403): ${who} may not evict pods in ${pod.namespace}` };
  }
  const { code, message } = kubeStatusError(`evicting pod ${pod.namespace}/${pod.name}`, status, body);
  return { kind: 'failed', code, message };
}

/** Where one pod stands after the eviction round. */
export type EvictionFate =
  | { state: 'evicted' }
  | { state: 'gone' }
  /** A PodDisruptionBudget still forbade it at the deadline. */
  | { state: 'blocked'; budget?: string; message: string }
  | { state: 'failed'; code: ErrorCode; message: string }
  /** Not evicted: the drain was cancelled, or the deadline passed, before it was (or while it waited for a budget). */
  | { state: 'stopped'; why: 'cancelled' | 'timeout'; budget?: string };

/** One round of evictions. */
export interface EvictionRound {
  pods: readonly DrainPod[];
  evict(pod: DrainPod): Promise<EvictionAnswer>;
  /** On `clock`, when retrying stops. */
  deadline: number;
  /** Between two attempts a budget forbade. */
  retryMs: number;
  /** Eviction requests in flight at once; every pod is tried, waiting for a budget holds none. */
  concurrency: number;
  clock: DrainClock;
  /** Aborted: no pod is tried again or started; requests under way finish. */
  signal: AbortSignal;
  /** A pod waits for its budget, or has its fate: for progress and the report. */
  onChange(pod: DrainPod, fate: EvictionFate | { state: 'waiting'; budget?: string; message: string }): void;
}

/** An error as a fate can carry it: an AppError's own words, nothing else's (they may say what should not be shown). */
const failureOf = (err: unknown): { code: ErrorCode; message: string } =>
  err instanceof AppError ? { code: err.code, message: err.message } : { code: 'INTERNAL', message: 'the request failed unexpectedly' };

/**
 * At most `limit` holders at once; the rest wait their turn in order. Only the
 * eviction requests hold it, never a retry's wait, so a pod its budget forbids
 * keeps no other pod from being tried.
 */
function requestSlots(limit: number): <T>(request: () => Promise<T>) => Promise<T> {
  let free = Math.max(1, limit);
  const waiting: (() => void)[] = [];
  return async (request) => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await request();
    } finally {
      // The slot passes straight to the next in line, or back to the pool.
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

/**
 * Tries every pod at once, as kubectl runs one goroutine per pod, with at most
 * `concurrency` requests in flight; retries those a budget forbids until the
 * deadline. Fates come in the order of the pods; never rejects.
 */
export async function evictPods(round: EvictionRound): Promise<Map<DrainPod, EvictionFate>> {
  const { clock, signal, deadline } = round;
  const fates = new Map<DrainPod, EvictionFate>();
  const settle = (pod: DrainPod, fate: EvictionFate) => {
    fates.set(pod, fate);
    round.onChange(pod, fate);
  };
  const inSlot = requestSlots(round.concurrency);
  /** The answer, or why the pod was not tried: its turn came after a cancel or the deadline. */
  const attempt = (pod: DrainPod) =>
    inSlot(async (): Promise<EvictionAnswer | Extract<EvictionFate, { state: 'stopped' }>> => {
      if (signal.aborted) return { state: 'stopped', why: 'cancelled' };
      if (clock.now() >= deadline) return { state: 'stopped', why: 'timeout' };
      return round.evict(pod).catch((err: unknown): EvictionAnswer => ({ kind: 'failed', ...failureOf(err) }));
    });

  const evictOne = async (pod: DrainPod) => {
    let forbidden: Extract<EvictionAnswer, { kind: 'blocked' }> | undefined;
    for (;;) {
      const answer = await attempt(pod);
      if ('state' in answer) {
        // Its retry's turn came too late: it is still the budget's.
        if (forbidden && answer.why === 'timeout') return settle(pod, { state: 'blocked', ...(forbidden.budget ? { budget: forbidden.budget } : {}), message: forbidden.message });
        return settle(pod, { ...answer, ...(forbidden?.budget ? { budget: forbidden.budget } : {}) });
      }
      if (answer.kind === 'failed') return settle(pod, { state: 'failed', code: answer.code, message: answer.message });
      if (answer.kind !== 'blocked') return settle(pod, { state: answer.kind });
      forbidden = answer;
      const budget = answer.budget ? { budget: answer.budget } : {};
      if (signal.aborted) return settle(pod, { state: 'stopped', why: 'cancelled', ...budget });
      if (clock.now() + round.retryMs > deadline) return settle(pod, { state: 'blocked', ...budget, message: answer.message });
      round.onChange(pod, { state: 'waiting', ...budget, message: answer.message });
      try {
        await clock.sleep(round.retryMs, signal);
      } catch {
        return settle(pod, { state: 'stopped', why: 'cancelled', ...budget });
      }
    }
  };
  await Promise.all(round.pods.map(evictOne));
  return new Map(round.pods.map((pod) => [pod, fates.get(pod)!]));
}

/** The wait for evicted pods to leave. */
export interface DepartureWait {
  pods: readonly DrainPod[];
  /** True once the pod is deleted, or its name holds another pod (another uid); throws when it cannot tell. */
  isGone(pod: DrainPod): Promise<boolean>;
  deadline: number;
  pollMs: number;
  clock: DrainClock;
  signal: AbortSignal;
  /** `gone` of the pods have left. */
  onProgress(gone: number): void;
}

/** Where the wait ended: the pods still there, and the last reason a pod could not be checked. */
export interface DepartureResult {
  remaining: DrainPod[];
  cancelled: boolean;
  lastProblem?: string;
}

/** Polls the pods until every one is gone, the deadline passes or the signal aborts; never rejects. */
export async function waitForDeparture(wait: DepartureWait): Promise<DepartureResult> {
  const { clock, signal } = wait;
  let remaining = [...wait.pods];
  let lastProblem: string | undefined;
  for (;;) {
    const still: DrainPod[] = [];
    for (const pod of remaining) {
      const gone = await wait.isGone(pod).catch((err: unknown) => {
        lastProblem = failureOf(err).message;
        return false;
      });
      if (!gone) still.push(pod);
    }
    remaining = still;
    wait.onProgress(wait.pods.length - remaining.length);
    if (!remaining.length || signal.aborted) break;
    if (clock.now() + wait.pollMs > wait.deadline) break;
    try {
      await clock.sleep(wait.pollMs, signal);
    } catch {
      break;
    }
  }
  return { remaining, cancelled: signal.aborted, ...(lastProblem ? { lastProblem } : {}) };
}
