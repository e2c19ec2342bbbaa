import { useState } from 'react';
import type { ObjectRef, ResultOf } from '../../../../../shared/contract';
import { call } from '../../../api/client';

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

interface RevealState {
  target: string;
  /** Counts reveals and hides, so an answer that arrives after a Hide is dropped. */
  attempt: number;
  values?: RevealedValues;
  error?: unknown;
  busy: boolean;
}

/**
 * A Secret's values, fetched (and audited by the services) only when
 * `reveal` is called, and only ever held in this component's state: hidden
 * again by `hide`, when another object is shown, or when the pane closes.
 */
export function useSecretReveal(ref: ObjectRef | null): SecretReveal {
  const target = ref && JSON.stringify(ref);
  const [state, setState] = useState<RevealState | null>(null);
  // Another object: forget at once, so coming back to this Secret shows its values hidden.
  if (state && state.target !== target) setState(null);
  const current = state?.target === target ? state : null;

  const reveal = () => {
    if (!ref || !target) return;
    const attempt = (state?.attempt ?? 0) + 1;
    setState({ target, attempt, busy: true });
    const settle = (next: Partial<RevealState>) =>
      setState((s) => (s?.target === target && s.attempt === attempt ? { ...s, ...next, busy: false } : s));
    call('kube.revealSecret', ref).then(
      ({ values }) => settle({ values }),
      (error: unknown) => settle({ error }),
    );
  };

  return {
    values: current?.values,
    error: current?.error,
    busy: current?.busy ?? false,
    reveal,
    hide: () => setState((s) => (s ? { target: s.target, attempt: s.attempt + 1, busy: false } : s)),
  };
}
