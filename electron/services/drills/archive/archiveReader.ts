/**
 * Reads an archive back and proves it is what the backup wrote before
 * anything of it is restored: the manifest's sha256 against the backup's
 * record, every file's sha256 and size against the manifest, no path
 * leaving the archive, no link anywhere in it, each file holding the object
 * its entry names, each Secret opening with the archive's key, and each
 * ConfigMap's and Secret's data matching the hash taken at backup.
 * `readArchive` refuses at the first problem, naming the file;
 * `verifyArchive` lists them all.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ARCHIVE_FORMAT } from '../../../../shared/contract/drills';
import { AppError, type ErrorCode } from '../../../../shared/result';
import type { KubeObject } from '../../kube/model/kubeObject';
import { decodeTextFile, parseSafeYaml } from '../../yaml/safeYaml';
import { archivePathOf, MANIFEST_FILE, pathProblem, shown } from './archivePaths';
import type { ArchiveEntry, ArchiveStore } from './archiveStores';
import type { ArchivedObject, ArchiveManifest, VerifiedArchive } from './archiveTypes';
import { countKinds, isSecret } from './archiveWriter';
import { dataHash } from './dataHash';
import { decryptSecret, ENVELOPE_FIELD, type DrillKey, type DrillKeys } from './secretCrypto';
import { eachLimited } from './parallel';

/** The code of an archive refused for what it holds (a hash that differs, a path that escapes, a link). */
export const ARCHIVE_INVALID_CODE: ErrorCode = 'ARCHIVE_INVALID';

/** Largest `manifest.json` read: a 100,000-object manifest is about 40 MB. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
/** Largest object file read: etcd holds objects up to 1.5 MB; YAML and a Secret's encryption make them at most about twice that. */
export const MAX_OBJECT_FILE_BYTES = 8 * 1024 * 1024;
/** Most objects one manifest may list. */
export const MAX_ARCHIVE_OBJECTS = 100_000;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const Entry = z.object({
  path: z.string().max(1024),
  apiVersion: z.string().min(1).max(300),
  kind: z.string().min(1).max(100),
  group: z.string().max(253),
  resource: z.string().min(1).max(253),
  namespace: z.string().min(1).max(63).optional(),
  name: z.string().min(1).max(253),
  sha256: Hex64,
  bytes: z.number().int().nonnegative(),
  encrypted: z.boolean(),
  dataSha256: Hex64.optional(),
  order: z.number().int(),
});
const Manifest = z.object({
  format: z.string(),
  id: z.string().max(64),
  name: z.string().max(200),
  takenAt: z.string().max(40),
  finishedAt: z.string().max(40),
  source: z.object({ connectionName: z.string().max(300), server: z.string().max(2000).optional() }),
  namespaces: z.array(z.string().max(63)).max(1000),
  keyId: z.string().max(64).optional(),
  counts: z.array(z.object({ apiVersion: z.string(), kind: z.string(), count: z.number().int().nonnegative() })).max(MAX_ARCHIVE_OBJECTS),
  skipped: z.array(z.object({ resource: z.string().max(300), reason: z.string().max(2000) })).max(10_000),
  objects: z.array(Entry).max(MAX_ARCHIVE_OBJECTS),
});

/** How an archive is read. */
export interface ReadArchiveOptions {
  /** The sha256 of `manifest.json` the backup's record keeps; the manifest read must match it. */
  manifestSha256?: string;
  /** The keys the archive's Secrets may be encrypted with (`verifyArchive` without them does not open Secrets). */
  keys: Pick<DrillKeys, 'byId'>;
  signal?: AbortSignal;
  /** Called after each object's file is checked. */
  onProgress?: (done: number, total: number) => void;
  /** Files read at once; the store's own figure when absent. */
  concurrency?: number;
}

/** What the verify button shows. */
export interface ArchiveVerification {
  ok: boolean;
  /** Files checked (the manifest's included). */
  files: number;
  /** Every problem found, one sentence each, each naming its file. */
  problems: string[];
}

/** Problems found: the first throws when reading to restore; all are kept when verifying. */
class Problems {
  readonly list: string[] = [];
  constructor(private readonly strict: boolean) {}

  add(message: string, file?: string, code: ErrorCode = ARCHIVE_INVALID_CODE): void {
    if (this.strict) throw new AppError(code, message, file ? { file } : undefined);
    this.list.push(message);
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** "ConfigMap team-a/app", "CustomResourceDefinition widgets.example.com". */
const objectLabel = (kind: unknown, namespace: unknown, name: unknown) => shown(`${String(kind)} ${namespace ? `${String(namespace)}/` : ''}${String(name)}`);

/** The API group of an apiVersion: "apps" of "apps/v1", "" of "v1". */
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** The object a file holds, parsed through the YAML guards; an archive Pilothouse wrote has no aliases, so none is accepted. */
function parseObject(path: string, bytes: Buffer): KubeObject {
  const text = decodeTextFile(path, bytes, MAX_OBJECT_FILE_BYTES);
  const doc = parseSafeYaml(text, { label: path, expected: 'an archived object', maxBytes: MAX_OBJECT_FILE_BYTES, invalidCode: ARCHIVE_INVALID_CODE, limits: { maxAliases: 0 } });
  // Reading the identifying fields as mappings refuses a key written twice, which could make the file read as another object.
  const top = doc.mapping(doc.root, '') ?? doc.fail(doc.root, '(document)', 'is not a Kubernetes object: it is empty or not a mapping');
  doc.mapping(doc.get(top, 'metadata'), 'metadata');
  return doc.root!.toJSON() as KubeObject;
}

/** The archive's manifest read and checked, or undefined when it could not be (the problems say why). */
async function readManifest(store: ArchiveStore, name: string, listing: Map<string, ArchiveEntry>, options: Partial<ReadArchiveOptions>, problems: Problems): Promise<{ manifest: ArchiveManifest; manifestSha256: string } | undefined> {
  const entry = listing.get(MANIFEST_FILE);
  if (!entry) {
    problems.add(`${MANIFEST_FILE} is missing: this is not a Pilothouse archive, or its backup did not finish`, MANIFEST_FILE);
    return undefined;
  }
  if (!entry.regular) return undefined;
  const bytes = await store.read(name, MANIFEST_FILE, MAX_MANIFEST_BYTES, options.signal);
  const manifestSha256 = sha256(bytes);
  if (options.manifestSha256 && manifestSha256 !== options.manifestSha256) {
    problems.add(`${MANIFEST_FILE} was changed after the backup: its sha256 is ${manifestSha256}, the backup's record says ${options.manifestSha256}`, MANIFEST_FILE);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    problems.add(`${MANIFEST_FILE} is not JSON`, MANIFEST_FILE);
    return undefined;
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== ARCHIVE_FORMAT) {
    problems.add(`${MANIFEST_FILE} declares the format ${JSON.stringify(format ?? null)?.slice(0, 100)}; this Pilothouse reads ${ARCHIVE_FORMAT} archives only`, MANIFEST_FILE);
    return undefined;
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    problems.add(`${MANIFEST_FILE} is not a manifest Pilothouse wrote: ${issue.path.join('.') || '(top)'} ${issue.message.toLowerCase()}`, MANIFEST_FILE);
    return undefined;
  }
  return { manifest: parsed.data as ArchiveManifest, manifestSha256 };
}

/** Checks what a file holds against its entry: the object named, a Secret encrypted (and opening), data matching its hash. Returns the object as restored. */
function checkObject(entry: ArchivedObject, object: KubeObject, key: DrillKey | undefined, problems: Problems): KubeObject | undefined {
  const { path } = entry;
  const meta = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  if (object.apiVersion !== entry.apiVersion || object.kind !== entry.kind || meta.name !== entry.name || (meta.namespace ?? undefined) !== entry.namespace) {
    problems.add(
      `${shown(path)} holds ${objectLabel(object.kind, meta.namespace, meta.name)} (${shown(String(object.apiVersion))}), but the manifest says it is ${objectLabel(entry.kind, entry.namespace, entry.name)} (${shown(entry.apiVersion)})`,
      path,
    );
    return undefined;
  }
  if (groupOf(entry.apiVersion) !== entry.group) {
    problems.add(`${shown(path)}: the manifest files ${objectLabel(entry.kind, entry.namespace, entry.name)} of ${shown(entry.apiVersion)} under the API group "${shown(entry.group)}"`, path);
    return undefined;
  }
  const secret = isSecret(entry);
  const sealed = object[ENVELOPE_FIELD] !== undefined;
  if (entry.encrypted !== secret || sealed !== secret || (secret && (object.data !== undefined || object.stringData !== undefined))) {
    problems.add(secret ? `${shown(path)} holds a Secret that is not encrypted as Pilothouse writes them` : `${shown(path)} is marked encrypted, but only Secrets are`, path);
    return undefined;
  }
  let restored = object;
  if (secret) {
    if (!key) return undefined;
    try {
      restored = decryptSecret(object, key);
    } catch (err) {
      problems.add(`${shown(path)}: ${(err as Error).message}`, path);
      return undefined;
    }
  }
  if (entry.dataSha256 !== undefined && dataHash(restored) !== entry.dataSha256) {
    problems.add(`${shown(path)}: the data of ${objectLabel(entry.kind, entry.namespace, entry.name)} does not match the hash the backup recorded`, path);
    return undefined;
  }
  return restored;
}

const isCrd = (e: ArchivedObject) => e.group === 'apiextensions.k8s.io' && e.kind === 'CustomResourceDefinition';
const isNamespace = (e: ArchivedObject) => e.group === '' && e.kind === 'Namespace';

/**
 * Why an entry is not one a Pilothouse backup of `namespaces` writes: filed
 * at another path than its object's, of a namespace the backup did not take,
 * or cluster-scoped but neither a CRD nor one of those namespaces.
 */
function entryProblem(entry: ArchivedObject, namespaces: readonly string[]): string | undefined {
  const label = objectLabel(entry.kind, entry.namespace, entry.name);
  const expected = archivePathOf(entry);
  if (entry.path !== expected) return `The manifest files ${label} at ${shown(entry.path)}, where ${shown(expected)} was expected`;
  const took = `the backup did not take (it took ${shown(namespaces.join(', ')) || 'none'})`;
  if (entry.namespace !== undefined) return namespaces.includes(entry.namespace) ? undefined : `${shown(entry.path)}: the manifest lists ${label} of namespace ${shown(entry.namespace)}, which ${took}`;
  if (isCrd(entry)) return undefined;
  if (isNamespace(entry)) return namespaces.includes(entry.name) ? undefined : `${shown(entry.path)}: the manifest lists the namespace ${shown(entry.name)}, which ${took}`;
  return `${shown(entry.path)}: the manifest lists ${label}, a cluster-scoped object; an archive holds only the CRDs its custom resources need and the Namespaces it took`;
}

/** The one walk both entry points make. */
async function examine(store: ArchiveStore, name: string, options: Partial<ReadArchiveOptions>, strict: boolean): Promise<{ problems: string[]; files: number; verified?: VerifiedArchive }> {
  const problems = new Problems(strict);
  const entries = await store.list(name, options.signal);
  if (!entries.length) throw new AppError('NOT_FOUND', `There is no archive at ${store.location(name)} (removed, or the destination changed)`);
  const listing = new Map(entries.map((e) => [e.path, e]));
  for (const e of entries) {
    if (!e.regular) problems.add(`${shown(e.path)} is a symbolic link or not a regular file; an archive holds only files, and links are never followed`, e.path);
  }
  const read = await readManifest(store, name, listing, options, problems);
  if (!read) return { problems: problems.list, files: listing.has(MANIFEST_FILE) ? 1 : 0 };
  const { manifest, manifestSha256 } = read;

  // The paths first, before any file is opened.
  const seen = new Set<string>();
  const listed = new Set(manifest.objects.map((e) => e.path));
  const readable: ArchivedObject[] = [];
  for (const entry of manifest.objects) {
    const bad = pathProblem(entry.path);
    const folded = entry.path.toLowerCase();
    const wrong = bad ? undefined : entryProblem(entry, manifest.namespaces);
    if (bad) problems.add(`The manifest's path ${shown(entry.path)} ${bad}`, entry.path);
    else if (wrong) problems.add(wrong, entry.path);
    else if (seen.has(folded)) problems.add(`${shown(entry.path)} is listed twice in the manifest`, entry.path);
    else if (!listing.has(entry.path)) problems.add(`${shown(entry.path)} is missing from the archive`, entry.path);
    else if (listing.get(entry.path)!.regular) readable.push(entry);
    seen.add(folded);
  }
  for (const e of entries) {
    if (e.regular && e.path !== MANIFEST_FILE && !listed.has(e.path)) problems.add(`${shown(e.path)} is in the archive but not in its manifest`, e.path);
  }
  const counted = countKinds(manifest.objects);
  const same = counted.length === manifest.counts.length && counted.every((c) => manifest.counts.some((m) => m.apiVersion === c.apiVersion && m.kind === c.kind && m.count === c.count));
  if (!same) problems.add(`${MANIFEST_FILE}: its counts do not match the objects it lists`, MANIFEST_FILE);

  let key: DrillKey | undefined;
  if (readable.some((e) => e.encrypted) && options.keys) {
    if (!manifest.keyId) problems.add(`${MANIFEST_FILE} lists encrypted Secrets but names no key`, MANIFEST_FILE);
    else {
      try {
        key = options.keys.byId(manifest.keyId);
      } catch (err) {
        if (strict || !(err instanceof AppError)) throw err;
        problems.add(err.message);
      }
    }
  }

  const objects: { entry: ArchivedObject; object: KubeObject }[] = [];
  let done = 0;
  const check = async (entry: ArchivedObject): Promise<void> => {
    const { path } = entry;
    let bytes: Buffer;
    try {
      bytes = await store.read(name, path, MAX_OBJECT_FILE_BYTES, options.signal);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'UNREACHABLE' || err.code === 'TIMEOUT' || err.code === 'UNAUTHORIZED') throw err;
      problems.add(err.code === 'VALIDATION' || err.code === 'NOT_FOUND' ? err.message : `${shown(path)}: ${err.message}`, path);
      return;
    }
    const actual = sha256(bytes);
    if (actual !== entry.sha256) {
      problems.add(`${shown(path)} was changed after the backup: its sha256 is ${actual}, the manifest says ${entry.sha256}`, path);
      return;
    }
    if (bytes.length !== entry.bytes) {
      problems.add(`${shown(path)} is ${bytes.length} bytes, the manifest says ${entry.bytes}`, path);
      return;
    }
    let object: KubeObject;
    try {
      object = parseObject(path, bytes);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      problems.add(err.message, path);
      return;
    }
    const restored = checkObject(entry, object, key, problems);
    // A Secret's data hash is not in the manifest (see the writer): the values the key opened give it.
    if (restored) objects.push({ entry: entry.encrypted && entry.dataSha256 === undefined ? { ...entry, dataSha256: dataHash(restored) } : entry, object: restored });
  };
  await eachLimited(readable, options.concurrency ?? store.concurrency, async (entry) => {
    options.signal?.throwIfAborted();
    await check(entry);
    options.onProgress?.(++done, readable.length);
  });

  const files = 1 + readable.length;
  if (problems.list.length) return { problems: problems.list, files };
  const position = new Map(manifest.objects.map((e, i) => [e.path, i]));
  objects.sort((a, b) => a.entry.order - b.entry.order || position.get(a.entry.path)! - position.get(b.entry.path)!);
  return { problems: [], files, verified: { manifest, manifestSha256, objects } };
}

/**
 * Reads archive `name` for a restore: every check passed, Secrets decrypted,
 * objects in restore order.
 *
 * @throws AppError {@link ARCHIVE_INVALID_CODE} at the first problem, naming the file (`location.file` too);
 * `NOT_FOUND` when there is no archive, or its key is not in this Pilothouse's store; a store's own errors as they are.
 */
export async function readArchive(store: ArchiveStore, name: string, options: ReadArchiveOptions): Promise<VerifiedArchive> {
  const { verified } = await examine(store, name, options, true);
  return verified!;
}

/**
 * Checks archive `name` without restoring it, listing every problem rather
 * than stopping at the first. Secrets are opened when `keys` is given.
 *
 * @throws AppError `NOT_FOUND` when there is no archive; a store's own errors (unreachable, unauthorized) as they are.
 */
export async function verifyArchive(store: ArchiveStore, name: string, options: Partial<ReadArchiveOptions> = {}): Promise<ArchiveVerification> {
  const { problems, files } = await examine(store, name, options, false);
  return { ok: problems.length === 0, files, problems };
}
