/**
 * Objects as people compare and edit them: the fields the server sets for
 * itself left out, and what the apiserver says of a refused object turned
 * into problems on the lines of the spec that wrote it.
 */
import { stringify } from 'yaml';
import type { FieldConflict, SpecProblem } from '../../../shared/contract/pipelines';
import type { SpecDocument } from './specDocuments';

/** The annotation `kubectl apply` (client-side) keeps its last applied object in: noise in a diff, and a copy of any Secret. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Longest server message kept in a problem: a Status message is short, a hostile one must not be. */
const MESSAGE_MAX = 1_000;

/** What a Kubernetes Status body holds that problems are built from. */
interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  details?: { name?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

/**
 * A copy of `object` without what the server sets for itself:
 * `metadata.managedFields`, `uid`, `creationTimestamp`, `generation`,
 * `selfLink`, `resourceVersion` (unless kept), `status`, and kubectl's
 * last-applied annotation (an emptied `annotations` goes too). Key order is
 * the server's.
 */
export function cleanObject(object: unknown, options: { keepResourceVersion?: boolean } = {}): Record<string, unknown> {
  const copy = structuredClone(object ?? {}) as Record<string, unknown>;
  delete copy.status;
  const metadata = copy.metadata as Record<string, unknown> | undefined;
  if (metadata && typeof metadata === 'object') {
    for (const field of ['managedFields', 'uid', 'creationTimestamp', 'generation', 'selfLink']) delete metadata[field];
    if (!options.keepResourceVersion) delete metadata.resourceVersion;
    const annotations = metadata.annotations as Record<string, unknown> | undefined;
    if (annotations && typeof annotations === 'object') {
      delete annotations[LAST_APPLIED];
      if (!Object.keys(annotations).length) delete metadata.annotations;
    }
  }
  return copy;
}

/** Whether an object is a core Secret, whose values never leave the services in clear. */
export const isSecret = (object: { apiVersion?: unknown; kind?: unknown } | undefined): boolean => object?.apiVersion === 'v1' && object.kind === 'Secret';

/**
 * A Secret's live object and what an apply would make of it, its values
 * masked as `kubectl diff` masks them: `***` where a key is the same on both
 * sides, `*** (before)` / `*** (after)` where it changed, so a review shows
 * which keys change without showing a value.
 */
export function maskSecretPair(live: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): { live?: Record<string, unknown>; after?: Record<string, unknown> } {
  const mask = (object: Record<string, unknown> | undefined, other: Record<string, unknown> | undefined, changed: string) => {
    if (!object) return undefined;
    const copy = { ...object };
    for (const field of ['data', 'stringData']) {
      const values = object[field] as Record<string, unknown> | undefined;
      if (!values || typeof values !== 'object') continue;
      const others = (other?.[field] ?? {}) as Record<string, unknown>;
      copy[field] = Object.fromEntries(Object.keys(values).map((key) => [key, others[key] === values[key] ? '***' : changed]));
    }
    return copy;
  };
  return { live: mask(live, after, '*** (before)'), after: mask(after, live, '*** (after)') };
}

/**
 * A JSON merge patch (RFC 7386) that turns `from` into `to`: what an edit of
 * a live object changed, and nothing else (`null` removes a key; a list is
 * replaced whole).
 */
export function mergePatch(from: Record<string, unknown>, to: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  for (const key of Object.keys(from)) if (!(key in to)) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    const was = from[key];
    if (isMap(was) && isMap(value)) {
      const inner = mergePatch(was, value);
      if (Object.keys(inner).length) patch[key] = inner;
    } else if (JSON.stringify(was) !== JSON.stringify(value)) {
      patch[key] = value;
    }
  }
  return patch;
}

/** An object as YAML for a diff or an editor, keys in the order given. */
export function objectYaml(object: Record<string, unknown>): string {
  // No line folding: a long value stays one line, as kubectl prints it, so a diff shows the change where it is.
  return stringify(object, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * The manager a server-side apply conflict names, from the cause's message:
 * `conflict with "kubectl-client-side-apply" using apps/v1` →
 * `kubectl-client-side-apply` (the name is Go-quoted; a subresource or the
 * time may follow).
 */
export function conflictManager(message: string): string | undefined {
  const quoted = /^conflict with ("(?:[^"\\]|\\.)*")/.exec(message)?.[1];
  if (!quoted) return undefined;
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}

/** The fields another manager owns with another value, from a 409 Status of a server-side apply; empty for any other answer. */
export function fieldConflicts(status: number, body: unknown): FieldConflict[] {
  if (status !== 409) return [];
  const causes = (body as StatusBody | undefined)?.details?.causes ?? [];
  return causes
    .filter((c) => c.reason === 'FieldManagerConflict' && typeof c.field === 'string')
    .map((c) => {
      const message = (c.message ?? '').slice(0, MESSAGE_MAX);
      return { field: c.field!, manager: conflictManager(message) ?? 'another field manager', message };
    });
}

/** The server's message of a Status body, or undefined when it gave none. */
export function statusMessage(body: unknown): string | undefined {
  const message = (body as StatusBody | undefined)?.message;
  return typeof message === 'string' && message ? message.slice(0, MESSAGE_MAX) : undefined;
}

/**
 * Field paths the apiserver puts in messages without a cause: strict field
 * validation's `.spec.foo: field not declared in schema`, a typed patch's
 * `.spec.replicas: expected numeric`.
 */
const FIELD_IN_MESSAGE = /(?:^|[\s(])(\.[A-Za-z0-9_$][^\s:]*):\s/g;

/**
 * A refused request's problems, each on the line of the field it names:
 * one per cause that names a field, else the server's message on the field
 * it names in its text, else on the document's first line (an admission
 * webhook's denial names none). The server's words are kept as they are:
 * they speak of the user's own object, and a Status carries no credentials.
 */
export function statusProblems(doc: Pick<SpecDocument, 'line' | 'lineOf'>, status: number, body: unknown, fallback: string): SpecProblem[] {
  const said = statusMessage(body);
  const causes = ((body as StatusBody | undefined)?.details?.causes ?? []).filter((c) => typeof c.field === 'string' && c.field);
  if (causes.length) {
    return causes.slice(0, 50).map((c) => {
      const field = c.field!;
      const detail = (c.message ?? said ?? fallback).slice(0, MESSAGE_MAX);
      return placed(doc, field, `${field}: ${detail}`);
    });
  }
  const message = said ?? `${fallback} (HTTP ${status})`;
  const fields = [...message.matchAll(FIELD_IN_MESSAGE)].map((m) => m[1]);
  if (fields.length) return [placed(doc, fields[0], message)];
  return [{ line: doc.line, message, severity: 'error' }];
}

function placed(doc: Pick<SpecDocument, 'lineOf'>, field: string, message: string): SpecProblem {
  const at = doc.lineOf(field);
  return { line: at.line, ...(at.column ? { column: at.column } : {}), field, message, severity: 'error' };
}
