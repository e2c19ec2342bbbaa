import type { ObjectRef, ResultOf } from '../../../../../shared/contract';
import { useQuery } from '../../../ui/useQuery';

/** A Secret's values as `kube.revealSecret` returns them. */
export type RevealedValues = ResultOf<'kube.revealSecret'>['values'];

/** Revealing one Secret's values, on request only. */
export interface SecretReveal {
  /** The values, while revealed. */
  values?: RevealedValues;
  /** Why the last reveal failed. */
  error?: unknown;
  busy: boolean;
  reveal(): void;
  hide(): void;
}

/**
 * A Secret's values, fetched (and audited by the services) only when
 * `reveal` is called, and only ever held in this component's state: hidden
 * again by `hide`, when another object is shown, or when the pane closes. An
 * answer that arrives after any of those is dropped.
 */
export function useSecretReveal(ref: ObjectRef | null): SecretReveal {
  const query = useQuery('kube.revealSecret', ref, { manual: true });
  return {
    values: query.value?.values,
    error: query.error,
    busy: query.loading,
    reveal: () => {
      // A new reveal starts from nothing: no values or failure of an earlier one meanwhile.
      query.reset();
      query.refetch();
    },
    hide: query.reset,
  };
}
