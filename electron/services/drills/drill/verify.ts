/**
 * A drill's verification of the restored namespace: every archived object
 * is there (one list per kind, so 200 objects take a handful of requests),
 * ConfigMaps and Secrets hold the data they were backed up with (compared
 * by {@link dataHash}: no value is read out or shown), and the user's checks
 * (an object exists, a workload has enough ready replicas, a Service
 * answers an HTTP GET through a port-forward to one of its ready pods),
 * each bounded in time.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { DrillCheck, DrillCheckResult } from '../../../../shared/contract/drills';
import type { ResourceRef } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import { objectPath, resourceLabel } from '../../kube/client/kubeAccess';
import { discoverResources } from '../../kube/client/discovery';
import { kubeStatusError } from '../../kube/client/kubeErrors';
import { kubeList, kubeRequest } from '../../kube/client/kubeHttp';
import type { KubeObject } from '../../kube/model/kubeObject';
import { resolvePodRoute } from '../../kube/portForward/portForwardPods';
import { openPortForward, PortForwardFrames } from '../../kube/portForward/portForwardTunnel';
import type { VerifiedArchive } from '../archive/archiveTypes';
import { dataHash } from '../archive/dataHash';
import { leftOutBecause } from '../backup/collect';
import { messageOf, refOfEntry, splitApiVersion } from './drillObjects';
import { selectNamespace } from './restore';

/** The built-in check that every archived object of the namespace was restored, counted per kind. */
export const KINDS_CHECK = 'Kinds and counts';
/** The built-in check that each restored ConfigMap holds the data it was backed up with. */
export const CONFIGMAP_CHECK = 'ConfigMap data';
/** The built-in check that each restored Secret holds the data it was backed up with (by hash: no value shown). */
export const SECRET_CHECK = 'Secret data';

/** How long one user check may take, connecting, forwarding and reading included. */
const CHECK_TIMEOUT_MS = 15_000;
/** Of an HTTP answer's body, the bytes searched for the expected text. */
const BODY_MAX_BYTES = 1024 * 1024;
/** Objects named one by one in a check's detail; the counts cover all. */
const NAMED = 20;

/** What {@link verifyRestore} is told. */
export interface VerifyOptions {
  sourceNamespace: string;
  targetNamespace: string;
  /** The user's checks, run after the built-in ones. */
  checks: DrillCheck[];
  signal?: AbortSignal;
  /** Each user check's bound; default 15 s. */
  checkTimeoutMs?: number;
  /** `done` of `total` checks, and the one under way. */
  onProgress?: (done: number, total: number, message: string) => void;
}

/** What one kind's list in the target found: the names, and the data hash of each ConfigMap and Secret. */
interface Found {
  names: Set<string>;
  hashes: Map<string, string>;
  /** Why the kind could not be listed. */
  error?: string;
}

const named = (names: string[]) => names.slice(0, NAMED).join(', ') + (names.length > NAMED ? ` and ${names.length - NAMED} more` : '');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Runs every check on the restored namespace and returns their results in
 * order: the built-in three, then the user's. A check that cannot run (a
 * kind the target does not serve, a Service with no ready pod) fails with
 * why; only a cancel or the apiserver going away before anything was read throws.
 */
export async function verifyRestore(kc: KubeConfig, archive: VerifiedArchive, options: VerifyOptions): Promise<DrillCheckResult[]> {
  const { sourceNamespace, targetNamespace: ns, signal } = options;
  const total = 3 + options.checks.length;
  options.onProgress?.(0, total, KINDS_CHECK);
  const archived = selectNamespace(archive, sourceNamespace).objects;
  const expected = archived.filter(({ entry, object }) => !leftOutBecause(entry, object));
  const left = archived.length - expected.length;

  // One list per resource the archive has objects of.
  const byResource = new Map<string, { ref: ResourceRef; kind: string }>();
  for (const { entry } of expected) byResource.set(`${entry.group}/${entry.resource}`, { ref: refOfEntry(entry), kind: entry.kind });
  const found = new Map<string, Found>();
  await Promise.all(
    [...byResource].map(async ([key, { ref, kind }]) => {
      found.set(key, await listKind(kc, ref, kind, ns, signal));
    }),
  );
  signal?.throwIfAborted();

  const results: DrillCheckResult[] = [];
  // Kinds and counts.
  const perKind = new Map<string, { want: number; have: number }>();
  const missing: string[] = [];
  const errors = new Set<string>();
  for (const { entry } of expected) {
    const f = found.get(`${entry.group}/${entry.resource}`)!;
    const count = perKind.get(entry.kind) ?? { want: 0, have: 0 };
    count.want++;
    if (f.names.has(entry.name)) count.have++;
    else missing.push(`${entry.kind} ${entry.name}`);
    if (f.error) errors.add(f.error);
    perKind.set(entry.kind, count);
  }
  const counts = [...perKind].map(([kind, c]) => `${kind} ${c.have}/${c.want}`).join(', ');
  const notCounted = left ? ` ${plural(left, 'archived object')} left to the cluster (made by their restored owners, or by the cluster itself) not counted.` : '';
  results.push({
    name: KINDS_CHECK,
    passed: missing.length === 0,
    detail:
      (expected.length ? `${counts}.` : 'The archive holds no object of the namespace to compare.') +
      (missing.length ? ` Missing ${missing.length}: ${named(missing)}.` : '') +
      (errors.size ? ` ${[...errors].join('; ')}.` : '') +
      notCounted,
  });

  options.onProgress?.(1, total, CONFIGMAP_CHECK);
  results.push(dataCheck(CONFIGMAP_CHECK, 'ConfigMap', expected, found));
  options.onProgress?.(2, total, SECRET_CHECK);
  results.push(dataCheck(SECRET_CHECK, 'Secret', expected, found));

  results.push(...(await runUserChecks(kc, ns, options.checks, { ...options, archive, onProgress: (done, _total, message) => options.onProgress?.(3 + done, total, message) })));
  options.onProgress?.(total, total, 'Verified');
  return results;
}

/**
 * Runs the user's checks on the restored namespace, each bounded in time; a
 * check that cannot run fails with why. A kind a check names is looked up in
 * `archive` first (the kinds restored), else in the target's discovery.
 */
export async function runUserChecks(
  kc: KubeConfig,
  namespace: string,
  checks: readonly DrillCheck[],
  options: Pick<VerifyOptions, 'signal' | 'checkTimeoutMs' | 'onProgress'> & { archive?: VerifiedArchive },
): Promise<DrillCheckResult[]> {
  const { signal } = options;
  const resources = new ResourceFinder(kc, options.archive);
  const results: DrillCheckResult[] = [];
  for (const [i, check] of checks.entries()) {
    signal?.throwIfAborted();
    const name = checkName(check);
    options.onProgress?.(i, checks.length, name);
    const bound = AbortSignal.timeout(options.checkTimeoutMs ?? CHECK_TIMEOUT_MS);
    const within = signal ? AbortSignal.any([signal, bound]) : bound;
    try {
      results.push({ name, ...(await bounded(runCheck(kc, resources, namespace, check, within), within, options.checkTimeoutMs ?? CHECK_TIMEOUT_MS)) });
    } catch (err) {
      signal?.throwIfAborted();
      results.push({ name, passed: false, detail: messageOf(err) });
    }
  }
  return results;
}

/** Lists one kind in the namespace, keeping names and, for ConfigMaps and Secrets, data hashes only. */
async function listKind(kc: KubeConfig, ref: ResourceRef, kind: string, namespace: string, signal: AbortSignal | undefined): Promise<Found> {
  const found: Found = { names: new Set(), hashes: new Map() };
  const hashes = kind === 'ConfigMap' || kind === 'Secret';
  try {
    const res = await kubeList(kc, objectPath(ref, namespace), {
      signal,
      timeoutMs: 30_000,
      onItem: (item) => {
        const name = (item as KubeObject).metadata?.name ?? '';
        found.names.add(name);
        if (hashes) found.hashes.set(name, dataHash(item as KubeObject));
      },
    });
    if (res.status === 404) found.error = `the target cluster does not serve ${resourceLabel(ref)} at version ${ref.version}`;
    else if (res.status !== 200) found.error = kubeStatusError(`listing ${resourceLabel(ref)} in ${namespace}`, res.status, res.body).message;
  } catch (err) {
    if (signal?.aborted) throw err;
    found.error = `listing ${resourceLabel(ref)}: ${messageOf(err)}`;
  }
  return found;
}

/** Compares each archived ConfigMap's or Secret's data hash with the restored one's; names only, never values. */
function dataCheck(name: string, kind: 'ConfigMap' | 'Secret', expected: ReturnType<typeof selectNamespace>['objects'], found: Map<string, Found>): DrillCheckResult {
  const ofKind = expected.filter(({ entry }) => entry.kind === kind && entry.group === '');
  if (!ofKind.length) return { name, passed: true, detail: `The archive holds no ${kind} of the namespace.` };
  const differ: string[] = [];
  const absent: string[] = [];
  const unrecorded: string[] = [];
  let same = 0;
  for (const { entry } of ofKind) {
    const restored = found.get(`${entry.group}/${entry.resource}`)?.hashes.get(entry.name);
    if (restored === undefined) absent.push(entry.name);
    else if (!entry.dataSha256) unrecorded.push(entry.name);
    else if (restored === entry.dataSha256) same++;
    else differ.push(entry.name);
  }
  const parts = [`${same} of ${plural(ofKind.length, kind)} hold the data they were backed up with.`];
  if (differ.length) parts.push(`Data differs: ${named(differ)}.`);
  if (absent.length) parts.push(`Not restored: ${named(absent)}.`);
  if (unrecorded.length) parts.push(`No data hash in the archive for: ${named(unrecorded)}.`);
  return { name, passed: !differ.length && !absent.length && !unrecorded.length, detail: parts.join(' ') };
}

/** How a user check is named in the report: "Deployment web ≥ 2 ready", "GET web:80/healthz". */
export function checkName(check: DrillCheck): string {
  switch (check.kind) {
    case 'exists':
      return `${check.objectKind} ${check.name} exists`;
    case 'readyReplicas':
      return `${check.objectKind} ${check.name} ≥ ${check.min} ready`;
    case 'httpGet':
      return `GET ${check.service}:${check.port}${check.path ?? '/'}`;
  }
}

/** Settles with `work`, or rejects with TIMEOUT when `signal` (the check's bound) fires first. */
function bounded<T>(work: Promise<T>, signal: AbortSignal, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const stop = () => reject(signal.reason instanceof Error && signal.reason.name !== 'TimeoutError' ? signal.reason : new AppError('TIMEOUT', `No answer within ${ms / 1000} s`));
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

/** Finds a kind's resource: from the archive's entries first (the kinds restored), when there is one, else from the target's discovery, asked once. */
class ResourceFinder {
  private discovered?: ReturnType<typeof discoverResources>;

  constructor(
    private readonly kc: KubeConfig,
    private readonly archive: VerifiedArchive | undefined,
  ) {}

  async find(kind: string, apiVersion: string | undefined): Promise<ResourceRef> {
    const want = apiVersion ? splitApiVersion(apiVersion) : undefined;
    const archived = this.archive?.objects.find(({ entry }) => entry.kind === kind && entry.namespace !== undefined && (!want || (entry.group === want.group && refOfEntry(entry).version === want.version)));
    if (archived) return refOfEntry(archived.entry);
    this.discovered ??= discoverResources(this.kc);
    const resources = (await this.discovered).resources.filter((r) => r.kind === kind && r.namespaced && (!want || r.group === want.group));
    if (!resources.length) throw new AppError('NOT_FOUND', `The target cluster serves no namespaced kind ${kind}${apiVersion ? ` in ${apiVersion}` : ''}`);
    const groups = new Set(resources.map((r) => r.group));
    if (groups.size > 1) throw new AppError('VALIDATION', `Kind ${kind} is served by several groups (${[...groups].join(', ')}): give the check an apiVersion`);
    return { group: resources[0].group, version: want?.version ?? resources[0].version, resource: resources[0].resource };
  }
}

async function runCheck(kc: KubeConfig, resources: ResourceFinder, ns: string, check: DrillCheck, signal: AbortSignal): Promise<Omit<DrillCheckResult, 'name'>> {
  switch (check.kind) {
    case 'exists': {
      const ref = await resources.find(check.objectKind, check.apiVersion);
      const res = await kubeRequest(kc, objectPath(ref, ns, check.name), { signal });
      if (res.status === 200) return { passed: true, detail: `${check.objectKind} ${check.name} is in ${ns}.` };
      if (res.status === 404) return { passed: false, detail: `No ${check.objectKind} ${check.name} in ${ns}.` };
      throw kubeStatusError(`reading ${check.objectKind} ${check.name}`, res.status, res.body);
    }
    case 'readyReplicas': {
      const ref = { group: 'apps', version: 'v1', resource: check.objectKind === 'Deployment' ? 'deployments' : 'statefulsets' };
      const res = await kubeRequest<{ status?: { readyReplicas?: number } }>(kc, objectPath(ref, ns, check.name), { signal });
      if (res.status === 404) return { passed: false, detail: `No ${check.objectKind} ${check.name} in ${ns}.` };
      if (res.status !== 200) throw kubeStatusError(`reading ${check.objectKind} ${check.name}`, res.status, res.body);
      const ready = res.body.status?.readyReplicas ?? 0;
      return { passed: ready >= check.min, detail: `${ready} ready replica${ready === 1 ? '' : 's'}, at least ${check.min} expected.` };
    }
    case 'httpGet':
      return httpCheck(kc, ns, check, signal);
  }
}

/** The HTTP GET check: a port-forward to a ready pod behind the Service, one request over it, its status and body compared. */
async function httpCheck(kc: KubeConfig, ns: string, check: Extract<DrillCheck, { kind: 'httpGet' }>, signal: AbortSignal): Promise<Omit<DrillCheckResult, 'name'>> {
  const route = await resolvePodRoute(kc, { namespace: ns, kind: 'service', name: check.service, remotePort: check.port });
  const ws = await openPortForward(kc, ns, route.pod, route.podPort);
  try {
    const answer = await httpGetOver(ws, { path: check.path ?? '/', host: `${check.service}.${ns}`, signal });
    const statusOk = check.expectStatus !== undefined ? answer.status === check.expectStatus : answer.status >= 200 && answer.status <= 299;
    const bodyOk = check.expectBody === undefined || answer.body.includes(check.expectBody);
    const via = `pod ${route.pod} port ${route.podPort}`;
    const parts = [`HTTP ${answer.status} from ${via} (${check.expectStatus !== undefined ? `${check.expectStatus}` : 'any 2xx'} expected).`];
    if (check.expectBody !== undefined) parts.push(bodyOk ? `The body contains "${check.expectBody}".` : `The body (${answer.bytes} bytes) does not contain "${check.expectBody}".`);
    return { passed: statusOk && bodyOk, detail: parts.join(' ') };
  } finally {
    ws.terminate();
  }
}

/** An HTTP answer read over a tunnel: its status, and the start of its body. */
export interface TunnelAnswer {
  status: number;
  /** The first {@link BODY_MAX_BYTES} of the body, as text. */
  body: string;
  /** The body's whole length. */
  bytes: number;
}

/**
 * One HTTP/1.1 GET over a port-forward WebSocket, parsed by Node's own HTTP
 * client (chunked bodies, keep-alive headers and all) through a stream that
 * frames what it writes for the kubelet and reads the pod's answers.
 */
export function httpGetOver(ws: WebSocket, request: { path: string; host: string; signal?: AbortSignal }): Promise<TunnelAnswer> {
  const socket = tunnelStream(ws);
  return new Promise((resolve, reject) => {
    const req = http.request({ createConnection: () => socket, method: 'GET', path: request.path, headers: { Host: request.host, Connection: 'close' }, signal: request.signal }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        if (bytes < BODY_MAX_BYTES) chunks.push(chunk.subarray(0, BODY_MAX_BYTES - bytes));
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), bytes }));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(err instanceof AppError ? err : new AppError('UNREACHABLE', `The GET through the port-forward failed: ${messageOf(err)}`)));
    req.end();
  });
}

/** A byte stream over a port-forward WebSocket: writes go to the pod, the pod's data comes out; the kubelet's error text fails it. */
function tunnelStream(ws: WebSocket): Duplex {
  const frames = new PortForwardFrames();
  let kubeletError = '';
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      ws.send(frames.encode(chunk), done);
    },
    destroy(err, done) {
      ws.terminate();
      done(err);
    },
  });
  ws.on('message', (message: Buffer) => {
    const frame = frames.decode(message);
    if (frame?.kind === 'data') stream.push(frame.data);
    else if (frame?.kind === 'error') kubeletError += frame.text;
  });
  ws.on('close', () => (kubeletError ? stream.destroy(new AppError('UNREACHABLE', `The kubelet could not reach the pod's port: ${kubeletError.slice(0, 300)}`)) : stream.push(null)));
  ws.on('error', (err) => stream.destroy(err));
  return stream;
}
