/**
 * Where archives are kept: a local folder or an S3 bucket, behind one
 * interface. An archive is written file by file and becomes one only when
 * complete: in a folder it is written in a hidden `.partial-<name>` folder
 * renamed into place on commit; in S3, `manifest.json` is written last, so a
 * prefix without it is no archive. Nothing is ever read or written through a
 * symbolic link, and no path leaves the archive.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, rm, unlink } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import { DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DestinationTarget } from '../../../../shared/contract/drills';
import { AppError } from '../../../../shared/result';
import { megabytes } from '../../../../shared/sizeLimit';
import type { ConnectionService } from '../../connections/connectionService';
import type { AwsAccess } from '../../connections/providers/provider';
import { describeFsError, openedAt } from '../../files/folderRead';
import { safeSegments, writeFileInside } from '../../files/folderWrite';
import { shown } from './archivePaths';

/** One entry of an archive as its store lists it. */
export interface ArchiveEntry {
  /** "/"-separated, relative to the archive. */
  path: string;
  bytes: number;
  /** False for a symbolic link or anything else that is not a plain file (a folder's own listing; S3 holds only objects). */
  regular: boolean;
}

/** A place archives are written to and read from, each archive under its name. */
export interface ArchiveStore {
  /** Files worth reading or writing at once: S3 answers each in tens of milliseconds, a disk in microseconds. */
  readonly concurrency: number;
  /** Where archive `name` is, for people: "/home/ana/backups/pilothouse-…", "s3://bucket/prefix/pilothouse-…". */
  location(name: string): string;
  /** Writes one file of the archive being written (not yet an archive until {@link commit}). */
  write(name: string, relPath: string, bytes: Buffer, signal?: AbortSignal): Promise<void>;
  /** Makes the files written an archive; `manifest.json` must be the last file written. */
  commit(name: string): Promise<void>;
  /**
   * One file of a committed archive, at most `maxBytes`.
   *
   * @throws AppError `NOT_FOUND` when it is missing; `VALIDATION` when it is a link, not a file, or over `maxBytes`.
   */
  read(name: string, relPath: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer>;
  /** Every entry of a committed archive (empty when there is none), links and special files included, marked so. */
  list(name: string, signal?: AbortSignal): Promise<ArchiveEntry[]>;
  /** Removes the archive, committed or partial, whatever it holds; nothing when there is none. */
  remove(name: string): Promise<void>;
  /** Lets go of connections. */
  close(): void;
}

/** The entries one archive's listing may hold: far above what a namespace backs up, far below what hurts. */
export const MAX_ARCHIVE_ENTRIES = 200_000;

/** The folder levels below an archive a listing walks: `objects/<ns>/<group>/<resource>/<file>` is 5. */
const MAX_DEPTH = 8;

const ARCHIVE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** Refuses an archive name that is not one this code makes: it becomes a folder name and an S3 key part. */
function checkName(name: string): void {
  if (!ARCHIVE_NAME.test(name) || name.includes('..')) throw new AppError('VALIDATION', `"${shown(name)}" is not an archive name (letters, digits, ".", "_" and "-")`);
}

/** The segments of `relPath`, refused when it could leave the archive. */
function segmentsOf(relPath: string): string[] {
  const segments = safeSegments(relPath);
  if (!segments) throw new AppError('VALIDATION', `${shown(relPath)} escapes the archive; nothing outside it is read or written`);
  return segments;
}

/** Syncs a folder's entries to the disk, where the platform allows it (Windows opens no folder). */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY).catch(() => undefined);
  try {
    await handle?.sync();
  } catch {
    // Some file systems refuse to sync a folder; the files themselves were synced.
  } finally {
    await handle?.close();
  }
}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Archives as folders inside `path` (absolute). A file is written through
 * the shared folder guards (a temporary file, synced and renamed, never
 * through a link); reads open with O_NOFOLLOW and check that what was opened
 * is the file at that path under the folder's real path.
 */
export function createFolderStore(path: string): ArchiveStore {
  if (!isAbsolute(path)) throw new AppError('VALIDATION', `"${shown(path)}" is not an absolute path; a backup folder is chosen by its full path`);
  /** Temporary files of writes under way, which an abort removes with the partial folder anyway. */
  const temps = new Set<string>();
  /** Partial folders this store made fresh (or is making), so a stale one of an earlier run is replaced once. */
  const started = new Map<string, Promise<void>>();
  /** Folders made inside partial folders, each once, so writes in parallel never race to make the same one. */
  const folders = new Map<string, Promise<void>>();
  /** Writes under way, which a removal waits for. */
  const writing = new Set<Promise<void>>();

  const root = async (): Promise<string> => {
    try {
      const real = await realpath(path);
      if (!(await lstat(real)).isDirectory()) throw new AppError('VALIDATION', `${path} is a file, not a folder`);
      return real;
    } catch (err) {
      if (err instanceof AppError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new AppError(code === 'ENOENT' ? 'NOT_FOUND' : 'FILE_UNREADABLE', code === 'ENOENT' ? `The backup folder ${path} is not there (removed, or a drive not mounted)` : `The backup folder ${path} can't be opened: ${describeFsError(err as NodeJS.ErrnoException)}`);
    }
  };
  const partialOf = (real: string, name: string) => join(real, `.partial-${name}`);

  /** Forgets what was made for archive `name`: it was committed or removed, so its partial folder is gone. */
  const forget = (name: string) => {
    started.delete(name);
    const partial = `${sep}.partial-${name}${sep}`;
    for (const folder of folders.keys()) if (folder.includes(partial)) folders.delete(folder);
  };

  /**
   * Makes the folders on the way to a file, each once. One found in place
   * (a link someone put there included) is left for the shared guards, which
   * refuse to write through anything but a real folder.
   */
  const makeFolders = async (dir: string, segments: readonly string[]): Promise<void> => {
    let at = dir;
    for (const segment of segments) {
      at = join(at, segment);
      let made = folders.get(at);
      if (!made) {
        made = mkdir(at, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => (err.code === 'EEXIST' ? undefined : Promise.reject(err)));
        folders.set(at, made);
      }
      await made;
    }
  };

  /** The partial folder of `name`: made on the first write (a stale one of a crashed run removed), a real folder, never a link. */
  const partialFolder = async (name: string): Promise<string> => {
    const dir = partialOf(await root(), name);
    let made = started.get(name);
    if (!made) {
      made = rm(dir, { recursive: true, force: true }).then(() => mkdir(dir, { mode: 0o700 }));
      started.set(name, made);
      made.catch(() => forget(name));
    }
    await made;
    const stat = await lstat(dir);
    if (!stat.isDirectory() || stat.isSymbolicLink()) throw new AppError('VALIDATION', `${dir} was replaced while the backup was written; Pilothouse never writes through a link`);
    return dir;
  };

  return {
    // Each file is synced as written: syncs in parallel share the file system's journal commits.
    concurrency: 16,
    location: (name) => join(path, name),

    async write(name, relPath, bytes) {
      checkName(name);
      const segments = segmentsOf(relPath);
      const write = async () => {
        const dir = await partialFolder(name);
        try {
          // The shared guards make a missing folder after finding it missing, which parallel writes would race on: made first, once.
          await makeFolders(dir, segments.slice(0, -1));
          await writeFileInside(dir, segments, bytes.toString('utf8'), temps);
        } catch (err) {
          if (err instanceof AppError) throw err;
          const code = (err as NodeJS.ErrnoException).code;
          throw new AppError(code === 'ENOSPC' ? 'UNSUPPORTED' : 'FILE_UNREADABLE', `${shown(relPath)} could not be written in ${path}: ${code === 'ENOSPC' ? 'the disk is full' : code ? `error ${code}` : (err as Error).message}`);
        }
      };
      const written = write();
      const settled = written.catch(() => undefined);
      writing.add(settled);
      void settled.finally(() => writing.delete(settled));
      return written;
    },

    async commit(name) {
      checkName(name);
      const real = await root();
      const target = join(real, name);
      const exists = await lstat(target).then(
        () => true,
        (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
      );
      // rename() would replace an empty folder of that name silently.
      if (exists) throw new AppError('NAME_CONFLICT', `${join(path, name)} already exists; the backup was not put in its place`);
      const partial = partialOf(real, name);
      // Each file was synced as written; the folders holding their names are synced before the archive takes its name, and the
      // destination after, so the archive is on the disk whole once committed.
      await Promise.all([partial, ...[...folders.keys()].filter((f) => f.startsWith(partial + sep))].map(syncFolder));
      await rename(partial, target);
      forget(name);
      await syncFolder(real);
    },

    async read(name, relPath, maxBytes) {
      checkName(name);
      const file = join(await root(), name, ...segmentsOf(relPath));
      let handle;
      try {
        // O_NONBLOCK: a named pipe put in a file's place would otherwise hold the open, and a thread of Node's pool, for ever.
        handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new AppError('NOT_FOUND', `${shown(relPath)} is missing from the archive`);
        if (code === 'ELOOP') throw new AppError('VALIDATION', `${shown(relPath)} is a symbolic link; links are never followed`);
        throw new AppError('FILE_UNREADABLE', `${shown(relPath)} ${describeFsError(err as NodeJS.ErrnoException)}`);
      }
      try {
        if (!openedAt(handle.fd, file)) throw new AppError('VALIDATION', `${shown(relPath)} is reached through a symbolic link; links are never followed`);
        const stat = await handle.stat();
        if (!stat.isFile()) throw new AppError('VALIDATION', `${shown(relPath)} is not a regular file`);
        if (stat.size > maxBytes) throw new AppError('VALIDATION', `${shown(relPath)} is ${megabytes(stat.size)}, more than the ${megabytes(maxBytes)} an archive's file may be`);
        // One byte past the limit: a file that grew since its stat is still caught.
        const buffer = Buffer.alloc(stat.size + 1);
        let length = 0;
        for (;;) {
          const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
          if (!bytesRead) break;
          length += bytesRead;
          if (length === buffer.length) break;
        }
        if (length > stat.size) throw new AppError('VALIDATION', `${shown(relPath)} grew while it was read`);
        return buffer.subarray(0, length);
      } finally {
        await handle.close();
      }
    },

    async list(name) {
      checkName(name);
      const base = join(await root(), name);
      const top = await lstat(base).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
      if (!top) return [];
      if (!top.isDirectory()) throw new AppError('VALIDATION', `${join(path, name)} is a symbolic link or a file, not an archive's folder; links are never followed`);
      const entries: ArchiveEntry[] = [];
      const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
        let listing;
        try {
          listing = await readdir(dir, { withFileTypes: true });
        } catch (err) {
          throw new AppError('FILE_UNREADABLE', `${rel || name} in ${path} ${describeFsError(err as NodeJS.ErrnoException)}`);
        }
        for (const entry of listing) {
          const relPath = rel ? `${rel}/${entry.name}` : entry.name;
          if (entries.length >= MAX_ARCHIVE_ENTRIES) throw new AppError('VALIDATION', `${join(path, name)} holds over ${MAX_ARCHIVE_ENTRIES.toLocaleString('en')} entries, far more than an archive does`);
          // Dirent types come from lstat: a link is seen as a link, never as what it points to.
          if (entry.isDirectory() && depth < MAX_DEPTH) await walk(join(dir, entry.name), relPath, depth + 1);
          else if (entry.isFile()) entries.push({ path: relPath, bytes: (await lstat(join(dir, entry.name))).size, regular: true });
          else entries.push({ path: relPath, bytes: 0, regular: false });
        }
        if (entries.length % 1000 === 0) await yieldTurn();
      };
      await walk(base, '', 0);
      return entries;
    },

    async remove(name) {
      checkName(name);
      // After the writes under way: a file landing after the removal would leave a partial folder behind.
      await Promise.all(writing);
      const real = await root();
      // rm removes a link itself, never what it points to.
      await rm(join(real, name), { recursive: true, force: true });
      await rm(partialOf(real, name), { recursive: true, force: true });
      forget(name);
    },

    close: () => undefined,
  };
}

/** An S3 call's failure as an error a person can act on. `what`: "writing s3://b/p/x". Cancels (AbortError) pass as they are. */
export function s3Error(err: unknown, what: string, bucket: string): unknown {
  if (err instanceof AppError) return err;
  const name = (err as { name?: string }).name ?? '';
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (name === 'AbortError') return err;
  if (name === 'NoSuchBucket' || (name === 'NotFound' && what.startsWith('checking'))) return new AppError('NOT_FOUND', `There is no bucket ${bucket} (or it is in another region than the connection's)`);
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) return new AppError('NOT_FOUND', `Not found while ${what}`);
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'TokenRefreshRequired', 'CredentialsProviderError'].includes(name)) {
    return new AppError('UNAUTHORIZED', `AWS rejected the connection's credentials while ${what}: check the AWS connection`);
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || status === 403) return new AppError('FORBIDDEN', `Access denied while ${what}: the AWS connection needs s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on ${bucket}`);
  if (name === 'TimeoutError') return new AppError('TIMEOUT', `S3 did not answer in time while ${what}`);
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT'].includes(code)) return new AppError('UNREACHABLE', `S3 could not be reached while ${what} (${code}): check the network or the connection's endpoint`);
  return new AppError('UNREACHABLE', `S3 failed while ${what}: ${name || 'error'}${status ? ` (HTTP ${status})` : ''}`);
}

/** An S3 client for a stored AWS connection: its region and credentials, and its endpoint (path-style, as S3-compatible stores need). */
export function createS3Client(access: AwsAccess): S3Client {
  return new S3Client({
    region: access.region,
    credentials: access.credentials,
    ...(access.endpoint ? { endpoint: access.endpoint, forcePathStyle: true } : {}),
  });
}

/** Keys deleted per DeleteObjects request: S3's maximum. */
const DELETE_BATCH = 1000;

/** Archives as key prefixes `<prefix>/<name>/` of `bucket`. */
export function createS3Store(target: Extract<DestinationTarget, { kind: 's3' }>, access: AwsAccess): ArchiveStore {
  const client = createS3Client(access);
  const { bucket } = target;
  const prefix = target.prefix.replace(/\/+$/, '');
  const base = (name: string) => {
    checkName(name);
    return prefix ? `${prefix}/${name}/` : `${name}/`;
  };
  const location = (name: string) => `s3://${bucket}/${base(name)}`.replace(/\/$/, '');
  const fail = (err: unknown, what: string) => s3Error(err, what, bucket);

  const keys = async (name: string, signal?: AbortSignal): Promise<{ key: string; size: number }[]> => {
    const found: { key: string; size: number }[] = [];
    let token: string | undefined;
    do {
      const page = await client
        .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: base(name), ...(token ? { ContinuationToken: token } : {}) }), { abortSignal: signal })
        .catch((err: unknown) => Promise.reject(fail(err, `listing ${location(name)}`)));
      for (const o of page.Contents ?? []) if (o.Key) found.push({ key: o.Key, size: o.Size ?? 0 });
      if (found.length > MAX_ARCHIVE_ENTRIES) throw new AppError('VALIDATION', `${location(name)} holds over ${MAX_ARCHIVE_ENTRIES.toLocaleString('en')} objects, far more than an archive does`);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found;
  };

  return {
    concurrency: 16,
    location,

    async write(name, relPath, bytes, signal) {
      const key = base(name) + segmentsOf(relPath).join('/');
      const type = relPath.endsWith('.json') ? 'application/json' : 'application/yaml';
      await client
        .send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: bytes.length, ContentType: type }), { abortSignal: signal })
        .catch((err: unknown) => Promise.reject(fail(err, `writing ${location(name)}/${shown(relPath)}`)));
    },

    // Nothing to do: the manifest, written last, is what makes the prefix an archive.
    commit: async (name) => checkName(name),

    async read(name, relPath, maxBytes, signal) {
      const key = base(name) + segmentsOf(relPath).join('/');
      const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }).catch((err: unknown) => {
        const failed = fail(err, `reading ${location(name)}/${shown(relPath)}`);
        return Promise.reject(failed instanceof AppError && failed.code === 'NOT_FOUND' ? new AppError('NOT_FOUND', `${shown(relPath)} is missing from the archive`) : failed);
      });
      const tooLarge = (size: number) => new AppError('VALIDATION', `${shown(relPath)} is ${megabytes(size)}, more than the ${megabytes(maxBytes)} an archive's file may be`);
      if ((answer.ContentLength ?? 0) > maxBytes) {
        (answer.Body as { destroy?: () => void } | undefined)?.destroy?.();
        throw tooLarge(answer.ContentLength ?? 0);
      }
      const chunks: Buffer[] = [];
      let length = 0;
      try {
        for await (const chunk of (answer.Body ?? []) as AsyncIterable<Uint8Array>) {
          length += chunk.length;
          if (length > maxBytes) throw tooLarge(length);
          chunks.push(Buffer.from(chunk));
        }
      } catch (err) {
        throw fail(err, `reading ${location(name)}/${shown(relPath)}`);
      }
      return Buffer.concat(chunks, length);
    },

    async list(name, signal) {
      const at = base(name);
      return (await keys(name, signal)).map(({ key, size }) => ({ path: key.slice(at.length), bytes: size, regular: true }));
    },

    async remove(name) {
      const found = await keys(name);
      for (let i = 0; i < found.length; i += DELETE_BATCH) {
        const batch = found.slice(i, i + DELETE_BATCH).map(({ key }) => ({ Key: key }));
        const answer = await client
          .send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }))
          .catch((err: unknown) => Promise.reject(fail(err, `removing ${location(name)}`)));
        if (answer.Errors?.length) {
          const first = answer.Errors[0];
          throw new AppError('UNREACHABLE', `${answer.Errors.length} files of ${location(name)} could not be removed (${first.Code ?? 'error'}: ${shown(first.Key ?? '')}); remove them in the bucket by hand`);
        }
      }
    },

    close: () => client.destroy(),
  };
}

/** The store of a destination; an S3 one through its AWS connection's access. */
export function archiveStoreFor(target: DestinationTarget, connections: Pick<ConnectionService, 'awsAccessOf'>): ArchiveStore {
  return target.kind === 'folder' ? createFolderStore(target.path) : createS3Store(target, connections.awsAccessOf(target.awsConnectionId));
}

/**
 * Checks a destination before it is saved: a folder is created when missing
 * and must take a file (one is written and removed); a bucket must answer
 * HeadBucket with the connection's credentials.
 *
 * @throws AppError saying what to change: the path, the folder's permissions, the bucket's name or region, the credentials.
 */
export async function checkDestination(target: DestinationTarget, connections: Pick<ConnectionService, 'awsAccessOf'>): Promise<void> {
  if (target.kind === 's3') {
    const client = createS3Client(connections.awsAccessOf(target.awsConnectionId));
    try {
      await client.send(new HeadBucketCommand({ Bucket: target.bucket }), { abortSignal: AbortSignal.timeout(15_000) });
    } catch (err) {
      throw s3Error(err, `checking the bucket ${target.bucket}`, target.bucket);
    } finally {
      client.destroy();
    }
    return;
  }
  const { path } = target;
  if (!isAbsolute(path)) throw new AppError('VALIDATION', `"${shown(path)}" is not an absolute path; choose the backup folder by its full path`);
  const refuse = (err: unknown, doing: string): AppError => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return new AppError('FORBIDDEN', `Pilothouse may not ${doing} ${path} (permission denied): choose a folder you can write to, or change its permissions`);
    if (code === 'EROFS') return new AppError('FORBIDDEN', `${path} is on a read-only file system: choose a folder you can write to`);
    if (code === 'ENOTDIR' || code === 'EEXIST') return new AppError('VALIDATION', `A file is in the way of ${path}: choose a folder`);
    if (code === 'ENOSPC') return new AppError('UNSUPPORTED', `The disk of ${path} is full`);
    return new AppError('FILE_UNREADABLE', `Pilothouse could not ${doing} ${path} (${code ?? 'error'})`);
  };
  try {
    await mkdir(path, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw refuse(err, 'create');
  }
  const real = await realpath(path);
  if (!(await lstat(real)).isDirectory()) throw new AppError('VALIDATION', `${path} is a file, not a folder: choose a folder`);
  const probe = join(real, `.pilothouse-probe-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    await handle.writeFile('probe');
    await handle.close();
    await unlink(probe);
  } catch (err) {
    await unlink(probe).catch(() => undefined);
    throw refuse(err, 'write in');
  }
}
