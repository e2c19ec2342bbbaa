/**
 * `kubectl rollout undo` for Deployments, audited: the revision's pod
 * template (and annotations) put back on the Deployment, refused when it is
 * paused, skipped when it already runs that template, and guarded so a
 * change made meanwhile is reported, never overwritten.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { RollbackParams, RollbackResult } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { audited } from '../audit/audited';
import type { AuditService } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import { auditTarget, connectionNameOf } from '../kube/actions/kubeActionTarget';
import { objectPath, type KubeAccess } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { kubeRequest } from '../kube/client/kubeHttp';
import type { KubeObject, LabelSelector } from '../kube/model';
import { labelSelectorString } from '../kube/objects/objectRelations';
import type { Logger } from '../logging/logger';
import { REVISION_ANNOTATION } from './rolloutHistory';

/** The label the Deployment controller adds to each ReplicaSet's template; not part of what a revision is. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** Annotations a rollback leaves as the Deployment has them, as kubectl does (`annotationsToSkip`). */
const ANNOTATIONS_KEPT = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const REPLICA_SETS = { group: 'apps', version: 'v1', resource: 'replicasets' };

/** A pod template, compared and patched whole. */
type Template = { metadata?: { labels?: Record<string, string> } & Record<string, unknown> } & Record<string, unknown>;

interface Deployment extends KubeObject {
  spec?: { paused?: boolean; selector?: LabelSelector; template?: Template };
}

interface RevisionSet extends KubeObject {
  spec?: { template?: Template };
}

const revisionOf = (obj: KubeObject): number | undefined => {
  const value = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
};

/** The template without the controller's hash label. */
export function withoutHash(template: Template | undefined): Template {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH];
    if (!Object.keys(copy.metadata.labels).length) delete copy.metadata.labels;
  }
  return copy;
}

/** JSON values equal, whatever the order of object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The ReplicaSet to roll back to, as kubectl picks it: revision `toRevision`,
 * or (0) the newest revision before the latest one.
 */
export function rollbackSource(name: string, replicaSets: readonly RevisionSet[], toRevision: number): { rs: RevisionSet; revision: number } {
  const numbered = replicaSets.flatMap((rs) => {
    const revision = revisionOf(rs);
    return revision === undefined ? [] : [{ rs, revision }];
  });
  if (toRevision > 0) {
    const found = numbered.find((n) => n.revision === toRevision);
    if (!found) throw new AppError('NOT_FOUND', `Revision ${toRevision} of deployment "${name}" is not kept: unable to find it in its history`);
    return found;
  }
  const [, previous] = [...numbered].sort((a, b) => b.revision - a.revision);
  if (!previous) throw new AppError('NOT_FOUND', `No rollout history found for deployment "${name}": no earlier revision is kept (its revisionHistoryLimit may be 0)`);
  return previous;
}

/** The Deployment's annotations after the rollback: its own bookkeeping ones, then the revision's others, as kubectl does. */
export function rollbackAnnotations(deployment: Deployment, rs: RevisionSet): Record<string, string> {
  const own = deployment.metadata?.annotations ?? {};
  const annotations: Record<string, string> = {};
  for (const key of ANNOTATIONS_KEPT) if (own[key] !== undefined) annotations[key] = own[key];
  for (const [key, value] of Object.entries(rs.metadata?.annotations ?? {})) if (!ANNOTATIONS_KEPT.has(key)) annotations[key] = value;
  return annotations;
}

/**
 * The JSON patch that puts the revision back: it fails (and changes nothing)
 * unless the Deployment is still at the resourceVersion read.
 */
export function rollbackPatch(deployment: Deployment, rs: RevisionSet): unknown[] {
  return [
    { op: 'test', path: '/metadata/resourceVersion', value: deployment.metadata?.resourceVersion },
    { op: 'replace', path: '/spec/template', value: withoutHash(rs.spec?.template) },
    { op: 'replace', path: '/metadata/annotations', value: rollbackAnnotations(deployment, rs) },
  ];
}

/** A short account of a template: its images. */
const imagesOf = (template: Template | undefined): string => {
  const spec = template?.spec as { containers?: { name: string; image?: string }[] } | undefined;
  return (spec?.containers ?? []).map((c) => `${c.name}=${c.image ?? '?'}`).join(', ');
};

export interface RollbacksDeps {
  access: Pick<KubeAccess, 'config'>;
  audit: AuditService;
  connections: Pick<ConnectionService, 'list'>;
  log: Logger;
}

/** Rolls Deployments back to a kept revision. */
export interface Rollbacks {
  rollback(params: RollbackParams, actor: string): Promise<RollbackResult>;
}

export function createRollbacks({ access, audit, connections, log }: RollbacksDeps): Rollbacks {
  async function read<T>(kc: KubeConfig, path: string, what: string, missing: string): Promise<T> {
    const res = await kubeRequest<T>(kc, path, { timeoutMs: 30_000 });
    if (res.status === 404) throw new AppError('NOT_FOUND', missing);
    if (res.status !== 200) throw kubeStatusError(what, res.status, res.body);
    return res.body;
  }

  return {
    async rollback(params, actor) {
      const { toRevision, ifCurrentRevision, ...ref } = params;
      if (ref.resource.group !== 'apps' || ref.resource.resource !== 'deployments') {
        throw new AppError('VALIDATION', 'Only Deployments roll back this way for now; StatefulSets and DaemonSets keep their history in ControllerRevisions');
      }
      if (!ref.namespace) throw new AppError('VALIDATION', `deployments are namespaced: give the namespace of "${ref.name}"`);
      const namespace = ref.namespace;
      const label = `deployment "${ref.name}" in ${namespace}`;
      const connectionName = connectionNameOf(connections, ref.connectionId);
      const target = auditTarget(connectionName, namespace, 'deployments', ref.name);
      const result = await audited(
        audit,
        { actor, action: 'rollouts.rollback', target, connectionId: ref.connectionId, connectionName, detail: toRevision ? `to revision ${toRevision}` : 'to the previous revision' },
        {
          async prepare() {
            const kc = await access.config(ref.connectionId);
            const deployment = await read<Deployment>(kc, objectPath(DEPLOYMENTS, namespace, ref.name), `reading ${label}`, `${label} is not there (any more)`);
            const current = revisionOf(deployment);
            if (deployment.spec?.paused) throw new AppError('VALIDATION', `${label} is paused: resume it first (kubectl rollout resume) and try again`);
            if (ifCurrentRevision !== undefined && current !== ifCurrentRevision) {
              throw new AppError('CONFLICT', `${label} runs revision ${current ?? 'unknown'} now, not ${ifCurrentRevision}: it was changed since. Nothing was changed`);
            }
            const selector = labelSelectorString(deployment.spec?.selector);
            const list = await read<{ items?: RevisionSet[] }>(
              kc,
              objectPath(REPLICA_SETS, namespace) + (selector ? `?labelSelector=${encodeURIComponent(selector)}` : ''),
              `listing the replicasets of ${label}`,
              `${label} has no replicasets`,
            );
            const uid = deployment.metadata?.uid;
            const own = (list.items ?? []).filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.controller && o.uid === uid));
            const source = rollbackSource(ref.name, own, toRevision);
            const latest = Math.max(...own.map((rs) => revisionOf(rs) ?? 0));
            return { before: `revision ${current ?? '?'} (${imagesOf(deployment.spec?.template)})`, state: { kc, deployment, source, current, latest } };
          },
          async act({ kc, deployment, source, current, latest }): Promise<RollbackResult & { current?: number; latest: number; template?: Template }> {
            if (sameJson(withoutHash(source.rs.spec?.template), withoutHash(deployment.spec?.template))) {
              return { skipped: true, toRevision: source.revision, message: `Skipped: ${label} already runs the template of revision ${source.revision}`, current, latest, template: source.rs.spec?.template };
            }
            const res = await kubeRequest(kc, objectPath(DEPLOYMENTS, namespace, ref.name), { method: 'PATCH', patch: 'json', body: rollbackPatch(deployment, source.rs) });
            // A failed `test` op: the Deployment changed between the read and the patch.
            if (res.status === 422 || res.status === 409) throw new AppError('CONFLICT', `${label} was changed while the rollback was prepared: nothing was changed. Look again and retry`);
            if (res.status !== 200) throw kubeStatusError(`rolling back ${label}`, res.status, res.body);
            return { skipped: false, toRevision: source.revision, message: `Rolled back ${label} to the template of revision ${source.revision}`, current, latest, template: source.rs.spec?.template };
          },
          after: (r) => (r.skipped ? `unchanged: already the template of revision ${r.toRevision}` : `the template of revision ${r.toRevision} (${imagesOf(r.template)})`),
          // The controller numbers the restored template latest + 1; undoing goes back to what ran before, while that is still so.
          undo: (r) =>
            r.skipped || r.current === undefined
              ? undefined
              : { method: 'rollouts.rollback', params: { ...ref, toRevision: r.current, ifCurrentRevision: r.latest + 1 }, label: `Roll back to revision ${r.current}` },
        },
      );
      log.info('deployment rolled back', { target, toRevision: result.toRevision, skipped: result.skipped });
      const { skipped, toRevision: to, message } = result;
      return { skipped, toRevision: to, message };
    },
  };
}
