/**
 * The rules' data sources from the other areas' services: idle GPUs from the
 * GPU area, daily costs through the spend area's cache, GPU nodes through the
 * shared kube access, overdue drills from the drills area's records. Service
 * functions, never the RPC layer.
 */
import { GpuIdleParams } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { ConnectionService } from '../connections/connectionService';
import type { DrillStore } from '../drills/drillStore';
import type { GpuService } from '../gpu/gpuService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import type { SpendService } from '../spend/spendService';
import type { AlertSources, OverdueDrill } from './alertRules';
import { gpuNodeSource } from './gpuNodeConditions';

/** What the sources are read from. */
export interface AlertSourceServices {
  gpu: Pick<GpuService, 'idle'>;
  spend: Pick<SpendService, 'costs'>;
  access: Pick<KubeAccess, 'config'>;
  /** The drills area's records: targets, and each namespace's drills. */
  drills: Pick<DrillStore, 'namespaceStatuses'>;
  /** The stored connections, for their names. */
  connections: Pick<ConnectionService, 'list'>;
}

/**
 * Overdue drills from the drills store, on connections still stored: a
 * namespace left in the records of a deleted connection has no cluster to
 * drill, so it fires nothing.
 */
export function overdueDrillSource(drills: AlertSourceServices['drills'], connections: AlertSourceServices['connections']): AlertSources['overdueDrills'] {
  return (clusterConnectionId, now) => {
    const names = new Map(connections.list().map((c) => [c.id, c.name]));
    return drills.namespaceStatuses(now, clusterConnectionId, (id) => names.get(id) ?? id).flatMap((s): OverdueDrill[] => {
      if (!s.overdue || !s.target || !s.nextDrillDueAt || !names.has(s.connectionId)) return [];
      const { connectionId, connectionName, namespace, target, lastDrill, lastPassedAt } = s;
      return [{ connectionId, connectionName, namespace, target, lastDrill, ...(lastPassedAt !== undefined ? { lastPassedAt, dueAt: s.nextDrillDueAt } : {}) }];
    });
  };
}

/**
 * The evaluator's sources over the areas' services, each given the rule's
 * signal so a rule that times out stops its work. Daily costs never ask
 * past the spend cache (`refresh` is never set), so a fresh answer costs
 * nothing. A stale answer (Cost Explorer failing, the cache past its time)
 * is not evaluated: the rule could not be, and says why. A failing query is
 * not asked again on every evaluation: the spend service holds it.
 */
export function alertSources({ gpu, spend, access, drills, connections }: AlertSourceServices): AlertSources {
  return {
    idleGpus: (params, signal) => gpu.idle(GpuIdleParams.parse(params), signal),
    async dailyCosts({ connectionId, start, end }, signal) {
      // The spend service holds a failing query itself (its answer is then the cached one, marked stale, or the error): no hold of our own, so a Refresh on the Spend page serves the next evaluation too.
      const costs = await spend.costs({ connectionId, start, end, granularity: 'DAILY', metric: 'UnblendedCost' }, { signal });
      if (costs.stale) {
        throw new AppError('UNREACHABLE', `Cost Explorer could not be asked (${costs.staleReason ?? costs.staleBecause ?? 'no reason given'}); the last answer, from ${costs.fetchedAt}, is too old to judge the budget by`);
      }
      return costs;
    },
    gpuNodes: gpuNodeSource(access),
    overdueDrills: overdueDrillSource(drills, connections),
  };
}
