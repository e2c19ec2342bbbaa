import { pipelineRunsContract } from '../../../../shared/contract/pipelineRuns';
import type { ServiceArea } from '../../app/serviceArea';
import type { AuditService } from '../../audit/auditService';
import type { ConnectionService } from '../../connections/connectionService';
import type { KubeAccess } from '../../kube/client/kubeAccess';
import type { Logger } from '../../logging/logger';
import { createRunActions } from './runActions';
import { listJobPods, listRuns, readWorkflowSteps } from './runLists';

/** What the runs area is built from. */
export interface PipelineRunsAreaDeps {
  /** The kube area's shared access: one client and discovery per connection. */
  access: Pick<KubeAccess, 'config' | 'discover' | 'resolve'>;
  audit: Pick<AuditService, 'record'>;
  connections: Pick<ConnectionService, 'list'>;
  log: Logger;
  /** The random part of new Job names; Math.random by default. */
  random?: () => number;
}

/**
 * The pipeline runs area: Jobs, CronJobs and Argo Workflows as they run and
 * ran, and the audited actions on them. It holds nothing between calls: no
 * timers, no streams.
 */
export function createPipelineRunsArea(deps: PipelineRunsAreaDeps): ServiceArea<typeof pipelineRunsContract> {
  const actions = createRunActions(deps);
  return {
    contract: pipelineRunsContract,
    handlers: {
      'pipelineRuns.list': ({ connectionId, namespace }) => listRuns(deps.access, connectionId, namespace),
      'pipelineRuns.workflowSteps': async ({ connectionId, namespace, name, uid }) => readWorkflowSteps(await deps.access.config(connectionId), namespace, name, uid),
      'pipelineRuns.jobPods': async ({ connectionId, namespace, uid }) => listJobPods(await deps.access.config(connectionId), namespace, uid),
      'pipelineRuns.rerunJob': (params, ctx) => actions.rerunJob(params, ctx.actor),
      'pipelineRuns.setCronJobSuspended': (params, ctx) => actions.setCronJobSuspended(params, ctx.actor),
      'pipelineRuns.triggerCronJob': (params, ctx) => actions.triggerCronJob(params, ctx.actor),
      'pipelineRuns.submitWorkflow': (params, ctx) => actions.submitWorkflow(params, ctx.actor),
    },
    endSession: () => undefined,
    close: () => undefined,
  };
}
