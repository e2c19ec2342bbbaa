/**
 * The rules' data sources from the other areas' services: idle GPUs from the
 * GPU area, daily costs through the spend area's cache, GPU nodes through the
 * shared kube access. Service functions, never the RPC layer.
 */
import { GpuIdleParams, type SpendCosts } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { GpuService } from '../gpu/gpuService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import { RECENT_TTL_MS } from '../spend/costQuery';
import type { SpendService } from '../spend/spendService';
import type { AlertSources } from './alertRules';
import { gpuNodeSource } from './gpuNodeConditions';

/** What the sources are read from. */
export interface AlertSourceServices {
  gpu: Pick<GpuService, 'idle'>;
  spend: Pick<SpendService, 'costs'>;
  access: Pick<KubeAccess, 'config'>;
  /** The clock (ms); `Date.now` by default. */
  now?: () => number;
}

/**
 * The evaluator's sources over the areas' services, each given the rule's
 * signal so a rule that times out stops its work. Daily costs never ask
 * past the spend cache (`refresh` is never set), so a fresh answer costs
 * nothing. A stale answer (Cost Explorer failing, the cache past its time)
 * is not evaluated: the rule could not be, and says why. A query that failed
 * or answered stale is not asked again before the cache's TTL for recent days
 * has passed, since each request is billed.
 */
export function alertSources({ gpu, spend, access, now = Date.now }: AlertSourceServices): AlertSources {
  const failed = new Map<string, { until: number; error: AppError }>();
  return {
    idleGpus: (params, signal) => gpu.idle(GpuIdleParams.parse(params), signal),
    async dailyCosts({ connectionId, start, end }, signal) {
      const key = `${connectionId}\0${start}\0${end}`;
      const at = now();
      for (const [k, f] of failed) if (f.until <= at) failed.delete(k);
      const earlier = failed.get(key);
      if (earlier) throw earlier.error;
      const holdOff = (reason: AppError) => {
        const until = at + RECENT_TTL_MS;
        failed.set(key, { until, error: new AppError(reason.code, `${reason.message} (not asked again before ${new Date(until).toISOString()}: each request is billed)`) });
      };
      let costs: SpendCosts;
      try {
        costs = await spend.costs({ connectionId, start, end, granularity: 'DAILY', metric: 'UnblendedCost' }, { signal });
      } catch (err) {
        // Stopped by the rule's timeout or the app closing: nothing learnt about Cost Explorer.
        if (signal.aborted) throw err;
        holdOff(err instanceof AppError ? err : new AppError('INTERNAL', 'Cost Explorer could not be asked (details in the log)'));
        throw err;
      }
      if (costs.stale) {
        const stale = new AppError('UNREACHABLE', `Cost Explorer could not be asked (${costs.staleReason ?? costs.staleBecause ?? 'no reason given'}); the last answer, from ${costs.fetchedAt}, is too old to judge the budget by`);
        holdOff(stale);
        throw stale;
      }
      return costs;
    },
    gpuNodes: gpuNodeSource(access),
  };
}
