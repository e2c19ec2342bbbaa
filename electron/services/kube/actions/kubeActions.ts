/**
 * Audited changes to one cluster object: delete, scale, rollout restart and
 * cordon (which a drain, ./nodeDrain.ts, reuses inside its own entry). Each reads the object first, so its audit entry says what it was
 * before, and every attempt on a known connection leaves an entry: failures
 * (no access, already gone) included.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ObjectRef, ParamsOf } from '../../../../shared/contract';
import { isRestartable } from '../../../../shared/kubeKinds';
import { AppError } from '../../../../shared/result';
import { audited, type AuditedSteps } from '../../audit/audited';
import type { AuditService, UndoStep } from '../../audit/auditService';
import type { ConnectionService } from '../../connections/connectionService';
import type { Logger } from '../../logging/logger';
import { auditTarget, connectionNameOf } from './kubeActionTarget';
import { objectPath, resourceLabel, type KubeAccess } from '../client/kubeAccess';
import { kubeStatusError } from '../client/kubeErrors';
import { kubeRequest, type KubeResponse } from '../client/kubeHttp';
import type { KubeObject, NodeObject, ScaleObject, WorkloadObject } from '../model';

export interface KubeActionsDeps {
  access: KubeAccess;
  audit: AuditService;
  connections: Pick<ConnectionService, 'list'>;
  log: Logger;
}

export interface KubeActions {
  delete(params: ParamsOf<'kube.delete'>, actor: string): Promise<void>;
  scale(params: ParamsOf<'kube.scale'>, actor: string): Promise<{ before: number; after: number }>;
  /** `kubectl rollout restart`: stamps the pod template so the controller replaces every pod. */
  restart(ref: ObjectRef, actor: string): Promise<{ restartedAt: string }>;
  cordon(params: ParamsOf<'kube.cordon'>, actor: string): Promise<void>;
  /**
   * The change {@link KubeActions.cordon} makes, for work that records it in
   * its own audit entry (a drain's): what the node was, what it is now, and
   * how to reverse the change when there was one.
   */
  cordonUnaudited(params: ParamsOf<'kube.cordon'>): Promise<{ before: string; after: string; undo?: UndoStep }>;
}

/** The annotation `kubectl rollout restart` sets on the pod template. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** `deployments.apps "web" in team-a`: how messages name an object. */
export function objectLabel(ref: Pick<ObjectRef, 'resource' | 'namespace' | 'name'>): string {
  return `${resourceLabel(ref.resource)} "${ref.name}"${ref.namespace ? ` in ${ref.namespace}` : ''}`;
}

/** RFC 3339 in UTC to the second, as kubectl stamps restartedAt. */
export function rfc3339(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A node as cordon shows it. */
export function schedulability(node: NodeObject | undefined): string {
  return node?.spec?.unschedulable ? 'cordoned' : 'schedulable';
}

/** The object was replaced since the caller saw it (same name, another uid). */
function replaced(label: string): AppError {
  return new AppError('CONFLICT', `${label} was deleted and created again since: nothing was changed`);
}

/** An object's connection client and URLs, once its resource and scope are checked. */
interface Located {
  kc: KubeConfig;
  path: (subresource?: string) => string;
}

const ok = (res: KubeResponse<unknown>) => res.status >= 200 && res.status < 300;

export function createKubeActions(deps: KubeActionsDeps): KubeActions {
  const { access, audit, connections, log } = deps;

  async function locate(ref: ObjectRef): Promise<Located> {
    const api = await access.resolve(ref.connectionId, ref.resource);
    const label = resourceLabel(ref.resource);
    if (api.namespaced && !ref.namespace) throw new AppError('VALIDATION', `${label} are namespaced: give the namespace of "${ref.name}"`);
    if (!api.namespaced && ref.namespace) throw new AppError('VALIDATION', `${label} are cluster-scoped: leave the namespace out`);
    const kc = await access.config(ref.connectionId);
    return { kc, path: (subresource) => objectPath(ref.resource, ref.namespace, ref.name, subresource) };
  }

  /** GETs JSON; `missing` words a 404 for the action at hand. */
  async function read<T>(kc: KubeConfig, path: string, what: string, missing?: () => AppError): Promise<T> {
    const res = await kubeRequest<T>(kc, path);
    if (res.status === 404 && missing) throw missing();
    if (res.status !== 200) throw kubeStatusError(what, res.status, res.body);
    return res.body;
  }

  async function patch<T>(at: Located, what: string, body: unknown, subresource?: string): Promise<T> {
    const res = await kubeRequest<T>(at.kc, at.path(subresource), { method: 'PATCH', body });
    if (!ok(res)) throw kubeStatusError(what, res.status, res.body);
    return res.body;
  }

  /**
   * {@link audited} on one object, named in the entry under its connection.
   * An unknown connection is refused before anything is recorded.
   */
  async function auditedChange<S, T>(actor: string, ref: ObjectRef, action: string, steps: AuditedSteps<S, T> & { detail?: string }): Promise<T> {
    const connectionName = connectionNameOf(connections, ref.connectionId);
    const target = auditTarget(connectionName, ref.namespace, ref.resource.resource, ref.name);
    const { detail, ...how } = steps;
    const result = await audited(audit, { actor, action, target, connectionId: ref.connectionId, connectionName, detail }, how);
    log.info('cluster object changed', { action, target });
    return result;
  }

  /** Cordon or uncordon, checking the node is still what the caller saw; the undo reverses only what it changed. */
  function cordonSteps(params: ParamsOf<'kube.cordon'>): AuditedSteps<{ at: Located; was: boolean }, { node: NodeObject; was: boolean }> {
    const { unschedulable, ifUid, ifUnschedulable, ...ref } = params;
    const what = `${unschedulable ? 'cordoning' : 'uncordoning'} node "${ref.name}"`;
    return {
      async prepare() {
        if (ref.resource.group !== '' || ref.resource.resource !== 'nodes') {
          throw new AppError('VALIDATION', `Only nodes can be cordoned, not ${resourceLabel(ref.resource)}`);
        }
        const at = await locate(ref);
        const node = await read<NodeObject>(at.kc, at.path(), what);
        if (ifUid !== undefined && node.metadata?.uid !== ifUid) throw replaced(`Node "${ref.name}"`);
        const was = Boolean(node.spec?.unschedulable);
        if (ifUnschedulable !== undefined && was !== ifUnschedulable) {
          throw new AppError('CONFLICT', `Node "${ref.name}" is ${schedulability(node)} now: it was changed since. Nothing was changed`);
        }
        return { before: schedulability(node), state: { at, was } };
      },
      // null removes the field, as `kubectl uncordon` leaves it.
      act: async ({ at, was }) => ({ node: await patch<NodeObject>(at, what, { spec: { unschedulable: unschedulable ? true : null } }), was }),
      after: ({ node }) => schedulability(node),
      // Only what this action changed can be undone: cordoning a node someone had already cordoned leaves their cordon alone.
      undo: ({ node, was }) =>
        Boolean(node.spec?.unschedulable) === was
          ? undefined
          : {
              method: 'kube.cordon',
              params: { ...ref, unschedulable: was, ifUnschedulable: !was, ...(node.metadata?.uid ? { ifUid: node.metadata.uid } : {}) },
              label: was ? 'Cordon the node again' : 'Uncordon the node',
            },
    };
  }

  return {
    async delete(params, actor) {
      const { propagation, gracePeriodSeconds, ifUid, ...ref } = params;
      const what = `deleting ${objectLabel(ref)}`;
      const alreadyGone = () => new AppError('NOT_FOUND', `${objectLabel(ref)} is already gone`);
      await auditedChange(actor, ref, 'kube.delete', {
        detail: `propagation ${propagation}${gracePeriodSeconds === undefined ? '' : `, grace period ${gracePeriodSeconds} s`}`,
        async prepare() {
          const at = await locate(ref);
          const obj = await read<KubeObject>(at.kc, at.path(), what, alreadyGone);
          const { uid, resourceVersion } = obj.metadata ?? {};
          if (ifUid !== undefined && uid !== ifUid) throw replaced(objectLabel(ref));
          return { before: `uid ${uid}, resourceVersion ${resourceVersion}`, state: { at, uid } };
        },
        async act({ at, uid }) {
          const body = {
            kind: 'DeleteOptions',
            apiVersion: 'v1',
            propagationPolicy: propagation,
            // Deletes exactly the object read above, never a namesake created since.
            ...(uid ? { preconditions: { uid } } : {}),
            ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }),
          };
          const res = await kubeRequest<KubeObject>(at.kc, at.path(), { method: 'DELETE', body });
          if (res.status === 404) throw alreadyGone();
          if (!ok(res)) throw kubeStatusError(what, res.status, res.body);
          // 202, or an object that comes back with a deletionTimestamp: finalizers or a grace period still run.
          return res.status === 202 || Boolean(res.body?.metadata?.deletionTimestamp);
        },
        after: (terminating) => (terminating ? 'terminating' : 'deleted'),
      });
    },

    async scale(params, actor) {
      const { replicas, ifUid, ifReplicas, ...ref } = params;
      const what = `scaling ${objectLabel(ref)}`;
      return auditedChange(actor, ref, 'kube.scale', {
        async prepare() {
          const at = await locate(ref);
          const res = await kubeRequest<ScaleObject>(at.kc, at.path('scale'));
          if (res.status === 404) {
            // Either the object is missing (NOT_FOUND from this read) or its kind has no scale subresource.
            await read(at.kc, at.path(), what);
            throw new AppError('VALIDATION', `${resourceLabel(ref.resource)} cannot be scaled: they have no scale subresource`);
          }
          if (res.status !== 200) throw kubeStatusError(what, res.status, res.body);
          const before = res.body.spec?.replicas ?? 0;
          const uid = res.body.metadata?.uid ?? '';
          if (ifUid !== undefined && uid !== ifUid) throw replaced(objectLabel(ref));
          if (ifReplicas !== undefined && before !== ifReplicas) {
            throw new AppError('CONFLICT', `${objectLabel(ref)} runs ${before} replica${before === 1 ? '' : 's'} now, not ${ifReplicas}: it was changed since (an autoscaler, or someone else). Nothing was changed`);
          }
          return { before: `replicas: ${before}`, state: { at, before, uid } };
        },
        async act({ at, before, uid }) {
          const scaled = await patch<ScaleObject>(at, what, { spec: { replicas } }, 'scale');
          return { before, after: scaled.spec?.replicas ?? replicas, uid };
        },
        after: ({ after }) => `replicas: ${after}`,
        // Back to what it had, only while it still is this object at what this action left it.
        undo: ({ before, after, uid }) =>
          before === after
            ? undefined
            : { method: 'kube.scale', params: { ...ref, replicas: before, ifReplicas: after, ifUid: uid }, label: `Scale back to ${before} replica${before === 1 ? '' : 's'}` },
      });
    },

    async restart(ref, actor) {
      const what = `restarting ${objectLabel(ref)}`;
      return auditedChange(actor, ref, 'kube.restart', {
        async prepare() {
          if (!isRestartable(ref.resource)) {
            throw new AppError('VALIDATION', `${resourceLabel(ref.resource)} cannot be restarted: only Deployments, StatefulSets and DaemonSets can`);
          }
          const at = await locate(ref);
          const obj = await read<WorkloadObject>(at.kc, at.path(), what);
          const previous = obj.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
          return { before: previous ? `restartedAt: ${previous}` : 'not restarted before', state: { at, paused: Boolean(obj.spec?.paused) } };
        },
        async act({ at, paused }) {
          // kubectl refuses too: a paused Deployment would take the new template but roll nothing out.
          if (paused) throw new AppError('VALIDATION', `${objectLabel(ref)} is paused: resume it (kubectl rollout resume) before restarting`);
          const restartedAt = rfc3339(new Date());
          await patch(at, what, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } } });
          return { restartedAt };
        },
        after: ({ restartedAt }) => `restartedAt: ${restartedAt}`,
      });
    },

    async cordon(params, actor) {
      await auditedChange(actor, params, params.unschedulable ? 'node.cordon' : 'node.uncordon', cordonSteps(params));
    },

    async cordonUnaudited(params) {
      const steps = cordonSteps(params);
      const { before, state } = await steps.prepare();
      const changed = await steps.act(state);
      return { before, after: steps.after(changed), undo: steps.undo?.(changed) };
    },
  };
}
