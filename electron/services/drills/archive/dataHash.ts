import { createHash } from 'node:crypto';
import type { KubeObject } from '../../kube/model/kubeObject';

/**
 * The sha256 (hex) of a ConfigMap's or Secret's data (`data` and
 * `binaryData`, keys sorted), as the server returns it: a drill compares the
 * restored object's with the one recorded at backup. A Secret's values are
 * the server's base64, so no value is decoded to hash it.
 */
export function dataHash(object: KubeObject): string {
  const hash = createHash('sha256');
  for (const field of ['data', 'binaryData'] as const) {
    const entries = Object.entries((object[field] ?? {}) as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    hash.update(`${field}\0${entries.length}\0`);
    for (const [key, value] of entries) hash.update(`${key}\0${String(value)}\0`);
  }
  return hash.digest('hex');
}
