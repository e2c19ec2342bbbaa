import { z } from 'zod';

const ConnectionId = z.string().min(1).max(64);

// What the services put into request paths is checked against Kubernetes' own
// naming rules, so no value can add a path segment ("..", "/", a version like
// "v1/namespaces/x/secrets/y#") and reach another object than the one named.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// CRDs may name versions with any DNS-1035 label (v1api20200601, v1alpha), not only v1 / v1beta1.
const API_VERSION = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A namespace: a DNS label, as Kubernetes requires. */
export const KubeNamespace = z.string().max(63).regex(DNS_LABEL, 'A namespace is lower-case letters, digits and "-"');
/** An object's name: Kubernetes' rule for names in a path (not "." or "..", no "/" or "%"). */
export const KubeName = z
  .string()
  .min(1)
  .max(253)
  .refine((name) => name !== '.' && name !== '..' && !/[/%]/.test(name), 'A name may not be "." or "..", nor contain "/" or "%"');

/** A Kubernetes resource type: API group (empty for core), version, plural name. */
export const ResourceRef = z.object({
  group: z.string().max(253).refine((g) => g === '' || DNS_SUBDOMAIN.test(g), 'An API group is a DNS name, or empty for the core group'),
  version: z.string().max(63).regex(API_VERSION, 'An API version is a lower-case DNS label, e.g. v1, v1beta1 or v1api20200601'),
  resource: z.string().max(63).regex(DNS_LABEL, 'A resource is its lower-case plural name, e.g. pods'),
});
export type ResourceRef = z.infer<typeof ResourceRef>;

/**
 * A resource type as a server names it, shown as it is: the UI hands it back
 * as a {@link ResourceRef}, checked then.
 */
export const ServedResourceRef = z.object({
  group: z.string().max(253),
  version: z.string().min(1).max(63),
  resource: z.string().min(1).max(253),
});

/** A resource type the server offers, from discovery (built-in kinds and CRDs alike). */
export const ApiResource = ServedResourceRef.extend({
  kind: z.string(),
  namespaced: z.boolean(),
  verbs: z.array(z.string()),
  shortNames: z.array(z.string()).optional(),
  /** False for CRDs and aggregated APIs. */
  builtin: z.boolean(),
});
export type ApiResource = z.infer<typeof ApiResource>;

/** How a column's cells are shown and sorted; `message` is long free text (an event's message) that gets the most room. */
export const ColumnKind = z.enum(['text', 'number', 'age', 'status', 'quantity', 'message']);
export const Column = z.object({
  id: z.string(),
  title: z.string(),
  kind: ColumnKind,
  /** Off until the user turns it on (Columns): cells other views need (the overview counts pods by phase) but kubectl does not print. */
  optional: z.boolean().optional(),
});
export type Column = z.infer<typeof Column>;

/** One table cell; `age` cells hold an ISO timestamp, `quantity` cells a display string. */
export const Cell = z.union([z.string(), z.number(), z.null()]);

/** One object trimmed to what the table shows: never the whole object, never a Secret's data. */
export const Row = z.object({
  uid: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  cells: z.array(Cell),
});
export type Row = z.infer<typeof Row>;

/** Where a watch stands. */
export const WatchState = z.object({
  phase: z.enum(['listing', 'live', 'reconnecting', 'forbidden', 'unauthorized', 'error']),
  /** Rows held now. */
  rows: z.number().int(),
  message: z.string().optional(),
  /** The server stopped answering: the rows are as they were at this time (ISO), and kept. */
  staleSince: z.string().optional(),
  /** When the next try starts (ISO), while reconnecting. */
  retryAt: z.string().optional(),
});
export type WatchState = z.infer<typeof WatchState>;

export const KubeDiscoverParams = z
  .object({
    connectionId: ConnectionId,
    /** The last answer will do, however old (one kept from an earlier launch included); the server is asked only when there is none. */
    reuse: z.boolean().optional(),
  })
  .strict();
export const KubeDiscovery = z.object({
  serverVersion: z.string(),
  resources: z.array(ApiResource),
  /** When the server gave this answer; an old one is worth asking again. */
  discoveredAt: z.string(),
});

export const KubeWatchParams = z
  .object({
    connectionId: ConnectionId,
    resource: ResourceRef,
    /** One namespace; absent for all namespaces (or cluster-scoped resources). */
    namespace: KubeNamespace.optional(),
  })
  .strict();
export const KubeWatchOpened = z.object({ watchId: z.string(), columns: z.array(Column), namespaced: z.boolean() });

/**
 * A batch of changes to one watch's rows. `reset` replaces everything the UI
 * holds (first list, relist after 410 Gone); otherwise apply upserts, then deletes.
 */
export const KubeRowsEvent = z.object({
  watchId: z.string(),
  reset: z.boolean().optional(),
  upserts: z.array(Row),
  deletes: z.array(z.string()),
  state: WatchState,
});
export type KubeRowsEvent = z.infer<typeof KubeRowsEvent>;
