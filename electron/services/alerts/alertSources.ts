/**
 * The rules' data sources from the other areas' services: idle GPUs from the
 * GPU area, daily costs through the spend area's cache, GPU nodes through the
 * shared kube access. Service functions, never the RPC layer.
 */
import { GpuIdleParams } from '../../../shared/contract';
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
 * The evaluator's sources over the areas' services. Daily costs never ask
 * past the spend cache (`refresh` is never set), so a fresh answer costs
 * nothing; and a query that failed is not sent again before the cache's TTL
 * for recent days has passed, since a failing answer is not cached but its
 * request is billed.
 */
export function alertSources({ gpu, spend, access, now = Date.now }: AlertSourceServices): AlertSources {
  const failed = new Map<string, { until: number; error: AppError }>();
  return {
    idleGpus: (params) => gpu.idle(GpuIdleParams.parse(params)),
    async dailyCosts({ connectionId, start, end }) {
      const key = `${connectionId}\0${start}\0${end}`;
      const at = now();
      for (const [k, f] of failed) if (f.until <= at) failed.delete(k);
      const earlier = failed.get(key);
      if (earlier) throw earlier.error;
      try {
        return await spend.costs({ connectionId, start, end, granularity: 'DAILY', metric: 'UnblendedCost' });
      } catch (err) {
        const until = at + RECENT_TTL_MS;
        const reason = err instanceof AppError ? err : new AppError('INTERNAL', 'Cost Explorer could not be asked (details in the log)');
        failed.set(key, { until, error: new AppError(reason.code, `${reason.message} (not asked again before ${new Date(until).toISOString()}: each request is billed)`) });
        throw err;
      }
    },
    gpuNodes: gpuNodeSource(access),
  };
}
