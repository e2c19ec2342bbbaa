/**
 * Deleting what a drill created, from its persisted list alone (so it works
 * after a crash, or from a later "Clean up"): the namespace when the drill
 * created it (with foreground propagation, waited for until gone), else each
 * object it created; then the CRDs it created, unless objects of them remain
 * anywhere. Every delete names the uid the drill got, so a namesake made
 * since is never touched. Running it again is harmless: 404 counts as gone.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { objectPath } from '../../kube/client/kubeAccess';
import { kubeStatusError } from '../../kube/client/kubeErrors';
import { kubeRequest } from '../../kube/client/kubeHttp';
import type { KubeObject } from '../../kube/model/kubeObject';
import { FINISHED_RESTORE_PHASES } from '../velero/veleroShapes';
import { createdLabel, isUnreachable, messageOf, type CreatedRef } from './drillObjects';

const REQUEST_DEADLINE_MS = 30_000;
const POLL_MS = 1000;
/** How long the deleted objects may take to go (a namespace's contents are deleted first). */
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** What {@link cleanupDrill} is told. */
export interface CleanupOptions {
  /** Waiting for what was deleted to go stops here; what is still there is reported as left. Default 5 minutes. */
  timeoutMs?: number;
  /** Between looks at what is still there; default 1 s. */
  intervalMs?: number;
  /** Stops the wait (deletes already sent stand). Not the cancelled task's signal: a cleanup after a cancel must run. */
  signal?: AbortSignal;
  /** A line on how it goes: "Namespace drill-a deleted, waiting until it is gone (pods remaining)". */
  onProgress?: (done: number, total: number, message: string) => void;
}

/** How a cleanup ended. */
export interface CleanupResult {
  /** Gone now (deleted, or gone already). */
  removed: CreatedRef[];
  /** Still there, each with why: what a later cleanup removes. */
  left: { ref: CreatedRef; reason: string }[];
  /** In a sentence, for the timeline. */
  summary: string;
}

const isNamespace = (r: CreatedRef) => r.group === '' && r.resource === 'namespaces';
const isCrd = (r: CreatedRef) => r.group === 'apiextensions.k8s.io' && r.resource === 'customresourcedefinitions';
const isVeleroRestore = (r: CreatedRef) => r.group === 'velero.io' && r.resource === 'restores';
/** Phases a Velero Restore is done in: it creates nothing more. */
const RESTORE_DONE = new Set([...FINISHED_RESTORE_PHASES, 'FailedValidation']);

/** What a DELETE of one created object is sent with. */
function deleteOptions(ref: CreatedRef, propagation: 'Foreground' | 'Background'): object {
  return { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: propagation, ...(ref.uid ? { preconditions: { uid: ref.uid } } : {}) };
}

/**
 * Whether the object is gone: 404, or what has the name now is another
 * object (its uid differs). Otherwise the object, for why it is still there.
 */
async function lookUp(kc: KubeConfig, ref: CreatedRef): Promise<{ gone: true } | { gone: false; object: KubeObject }> {
  const res = await kubeRequest<KubeObject>(kc, objectPath(ref, ref.namespace, ref.name), { deadlineMs: REQUEST_DEADLINE_MS });
  if (res.status === 404) return { gone: true };
  if (res.status !== 200) throw kubeStatusError(`reading ${createdLabel(ref)}`, res.status, res.body);
  if (ref.uid && res.body.metadata?.uid !== ref.uid) return { gone: true };
  return { gone: false, object: res.body };
}

/** Sends the DELETE; true when the object is gone already (404, or a namesake holds the name: the precondition failed). */
async function sendDelete(kc: KubeConfig, ref: CreatedRef, propagation: 'Foreground' | 'Background'): Promise<boolean> {
  const res = await kubeRequest(kc, objectPath(ref, ref.namespace, ref.name), { method: 'DELETE', body: deleteOptions(ref, propagation), deadlineMs: REQUEST_DEADLINE_MS });
  if (res.status === 404) return true;
  if (res.status === 409 && ref.uid) return true;
  if (res.status !== 200 && res.status !== 202) throw kubeStatusError(`deleting ${createdLabel(ref)}`, res.status, res.body);
  return false;
}

/** Why a namespace is still there: its NamespaceContentRemaining / finalizers condition, when it says. */
function namespaceWaitReason(ns: KubeObject): string {
  const conditions = ((ns.status as { conditions?: { type: string; status: string; message?: string }[] } | undefined)?.conditions ?? []).filter(
    (c) => c.status === 'True' && (c.type === 'NamespaceContentRemaining' || c.type === 'NamespaceFinalizersRemaining' || c.type === 'NamespaceDeletionContentFailure'),
  );
  return conditions.map((c) => c.message).filter(Boolean).join('; ') || 'still terminating';
}

/** Why an object is still there: the finalizers it waits on, when it has some. */
function objectWaitReason(object: KubeObject): string {
  const finalizers = (object.metadata as { finalizers?: string[] } | undefined)?.finalizers ?? [];
  return finalizers.length ? `waiting on finalizers ${finalizers.join(', ')}` : 'being deleted';
}

/**
 * Deletes what `created` lists (see the module's comment) and waits,
 * bounded, until it is gone. Never throws for one object: what could not be
 * deleted or did not go in time is in `left`, with why; once the apiserver
 * does not answer, the rest is left untried.
 */
export async function cleanupDrill(kc: KubeConfig, listed: CreatedRef[], options: CleanupOptions = {}): Promise<CleanupResult> {
  // An object listed by name before it existed and again with its uid (Velero's namespace) is deleted by its uid only: a namesake made since is not ours.
  const identity = (r: CreatedRef) => `${r.group}/${r.resource}/${r.namespace ?? ''}/${r.name}`;
  const withUid = new Set(listed.filter((r) => r.uid).map(identity));
  const created = listed.filter((r) => r.uid || !withUid.has(identity(r)));
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const interval = options.intervalMs ?? POLL_MS;
  const removed: CreatedRef[] = [];
  const left: CleanupResult['left'] = [];
  const total = created.length;
  const progress = (message: string) => options.onProgress?.(removed.length, total, message);
  // Once the apiserver does not answer, the rest is left untried: each would wait out its own deadline in turn.
  let unanswered: string | undefined;
  const untried = (ref: CreatedRef) => ({ ref, reason: `not tried: the apiserver did not answer (${unanswered})` });
  const noted = (err: unknown): string => {
    if (isUnreachable(err)) unanswered ??= messageOf(err);
    return messageOf(err);
  };

  const namespaces = created.filter(isNamespace);
  const crds = created.filter(isCrd);
  const inDeletedNamespace = (r: CreatedRef) => r.namespace !== undefined && namespaces.some((n) => n.name === r.namespace);
  // Objects in a namespace the drill created go with it; the others one by one, last created first.
  const objects = created.filter((r) => !isNamespace(r) && !isCrd(r) && !inDeletedNamespace(r)).reverse();

  /** Waits until each of `refs` is gone or the deadline passes; returns those still there, with why. */
  const waitGone = async (refs: CreatedRef[], why: (ref: CreatedRef, object: KubeObject) => string): Promise<{ ref: CreatedRef; reason: string }[]> => {
    let pending = refs;
    let reasons = new Map<CreatedRef, string>();
    for (;;) {
      const still: CreatedRef[] = [];
      reasons = new Map();
      for (const ref of pending) {
        try {
          const look = await lookUp(kc, ref);
          if (look.gone) removed.push(ref);
          else {
            still.push(ref);
            reasons.set(ref, why(ref, look.object));
          }
        } catch (err) {
          still.push(ref);
          reasons.set(ref, noted(err));
        }
      }
      pending = still;
      if (!pending.length) return [];
      if (unanswered !== undefined) return pending.map((ref) => ({ ref, reason: reasons.get(ref) ?? unanswered ?? '' }));
      progress(`Waiting for ${pending.length === 1 ? createdLabel(pending[0]) : `${pending.length} objects`} to go: ${reasons.get(pending[0])}`);
      if (Date.now() + interval > deadline || options.signal?.aborted) {
        const seconds = Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000);
        return pending.map((ref) => ({ ref, reason: `still there after ${seconds} s: ${reasons.get(ref)}` }));
      }
      await sleep(interval);
    }
  };

  /** Waits, bounded, until each Velero Restore is done or gone; undefined then, else what is still at work (or why it could not be read). */
  async function restoreAtWork(restores: CreatedRef[]): Promise<string | undefined> {
    for (;;) {
      let working: string | undefined;
      for (const ref of restores) {
        try {
          const look = await lookUp(kc, ref);
          const phase = look.gone ? undefined : ((look.object.status as { phase?: string } | undefined)?.phase ?? 'New');
          if (phase !== undefined && !RESTORE_DONE.has(phase)) working ??= `Velero ${createdLabel(ref)} is still ${phase}`;
        } catch (err) {
          return noted(err);
        }
      }
      if (working === undefined) return undefined;
      progress(`Waiting for the restore to end first: ${working}`);
      if (Date.now() + interval > deadline || options.signal?.aborted) return `${working} after ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s`;
      await sleep(interval);
    }
  }

  /** Deletes each ref; returns those a DELETE was accepted for (to wait on), recording the rest as removed or left. */
  const deleteAll = async (refs: CreatedRef[], propagation: 'Foreground' | 'Background'): Promise<CreatedRef[]> => {
    const sent: CreatedRef[] = [];
    for (const ref of refs) {
      if (unanswered !== undefined) {
        left.push(untried(ref));
        continue;
      }
      progress(`Deleting ${createdLabel(ref)}`);
      try {
        if (await sendDelete(kc, ref, propagation)) removed.push(ref);
        else sent.push(ref);
      } catch (err) {
        left.push({ ref, reason: noted(err) });
      }
    }
    return sent;
  };

  const summarize = (): CleanupResult => {
    const summary = left.length
      ? `Removed ${removed.length} of ${total} created objects; ${left.length} left: ${left
          .slice(0, 5)
          .map((l) => `${createdLabel(l.ref)} (${l.reason})`)
          .join(', ')}${left.length > 5 ? ', …' : ''}`
      : `Removed all ${total} created object${total === 1 ? '' : 's'}`;
    progress(summary);
    return { removed, left, summary };
  };

  // A Velero Restore still at work would make again what is deleted under it (the namespace first): it is waited for before anything is deleted.
  const busy = await restoreAtWork(created.filter(isVeleroRestore));
  if (busy !== undefined) {
    left.push(...created.map((ref) => ({ ref, reason: `not deleted yet: ${busy}` })));
    return summarize();
  }

  // The namespace first: its contents go with it, what else was created may live in it.
  const namespacesSent = await deleteAll(namespaces, 'Foreground');
  const objectsSent = await deleteAll(objects, 'Background');
  left.push(...(await waitGone([...namespacesSent, ...objectsSent], (ref, object) => (isNamespace(ref) ? namespaceWaitReason(object) : objectWaitReason(object)))));
  // Objects inside a deleted namespace are gone once it is, or left with it.
  for (const ref of created.filter(inDeletedNamespace)) {
    const ns = left.find((l) => isNamespace(l.ref) && l.ref.name === ref.namespace);
    if (ns) left.push({ ref, reason: `its namespace ${ref.namespace} is still there` });
    else removed.push(ref);
  }

  // CRDs last, and only those no object of which remains anywhere (another namespace's, or ours still going).
  const crdsToDelete: CreatedRef[] = [];
  for (const ref of crds) {
    if (unanswered !== undefined) {
      left.push(untried(ref));
      continue;
    }
    try {
      const look = await lookUp(kc, ref);
      if (look.gone) {
        removed.push(ref);
        continue;
      }
      const inUse = await crdInUse(kc, look.object);
      if (inUse) left.push({ ref, reason: inUse });
      else crdsToDelete.push(ref);
    } catch (err) {
      left.push({ ref, reason: noted(err) });
    }
  }
  const crdsSent = await deleteAll(crdsToDelete, 'Background');
  left.push(...(await waitGone(crdsSent, () => 'its objects are being deleted')));

  return summarize();
}

/** Why a CRD must stay: objects of it exist in some namespace (one list, limit 1), or undefined when none does. */
async function crdInUse(kc: KubeConfig, crd: KubeObject): Promise<string | undefined> {
  const spec = (crd.spec ?? {}) as { group?: string; names?: { plural?: string; kind?: string }; versions?: { name: string; served?: boolean; storage?: boolean }[] };
  const version = spec.versions?.find((v) => v.storage) ?? spec.versions?.find((v) => v.served);
  if (!spec.group || !spec.names?.plural || !version) return undefined;
  const res = await kubeRequest<{ items?: KubeObject[] }>(kc, `${objectPath({ group: spec.group, version: version.name, resource: spec.names.plural })}?limit=1`, {
    deadlineMs: REQUEST_DEADLINE_MS,
  });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw kubeStatusError(`listing ${spec.names.plural}.${spec.group}`, res.status, res.body);
  const one = res.body.items?.[0];
  return one ? `${spec.names.kind ?? spec.names.plural} objects remain (${one.metadata?.namespace ? `${one.metadata.namespace}/` : ''}${one.metadata?.name})` : undefined;
}
