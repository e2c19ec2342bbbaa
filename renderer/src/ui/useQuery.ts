import { useEffect, useState } from 'react';
import type { ObjectDetail, ObjectRef, ParamsIn, ResultOf } from '../../../shared/contract';
import { call } from '../api/client';

/** The reads the detail pane makes about one object. */
export type ObjectMethod = 'kube.get' | 'kube.events' | 'kube.related';

/** One read about the object, as it stands. */
export interface ObjectCall<T> {
  /** The latest answer about this object; kept while it is asked again. */
  value?: T;
  /** Why the latest call failed; the next answer clears it. */
  error?: unknown;
  /** A call is under way. */
  loading: boolean;
  /** Asks again now. */
  refresh(): void;
}

export interface ObjectCallOptions {
  /** Asks again this long after each answer, while the caller is mounted. */
  pollMs?: number;
  /** Asks again when this changes, keeping what is shown meanwhile (for `kube.get`: the row's cells). */
  refreshKey?: string;
}

interface Answer<T> {
  /** The object (and refresh) the answer is about. */
  target: string;
  value?: T;
  error?: unknown;
  loading: boolean;
}

/**
 * Calls `method` about `ref` (nothing while `ref` is null) and again on
 * `refresh`, a new `refreshKey` or every `pollMs`. Answers that arrive after
 * the object changed, or after a newer call started, are dropped, and nothing
 * of one object is ever shown for another.
 */
export function useObjectCall<M extends ObjectMethod>(method: M, ref: ObjectRef | null, { pollMs, refreshKey }: ObjectCallOptions = {}): ObjectCall<ResultOf<M>> {
  // By value: callers build a new ref each render.
  const target = ref && `${method} ${JSON.stringify(ref)}`;
  const [answer, setAnswer] = useState<Answer<ResultOf<M>> | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!target) return;
    // Every ObjectMethod takes an ObjectRef; TypeScript cannot see that through the generic M.
    const params = JSON.parse(target.slice(method.length + 1)) as ParamsIn<M>;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = () => {
      setAnswer((a) => (a?.target === target ? { ...a, loading: true } : { target, loading: true }));
      call(method, params).then(
        (value) => live && setAnswer({ target, value, loading: false }),
        (error: unknown) => live && setAnswer((a) => ({ target, value: a?.target === target ? a.value : undefined, error, loading: false })),
      ).finally(() => {
        if (live && pollMs) timer = setTimeout(ask, pollMs);
      });
    };
    ask();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [method, target, refreshKey, generation, pollMs]);

  const current = answer?.target === target ? answer : null;
  return {
    value: current?.value,
    error: current?.error,
    loading: target !== null && (current?.loading ?? true),
    refresh: () => setGeneration((g) => g + 1),
  };
}

/** The object for the detail pane (`kube.get`), fetched again whenever its row's cells change. */
export function useObjectDetail(ref: ObjectRef | null, cellsKey: string | undefined): ObjectCall<ObjectDetail> {
  return useObjectCall('kube.get', ref, { refreshKey: cellsKey });
}
