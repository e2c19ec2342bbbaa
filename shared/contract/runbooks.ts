import { z } from 'zod';
import { defineArea, Empty, method } from './area';
import { TaskSummary } from './tasks';

/** A runbook's id, as the services name it. */
export const RunbookId = z.string().regex(/^rb-[a-z0-9]{1,40}$/);

/** How bad the situation a runbook is for is; front matter's `severity`. */
export const RunbookSeverity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
export type RunbookSeverity = z.infer<typeof RunbookSeverity>;

/**
 * A resource a runbook is about, as front matter names it: `kind/name`
 * (`deployment/payments`), `kind/namespace/name` for a namespaced object in
 * one namespace, or `namespace/ml-serving`. Lower-case kind, as kubectl's
 * resource names are.
 */
export const RunbookResource = z
  .string()
  .max(320)
  .regex(/^[a-z][a-z0-9.-]{0,62}\/([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?\/)?[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, 'a resource is kind/name or kind/namespace/name, e.g. deployment/payments');

/** What a list shows of a runbook. */
export const RunbookMeta = z.object({
  id: RunbookId,
  title: z.string(),
  tags: z.array(z.string()),
  resources: z.array(RunbookResource),
  severity: RunbookSeverity.optional(),
  /** Where it was imported from or first exported to, relative to that folder (`gpu/drain-node.md`); absent for one made in the app and never exported. */
  path: z.string().optional(),
  /** Each save is a version, numbered from 1. */
  version: z.number().int(),
  updatedAt: z.string(),
  /** Who saved the current version. */
  updatedBy: z.string(),
});
export type RunbookMeta = z.infer<typeof RunbookMeta>;

/** A whole runbook: its file as written (front matter included) and its body without the front matter. */
export const Runbook = RunbookMeta.extend({
  source: z.string(),
  body: z.string(),
});
export type Runbook = z.infer<typeof Runbook>;

/** Text with the parts that matched a search marked, for display without HTML. */
export const Highlighted = z.array(z.object({ text: z.string(), hit: z.boolean() }));
export type Highlighted = z.infer<typeof Highlighted>;

export const RunbookHit = RunbookMeta.extend({
  /** The title, matches marked. */
  titleHighlight: Highlighted,
  /** A short passage of the body around the best match ("…" at cut ends), matches marked. */
  snippet: Highlighted,
});
export type RunbookHit = z.infer<typeof RunbookHit>;

export const RunbookSearchParams = z
  .object({
    /** Words as typed; each is a prefix match (one letter matches itself; two also begin a title's or tag's word), quotes make a phrase. Empty lists every runbook, newest first. */
    query: z.string().max(500).default(''),
    /** Only runbooks that carry every one of these tags. */
    tags: z.array(z.string().min(1).max(64)).max(20).default([]),
    /** Only runbooks that name this resource (see {@link RunbookResource}). */
    resource: RunbookResource.optional(),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();

export const RunbookSearchResult = z.object({
  hits: z.array(RunbookHit),
  /** Runbooks that match, of which `hits` are the best `limit`. */
  total: z.number().int(),
  /** Every tag in the library with how many runbooks carry it, for the filter. */
  tags: z.array(z.object({ tag: z.string(), count: z.number().int() })),
});
export type RunbookSearchResult = z.infer<typeof RunbookSearchResult>;

export const RunbookVersion = z.object({
  version: z.number().int(),
  title: z.string(),
  savedAt: z.string(),
  savedBy: z.string(),
  bytes: z.number().int(),
});
export type RunbookVersion = z.infer<typeof RunbookVersion>;

/** One time someone followed a runbook: its checklist's state for that time. */
export const RunbookUse = z.object({
  id: z.string(),
  runbookId: RunbookId,
  /** The runbook version it was started on: its checklist is that version's (`runbooks.version` gives its text). */
  version: z.number().int(),
  /** What the user called it ("incident 4711"); defaults to the date. */
  label: z.string(),
  startedAt: z.string(),
  startedBy: z.string(),
  /** Checklist items ticked, by their order in the runbook (0-based). */
  checked: z.array(z.number().int()),
});
export type RunbookUse = z.infer<typeof RunbookUse>;

const ById = z.object({ id: RunbookId }).strict();
/** An absolute folder path the user typed or picked. */
const FolderPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'must not contain a NUL character');

export const RunbookTaskStarted = z.object({ taskId: z.string(), task: TaskSummary });

/** The runbooks area: a Markdown library in the data file, searchable offline, versioned on every save. */
export const runbooksContract = defineArea('runbooks', {
  methods: {
    /** Ranked full-text search with snippets, filtered by tags and resource. */
    'runbooks.search': method(RunbookSearchParams, RunbookSearchResult),
    'runbooks.get': method(ById, Runbook),
    /**
     * Saves a runbook from its whole file (front matter and body); a new one
     * when `id` is absent. Refused with the reason (VALIDATION) when the front
     * matter is not valid, and with CONFLICT when `baseVersion` is not the
     * current version (someone saved meanwhile). Every save is a version.
     */
    'runbooks.save': method(
      z
        .object({
          id: RunbookId.optional(),
          source: z.string().max(1_048_576),
          baseVersion: z.number().int().min(1).optional(),
        })
        .strict(),
      RunbookMeta,
    ),
    'runbooks.delete': method(ById, z.object({})),
    'runbooks.versions': method(ById, z.array(RunbookVersion)),
    'runbooks.version': method(z.object({ id: RunbookId, version: z.number().int().min(1) }).strict(), z.object({ source: z.string() })),
    /**
     * Imports every `.md` file under a folder, recursively, as a task. Files
     * are never read through a symbolic link or outside the folder. A file
     * imported from (or exported to) the same folder and path before gets a
     * new version only if it changed since; one changed in the app as well is
     * left as it is and listed in the report as a conflict.
     * `folder` absent: the native folder picker (desktop).
     */
    'runbooks.import': method(z.object({ folder: FolderPath.optional() }).strict(), RunbookTaskStarted),
    /** Writes every runbook (or the chosen ones) to a folder as `.md` files with front matter, as a task. */
    'runbooks.export': method(z.object({ folder: FolderPath, ids: z.array(RunbookId).max(100_000).optional() }).strict(), RunbookTaskStarted),
    /** Runbooks that name an object, its kind in general (`deployment/payments` names Deployment payments), or its namespace. */
    'runbooks.forResource': method(
      z.object({ kind: z.string().min(1).max(63), namespace: z.string().max(63).optional(), name: z.string().min(1).max(253) }).strict(),
      z.array(RunbookMeta),
    ),
    /** The times this runbook was followed, newest first. */
    'runbooks.uses': method(ById, z.array(RunbookUse)),
    'runbooks.startUse': method(z.object({ id: RunbookId, label: z.string().max(200).optional() }).strict(), RunbookUse),
    /** Ticks or unticks checklist item `item` (0-based) for one use. */
    'runbooks.check': method(z.object({ useId: z.string().max(64), item: z.number().int().min(0).max(10_000), checked: z.boolean() }).strict(), RunbookUse),
    /** Puts the starter runbooks that ship with the app into the library (those missing; none replaced). */
    'runbooks.addStarters': method(Empty, z.object({ added: z.number().int() })),
  },
  events: {
    /** Runbooks were saved, imported or deleted: lists refetch. */
    'runbooks.changed': z.object({ ids: z.array(RunbookId).max(1000).optional() }),
  },
});
