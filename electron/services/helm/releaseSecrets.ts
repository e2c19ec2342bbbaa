/**
 * Helm 3 releases as its `secret` storage driver keeps them: one Secret per
 * revision, `sh.helm.release.v1.<release>.v<revision>`, labelled
 * `owner=helm,name=<release>,version=<revision>,status=<status>`, of type
 * `helm.sh/release.v1`, whose `release` key holds base64(gzip(JSON)) — and
 * since a Secret's data is base64 itself, the API sends it encoded twice.
 * Decoded defensively: a cluster's Secrets are input, and one bad Secret is
 * reported on its own rather than failing the list.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { KubeConfig } from '@kubernetes/client-node';
import { isMap, isScalar, parseAllDocuments, type Document } from 'yaml';
import { HELM_DESCRIPTION_MAX, HELM_MANIFEST_MAX, HELM_TEXT_MAX, type HelmHistory, type HelmManifest, type HelmReleases, type HelmRevision, type HelmUnreadable } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { objectPath } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { kubeRequest } from '../kube/client/kubeHttp';
import type { KubeObject } from '../kube/model';
import { detailYaml, maskSecret, type DetailObject } from '../kube/objects/objectDetail';
import { checkEntryCount, checkNesting, DEFAULT_STRUCTURE_LIMITS, type YamlStructureLimits } from '../yaml/safeYaml';

const gunzipAsync = promisify(gunzip);

/** The most a release may decompress to: Helm's own releases stay far below (a Secret holds 1 MiB); past it is a gzip bomb. */
export const RELEASE_DECOMPRESSED_MAX = 64 * 1024 * 1024;

/** The Secret type Helm's secret driver writes. */
export const RELEASE_SECRET_TYPE = 'helm.sh/release.v1';

const SECRETS = { group: '', version: 'v1', resource: 'secrets' };
/** Secrets per list page: listed as metadata only, 500 are a few hundred KiB. */
const PAGE_SIZE = 500;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A release Secret, as far as it is read. */
export interface ReleaseSecret extends KubeObject {
  type?: string;
  data?: Record<string, unknown>;
}

/** What Pilothouse reads of Helm's release record (`release.Release` in Go). */
export interface ReleaseRecord {
  name?: unknown;
  namespace?: unknown;
  version?: unknown;
  info?: { status?: unknown; description?: unknown; last_deployed?: unknown };
  chart?: { metadata?: { name?: unknown; version?: unknown; appVersion?: unknown } };
  manifest?: unknown;
}

/** A revision read from its Secret, with the manifest kept for whoever asks. */
export interface DecodedRevision {
  revision: HelmRevision;
  manifest: string;
}

/** Strict base64: Node's decoder skips what it does not know, which would turn garbage into bytes. */
function base64Bytes(text: string, what: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw new Error(`${what} is not base64`);
  return Buffer.from(compact, 'base64');
}

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/** The release JSON inside `data.release`, as Helm's `decodeRelease` reads it: gzip when the magic says so, plain JSON otherwise. */
export async function decodeReleaseData(data: unknown): Promise<ReleaseRecord> {
  if (typeof data !== 'string' || !data) throw new Error('it has no "release" data');
  const inner = base64Bytes(data, 'its "release" data').toString('latin1');
  const packed = base64Bytes(inner, 'the release inside it');
  let json: Buffer;
  if (GZIP_MAGIC.every((b, i) => packed[i] === b)) {
    try {
      json = await gunzipAsync(packed, { maxOutputLength: RELEASE_DECOMPRESSED_MAX });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new Error(`the release decompresses to more than ${RELEASE_DECOMPRESSED_MAX / 1024 / 1024} MiB: not read (a gzip bomb?)`, { cause: err });
      }
      throw new Error(`the release is not valid gzip: ${(err as Error).message}`, { cause: err });
    }
  } else {
    if (packed.length > RELEASE_DECOMPRESSED_MAX) throw new Error(`the release is larger than ${RELEASE_DECOMPRESSED_MAX / 1024 / 1024} MiB: not read`);
    json = packed;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch {
    throw new Error('the release is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the release is not a Helm release record');
  return parsed as ReleaseRecord;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
/** A text cut to `max` characters, saying so with "…": a release record, and even a Secret's metadata, is cluster input. */
const cut = (v: string, max = HELM_TEXT_MAX): string => (v.length > max ? `${v.slice(0, max - 1)}…` : v);
const positive = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** A Go timestamp (RFC 3339, nanoseconds) as ISO, when it is one; Go's zero time means "never". */
function isoTime(v: unknown): string | undefined {
  const s = text(v);
  if (!s || s.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(s.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The revision from the Secret's labels, before (or without) decoding it. */
export const labelledRevision = (secret: ReleaseSecret): number | undefined => positive(secret.metadata?.labels?.version);

/** A release Secret that could not be read, with what its labels tell. */
export function unreadableRow(secret: ReleaseSecret, error: string): HelmUnreadable {
  const meta = secret.metadata ?? {};
  const revision = labelledRevision(secret);
  return {
    namespace: cut(meta.namespace ?? ''),
    secret: cut(meta.name ?? ''),
    ...(meta.labels?.name ? { name: cut(meta.labels.name) } : {}),
    ...(revision ? { revision } : {}),
    error: cut(error, HELM_DESCRIPTION_MAX),
  };
}

/** One release Secret as a revision, or as an unreadable row saying why. */
export async function readReleaseSecret(secret: ReleaseSecret): Promise<DecodedRevision | HelmUnreadable> {
  const meta = secret.metadata ?? {};
  const labels = meta.labels ?? {};
  let record: ReleaseRecord;
  try {
    record = await decodeReleaseData(secret.data?.release);
  } catch (err) {
    return unreadableRow(secret, `Cannot read this release Secret: ${(err as Error).message}`);
  }
  // The `name` label is what helm looks a release's revisions up by, as the history here does.
  const name = labels.name || text(record.name);
  const revision = labelledRevision(secret) ?? positive(record.version);
  if (!name || !revision) return unreadableRow(secret, 'Cannot read this release Secret: the release has no name or revision');
  const chart = record.chart?.metadata;
  const chartName = text(chart?.name);
  const updated = isoTime(record.info?.last_deployed);
  return {
    revision: {
      name: cut(name),
      // Where the Secret is, whatever the record claims: that is where helm and every later call look.
      namespace: cut(meta.namespace ?? text(record.namespace) ?? ''),
      revision,
      // helm rewrites the label with the record: the label is what a metadata-only list sees too.
      status: cut(labels.status || (text(record.info?.status) ?? 'unknown')),
      chart: chartName ? cut(`${chartName}-${text(chart?.version) ?? ''}`) : '',
      appVersion: cut(text(chart?.appVersion) ?? ''),
      ...(updated ? { updated } : {}),
      description: cut(text(record.info?.description) ?? '', HELM_DESCRIPTION_MAX),
    },
    manifest: typeof record.manifest === 'string' ? record.manifest : '',
  };
}

const isUnreadable = (r: DecodedRevision | HelmRevision | HelmUnreadable): r is HelmUnreadable => 'error' in r;

/**
 * The Secrets to decode for a release list: per release (by its `name`
 * label) the highest labelled revision, as `helm list` keeps the latest;
 * a Secret without those labels is decoded to find out.
 */
export function latestSecrets(secrets: readonly ReleaseSecret[]): ReleaseSecret[] {
  const latest = new Map<string, { secret: ReleaseSecret; revision: number }>();
  const unlabelled: ReleaseSecret[] = [];
  for (const secret of secrets) {
    const name = secret.metadata?.labels?.name;
    const revision = labelledRevision(secret);
    if (!name || !revision) {
      unlabelled.push(secret);
      continue;
    }
    const key = `${secret.metadata?.namespace ?? ''}/${name}`;
    const seen = latest.get(key);
    if (!seen || revision > seen.revision) latest.set(key, { secret, revision });
  }
  return [...[...latest.values()].map((l) => l.secret), ...unlabelled];
}

/** The newest revision of each release among `revisions`, by namespace then name. */
export function newestPerRelease(revisions: readonly HelmRevision[]): HelmRevision[] {
  const newest = new Map<string, HelmRevision>();
  for (const r of revisions) {
    const key = `${r.namespace}/${r.name}`;
    const seen = newest.get(key);
    if (!seen || r.revision > seen.revision) newest.set(key, r);
  }
  return [...newest.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** The unreadable rows, in the order the list shows them. */
const byPlace = (rows: HelmUnreadable[]) => rows.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.secret.localeCompare(b.secret));

/** What a manifest may hold before it is parsed: charts' manifests reach a few MiB (~150k lines); past it, parsing would block for seconds. */
const MANIFEST_LIMITS: YamlStructureLimits = { ...DEFAULT_STRUCTURE_LIMITS, maxEntries: 400_000 };
const MANIFEST_INPUT = { label: 'The manifest', expected: 'a rendered chart' };

/** Shown in place of a document whose values might be a Secret's and cannot be checked. */
export const UNREADABLE_DOCUMENT = '# <hidden: a document that could not be read is not shown>\n';

/** A Secret, or a List (kind `List`, `SecretList`…) of objects, with every Secret's values masked; undefined when it holds no Secret. */
function maskedSecrets(object: unknown): DetailObject | undefined {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  const o = object as Omit<DetailObject, 'kind'> & { kind?: unknown; items?: unknown };
  const kind = o.kind instanceof Uint8Array ? Buffer.from(o.kind).toString('utf8') : o.kind;
  if (kind === 'Secret') return maskSecret(o as DetailObject);
  // kubectl and helm apply a List's items one by one: a Secret among them is created as any other.
  if (!Array.isArray(o.items)) return undefined;
  const items = o.items.map((item) => maskedSecrets(item));
  if (!items.some(Boolean)) return undefined;
  return { ...o, items: o.items.map((item, i) => items[i] ?? item) } as DetailObject;
}

/**
 * The manifest with every Secret's values hidden as the detail view hides
 * them (their keys and sizes stay): a chart may render credentials, and
 * the UI never sees a Secret's values it did not ask to reveal. Every
 * document is parsed as YAML (JSON, flow style, comments and indentation
 * included) and judged by its `kind`; a document that cannot be parsed is
 * not shown at all, nor is a manifest past the YAML guards' limits. The
 * `---` separators and helm's `# Source:` comments are kept.
 */
export function maskManifestSecrets(manifest: string): string {
  try {
    checkNesting(manifest, MANIFEST_INPUT, MANIFEST_LIMITS);
    checkEntryCount(manifest, MANIFEST_INPUT, MANIFEST_LIMITS);
  } catch (err) {
    return `# <hidden: ${(err as Error).message}>\n`;
  }
  // YAML 1.1, as helm's reader: merge keys ("<<") and !!binary apply, so a kind merged in or written as bytes is the kind.
  const docs = parseAllDocuments(manifest, { version: '1.1', prettyErrors: false, uniqueKeys: false });
  // An empty stream (only comments) holds no values.
  if (!Array.isArray(docs)) return manifest;
  let shown = '';
  let from = 0;
  docs.forEach((doc, i) => {
    // Each document's text runs from where the last one ended, so no text between documents is dropped unchecked.
    const to = i === docs.length - 1 ? manifest.length : doc.range[2];
    const source = manifest.slice(from, to);
    // Helm's `# Source:` comments before the content say which template a document came from.
    const before = manifest.slice(from, doc.contents?.range[0] ?? to);
    const head = `---\n${before.split('\n').filter((line) => line.startsWith('#')).map((line) => `${line}\n`).join('')}`;
    from = to;
    shown += maskedDocument(doc, source, head);
  });
  return shown;
}

/** One parsed document as shown: as written when it holds no Secret, its Secrets masked, or nothing of it when it cannot be read. */
function maskedDocument(doc: Document, source: string, head: string): string {
  // Keys are not checked for duplicates while parsing (quadratic in a mapping's size), but a second `kind` could make a Secret read as something else.
  const kinds = isMap(doc.contents) ? doc.contents.items.filter((pair) => isScalar(pair.key) && pair.key.value === 'kind').length : 0;
  // A warning is a tag this reader does not know, whose value helm may read otherwise.
  if (doc.errors.length || doc.warnings.length || kinds > 1) return head + UNREADABLE_DOCUMENT;
  let object: unknown;
  try {
    object = doc.toJS({ maxAliasCount: MANIFEST_LIMITS.maxAliases });
  } catch {
    // An alias bomb, or more aliases than the guards allow.
    return head + UNREADABLE_DOCUMENT;
  }
  const masked = maskedSecrets(object);
  return masked ? head + detailYaml(masked) : source;
}

/** A manifest as the UI gets it: Secret values hidden, cut to what the contract carries. */
export function manifestOf(revision: number, manifest: string): HelmManifest {
  const shown = maskManifestSecrets(manifest);
  if (shown.length <= HELM_MANIFEST_MAX) return { revision, manifest: shown, truncated: false };
  return { revision, manifest: shown.slice(0, HELM_MANIFEST_MAX), truncated: true };
}

/** The Secret name Helm gives a revision. */
export const releaseSecretName = (name: string, revision: number) => `sh.helm.release.v1.${name}.v${revision}`;

/** Reads releases from a cluster's release Secrets. */
export interface ReleaseReader {
  releases(kc: KubeConfig, namespace: string | undefined): Promise<HelmReleases>;
  history(kc: KubeConfig, namespace: string, name: string, signal?: AbortSignal): Promise<HelmHistory>;
  manifest(kc: KubeConfig, namespace: string, name: string, revision: number): Promise<HelmManifest>;
}

/** Only the Secrets' metadata (a PartialObjectMetadataList): their labels say which revision is each release's newest, their resourceVersions whether it changed. */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
/** Release Secrets fetched at once: each may be up to a MiB. */
const FETCH_CONCURRENCY = 8;
/** Decoded rows kept between polls: every revision of a few thousand releases; each row is a few hundred bytes. */
export const DECODED_ROWS_KEPT = 10_000;

/** Every release Secret `selector` picks, as metadata only (a server that cannot answer so sends them whole), page by page. */
async function listReleaseSecrets(kc: KubeConfig, namespace: string | undefined, selector: string, what: string, signal?: AbortSignal): Promise<ReleaseSecret[]> {
  const found: ReleaseSecret[] = [];
  const filter = `labelSelector=${encodeURIComponent(selector)}&fieldSelector=${encodeURIComponent(`type=${RELEASE_SECRET_TYPE}`)}&limit=${PAGE_SIZE}`;
  let continueToken: string | undefined;
  do {
    const query = `?${filter}${continueToken ? `&continue=${encodeURIComponent(continueToken)}` : ''}`;
    const res = await kubeRequest<{ items?: ReleaseSecret[]; metadata?: { continue?: string } }>(kc, objectPath(SECRETS, namespace) + query, {
      timeoutMs: 30_000,
      gzip: true,
      accept: METADATA_ONLY,
      ...(signal ? { signal } : {}),
    });
    if (res.status !== 200) throw kubeStatusError(what, res.status, res.body);
    found.push(...(res.body.items ?? []));
    continueToken = res.body.metadata?.continue;
  } while (continueToken);
  return found;
}

/** Decodes release Secrets: inflating and parsing a release (up to 64 MiB of JSON) and masking a manifest's Secrets can take a core for seconds. */
export interface ReleaseDecoder {
  /** The revision a release Secret holds, or a row saying why it cannot be read. */
  row(secret: ReleaseSecret, signal?: AbortSignal): Promise<HelmRevision | HelmUnreadable>;
  /** The manifest of a release Secret as the UI gets it; VALIDATION when the Secret cannot be read. */
  manifest(secret: ReleaseSecret, revision: number): Promise<HelmManifest>;
}

/** {@link ReleaseDecoder} on the calling thread: what a decode worker runs, and what tests use. */
export const decodeOnThisThread: ReleaseDecoder = {
  async row(secret) {
    const read = await readReleaseSecret(secret);
    return isUnreadable(read) ? read : read.revision;
  },
  async manifest(secret, revision) {
    const read = await readReleaseSecret(secret);
    if (isUnreadable(read)) throw new AppError('VALIDATION', read.error);
    return manifestOf(revision, read.manifest);
  },
};

/**
 * {@link ReleaseReader} over the apiserver's Secrets. Lists read metadata
 * only; a Secret is fetched and decoded only when this reader has not
 * decoded it at its current resourceVersion (helm rewrites a revision's
 * Secret whenever its status changes), so a poll of an unchanged release
 * costs one list. A manifest is decoded only when asked for.
 */
export function createReleaseReader({ decoder = decodeOnThisThread, kept = DECODED_ROWS_KEPT }: { decoder?: ReleaseDecoder; kept?: number } = {}): ReleaseReader {
  /** By cluster and Secret uid, oldest use first. */
  const decoded = new Map<string, { resourceVersion: string; row: HelmRevision | HelmUnreadable }>();
  const keyOf = (kc: KubeConfig, secret: ReleaseSecret) => {
    const { uid, resourceVersion } = secret.metadata ?? {};
    return uid && resourceVersion ? { key: `${kc.getCurrentCluster()?.server ?? ''} ${uid}`, resourceVersion } : undefined;
  };
  const remember = (kc: KubeConfig, secret: ReleaseSecret, row: HelmRevision | HelmUnreadable) => {
    const at = keyOf(kc, secret);
    if (!at) return;
    decoded.delete(at.key);
    decoded.set(at.key, { resourceVersion: at.resourceVersion, row });
    if (decoded.size > kept) decoded.delete(decoded.keys().next().value!);
  };
  const recalled = (kc: KubeConfig, secret: ReleaseSecret) => {
    const at = keyOf(kc, secret);
    const found = at && decoded.get(at.key);
    if (!at || found?.resourceVersion !== at.resourceVersion) return undefined;
    decoded.delete(at.key);
    decoded.set(at.key, found);
    return found.row;
  };

  /**
   * The rows of the listed Secrets: remembered ones as they were, the others
   * fetched a few at a time and decoded one at a time (each may decompress to
   * tens of MiB). One deleted meanwhile is left out, one that cannot be read
   * becomes a row saying why.
   */
  async function rowsOf(kc: KubeConfig, listed: readonly ReleaseSecret[], signal?: AbortSignal): Promise<{ revisions: HelmRevision[]; unreadable: HelmUnreadable[] }> {
    const rows: (HelmRevision | HelmUnreadable | undefined)[] = new Array(listed.length);
    let decoding = Promise.resolve();
    let next = 0;
    const work = async () => {
      for (let i = next++; i < listed.length; i = next++) {
        const secret = listed[i];
        rows[i] = recalled(kc, secret);
        if (rows[i]) continue;
        let whole = secret;
        if (!secret.data) {
          const { namespace = '', name = '' } = secret.metadata ?? {};
          const res = await kubeRequest<ReleaseSecret>(kc, objectPath(SECRETS, namespace, name), { timeoutMs: 30_000, ...(signal ? { signal } : {}) });
          if (res.status === 404) continue;
          if (res.status !== 200) {
            rows[i] = unreadableRow(secret, kubeStatusError(`reading release Secret ${name}`, res.status, res.body).message);
            continue;
          }
          whole = res.body;
        }
        const read = decoding.then(() => decoder.row(whole, signal));
        decoding = read.then(
          () => undefined,
          () => undefined,
        );
        const row = await read;
        remember(kc, whole, row);
        rows[i] = row;
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, listed.length) }, work));
    const revisions: HelmRevision[] = [];
    const unreadable: HelmUnreadable[] = [];
    for (const row of rows) {
      if (!row) continue;
      if (isUnreadable(row)) unreadable.push(row);
      else revisions.push(row);
    }
    return { revisions, unreadable: byPlace(unreadable) };
  }

  return {
    async releases(kc, namespace) {
      const listed = await listReleaseSecrets(kc, namespace, 'owner=helm', `listing Helm release Secrets${namespace ? ` in ${namespace}` : ''}`);
      const { revisions, unreadable } = await rowsOf(kc, latestSecrets(listed));
      return { releases: newestPerRelease(revisions), unreadable };
    },

    async history(kc, namespace, name, signal) {
      const listed = await listReleaseSecrets(kc, namespace, `owner=helm,name=${name}`, `listing the revisions of release "${name}" in ${namespace}`, signal);
      const { revisions, unreadable } = await rowsOf(kc, listed, signal);
      return { revisions: revisions.sort((a, b) => a.revision - b.revision), unreadable };
    },

    async manifest(kc, namespace, name, revision) {
      const secretName = releaseSecretName(name, revision);
      const res = await kubeRequest<ReleaseSecret>(kc, objectPath(SECRETS, namespace, secretName), { timeoutMs: 30_000 });
      if (res.status === 404) throw new AppError('NOT_FOUND', `Revision ${revision} of release "${name}" in ${namespace} is not kept (no Secret ${secretName})`);
      if (res.status !== 200) throw kubeStatusError(`reading revision ${revision} of release "${name}"`, res.status, res.body);
      return decoder.manifest(res.body, revision);
    },
  };
}
