import { z } from 'zod';
import { defineArea, method } from './area';
import { KubeName, KubeNamespace } from './kubeResources';
import { MAX_SPEC_BYTES } from './pipelines';

const ConnectionId = z.string().min(1).max(64);

/** The most of each kind {@link RunsList} holds: the newest, by creation. */
export const MAX_RUNS_PER_KIND = 500;

/** A Job's state, as kubectl ≥ 1.28 prints it, plus Terminating for one being deleted. */
export const JobState = z.enum(['Running', 'Complete', 'Failed', 'Suspended', 'Terminating']);
export type JobState = z.infer<typeof JobState>;

/** Where an object is, and which one it is and as what version: an action is refused when the uid (deleted and created again since) or the resourceVersion (changed since) differs. */
const Identity = {
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  resourceVersion: z.string().optional(),
  createdAt: z.string().optional(),
};

/** One Job, as the runs view lists it. */
export const JobRun = z.object({
  ...Identity,
  /** The CronJob that made it (its controller owner), when one did. */
  cronJob: z.string().optional(),
  /** Made by "Trigger now" (`cronjob.kubernetes.io/instantiate: manual`) rather than by the schedule. */
  manual: z.boolean(),
  /** The Job it is a re-run of, when Pilothouse made it so. */
  rerunOf: z.string().optional(),
  state: JobState,
  /** The condition's message when it failed ("Job has reached the specified backoff limit"). */
  message: z.string().optional(),
  startedAt: z.string().optional(),
  /** When it completed, or when it was marked failed. */
  finishedAt: z.string().optional(),
  /** From start to finish; absent while running (the view counts from `startedAt`) or never started. */
  durationMs: z.number().int().optional(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  active: z.number().int(),
  /** `spec.completions`; absent for a work-queue Job. */
  completions: z.number().int().optional(),
  /** Selects its pods (`batch.kubernetes.io/controller-uid=…`), for the pods link. */
  podSelector: z.string(),
});
export type JobRun = z.infer<typeof JobRun>;

/** One CronJob with its history. */
export const CronJobRun = z.object({
  ...Identity,
  schedule: z.string(),
  timeZone: z.string().optional(),
  suspended: z.boolean(),
  lastScheduledAt: z.string().optional(),
  lastSucceededAt: z.string().optional(),
  /** Jobs of it running now, as its status says. */
  active: z.number().int(),
  /** Names of its Jobs in {@link RunsList.jobs}, newest first. */
  history: z.array(z.string()),
});
export type CronJobRun = z.infer<typeof CronJobRun>;

/** One node (step, DAG task, pod…) of a Workflow. */
export const WorkflowStep = z.object({
  id: z.string(),
  /** `hello[0].step-a`, as Argo names nodes. */
  name: z.string(),
  displayName: z.string(),
  /** Pod, Steps, StepGroup, DAG, TaskGroup, Retry, Skipped, Suspend… */
  type: z.string(),
  phase: z.string(),
  message: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  durationMs: z.number().int().optional(),
  /** The pod that ran it (type Pod only), named as the controller names it: its logs are that pod's. */
  podName: z.string().optional(),
});
export type WorkflowStep = z.infer<typeof WorkflowStep>;

/** One Argo Workflow; its steps are read with `pipelineRuns.workflowSteps` when shown, not sent with every list. */
export const WorkflowRun = z.object({
  ...Identity,
  /** Pending, Running, Succeeded, Failed, Error; empty before the controller has seen it. */
  phase: z.string(),
  message: z.string().optional(),
  /** Argo's `N/M`: pods done of those known so far. */
  progress: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  durationMs: z.number().int().optional(),
  /** The CronWorkflow that made it. */
  cronWorkflow: z.string().optional(),
  /** The WorkflowTemplate (or ClusterWorkflowTemplate) it runs, by name. */
  workflowTemplate: z.string().optional(),
  /** Its nodes are not in the object: offloaded to Argo's database (`status.offloadNodeStatusVersion`), so they cannot be shown here. */
  nodesOffloaded: z.boolean().optional(),
});
export type WorkflowRun = z.infer<typeof WorkflowRun>;

/** One Argo CronWorkflow. */
export const CronWorkflowRun = z.object({
  ...Identity,
  /** One or more cron schedules. */
  schedules: z.array(z.string()),
  timeZone: z.string().optional(),
  suspended: z.boolean(),
  lastScheduledAt: z.string().optional(),
  active: z.number().int(),
  /** Names of its Workflows in {@link RunsList.workflows}, newest first. */
  history: z.array(z.string()),
});
export type CronWorkflowRun = z.infer<typeof CronWorkflowRun>;

/** How many objects of a kind were not listed: the oldest, past {@link MAX_RUNS_PER_KIND}. */
const LeftOut = z.object({
  jobs: z.number().int(),
  cronJobs: z.number().int(),
  workflows: z.number().int(),
  cronWorkflows: z.number().int(),
});

/** Jobs, CronJobs and, where Argo's CRDs are served, Workflows and CronWorkflows: each kind its newest {@link MAX_RUNS_PER_KIND}. */
export const RunsList = z.object({
  jobs: z.array(JobRun),
  cronJobs: z.array(CronJobRun),
  argo: z.object({
    /** The cluster serves `workflows.argoproj.io`. */
    installed: z.boolean(),
    workflows: z.array(WorkflowRun),
    cronWorkflows: z.array(CronWorkflowRun),
    /** Why Workflows could not be listed though served (no access, say): the rest of the list is still shown. */
    problem: z.string().optional(),
  }),
  leftOut: LeftOut,
  /** When the server was asked. */
  listedAt: z.string(),
});
export type RunsList = z.infer<typeof RunsList>;

/** Typed on a production connection to confirm an action: the connection's name, as for an apply; checked by the services. */
const ConfirmName = z.string().max(253).optional();

/** The object an action is on, as the view saw it: refused (CONFLICT) when its uid, or its resourceVersion when given, is another now. */
const On = {
  connectionId: ConnectionId,
  namespace: KubeNamespace,
  name: KubeName,
  ifUid: z.string().min(1).max(64),
  ifResourceVersion: z.string().min(1).max(64).optional(),
  confirmName: ConfirmName,
};

/** A Workflow's steps, read when it is expanded. */
export const WorkflowStepList = z.object({
  steps: z.array(WorkflowStep),
  /** Why no steps can be shown though it has nodes (offloaded, or compressed beyond the bound). */
  problem: z.string().optional(),
});
export type WorkflowStepList = z.infer<typeof WorkflowStepList>;

/** A Job created by an action. */
export const CreatedJob = z.object({ namespace: z.string(), name: z.string() });
export type CreatedJob = z.infer<typeof CreatedJob>;

/** A pod of a Job, for its logs. */
export const RunPod = z.object({ name: z.string(), phase: z.string(), createdAt: z.string().optional() });
export type RunPod = z.infer<typeof RunPod>;

/**
 * The runs area: what the cluster's Jobs, CronJobs and Argo Workflows are
 * doing and did, and the audited actions on them (re-run, suspend/resume,
 * trigger, submit).
 */
export const pipelineRunsContract = defineArea('pipelineRuns', {
  methods: {
    /** Every kind in one call, in one namespace or all, paged from the server and bounded per kind (see `leftOut`). */
    'pipelineRuns.list': method(z.object({ connectionId: ConnectionId, namespace: KubeNamespace.optional() }).strict(), RunsList),
    /** A Job's pods, newest first, for "Logs". */
    /** The steps of one Workflow (its nodes, compressed ones unpacked), for the one expanded: the list does not carry them. */
    'pipelineRuns.workflowSteps': method(z.object({ connectionId: ConnectionId, namespace: KubeNamespace, name: KubeName, uid: z.string().min(1).max(64) }).strict(), WorkflowStepList),
    'pipelineRuns.jobPods': method(z.object({ connectionId: ConnectionId, namespace: KubeNamespace, name: KubeName, uid: z.string().min(1).max(64) }).strict(), z.array(RunPod)),
    /**
     * A new Job `<name>-rerun-<xxxxx>` from a finished Job's pod template, as
     * `kubectl create job --from` would make it: the selector and the
     * labels the server set for the old Job left out, a CronJob owner kept
     * (so it shows in that CronJob's history). Refused while the Job runs or
     * is suspended, and for a Job with a manual selector. Audited.
     */
    'pipelineRuns.rerunJob': method(z.object(On).strict(), CreatedJob),
    /**
     * Suspends or resumes a CronJob. `ifSuspended` is what the view showed:
     * refused (CONFLICT) when someone changed it since. Audited, with an undo.
     */
    'pipelineRuns.setCronJobSuspended': method(z.object({ ...On, suspend: z.boolean(), ifSuspended: z.boolean() }).strict(), z.object({ suspended: z.boolean() })),
    /** A Job now from the CronJob's template, as `kubectl create job --from=cronjob/…` makes it (annotated manual, owned by the CronJob). Audited. */
    'pipelineRuns.triggerCronJob': method(z.object(On).strict(), CreatedJob),
    /**
     * Creates a Workflow: from `text` holding one Workflow document (its
     * `generateName` or `name`; `namespace` for one that names none), or from
     * a WorkflowTemplate (`clusterScope`: a ClusterWorkflowTemplate) by name.
     * A spec naming another namespace than `namespace` is refused, as
     * `kubectl create -n` refuses it. Refused when Argo's CRDs are not
     * served. Audited.
     */
    'pipelineRuns.submitWorkflow': method(
      z
        .object({
          connectionId: ConnectionId,
          namespace: KubeNamespace,
          confirmName: ConfirmName,
          text: z.string().max(MAX_SPEC_BYTES).optional(),
          workflowTemplate: z.object({ name: KubeName, clusterScope: z.boolean().default(false) }).strict().optional(),
        })
        .strict()
        .refine((p) => (p.text === undefined) !== (p.workflowTemplate === undefined), 'Give either a spec text or a workflow template, not both'),
      z.object({ namespace: z.string(), name: z.string() }),
    ),
  },
});
