import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MethodName, ParamsIn, ResultOf } from '../../../shared/contract';
import { call } from '../api/client';

/** One read through the contract, as it stands. */
export interface Query<T, P = unknown> {
  /** The latest answer for these params; kept while they are asked again. */
  value?: T;
  /** Why the latest call failed; the next answer clears it. */
  error?: unknown;
  /** A call for these params is under way (or, unless `manual`, about to start). */
  loading: boolean;
  /** The params the shown value or error answers: older ones with `keepPrevious`. */
  answered?: P;
  /** Asks again now; an answer to an earlier call that arrives later is dropped. */
  refetch(): void;
  /** Forgets the answer and drops any call under way. */
  reset(): void;
}

/** How one call ended. */
export type QueryOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface QueryOptions<T> {
  /**
   * Asks again this long (ms) after each answer while the caller is mounted;
   * or decides from how the call ended (undefined: stop asking).
   */
  pollMs?: number | ((outcome: QueryOutcome<T>) => number | undefined);
  /** Asks again when this changes, keeping what is shown meanwhile. */
  refreshKey?: string;
  /** Asks only on `refetch`, e.g. for a read the user requests and the services audit. */
  manual?: boolean;
  /** Keeps showing the answer to earlier params until the new params are answered; `answered` says which. */
  keepPrevious?: boolean;
}

interface Answer<T> {
  /** The method and params the answer is about. */
  key: string;
  value?: T;
  error?: unknown;
}

interface QueryState<T> {
  /** The params last asked about. */
  key: string | null;
  loading: boolean;
  answer?: Answer<T>;
}

const IDLE = { key: null, loading: false } as const;

/**
 * Calls contract method `method` with `params` (nothing while they are null)
 * and again on `refetch`, a new `refreshKey` or every `pollMs`. Params are
 * compared by value, so callers may build them afresh each render. Answers
 * that arrive after the params changed, after a newer call started, after
 * `reset` or after unmount are dropped, and nothing asked about one set of
 * params is shown for another (unless `keepPrevious`).
 */
export function useQuery<M extends MethodName>(method: M, params: ParamsIn<M> | null, options: QueryOptions<ResultOf<M>> = {}): Query<ResultOf<M>, ParamsIn<M>> {
  const { refreshKey, manual = false, keepPrevious = false } = options;
  const key = params === null ? null : `${method} ${JSON.stringify(params)}`;
  const [state, setState] = useState<QueryState<ResultOf<M>>>(IDLE);
  // Every start and stop moves this on; an answer is kept only if nothing moved it since its call.
  const run = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  // Read when an answer arrives, so a new `pollMs` function each render does not restart the call.
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  const stop = useCallback(() => {
    run.current++;
    clearTimeout(timer.current);
  }, []);

  const start = useCallback(() => {
    if (key === null) return;
    stop();
    const mine = run.current;
    const asked = JSON.parse(key.slice(method.length + 1)) as ParamsIn<M>;
    const settle = (outcome: QueryOutcome<ResultOf<M>>) => {
      if (run.current !== mine) return;
      setState((s) => ({
        key,
        loading: false,
        answer: outcome.ok ? { key, value: outcome.value } : { key, value: s.answer?.key === key ? s.answer.value : undefined, error: outcome.error },
      }));
      const { pollMs } = latest.current;
      const next = typeof pollMs === 'function' ? pollMs(outcome) : pollMs;
      if (next) timer.current = setTimeout(ask, next);
    };
    const ask = () => {
      // Another object's answer is not held on to, unless it is to be shown meanwhile.
      setState((s) => ({ key, loading: true, answer: keepPrevious || s.answer?.key === key ? s.answer : undefined }));
      call(method, asked).then(
        (value) => settle({ ok: true, value }),
        (error: unknown) => settle({ ok: false, error }),
      );
    };
    ask();
  }, [method, key, keepPrevious, stop]);

  const reset = useCallback(() => {
    stop();
    setState(IDLE);
  }, [stop]);

  useEffect(() => {
    if (!manual) start();
    return manual ? reset : stop;
  }, [start, stop, reset, manual, refreshKey]);

  const shown = keepPrevious || state.answer?.key === key ? state.answer : undefined;
  const answeredKey = shown?.key;
  const answered = useMemo(() => (answeredKey === undefined ? undefined : (JSON.parse(answeredKey.slice(method.length + 1)) as ParamsIn<M>)), [answeredKey, method]);
  return {
    value: shown?.value,
    error: shown?.error,
    loading: key !== null && (state.key === key ? state.loading : !manual),
    answered,
    refetch: start,
    reset,
  };
}
