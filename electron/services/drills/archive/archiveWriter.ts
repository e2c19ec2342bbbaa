/**
 * Writes a backup archive: one YAML file per object at the path
 * `archivePaths.ts` gives it (a Secret's values encrypted, see
 * `secretCrypto.ts`), then `manifest.json` with every file's sha256, then
 * the commit that makes the files an archive.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { ARCHIVE_FORMAT, type KindCount } from '../../../../shared/contract/drills';
import { AppError } from '../../../../shared/result';
import type { KubeObject } from '../../kube/model/kubeObject';
import { archivePathOf, MANIFEST_FILE } from './archivePaths';
import type { ArchiveStore } from './archiveStores';
import type { ArchivedObject, ArchiveManifest } from './archiveTypes';
import { eachLimited } from './parallel';
import { encryptSecret, type DrillKey } from './secretCrypto';

/** An object to archive, cleaned, with what the manifest says of it. */
export interface ObjectToArchive {
  apiVersion: string;
  kind: string;
  /** Discovery's group ("" for core) and plural resource. */
  group: string;
  resource: string;
  /** Absent for a cluster-scoped object. */
  namespace?: string;
  name: string;
  /** Restore order, lower first (see {@link ArchivedObject.order}). */
  order: number;
  /** For a ConfigMap or Secret, `dataHash` of it before encryption; the manifest keeps a ConfigMap's only. */
  dataSha256?: string;
  object: KubeObject;
}

/** What the manifest says of the backup as a whole. */
export type ArchiveHeader = Pick<ArchiveManifest, 'id' | 'takenAt' | 'source' | 'namespaces' | 'skipped'>;

/** An archive written and committed. */
export interface WrittenArchive {
  manifest: ArchiveManifest;
  /** Sha256 (hex) of `manifest.json` as written: the backup's record keeps it, so a swapped manifest is refused. */
  manifestSha256: string;
  /** Bytes of all files, the manifest's included. */
  bytes: number;
  location: string;
}

/** How {@link writeArchive} runs. */
export interface WriteArchiveOptions {
  /** The key Secrets are encrypted with; needed when `objects` holds one. */
  key?: DrillKey;
  signal?: AbortSignal;
  /** Called after each object's file is written. */
  onProgress?: (done: number, total: number) => void;
  /** Files written at once; the store's own figure when absent. */
  concurrency?: number;
  now?: () => Date;
}

/** Whether an object is a core Secret, whose values an archive encrypts. */
export const isSecret = (o: { group: string; kind: string }) => o.group === '' && o.kind === 'Secret';

/** An object as its file holds it: YAML without aliases or folded lines, so a reader that refuses aliases reads it back exactly. */
export const objectYaml = (object: KubeObject) => stringify(object, { aliasDuplicateObjects: false, lineWidth: 0 });

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** How many objects of each apiVersion and kind, sorted. */
export function countKinds(objects: readonly { apiVersion: string; kind: string }[]): KindCount[] {
  const counts = new Map<string, KindCount>();
  for (const { apiVersion, kind } of objects) {
    const key = `${apiVersion}\0${kind}`;
    const known = counts.get(key);
    if (known) known.count++;
    else counts.set(key, { apiVersion, kind, count: 1 });
  }
  return [...counts.values()].sort((a, b) => (a.kind === b.kind ? (a.apiVersion < b.apiVersion ? -1 : 1) : a.kind < b.kind ? -1 : 1));
}

/**
 * Writes `objects` (in restore order) as archive `name` in `store`, then its
 * manifest, then commits. A failure or an abort leaves a partial archive the
 * caller removes with `store.remove(name)`.
 */
export async function writeArchive(store: ArchiveStore, name: string, header: ArchiveHeader, objects: readonly ObjectToArchive[], options: WriteArchiveOptions = {}): Promise<WrittenArchive> {
  const { key, signal } = options;
  if (!key && objects.some(isSecret)) throw new AppError('INTERNAL', 'An archive with Secrets needs a key to encrypt them');
  const entries: ArchivedObject[] = new Array<ArchivedObject>(objects.length);
  const paths = new Set<string>();
  const planned = objects.map((o) => {
    const path = archivePathOf(o);
    if (paths.has(path)) throw new AppError('INTERNAL', `Two objects of the backup map to ${path}`);
    paths.add(path);
    return path;
  });
  let done = 0;
  let bytes = 0;
  await eachLimited(objects, options.concurrency ?? store.concurrency, async (o, i) => {
    signal?.throwIfAborted();
    const encrypted = isSecret(o);
    const file = Buffer.from(objectYaml(encrypted ? encryptSecret(o.object, key!) : o.object), 'utf8');
    await store.write(name, planned[i], file, signal);
    entries[i] = {
      path: planned[i],
      apiVersion: o.apiVersion,
      kind: o.kind,
      group: o.group,
      resource: o.resource,
      ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
      name: o.name,
      sha256: sha256(file),
      bytes: file.length,
      encrypted,
      // Not a Secret's: the manifest is in clear, and an unsalted hash of a short value gives it away to a guess. The
      // reader takes it from the values the key opens, which the cipher's tag already proves unchanged.
      ...(o.dataSha256 === undefined || encrypted ? {} : { dataSha256: o.dataSha256 }),
      order: o.order,
    };
    bytes += file.length;
    options.onProgress?.(++done, objects.length);
  });
  signal?.throwIfAborted();
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT,
    id: header.id,
    name,
    takenAt: header.takenAt,
    finishedAt: (options.now ?? (() => new Date()))().toISOString(),
    source: header.source,
    namespaces: header.namespaces,
    ...(entries.some((e) => e.encrypted) ? { keyId: key!.id } : {}),
    counts: countKinds(objects),
    skipped: header.skipped,
    objects: entries,
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  // Last: in S3 a prefix without its manifest is no archive, so a backup cut short never looks like one.
  await store.write(name, MANIFEST_FILE, manifestBytes, signal);
  await store.commit(name);
  return { manifest, manifestSha256: sha256(manifestBytes), bytes: bytes + manifestBytes.length, location: store.location(name) };
}
