/**
 * The pure parts of the list+watch protocol: request paths, how an answer
 * from the apiserver is judged (410 Gone, 401, 403, …), watch event lines
 * and the reconnect backoff.
 */
import type { ResourceRef } from '../../../../shared/contract';
import type { KubeObject } from '../model';

/** "pods in namespace team-a", "pods in all namespaces", "nodes": for messages. */
export function scopeLabel(ref: ResourceRef, namespaced: boolean, namespace?: string): string {
  const name = ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
  if (!namespaced) return name;
  return namespace ? `${name} in namespace ${namespace}` : `${name} in all namespaces`;
}

/** Query of one list page. */
export function listQuery(limit: number, continueToken?: string): string {
  return `?limit=${limit}${continueToken ? `&continue=${encodeURIComponent(continueToken)}` : ''}`;
}

/** Query of a watch resuming after `resourceVersion`, with bookmarks so idle watches still advance it. */
export function watchQuery(resourceVersion: string, timeoutSeconds: number): string {
  return `?watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(resourceVersion)}&timeoutSeconds=${timeoutSeconds}`;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential from
 * `baseMs`, capped, with "equal jitter" (half fixed, half random) so many
 * windows reconnecting after an outage do not arrive together.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = 500, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** A `metav1.Status`, as error bodies and watch ERROR events carry it. */
interface Status {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
}

/** What went wrong, in the terms the cache acts on. */
export type Failure =
  /** 410 Gone: the resourceVersion or continue token is older than the server keeps; relist. */
  | { kind: 'expired'; message: string }
  /** 401: the credentials are rejected; retry slowly, the user must renew them. */
  | { kind: 'unauthorized'; message: string }
  /** 403: RBAC says no; retry slowly in case access is granted. */
  | { kind: 'forbidden'; message: string }
  /** 404 and other 4xx: the request itself is wrong (a CRD removed); retry slowly. */
  | { kind: 'rejected'; message: string }
  /** 5xx, 429, network: retry with backoff. */
  | { kind: 'transient'; message: string };

const statusOf = (body: unknown): Status => (body !== null && typeof body === 'object' ? (body as Status) : {});

/** True for every form of "too old": HTTP 410, a Status with code 410 or reason Expired/Gone, "too old resource version". */
export function isExpired(status: number, body: unknown): boolean {
  const s = statusOf(body);
  return status === 410 || s.code === 410 || s.reason === 'Expired' || s.reason === 'Gone' || /too old resource version/i.test(s.message ?? '');
}

/**
 * Judges a non-2xx answer (or a watch ERROR event, passing its Status as
 * `body` and its code as `status`). `scope` names what was listed, e.g.
 * "pods in namespace team-a".
 */
export function failureOf(status: number, body: unknown, scope: string): Failure {
  const said = statusOf(body).message?.slice(0, 300);
  if (isExpired(status, body)) return { kind: 'expired', message: `The server no longer has the history to resume ${scope} (410 Gone); listing again` };
  if (status === 401) {
    return { kind: 'unauthorized', message: 'The server rejected the credentials (401 Unauthorized): re-import the kubeconfig or renew the token. Retrying every minute.' };
  }
  if (status === 403) return { kind: 'forbidden', message: `No access to list ${scope} (403 Forbidden)${said ? `: ${said}` : ''}` };
  if (status === 404) return { kind: 'rejected', message: `The server does not serve ${scope} (404): was its API or CRD removed?` };
  if (status === 429 || status >= 500 || status === 0) return { kind: 'transient', message: `Listing ${scope} answered HTTP ${status}${said ? `: ${said}` : ''}` };
  return { kind: 'rejected', message: `Listing ${scope} answered HTTP ${status}${said ? `: ${said}` : ''}` };
}

/** One line of a watch stream. */
export type WatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }
  | { type: 'BOOKMARK'; resourceVersion: string }
  | { type: 'ERROR'; code: number; status: unknown };

/** Parses one watch line; undefined for anything that is not a watch event. */
export function parseWatchEvent(line: string): WatchEvent | undefined {
  let parsed: { type?: string; object?: KubeObject & Status };
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  const object = parsed?.object;
  if (!object || typeof object !== 'object') return undefined;
  switch (parsed.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      return { type: parsed.type, object };
    case 'BOOKMARK':
      return object.metadata?.resourceVersion ? { type: 'BOOKMARK', resourceVersion: object.metadata.resourceVersion } : undefined;
    case 'ERROR':
      return { type: 'ERROR', code: object.code ?? 500, status: object };
    default:
      return undefined;
  }
}
