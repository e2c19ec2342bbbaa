/**
 * Blue/green and canary pairs of plain Deployments, found by labels:
 * - blue/green: a Service whose selector includes a slot key (`slot`,
 *   `color`, or the key its `pilothouse.dev/slot-key` annotation names), and
 *   two Deployments whose pod templates match the rest of that selector and
 *   carry different values of the key; the selector's value is the live slot.
 * - canary: a Service whose selector matches two Deployments' pod templates,
 *   one labelled `track: stable`, the other `track: canary` (or the key its
 *   `pilothouse.dev/track-key` annotation names).
 * A Service set up for either that does not make a pair is listed with why.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { BlueGreenPair, CanaryPair, PairProblem, PairSide, ResourceRef, TrafficPair, TrafficPairs } from '../../../shared/contract';
import { canaryShare } from '../../../shared/trafficRules';
import { AppError } from '../../../shared/result';
import type { ConnectionService } from '../connections/connectionService';
import { auditTarget, connectionNameOf } from '../kube/actions/kubeActionTarget';
import { objectPath, type KubeAccess } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { kubeRequest } from '../kube/client/kubeHttp';
import { matchesLabelSelector, type KubeObject, type LabelSelector, type ServiceObject } from '../kube/model';
import type { TaskSpec } from '../tasks/taskRunner';
import { rolloutProgress, type RolloutWorkload } from './rollback';
import { templateImages, type PodTemplate } from './rolloutHistory';

/** The Service annotation naming its slot label, when it is neither `slot` nor `color`. */
export const SLOT_KEY_ANNOTATION = 'pilothouse.dev/slot-key';
/** The Service annotation naming its track label, when it is not `track`. */
export const TRACK_KEY_ANNOTATION = 'pilothouse.dev/track-key';
/** Slot labels recognised without an annotation, in this order. */
const SLOT_KEYS = ['slot', 'color'] as const;
const DEFAULT_TRACK_KEY = 'track';

/** Deployments, as the traffic actions address them. */
export const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments' };
/** Services, as the traffic actions address them. */
export const SERVICES: ResourceRef = { group: '', version: 'v1', resource: 'services' };

/** A Deployment, as pairs read it. */
export interface PairDeployment extends KubeObject {
  spec?: {
    replicas?: number;
    paused?: boolean;
    selector?: LabelSelector;
    template?: PodTemplate;
  };
  status?: RolloutWorkload['status'];
}

const templateLabels = (d: PairDeployment): Record<string, string> => d.spec?.template?.metadata?.labels ?? {};
const nameOf = (obj: KubeObject): string => obj.metadata?.name ?? '';
const names = (ds: readonly PairDeployment[]): string => ds.map(nameOf).join(', ');

/** One Deployment of a pair, for display: its label's value, images, replica counts, generation and rollout verdict. */
export function pairSide(d: PairDeployment, key: string): PairSide {
  const { state, message } = rolloutProgress(d);
  return {
    deployment: nameOf(d),
    value: templateLabels(d)[key] ?? '',
    images: templateImages(d.spec?.template),
    replicas: d.spec?.replicas ?? 1,
    ready: d.status?.readyReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    paused: Boolean(d.spec?.paused),
    generation: d.metadata?.generation ?? 0,
    rollout: { state, message },
  };
}

/** Why `a` and `b` cannot be told apart by their controllers: each one's selector must leave the other's pods alone. */
function overlap(a: PairDeployment, b: PairDeployment): string | undefined {
  for (const [x, y] of [
    [a, b],
    [b, a],
  ]) {
    if (matchesLabelSelector(x.spec?.selector ?? {}, templateLabels(y))) return `Deployment ${nameOf(x)}'s selector also matches ${nameOf(y)}'s pods: their controllers would fight over them`;
  }
  return undefined;
}

type Found<T> = { pair: T } | { problem: string } | undefined;

/** Appends `value` to the list at `key`, in place (copying lists as they grow would make building them quadratic). */
function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Deployments of one namespace, indexed by their pod templates' labels: a
 * Service looks only at those carrying the rarest of its selector's labels,
 * so finding every pair stays near linear in Services plus Deployments.
 */
export interface DeploymentIndex {
  /** The Deployments whose pod templates carry every label of `labels` (and the key `withKey`, when given), in list order. */
  matching(labels: Readonly<Record<string, string>>, withKey?: string): PairDeployment[];
}

/** Indexes `deployments` (all of one namespace) by their pod templates' labels. */
export function indexDeployments(deployments: readonly PairDeployment[]): DeploymentIndex {
  const byLabel = new Map<string, Map<string, PairDeployment[]>>();
  const byKey = new Map<string, PairDeployment[]>();
  for (const d of deployments) {
    for (const [key, value] of Object.entries(templateLabels(d))) {
      pushTo(byKey, key, d);
      let values = byLabel.get(key);
      if (!values) byLabel.set(key, (values = new Map()));
      pushTo(values, value, d);
    }
  }
  return {
    matching(labels, withKey) {
      const lists = Object.entries(labels).map(([key, value]) => byLabel.get(key)?.get(value) ?? []);
      if (withKey !== undefined) lists.push(byKey.get(withKey) ?? []);
      const candidates = lists.length ? lists.reduce((a, b) => (b.length < a.length ? b : a)) : deployments;
      return candidates.filter((d) => (withKey === undefined || Object.hasOwn(templateLabels(d), withKey)) && matchesLabelSelector({ matchLabels: labels }, templateLabels(d)));
    },
  };
}

/** The blue/green pair behind `svc`, a problem, or undefined when it is not set up for one. */
export function blueGreenPair(svc: ServiceObject, deployments: DeploymentIndex): Found<BlueGreenPair> {
  const selector = svc.spec?.selector ?? {};
  const named = svc.metadata?.annotations?.[SLOT_KEY_ANNOTATION];
  const slotKey = named ?? SLOT_KEYS.find((k) => Object.hasOwn(selector, k));
  if (!slotKey) return undefined;
  if (!Object.keys(selector).length) return { problem: `It has no selector, so it sends to no pods the slot label "${slotKey}" could pick` };
  if (!Object.hasOwn(selector, slotKey)) return { problem: `Its ${SLOT_KEY_ANNOTATION} annotation names "${slotKey}", which its selector does not include` };
  const { [slotKey]: live, ...rest } = selector;
  const slots = deployments.matching(rest, slotKey);
  if (slots.length < 2) return { problem: `A blue/green pair needs two Deployments whose pods carry "${slotKey}"; found ${slots.length ? names(slots) : 'none'}` };
  if (slots.length > 2) return { problem: `${slots.length} Deployments carry "${slotKey}" under this Service (${names(slots)}); a blue/green pair is two` };
  const [a, b] = [...slots].sort((x, y) => templateLabels(x)[slotKey].localeCompare(templateLabels(y)[slotKey]));
  if (templateLabels(a)[slotKey] === templateLabels(b)[slotKey]) return { problem: `${names(slots)} are both in slot "${templateLabels(a)[slotKey]}": the slots must differ` };
  const fight = overlap(a, b);
  if (fight) return { problem: fight };
  const sides: [PairSide, PairSide] = [pairSide(a, slotKey), pairSide(b, slotKey)];
  return {
    pair: {
      kind: 'blueGreen',
      namespace: svc.metadata?.namespace ?? '',
      service: nameOf(svc),
      slotKey,
      ...(sides.some((s) => s.value === live) ? { live } : {}),
      slots: sides,
    },
  };
}

/** The canary pair behind `svc`, a problem, or undefined when it is not set up for one. */
export function canaryPair(svc: ServiceObject, deployments: DeploymentIndex): Found<CanaryPair> {
  const selector = svc.spec?.selector ?? {};
  const named = svc.metadata?.annotations?.[TRACK_KEY_ANNOTATION];
  const trackKey = named ?? DEFAULT_TRACK_KEY;
  if (!Object.keys(selector).length) return named ? { problem: `It has no selector, so it sends to no pods the track label "${trackKey}" could split` } : undefined;
  if (Object.hasOwn(selector, trackKey)) return named ? { problem: `Its selector picks one track ("${trackKey}: ${selector[trackKey]}"); a canary Service selects both` } : undefined;
  const matched = deployments.matching(selector);
  const tracked = matched.filter((d) => Object.hasOwn(templateLabels(d), trackKey));
  if (!tracked.length) return named ? { problem: `None of the Deployments it selects carries "${trackKey}"` } : undefined;
  const untracked = matched.filter((d) => !Object.hasOwn(templateLabels(d), trackKey));
  if (untracked.length) return { problem: `It also selects ${names(untracked)}, which has no "${trackKey}" label: label every Deployment behind it stable or canary` };
  const on = (track: string) => tracked.filter((d) => templateLabels(d)[trackKey] === track);
  const [stables, canaries] = [on('stable'), on('canary')];
  const other = tracked.filter((d) => !['stable', 'canary'].includes(templateLabels(d)[trackKey]));
  if (other.length) return { problem: `${names(other)}: "${trackKey}" is neither stable nor canary` };
  if (stables.length !== 1 || canaries.length !== 1) {
    return { problem: `A canary pair is one stable and one canary Deployment; it selects ${stables.length} stable (${names(stables) || 'none'}) and ${canaries.length} canary (${names(canaries) || 'none'})` };
  }
  const fight = overlap(stables[0], canaries[0]);
  if (fight) return { problem: fight };
  const [stable, canary] = [pairSide(stables[0], trackKey), pairSide(canaries[0], trackKey)];
  const weight = canaryShare({ stable: stable.ready, canary: canary.ready });
  return {
    pair: { kind: 'canary', namespace: svc.metadata?.namespace ?? '', service: nameOf(svc), trackKey, stable, canary, ...(weight === undefined ? {} : { weight }) },
  };
}

/** The pairs (and problems) among `services` and `deployments`, each Service matched with Deployments of its own namespace. */
export function findTrafficPairs(services: readonly ServiceObject[], deployments: readonly PairDeployment[]): TrafficPairs {
  const inNamespace = new Map<string, PairDeployment[]>();
  for (const d of deployments) pushTo(inNamespace, d.metadata?.namespace ?? '', d);
  const byNamespace = new Map([...inNamespace].map(([namespace, list]) => [namespace, indexDeployments(list)]));
  const none = indexDeployments([]);
  const pairs: TrafficPairs['pairs'] = [];
  const problems: PairProblem[] = [];
  for (const svc of services) {
    if (svc.spec?.type === 'ExternalName') continue;
    const namespace = svc.metadata?.namespace ?? '';
    const own = byNamespace.get(namespace) ?? none;
    const found = blueGreenPair(svc, own) ?? canaryPair(svc, own);
    if (found && 'pair' in found) pairs.push(found.pair);
    else if (found) problems.push({ namespace, service: nameOf(svc), message: found.problem });
  }
  const order = (a: { namespace: string; service: string }, b: { namespace: string; service: string }) => a.namespace.localeCompare(b.namespace) || a.service.localeCompare(b.service);
  return { pairs: pairs.sort(order), problems: problems.sort(order) };
}

/** Lists `resource` in `namespace` (or all), narrowed by `query` (`labelSelector=…`); any answer but 200 becomes an error naming `what`. */
export async function listObjects<T>(kc: KubeConfig, resource: ResourceRef, namespace: string | undefined, what: string, signal?: AbortSignal, query?: string): Promise<T[]> {
  const res = await kubeRequest<{ items?: T[] }>(kc, objectPath(resource, namespace) + (query ? `?${query}` : ''), { gzip: true, timeoutMs: 30_000, deadlineMs: 60_000, signal });
  if (res.status !== 200) throw kubeStatusError(what, res.status, res.body);
  return res.body.items ?? [];
}

/** GETs one object; a 404 is NOT_FOUND saying `missing`, any other failure an error naming `what`. */
export async function readObject<T>(kc: KubeConfig, path: string, what: string, missing: string, signal?: AbortSignal): Promise<T> {
  const res = await kubeRequest<T>(kc, path, { timeoutMs: 30_000, deadlineMs: 30_000, signal });
  if (res.status === 404) throw new AppError('NOT_FOUND', missing);
  if (res.status !== 200) throw kubeStatusError(what, res.status, res.body);
  return res.body;
}

/** A pair as it stands now, with the objects it was read from. */
export interface ReadPair<P> {
  pair: P;
  service: ServiceObject;
  /** The pair's Deployments, by name. */
  deployments: ReadonlyMap<string, PairDeployment>;
}

/**
 * Reads Service `service` of `namespace` and the Deployments beside it, and
 * finds its pair of `kind`: VALIDATION, saying why, when it makes none.
 */
export async function readPair<K extends TrafficPair['kind']>(
  kc: KubeConfig,
  namespace: string,
  service: string,
  kind: K,
  signal?: AbortSignal,
): Promise<ReadPair<Extract<TrafficPair, { kind: K }>>> {
  const label = `Service "${service}" in ${namespace}`;
  const [svc, deployments] = await Promise.all([
    readObject<ServiceObject>(kc, objectPath(SERVICES, namespace, service), `reading ${label}`, `${label} is not there (any more)`, signal),
    listObjects<PairDeployment>(kc, DEPLOYMENTS, namespace, `listing the Deployments in ${namespace}`, signal),
  ]);
  const index = indexDeployments(deployments);
  const found = kind === 'blueGreen' ? blueGreenPair(svc, index) : canaryPair(svc, index);
  if (!found) throw new AppError('VALIDATION', `${label} is not set up for ${kind === 'blueGreen' ? 'blue/green (no slot label in its selector)' : 'a canary (no Deployment behind it has a track label)'}`);
  if ('problem' in found) throw new AppError('VALIDATION', `${label}: ${found.problem}`);
  return { pair: found.pair as Extract<TrafficPair, { kind: K }>, service: svc, deployments: new Map(deployments.map((d) => [nameOf(d), d])) };
}

/** The audit entry and tray spec of a traffic task on Service `service`. */
export function trafficTaskSpec(
  connections: Pick<ConnectionService, 'list'>,
  at: { connectionId: string; namespace: string; service: string },
  kind: string,
  title: string,
  phases: readonly string[],
  actor: string,
): TaskSpec {
  const connectionName = connectionNameOf(connections, at.connectionId);
  return { kind, title, target: auditTarget(connectionName, at.namespace, 'services', at.service), connectionId: at.connectionId, connectionName, actor, phases: [...phases], unit: 'pods' };
}

/** A JSON pointer's token for a key (RFC 6901): label keys hold "/" (`pilothouse.dev/slot`). */
export const pointerToken = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');

/** Reads the pairs of a connection's namespace (or all). */
export interface TrafficPairsReader {
  pairs(params: { connectionId: string; namespace?: string }): Promise<TrafficPairs>;
}

/** Finds pairs over each connection's client: a list of Services and one of Deployments per call. */
export function createTrafficPairs(access: Pick<KubeAccess, 'config'>): TrafficPairsReader {
  return {
    async pairs({ connectionId, namespace }) {
      const kc = await access.config(connectionId);
      const where = namespace ? `in ${namespace}` : 'in every namespace';
      const [services, deployments] = await Promise.all([
        listObjects<ServiceObject>(kc, SERVICES, namespace, `listing the Services ${where}`),
        listObjects<PairDeployment>(kc, DEPLOYMENTS, namespace, `listing the Deployments ${where}`),
      ]);
      return findTrafficPairs(services, deployments);
    },
  };
}
