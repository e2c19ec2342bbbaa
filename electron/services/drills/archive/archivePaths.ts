/**
 * Where each object's file goes in an archive, and the check a reader makes
 * of every path a manifest names, so nothing written or read leaves the
 * archive's folder.
 */
import { createHash } from 'node:crypto';
import { safeSegments } from '../../files/folderWrite';

/** The manifest's file name, at the archive's root. */
export const MANIFEST_FILE = 'manifest.json';

/** The folder of cluster-scoped objects (CRDs); no namespace can be named so, as a namespace starts with a letter or digit. */
export const CLUSTER_FOLDER = '_cluster';

/** Names kept as they are in a file name: what every DNS-style name is, short enough for the file system with ".yaml". */
const PLAIN_NAME = /^[a-z0-9]([a-z0-9.-]{0,198}[a-z0-9])?$/;

/**
 * The file name of an object named `name`: `<name>.yaml` for an ordinary
 * name; for one a file system could not hold or would fold with another
 * (upper case, ":", "%", over 200 characters, as RBAC names may be), its
 * safe characters with a hash of the whole name, so two names never share a file.
 */
export function objectFileName(name: string): string {
  if (PLAIN_NAME.test(name)) return `${name}.yaml`;
  const safe = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 120);
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `${safe ? `${safe}-` : ''}${hash}.yaml`;
}

/** An object's path in an archive: `objects/<namespace|_cluster>/<group|core>/<resource>/<file>`. */
export function archivePathOf(o: { namespace?: string; group: string; resource: string; name: string }): string {
  return ['objects', o.namespace ?? CLUSTER_FOLDER, o.group || 'core', o.resource, objectFileName(o.name)].join('/');
}

/**
 * Why `path` (from a manifest) cannot be an object's file of an archive:
 * absolute, a `..` or hidden segment, a backslash, a NUL, or outside
 * `objects/` or not `.yaml`; undefined when it is fine.
 */
export function pathProblem(path: string): string | undefined {
  if (typeof path !== 'string' || !path) return 'is empty';
  if (!safeSegments(path)) return 'escapes the archive (an absolute path, a ".." or hidden segment, a backslash or a NUL); nothing outside the archive is ever read';
  if (!path.startsWith('objects/') || !path.endsWith('.yaml')) return 'is not an object file (objects/…/<name>.yaml)';
  return undefined;
}

/** A path as a message shows it: one line, control characters replaced, at most 300 characters. */
export function shown(path: string): string {
  const one = String(path).replace(/[\p{Cc}\p{Cf}]/gu, '?');
  return one.length > 300 ? `${one.slice(0, 300)}…` : one;
}
