/**
 * Guarded JSON patches (RFC 6902): `test` ops first, so the change lands only
 * on the object as it was read. The apiserver answers a failed `test` with a
 * bare 422 ("the server rejected our request due to an error in our
 * request"), the same answer an invalid change gets; this tells them apart.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest, type KubeResponse } from './kubeHttp';

/** One operation of a JSON patch. */
export interface JsonPatchOp {
  op: 'test' | 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** JSON values equal, whatever the order of object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The value at a JSON pointer (RFC 6901), undefined when the path is not there. */
export function pointerValue(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let at: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, token)) return undefined;
    at = (at as Record<string, unknown>)[token];
  }
  return at;
}

/**
 * Whether the guarded patch `patch` sent to `path` was refused because the
 * object is no longer what was read: a 409, the object gone, or (on a 422)
 * a `test` that no longer holds on the object read again. A 422 whose tests
 * all still hold is the server refusing the change itself (validation, an
 * admission policy), which the caller reports in the server's words.
 */
export async function changedMeanwhile(kc: KubeConfig, path: string, patch: readonly JsonPatchOp[], res: KubeResponse<unknown>): Promise<boolean> {
  if (res.status === 409) return true;
  if (res.status !== 422) return false;
  const now = await kubeRequest<unknown>(kc, path, { deadlineMs: 30_000 });
  if (now.status === 404) return true;
  if (now.status !== 200) return false;
  return patch.some((op) => op.op === 'test' && !sameJson(pointerValue(now.body, op.path), op.value));
}
