import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ParamsIn, SpendCosts } from '../../../../shared/contract';
import { call } from '../../api/client';

/** What the page asks `spend.costs` (a refresh is a flag of the hook, not a param). */
export type CostsParams = Omit<ParamsIn<'spend.costs'>, 'refresh'>;

/** What the page shows of `spend.costs`. */
export interface SpendCostsQuery {
  /** The latest answer; an earlier query's while the new one loads or after it failed (`answersCurrent` false). */
  value?: SpendCosts;
  /** The params `value` answers: what its labels (buckets, grouping) must say, which may not be the params asked now. */
  valueParams?: CostsParams;
  /** The value answers the params asked now. */
  answersCurrent: boolean;
  error?: unknown;
  loading: boolean;
  /** Asks Cost Explorer again, past the cache (billed: a request per page). */
  refresh(): void;
}

/**
 * Loads costs for `params` (nothing while null) from the services' cache or
 * Cost Explorer; `refresh` asks past the cache. Answers to superseded calls are
 * dropped. Unlike useQuery, the refresh is a flag on one call, not new params:
 * a refreshed answer is not followed by another load.
 */
export function useSpendCosts(params: CostsParams | null): SpendCostsQuery {
  const key = params === null ? null : JSON.stringify(params);
  const [state, setState] = useState<{ key: string | null; value?: SpendCosts; valueKey?: string; error?: unknown; loading: boolean }>({ key: null, loading: false });
  const run = useRef(0);

  const load = useCallback(
    (refresh: boolean) => {
      const mine = ++run.current;
      if (key === null) {
        setState({ key: null, loading: false });
        return;
      }
      setState((s) => ({ ...s, key, error: undefined, loading: true }));
      call('spend.costs', { ...(JSON.parse(key) as CostsParams), ...(refresh ? { refresh: true } : {}) }).then(
        (value) => mine === run.current && setState({ key, value, valueKey: key, loading: false }),
        (error: unknown) => mine === run.current && setState((s) => ({ ...s, key, error, loading: false })),
      );
    },
    [key],
  );

  useEffect(() => {
    load(false);
    return () => {
      run.current++;
    };
  }, [load]);

  const valueParams = useMemo(() => (state.valueKey === undefined ? undefined : (JSON.parse(state.valueKey) as CostsParams)), [state.valueKey]);
  return {
    value: state.value,
    valueParams,
    answersCurrent: state.valueKey === key,
    error: state.key === key ? state.error : undefined,
    loading: state.loading || state.key !== key,
    refresh: useCallback(() => load(true), [load]),
  };
}
