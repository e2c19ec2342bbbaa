/**
 * The one contract between the UI and the services. Both transports (Electron
 * IPC and the browser-mode WebSocket) validate params on the way in and results
 * on the way out against these schemas; a parity test proves each key has a
 * handler in both.
 */
import { z } from 'zod';
import { AppInfo } from './app';
import { AuditEntry, AuditQuery } from './audit';
import { KubeDiscoverParams, KubeDiscovery, KubeRowsEvent, KubeWatchOpened, KubeWatchParams } from './kube';
import { LogDownload, LogLinesEvent, LogOpenParams, LogTarget } from './kubeLogs';
import {
  CordonParams,
  DeleteParams,
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
import { PortForward, PortForwardParams } from './portForward';
import {
  AwsImportSelection,
  AwsKeysInput,
  AwsProfilesPreview,
  AwsProfilesSource,
  ConnectionName,
  ConnectionSummary,
  Health,
  KubeImportSelection,
  KubeconfigPreview,
  KubeconfigSource,
  Labels,
  RejectedEntry,
} from './connections';

export * from './app';
export * from './audit';
export * from './connections';
export * from './kube';
export * from './kubeLogs';
export * from './kubeObjects';
export * from './portForward';

function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R) {
  return { params, result };
}

const Empty = z.object({}).strict();
const Id = z.object({ id: z.string().min(1).max(64) }).strict();
const ImportResult = z.object({ imported: z.array(ConnectionSummary), rejected: z.array(RejectedEntry) });

/** Every request/response method: `domain.verb`. */
export const methods = {
  'app.info': method(Empty, AppInfo),

  'connections.list': method(Empty, z.array(ConnectionSummary)),
  'connections.previewKubeconfig': method(z.object({ source: KubeconfigSource }).strict(), KubeconfigPreview),
  'connections.importKubeconfig': method(
    z.object({ source: KubeconfigSource, selections: z.array(KubeImportSelection).min(1).max(500) }).strict(),
    ImportResult,
  ),
  'connections.previewAwsProfiles': method(z.object({ source: AwsProfilesSource }).strict(), AwsProfilesPreview),
  'connections.importAwsProfiles': method(
    z.object({ source: AwsProfilesSource, selections: z.array(AwsImportSelection).min(1).max(500) }).strict(),
    ImportResult,
  ),
  'connections.addAwsKeys': method(AwsKeysInput.strict(), ConnectionSummary),
  'connections.rename': method(z.object({ id: z.string(), name: ConnectionName }).strict(), ConnectionSummary),
  'connections.setLabels': method(z.object({ id: z.string(), labels: Labels }).strict(), ConnectionSummary),
  'connections.delete': method(Id, z.object({ deleted: z.boolean() })),
  'connections.test': method(Id, Health),
  /** Desktop only: the native open dialog; returns the chosen path, if any. */
  'connections.chooseKubeconfigFile': method(Empty, z.object({ path: z.string().optional() })),

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
  /** Audited actions on one object. */
  'kube.delete': method(DeleteParams, z.object({})),
  'kube.scale': method(ScaleParams, ScaleResult),
  /** `kubectl rollout restart`: stamps the pod template so every pod is replaced. */
  'kube.restart': method(ObjectRef, RestartResult),
  /** Cordon (unschedulable: true) or uncordon a node. */
  'kube.cordon': method(CordonParams, z.object({})),
  /** Starts a log stream; lines arrive as `kube.logLines` events. */
  'kube.openLogs': method(LogOpenParams, z.object({ streamId: z.string() })),
  'kube.closeLogs': method(z.object({ streamId: z.string().max(64) }).strict(), z.object({})),
  /** The whole log (up to a limit) for saving to a file. */
  'kube.downloadLogs': method(LogTarget, LogDownload),

  /** Forwards a port on 127.0.0.1 to a pod (or a ready pod behind a Service or workload); audited. */
  'portForwards.start': method(PortForwardParams, PortForward),
  'portForwards.list': method(Empty, z.array(PortForward)),
  'portForwards.stop': method(z.object({ id: z.string().max(64) }).strict(), z.object({})),

  'audit.list': method(AuditQuery.strict(), z.object({ entries: z.array(AuditEntry), hasMore: z.boolean() })),
  /** Runs the action that reverses an entry (scale back, uncordon…), audited itself; answers with its entry. */
  'audit.undo': method(z.object({ id: z.number().int().min(1) }).strict(), AuditEntry),
} as const;

/** Every event stream: payloads are delivered in batches with acknowledgement. */
export const events = {
  /** The application menu asked the UI to do something. */
  'app.command': z.object({ command: z.enum(['import-kubeconfig', 'open-palette', 'toggle-theme', 'go-connections', 'go-audit']) }),
  'connections.changed': z.object({ ids: z.array(z.string()) }),
  'audit.appended': AuditEntry,
  'kube.rows': KubeRowsEvent,
  'kube.logLines': LogLinesEvent,
  /** The active port-forwards changed (started, stopped, a connection opened or failed). */
  'portForwards.changed': z.object({ forwards: z.array(PortForward) }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type EventName = keyof typeof events;
/** What a caller passes (defaults may be omitted). */
export type ParamsIn<M extends MethodName> = z.input<Methods[M]['params']>;
/** What a handler receives (defaults applied). */
export type ParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** Method names, in a stable order, for building typed clients. */
export const methodNames = Object.keys(methods) as MethodName[];
/** Event names, in a stable order, for building typed subscriptions. */
export const eventNames = Object.keys(events) as EventName[];

/** Electron IPC channel of a method; the main side registers exactly these. */
export const ipcChannel = (name: MethodName | EventName): string => `pilothouse:${name}`;
