/**
 * Which SelfSubjectAccessReviews answer "may I?" for each action the UI
 * offers on an object, and how a "no" is put to a person. Actions that do
 * not apply to a resource (cordon on a pod, logs on a Deployment) get no
 * review and no answer.
 */
import type { ApiResource, ObjectAction, Permission } from '../../../../shared/contract';
import { isRestartable, rollsBack } from '../../../../shared/kubeKinds';
import { resourceLabel } from '../client/kubeAccess';

/** `authorization.k8s.io/v1` ResourceAttributes. */
export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** One review to ask the server, and what it means in words. */
export interface AccessCheck {
  action: ObjectAction;
  attributes: ResourceAttributes;
  /** "delete pods in team-b", "cordon nodes": what the user may not do when denied. */
  phrase: string;
}

/** What a port-forward can start from: a pod, or a pod chosen behind a Service or workload. */
const FORWARDABLE = new Set(['/pods', '/services', 'apps/deployments', 'apps/statefulsets', 'apps/replicasets']);

/** Where the object is, and whether its resource has a scale subresource. */
export interface CheckTarget {
  namespace?: string;
  name?: string;
  hasScale: boolean;
}

/** The reviews for `actions` on `api` (duplicates asked once), leaving out those that do not apply. */
export function accessChecks(api: ApiResource, actions: readonly ObjectAction[], target: CheckTarget): AccessCheck[] {
  const key = `${api.group}/${api.resource}`;
  const label = resourceLabel(api);
  const namespace = api.namespaced ? target.namespace : undefined;
  // A namespaced resource asked about without a namespace means every namespace.
  const scope = api.namespaced ? (namespace ? ` in ${namespace}` : ' in all namespaces') : '';
  const at = { ...(namespace ? { namespace } : {}), ...(target.name ? { name: target.name } : {}) };
  const onResource = (verb: string, subresource?: string): ResourceAttributes => ({ verb, group: api.group, resource: api.resource, ...(subresource ? { subresource } : {}), ...at });
  // From a Service or workload the pod is picked later, so the question is about its namespace's pods.
  const onPod = (verb: string, subresource: string): ResourceAttributes => ({
    verb,
    group: '',
    resource: 'pods',
    subresource,
    ...(namespace ? { namespace } : {}),
    ...(key === '/pods' && target.name ? { name: target.name } : {}),
  });

  const checks: AccessCheck[] = [];
  const add = (action: ObjectAction, attributes: ResourceAttributes, what: string) => checks.push({ action, attributes, phrase: what + scope });
  for (const action of new Set(actions)) {
    switch (action) {
      case 'delete':
        if (api.verbs.includes('delete')) add(action, onResource('delete'), `delete ${label}`);
        break;
      case 'scale':
        if (target.hasScale) add(action, onResource('patch', 'scale'), `scale ${label}`);
        break;
      case 'restart':
        if (isRestartable(api)) add(action, onResource('patch'), `restart ${label}`);
        break;
      case 'rollback':
        if (rollsBack(api)) add(action, onResource('patch'), `roll back ${label}`);
        break;
      case 'cordon':
        if (key === '/nodes') add(action, onResource('patch'), 'cordon nodes');
        break;
      // A drain lists and evicts whatever runs on the node, so the questions are about every namespace (cordoning is asked apart).
      case 'drain':
        if (key === '/nodes') {
          checks.push({ action, attributes: { verb: 'list', group: '', resource: 'pods' }, phrase: 'list pods in all namespaces' });
          checks.push({ action, attributes: { verb: 'create', group: '', resource: 'pods', subresource: 'eviction' }, phrase: 'evict pods in all namespaces' });
        }
        break;
      case 'portForward':
        if (FORWARDABLE.has(key)) add(action, onPod('create', 'portforward'), 'port-forward to pods');
        break;
      case 'logs':
        if (key === '/pods') add(action, onPod('get', 'log'), 'read logs of pods');
        break;
      case 'exec':
        if (key === '/pods') add(action, onPod('create', 'exec'), 'exec into pods');
        break;
      case 'reveal':
        if (key === '/secrets') add(action, onResource('get'), 'read secrets');
        break;
      // The inspector's Edit is a server-side apply: a patch of the object.
      case 'edit':
        if (api.verbs.includes('patch')) add(action, onResource('patch'), `edit ${label}`);
        break;
    }
  }
  return checks;
}

/**
 * Why not, in words a person can act on: "kwok-restricted may not delete pods
 * in team-b", plus the authorizer's reason when it gave one.
 */
export function denialReason(who: string, check: AccessCheck, serverReason?: string): string {
  return `${who} may not ${check.phrase}${serverReason ? `: ${serverReason}` : ''}`;
}

/**
 * Each action's answer from its reviews' (in the order of `checks`): allowed
 * only when every review of it is, else the first denial's reason.
 */
export function permissionsOf(who: string, checks: readonly AccessCheck[], answers: readonly ({ allowed?: boolean; reason?: string } | undefined)[]): Record<string, Permission> {
  const permissions: Record<string, Permission> = {};
  checks.forEach((check, i) => {
    if (permissions[check.action]?.allowed === false) return;
    const answer = answers[i];
    permissions[check.action] = answer?.allowed === true ? { allowed: true } : { allowed: false, reason: denialReason(who, check, answer?.reason) };
  });
  return permissions;
}
