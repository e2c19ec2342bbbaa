import { z } from 'zod';
import { defineArea, method } from './area';
import { KubeDiscoverParams, KubeDiscovery, KubeRowsEvent, KubeWatchOpened, KubeWatchParams } from './kubeResources';
import { LogDownload, LogLines, LogOpenParams, LogTarget } from './kubeLogs';
import { KubeOverview, OverviewParams } from './kubeOverview';
import {
  CordonParams,
  DeleteParams,
  DrainParams,
  DrainPlan,
  DrainStarted,
  FindParams,
  FindResult,
  ObjectDetail,
  ObjectEvent,
  ObjectRef,
  Permissions,
  PermissionsParams,
  RelatedPods,
  RestartResult,
  RevealedSecret,
  ScaleParams,
  ScaleResult,
} from './kubeObjects';

/** The kube area: discovery, live tables, object detail, audited actions and pod logs. */
export const kubeContract = defineArea('kube', {
  methods: {
    /** API resources the cluster serves, CRDs included. */
    'kube.discover': method(KubeDiscoverParams, KubeDiscovery),
    /** Starts (or joins) a live list of one resource; rows arrive as `kube.rows` events. */
    'kube.watch': method(KubeWatchParams, KubeWatchOpened),
    'kube.unwatch': method(z.object({ watchId: z.string().max(64) }).strict(), z.object({})),
    /** One object for the detail view: YAML (Secret values masked), owner chain, containers. */
    'kube.get': method(ObjectRef, ObjectDetail),
    /** Events about one object, newest first. */
    'kube.events': method(ObjectRef, z.object({ events: z.array(ObjectEvent) })),
    /** Pods a workload or Service selects, or that run on a node. */
    'kube.related': method(ObjectRef, RelatedPods),
    /** A Secret's values; audited. */
    'kube.revealSecret': method(ObjectRef, RevealedSecret),
    /** Which of the given actions the connection's user may take on a resource (SelfSubjectAccessReview). */
    'kube.permissions': method(PermissionsParams, Permissions),
    /** Objects whose name contains the text, across the resources the palette searches. */
    'kube.find': method(FindParams, FindResult),
    /**
     * The cluster at a glance: nodes, pods by phase, GPUs, workloads not
     * available, recent warnings. Keeps the caches it reads live while asked
     * (every few seconds while the overview is shown).
     */
    'kube.overview': method(OverviewParams, KubeOverview),
    /** Audited actions on one object. */
    'kube.delete': method(DeleteParams, z.object({})),
    'kube.scale': method(ScaleParams, ScaleResult),
    /** `kubectl rollout restart`: stamps the pod template so every pod is replaced. */
    'kube.restart': method(ObjectRef, RestartResult),
    /** Cordon (unschedulable: true) or uncordon a node. */
    'kube.cordon': method(CordonParams, z.object({})),
    /** The pods on a node and what each is, for what a drain would do with it. */
    'kube.drainPlan': method(ObjectRef, DrainPlan),
    /**
     * Starts `kubectl drain` as a task (see the tasks area): cordon, evict
     * each pod, wait for them to leave. One audit entry, `node.drain`, whose
     * undo uncordons when the drain was what cordoned the node.
     */
    'kube.drain': method(DrainParams, DrainStarted),
    /** Starts a log stream: subscribe to the `kube.logs` stream it names; its messages come to this window only. */
    'kube.openLogs': method(LogOpenParams, z.object({ streamId: z.string() })),
    /** The whole log (up to a limit) for saving to a file. */
    'kube.downloadLogs': method(LogTarget, LogDownload),
  },
  events: {
    'kube.rows': KubeRowsEvent,
  },
  streams: {
    'kube.logs': LogLines,
  },
});
