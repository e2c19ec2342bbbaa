/**
 * A spec against a cluster, document by document, with server-side apply
 * under Pilothouse's own field manager: a dry run (`dryRun=All`, nothing
 * changed), the live object beside what the apply would make of it, and the
 * apply itself. What the server refuses is placed on the spec's lines.
 *
 * `generateName` documents cannot be server-side applied (an apply names its
 * object); they are created with POST instead, dry-run the same way, and a
 * spec that holds one creates a new object on every apply.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ApiResource, ObjectRef } from '../../../shared/contract';
import type { DiffDocument, DryRunDocument, DryRunResult, FieldConflict, SpecDocumentRef, SpecProblem } from '../../../shared/contract/pipelines';
import { AppError } from '../../../shared/result';
import { objectPath, resourceLabel, type KubeAccess } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { kubeRequest, USER_AGENT, type KubeResponse } from '../kube/client/kubeHttp';
import { sameJson } from '../kube/client/guardedPatch';
import { cleanObject, fieldConflicts, isSecret, maskSecretPair, mergePatch, objectYaml, statusMessage, statusProblems } from './liveObject';
import type { SpecDocument } from './specDocuments';
import { parseSpecOffLoop } from './specParsePool';

/** The field manager of every apply: what `managedFields` and conflicts name Pilothouse as. */
export const FIELD_MANAGER = USER_AGENT;

/** Dry runs asked at once: a 100-document spec is not 100 requests in a row, nor 100 at once. */
const DRY_RUN_CONCURRENCY = 8;
/** Longest one request may take: an admission webhook may be slow. */
const REQUEST_DEADLINE_MS = 30_000;

/** A spec and where it goes. */
export interface SpecTarget {
  connectionId: string;
  /** For namespaced documents that name no namespace; absent: the kubeconfig context's namespace, else `default`. */
  namespace?: string;
  text: string;
}

/** One document ready to send: its resource, namespace, URLs and body. */
export interface PlannedDocument {
  doc: SpecDocument;
  ref: SpecDocumentRef;
  api: ApiResource;
  /** The object's URL; absent for `generateName` documents, which are created in `collection`. */
  objectUrl?: string;
  collectionUrl: string;
  /** The document, with the namespace it goes to. */
  body: Record<string, unknown>;
}

/**
 * A document of a kind the cluster does not serve yet, whose
 * CustomResourceDefinition an earlier document of the spec creates: planned
 * by {@link planAfterCrd} once that is applied.
 */
export interface AwaitedKind {
  doc: SpecDocument;
  /** The CRD's document (0-based) and name. */
  crd: { index: number; name: string };
  /** Where the document goes when it names no namespace. */
  fallbackNamespace: string;
}

/** One document of a {@link PlannedSpec}. */
export interface PlannedEntry {
  ref: SpecDocumentRef;
  planned?: PlannedDocument;
  /** Neither planned nor refused: its kind comes with a CRD of the spec. */
  awaits?: AwaitedKind;
  problems: SpecProblem[];
}

/** A spec checked against what the cluster serves. */
export interface PlannedSpec {
  kc: KubeConfig;
  /** Every document in order: planned, awaiting its CRD, or refused with its problems before the server was asked. */
  entries: PlannedEntry[];
  /** Problems of the text itself; nothing was planned while there are any. */
  problems: SpecProblem[];
}

/** What one document's dry run found, with the objects a diff shows. */
export interface DocumentCheck extends DryRunDocument {
  /** The live object, cleaned; absent when it does not exist. */
  live?: Record<string, unknown>;
  /** What the apply would make of it, cleaned; absent when refused. */
  after?: Record<string, unknown>;
  /** An edited object that changed or went since it was opened: CONFLICT, to be opened again, not forced. */
  stale?: true;
}

/** What applying one document did. */
export type DocumentApplied =
  | { ok: true; object: Record<string, unknown> }
  | { ok: false; message: string; problems: SpecProblem[]; conflicts: FieldConflict[]; error?: AppError };

const ok = (res: KubeResponse<unknown>) => res.status >= 200 && res.status < 300;

/** `deployments.apps "web" in team-a`, `jobs.batch (generateName run-) in ci`. */
export function documentLabel(planned: Pick<PlannedDocument, 'api' | 'ref'> & { doc: Pick<SpecDocument, 'generateName'> }): string {
  const { api, ref, doc } = planned;
  const name = ref.name !== undefined ? `"${ref.name}"` : `(generateName ${doc.generateName ?? ''})`;
  return `${resourceLabel(api)} ${name}${ref.namespace ? ` in ${ref.namespace}` : ''}`;
}

function refOf(doc: SpecDocument, namespace?: string): SpecDocumentRef {
  return { index: doc.index, line: doc.line, apiVersion: doc.apiVersion, kind: doc.kind, ...(doc.name !== undefined ? { name: doc.name } : {}), ...(namespace ? { namespace } : {}) };
}

function problemAt(doc: SpecDocument, field: string, message: string): SpecProblem {
  const at = doc.lineOf(field);
  return { line: at.line, ...(at.column ? { column: at.column } : {}), field, message, severity: 'error' };
}

/**
 * Parses the spec and checks each document against what the cluster serves:
 * its kind, and its namespace (a namespaced kind without one goes to the
 * target's namespace; a cluster-scoped kind's is dropped with a warning, as
 * kubectl ignores it). A document of a kind the cluster does not serve yet,
 * whose CustomResourceDefinition an earlier document creates, awaits it
 * ({@link AwaitedKind}) with a warning, as a namespace the spec creates is
 * waited for.
 *
 * A large spec is parsed off the event loop ({@link parseSpecOffLoop}).
 *
 * @throws AppError from the parse's guards, and when the connection cannot be reached for discovery.
 */
export async function planSpec(access: KubeAccess, target: SpecTarget, label = 'the spec'): Promise<PlannedSpec> {
  const parsed = await parseSpecOffLoop(target.text, label);
  const kc = await access.config(target.connectionId);
  if (parsed.problems.length) return { kc, entries: [], problems: parsed.problems };
  const fallbackNamespace = target.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  const entries: PlannedEntry[] = [];
  const crds: CrdServes[] = [];
  for (const doc of parsed.documents) {
    const api = await access.resourceOfKind(target.connectionId, doc.apiVersion, doc.kind);
    const crd = api ? undefined : crds.find((c) => c.serves(doc.apiVersion, doc.kind));
    if (crd) {
      // A dry run creates nothing, so the kind is not served until the CRD is applied: the apply plans it then.
      const message = `Its CRD is created by document ${crd.index + 1} of this spec; the server checks it once that exists`;
      entries.push({ ref: refOf(doc, doc.namespace), awaits: { doc, crd: { index: crd.index, name: crd.name }, fallbackNamespace }, problems: [{ ...problemAt(doc, 'kind', message), severity: 'warning' }] });
      continue;
    }
    const entry = planDocument(doc, api, fallbackNamespace);
    const served = entry.planned && crdServes(entry.planned);
    if (served) crds.push(served);
    entries.push(entry);
  }
  return { kc, entries, problems: [] };
}

/** One document against the resource the cluster serves for its kind (undefined: none). */
function planDocument(doc: SpecDocument, api: ApiResource | undefined, fallbackNamespace: string): PlannedEntry {
  if (!api) return { ref: refOf(doc, doc.namespace), problems: [problemAt(doc, 'kind', `The cluster serves no kind ${doc.kind} in ${doc.apiVersion}`)] };
  // kubectl ignores the namespace of a cluster-scoped object (Helm writes one on a ClusterRole); the server would refuse it.
  const warnings = !api.namespaced && doc.namespace ? [{ ...problemAt(doc, 'metadata.namespace', `${doc.kind} is cluster-scoped, so its metadata.namespace is ignored, as kubectl does; leave it out`), severity: 'warning' as const }] : [];
  const namespace = api.namespaced ? (doc.namespace ?? fallbackNamespace) : undefined;
  const ref = refOf(doc, namespace);
  let objectUrl: string | undefined;
  let collectionUrl: string;
  try {
    collectionUrl = objectPath(api, namespace);
    objectUrl = doc.name === undefined ? undefined : objectPath(api, namespace, doc.name);
  } catch (err) {
    // "." or ".." as a name or namespace would address another object.
    return { ref, problems: [problemAt(doc, doc.name === undefined ? 'metadata.namespace' : 'metadata.name', err instanceof AppError ? err.message : 'not a valid name')] };
  }
  const { namespace: _written, ...metadata } = (doc.object.metadata ?? {}) as Record<string, unknown>;
  if (namespace) metadata.namespace = namespace;
  return { ref, problems: warnings, planned: { doc, ref, api, objectUrl, collectionUrl, body: { ...doc.object, metadata } } };
}

/** A CustomResourceDefinition of the spec: its document, name, and which apiVersion and kind it serves. */
interface CrdServes {
  index: number;
  name: string;
  serves(apiVersion: string, kind: string): boolean;
}

/** What a planned CustomResourceDefinition serves; undefined for any other document. */
function crdServes(planned: PlannedDocument): CrdServes | undefined {
  const { api, doc } = planned;
  if (api.group !== 'apiextensions.k8s.io' || api.kind !== 'CustomResourceDefinition' || doc.name === undefined) return undefined;
  const spec = (doc.object.spec ?? {}) as { group?: unknown; names?: { kind?: unknown }; versions?: unknown; version?: unknown };
  if (typeof spec.group !== 'string' || typeof spec.names?.kind !== 'string') return undefined;
  const versions = new Set<string>();
  if (Array.isArray(spec.versions)) for (const v of spec.versions as { name?: unknown; served?: unknown }[]) if (typeof v?.name === 'string' && v.served !== false) versions.add(v.name);
  // apiextensions.k8s.io/v1beta1 named one version at spec.version.
  if (typeof spec.version === 'string') versions.add(spec.version);
  const { group, names } = spec as { group: string; names: { kind: string } };
  return { index: doc.index, name: doc.name, serves: (apiVersion, kind) => kind === names.kind && [...versions].some((v) => apiVersion === `${group}/${v}`) };
}

/** Longest wait for a CRD of the spec to be established and served before its objects are applied. */
export const CRD_WAIT_MS = 30_000;
/** How often the CRD is read while waiting. */
const CRD_POLL_MS = 1_000;

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Plans a document that {@link AwaitedKind awaits} its CRD, once that CRD,
 * applied, is Established and discovery resolves the kind (asked again while
 * it does not); read every second for at most {@link CRD_WAIT_MS}.
 *
 * @returns the document planned, or refused as {@link planSpec} would.
 * @throws AppError TIMEOUT when the CRD is not served in time; the signal's reason when it aborts.
 */
export async function planAfterCrd(
  access: KubeAccess,
  connectionId: string,
  awaited: AwaitedKind,
  options: { signal?: AbortSignal; timeoutMs?: number; pollMs?: number } = {},
): Promise<PlannedEntry> {
  const { doc, crd, fallbackNamespace } = awaited;
  const deadline = Date.now() + (options.timeoutMs ?? CRD_WAIT_MS);
  const url = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crd.name)}`;
  for (;;) {
    options.signal?.throwIfAborted();
    const kc = await access.config(connectionId);
    const res = await kubeRequest<{ status?: { conditions?: { type?: string; status?: string }[] } }>(kc, url, { deadlineMs: REQUEST_DEADLINE_MS, timeoutMs: REQUEST_DEADLINE_MS, signal: options.signal });
    if (res.status === 401) throw kubeStatusError(`reading CustomResourceDefinition ${crd.name}`, res.status, res.body);
    const established = res.status === 200 && Boolean(res.body.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'));
    const api = established ? await access.resourceOfKind(connectionId, doc.apiVersion, doc.kind) : undefined;
    if (api) return planDocument(doc, api, fallbackNamespace);
    if (Date.now() >= deadline) {
      const seconds = Math.round((options.timeoutMs ?? CRD_WAIT_MS) / 1000);
      const state = established ? `is established but the cluster does not serve ${doc.kind} in ${doc.apiVersion}` : 'is not established';
      throw new AppError('TIMEOUT', `CustomResourceDefinition ${crd.name} (document ${crd.index + 1}) ${state} after ${seconds} s, so this ${doc.kind} was not applied; check the CRD and apply the spec again`);
    }
    await pause(options.pollMs ?? CRD_POLL_MS, options.signal);
  }
}

/** The query of a write: Pilothouse's field manager, strict field validation (as kubectl), and the dry run or force asked for. */
function writeQuery(options: { dryRun?: boolean; force?: boolean; apply: boolean }): string {
  const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' });
  if (options.dryRun) query.set('dryRun', 'All');
  if (options.apply && options.force) query.set('force', 'true');
  return `?${query}`;
}

/** The `resourceVersion` a document carries: an object opened for editing (`pipelines.editable`) does, a spec does not. */
export const editedVersion = (planned: PlannedDocument): string | undefined => {
  const version = (planned.body.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
  return typeof version === 'string' && version !== '' ? version : undefined;
};

/** The answer given for an edit whose object changed (or went) since it was opened: the server's own 409 or 404, as a Status. */
const staleEdit = (planned: PlannedDocument, live: Record<string, unknown> | undefined): KubeResponse<unknown> =>
  live
    ? { status: 409, body: { kind: 'Status', reason: 'Conflict', message: `the object has been modified since it was opened`, code: 409 } }
    : { status: 404, body: { kind: 'Status', reason: 'NotFound', message: `${documentLabel(planned)} is gone`, details: { name: planned.ref.name, kind: planned.api.resource }, code: 404 } };

/**
 * Sends the document: a server-side apply of the named object, or a create
 * for `generateName`. An object opened for editing is sent as `kubectl edit`
 * sends it: a merge patch of what the user changed, preconditioned on the
 * resourceVersion opened, so Pilothouse takes over only the fields changed
 * (an apply of the whole object would co-own every field) and an object
 * changed since is refused (409) rather than overwritten.
 */
async function send(kc: KubeConfig, planned: PlannedDocument, options: { dryRun?: boolean; force?: boolean }, signal?: AbortSignal, live?: Record<string, unknown> | null): Promise<KubeResponse<unknown>> {
  const request = { deadlineMs: REQUEST_DEADLINE_MS, timeoutMs: REQUEST_DEADLINE_MS, signal };
  if (planned.objectUrl === undefined) {
    return kubeRequest(kc, planned.collectionUrl + writeQuery({ ...options, apply: false }), { method: 'POST', body: planned.body, ...request });
  }
  const version = editedVersion(planned);
  if (version !== undefined) {
    const current = live === undefined ? await readLive(kc, planned, signal) : (live ?? undefined);
    const currentVersion = (current?.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
    if (!current || currentVersion !== version) return staleEdit(planned, current);
    const patch = mergePatch(cleanObject(current, { keepResourceVersion: true }), planned.body);
    // The version opened is the precondition: the server refuses the patch (409) if the object moved on meanwhile.
    patch.metadata = { ...(patch.metadata as Record<string, unknown> | undefined), resourceVersion: version };
    return kubeRequest(kc, planned.objectUrl + writeQuery({ ...options, apply: false }), { method: 'PATCH', patch: 'merge', body: patch, ...request });
  }
  return kubeRequest(kc, planned.objectUrl + writeQuery({ ...options, apply: true }), { method: 'PATCH', patch: 'apply', body: planned.body, ...request });
}

/** The live object, or undefined when there is none. */
async function readLive(kc: KubeConfig, planned: PlannedDocument, signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
  if (planned.objectUrl === undefined) return undefined;
  const res = await kubeRequest<Record<string, unknown>>(kc, planned.objectUrl, { deadlineMs: REQUEST_DEADLINE_MS, timeoutMs: REQUEST_DEADLINE_MS, signal });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw kubeStatusError(`reading ${documentLabel(planned)}`, res.status, res.body);
  return res.body;
}

/** The namespaces the spec's own documents create, by name. */
function namespacesCreated(entries: PlannedEntry[]): Set<string> {
  return new Set(entries.filter((e) => e.planned && e.ref.apiVersion === 'v1' && e.ref.kind === 'Namespace' && e.ref.name).map((e) => e.ref.name!));
}

/**
 * What the server says of a refused write, as problems and conflicts. A 409
 * on a document that carries a `resourceVersion` (an inspector Edit) is the
 * object changed since it was opened, said so.
 */
export function refusal(planned: PlannedDocument, res: KubeResponse<unknown>): { message: string; problems: SpecProblem[]; conflicts: FieldConflict[]; stale?: true } {
  const label = documentLabel(planned);
  const conflicts = fieldConflicts(res.status, res.body);
  if (conflicts.length) {
    const managers = [...new Set(conflicts.map((c) => c.manager))].join(', ');
    const message = `${label}: ${conflicts.length === 1 ? 'a field is' : `${conflicts.length} fields are`} owned by ${managers} with another value; apply with force to take ${conflicts.length === 1 ? 'it' : 'them'}`;
    const problems = conflicts.map((c) => problemAt(planned.doc, c.field, `${c.field} is owned by field manager ${c.manager} with another value; apply with force to take it`));
    return { message, problems, conflicts };
  }
  const resourceVersion = editedVersion(planned);
  if (res.status === 409 && resourceVersion !== undefined) {
    const message = `${label} was changed since you opened it (it is no longer at resourceVersion ${resourceVersion}); open it again to edit what it is now`;
    return { message, problems: [problemAt(planned.doc, 'metadata.resourceVersion', message)], conflicts: [], stale: true };
  }
  if (res.status === 404 && resourceVersion !== undefined) {
    const message = `${label} is gone: it was deleted since you opened it`;
    return { message, problems: [problemAt(planned.doc, 'metadata.name', message)], conflicts: [], stale: true };
  }
  if (res.status === 404 && !(res.body as { details?: { name?: string } } | undefined)?.details?.name) {
    // Discovery knows the kind in another version of its group: the server has no such resource path.
    const message = `The cluster serves no kind ${planned.ref.kind} in ${planned.ref.apiVersion}`;
    return { message: `${label}: ${message}`, problems: [problemAt(planned.doc, 'apiVersion', message)], conflicts: [] };
  }
  const problems = statusProblems(planned.doc, res.status, res.body, `The server refused ${label}`);
  if (isSecret(planned.body)) {
    // The server quotes a refused value in its message, and a Secret's values must not reach a report, the audit log or the window.
    const redacted = problems.map((p) => ({ ...p, message: `The server refused ${p.field ?? 'this Secret'} (HTTP ${res.status}); its message is not shown, as it may quote the Secret's values` }));
    return { message: `${label}: the server refused it (HTTP ${res.status}); its message is not shown, as it may quote the Secret's values`, problems: redacted, conflicts: [] };
  }
  return { message: `${label}: ${statusMessage(res.body) ?? problems[0]?.message ?? `HTTP ${res.status}`}`, problems, conflicts: [] };
}

/**
 * One document's dry run: the live object read first (create when there is
 * none), then the server's answer to the apply with `dryRun=All`, compared
 * with the live object once both are cleaned (unchanged when equal).
 */
export async function checkDocument(
  kc: KubeConfig,
  planned: PlannedDocument,
  options: { force?: boolean; createdNamespaces?: ReadonlySet<string>; signal?: AbortSignal } = {},
): Promise<DocumentCheck> {
  // The live object and the dry run side by side (one round trip, not two); an edit's patch is made from the live object, so it waits for it.
  const [live, res] =
    editedVersion(planned) === undefined
      ? await Promise.all([readLive(kc, planned, options.signal), send(kc, planned, { dryRun: true, force: options.force }, options.signal)])
      : await readLive(kc, planned, options.signal).then(async (read) => [read, await send(kc, planned, { dryRun: true, force: options.force }, options.signal, read ?? null)] as const);
  const cleanLive = live && cleanObject(live);
  if (res.status === 401) throw kubeStatusError(`checking ${documentLabel(planned)}`, res.status, res.body);
  if (!ok(res)) {
    const details = (res.body as { details?: { kind?: string; name?: string } } | undefined)?.details;
    if (res.status === 404 && details?.kind === 'namespaces' && details.name && options.createdNamespaces?.has(details.name)) {
      // A dry run creates nothing, so the namespace an earlier document creates is not there yet: the server can check this one only once it is.
      const message = `Namespace ${details.name} is created by this spec; the server checks this document once it exists`;
      return { ...planned.ref, outcome: 'create', problems: [{ line: planned.doc.line, message, severity: 'warning' }], conflicts: [] };
    }
    const { problems, conflicts, stale } = refusal(planned, res);
    return { ...planned.ref, outcome: conflicts.length ? 'conflict' : 'error', problems, conflicts, ...(cleanLive ? { live: cleanLive } : {}), ...(stale ? { stale } : {}) };
  }
  const after = cleanObject(res.body);
  const outcome = !cleanLive ? 'create' : sameJson(cleanLive, after) ? 'unchanged' : 'change';
  return { ...planned.ref, outcome, problems: [], conflicts: [], after, ...(cleanLive ? { live: cleanLive } : {}) };
}

/** Runs `work` over `items` with at most `limit` at once, keeping their order in the answer. */
async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Dry-runs every document of a planned spec ({@link DRY_RUN_CONCURRENCY} at
 * a time); documents refused before the server was asked come back as errors.
 */
export async function checkSpec(plan: PlannedSpec, options: { force?: boolean; signal?: AbortSignal; onChecked?: (done: number) => void } = {}): Promise<DocumentCheck[]> {
  const createdNamespaces = namespacesCreated(plan.entries);
  let done = 0;
  return inPool(plan.entries, DRY_RUN_CONCURRENCY, async (entry) => {
    let check: DocumentCheck;
    if (entry.planned) {
      check = await checkDocument(plan.kc, entry.planned, { force: options.force, signal: options.signal, createdNamespaces });
      // What planning warned of (a namespace ignored) goes with what the server said.
      if (entry.problems.length) check = { ...check, problems: [...entry.problems, ...check.problems] };
    } else if (entry.awaits) check = { ...entry.ref, outcome: 'create', problems: entry.problems, conflicts: [] };
    else check = { ...entry.ref, outcome: 'error', problems: entry.problems, conflicts: [] };
    options.onChecked?.(++done);
    return check;
  });
}

const dryRunDocument = ({ live: _live, after: _after, stale: _stale, ...document }: DocumentCheck): DryRunDocument => document;

/**
 * `pipelines.dryRun`: each document's server-side dry run under the field
 * manager `pilothouse`, without force; nothing is changed. The server is not
 * asked while the text has problems.
 */
export async function dryRunSpec(access: KubeAccess, target: SpecTarget): Promise<DryRunResult> {
  const plan = await planSpec(access, target);
  if (plan.problems.length) return { documents: [], problems: plan.problems };
  return { documents: (await checkSpec(plan)).map(dryRunDocument), problems: [] };
}

/** `pipelines.diff`: each document's live object beside the server's dry-run answer, both as YAML without server-set fields. */
export async function diffSpec(access: KubeAccess, target: SpecTarget): Promise<{ documents: DiffDocument[]; problems: SpecProblem[] }> {
  const plan = await planSpec(access, target);
  if (plan.problems.length) return { documents: [], problems: plan.problems };
  const checks = await checkSpec(plan);
  return {
    documents: checks.map(({ live: liveObject, after: afterObject, outcome: _outcome, stale: _stale, ...rest }) => {
      // A Secret's values stay in the services: the review shows which keys change, as `kubectl diff` does.
      const { live, after } = isSecret(rest) ? maskSecretPair(liveObject, afterObject) : { live: liveObject, after: afterObject };
      return { ...rest, ...(live ? { live: objectYaml(live) } : {}), ...(after ? { after: objectYaml(after) } : {}) };
    }),
    problems: [],
  };
}

/**
 * Applies one document for real: a server-side apply (with `force` when
 * chosen), or a create for `generateName`. A refusal comes back as a value
 * with the server's words; an unreachable server or lost credentials throw.
 */
export async function applyDocument(kc: KubeConfig, planned: PlannedDocument, options: { force?: boolean; signal?: AbortSignal } = {}): Promise<DocumentApplied> {
  const res = await send(kc, planned, { force: options.force }, options.signal);
  if (ok(res)) return { ok: true, object: res.body as Record<string, unknown> };
  if (res.status === 401) throw kubeStatusError(`applying ${documentLabel(planned)}`, res.status, res.body);
  const { stale, ...refused } = refusal(planned, res);
  return { ok: false, ...refused, ...(stale ? { error: new AppError('CONFLICT', refused.message) } : {}) };
}

/**
 * `pipelines.editable`: the object as YAML to edit, without the fields the
 * server sets for itself but with `metadata.resourceVersion`, so an apply of
 * it is refused (CONFLICT) when the object changed since.
 *
 * @throws AppError NOT_FOUND when it is gone; the server's refusal otherwise.
 */
export async function editableObject(access: KubeAccess, ref: ObjectRef): Promise<{ text: string }> {
  const api = await access.resolve(ref.connectionId, ref.resource);
  const label = `${resourceLabel(ref.resource)} "${ref.name}"${ref.namespace ? ` in ${ref.namespace}` : ''}`;
  if (api.namespaced && !ref.namespace) throw new AppError('VALIDATION', `${resourceLabel(ref.resource)} are namespaced: give the namespace of "${ref.name}"`);
  if (!api.namespaced && ref.namespace) throw new AppError('VALIDATION', `${resourceLabel(ref.resource)} are cluster-scoped: leave the namespace out`);
  // Its values would reach the window in clear, past the audited reveal: a Secret is changed through a spec, reviewed masked.
  if (api.group === '' && api.kind === 'Secret') throw new AppError('VALIDATION', 'Secrets are not edited here: their values would be shown in clear. Change a Secret through a pipeline spec, whose review masks its values');
  const kc = await access.config(ref.connectionId);
  const res = await kubeRequest<Record<string, unknown>>(kc, objectPath(ref.resource, ref.namespace, ref.name), { deadlineMs: REQUEST_DEADLINE_MS, timeoutMs: REQUEST_DEADLINE_MS });
  if (res.status === 404) throw new AppError('NOT_FOUND', `${label} is gone`);
  if (res.status !== 200) throw kubeStatusError(`reading ${label}`, res.status, res.body);
  return { text: objectYaml(cleanObject(res.body, { keepResourceVersion: true })) };
}
