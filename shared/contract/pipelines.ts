import { z } from 'zod';
import { defineArea, Empty, method } from './area';
import { ObjectRef } from './kubeObjects';
import { KubeNamespace } from './kubeResources';
import { TaskSummary } from './tasks';

const ConnectionId = z.string().min(1).max(64);

/** The largest spec the library, the editor and the apiserver paths take: 5 MB of UTF-8. */
export const MAX_SPEC_BYTES = 5 * 1024 * 1024;

/** A spec's id, as the services name it. */
export const SpecId = z.string().regex(/^sp-[a-z0-9]{1,40}$/);

/** A spec's name in the library: also its file name on export (`<name>.yaml`), so path characters are refused. */
export const SpecName = z
  .string()
  .trim()
  .min(1, 'Give the spec a name')
  .max(120)
  .refine((n) => !/[/\\\0]/.test(n) && n !== '.' && n !== '..', 'A spec name may not contain "/", "\\" or NUL, nor be "." or ".."');

/** A spec's text. Its size in UTF-8 bytes is checked by the services (`FILE_TOO_LARGE` past {@link MAX_SPEC_BYTES}). */
const SpecText = z.string().max(MAX_SPEC_BYTES);

/** `apps/v1 Deployment`: a document's apiVersion and kind, as the library lists them. */
export const SpecKind = z.string().max(400);

/** What the library lists of a spec. */
export const SpecMeta = z.object({
  id: SpecId,
  name: z.string(),
  /** The connection it is applied to by default; absent until chosen. May name a connection since deleted. */
  connectionId: z.string().optional(),
  /** The namespace documents without one go to; absent: the connection's default. */
  namespace: z.string().optional(),
  /** The distinct kinds of its documents, in order of first appearance. */
  kinds: z.array(SpecKind),
  documents: z.number().int(),
  /** Each save is a version, numbered from 1. */
  version: z.number().int(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  /** Where it was imported from or exported to, relative to that folder. */
  path: z.string().optional(),
});
export type SpecMeta = z.infer<typeof SpecMeta>;

export const Spec = SpecMeta.extend({ text: z.string() });
export type Spec = z.infer<typeof Spec>;

/** A save's answer: the spec, and why its version could not be committed into the spec repository, when one is set and the commit failed (the version is saved all the same). */
export const SpecSaved = SpecMeta.extend({ gitProblem: z.string().optional() });
export type SpecSaved = z.infer<typeof SpecSaved>;

export const SpecVersion = z.object({
  version: z.number().int(),
  message: z.string(),
  savedAt: z.string(),
  savedBy: z.string(),
  bytes: z.number().int(),
  /** The commit that holds this version in the spec repository, when one is set. */
  gitCommit: z.string().optional(),
});
export type SpecVersion = z.infer<typeof SpecVersion>;

/** One apply of a spec, as its history shows it; the audit log holds the rest. */
export const SpecApply = z.object({
  version: z.number().int(),
  connectionId: z.string(),
  namespace: z.string().optional(),
  taskId: z.string(),
  actor: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** `interrupted`: the app stopped (a crash, a kill) while it ran; what it had applied is in the audit log. */
  outcome: z.enum(['running', 'applied', 'partial', 'failed', 'cancelled', 'interrupted']),
  applied: z.number().int(),
  failed: z.number().int(),
  notAttempted: z.number().int(),
});
export type SpecApply = z.infer<typeof SpecApply>;

/** A problem placed in the spec: 1-based line and column of the whole text (not of its document). */
export const SpecProblem = z.object({
  line: z.number().int().min(1),
  column: z.number().int().min(1).optional(),
  /** The field the server named (`spec.template.spec.containers[0].image`), when it named one. */
  field: z.string().optional(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});
export type SpecProblem = z.infer<typeof SpecProblem>;

/** A field another manager owns with another value: what an apply without force is refused for. */
export const FieldConflict = z.object({
  field: z.string(),
  /** The field manager that owns it (`kubectl-client-side-apply`, `kube-controller-manager`, `helm`). */
  manager: z.string(),
  message: z.string(),
});
export type FieldConflict = z.infer<typeof FieldConflict>;

/** One YAML document of a spec, as a dry run, a diff or an apply saw it. */
export const SpecDocumentRef = z.object({
  /** 0-based position among the spec's non-empty documents. */
  index: z.number().int().min(0),
  /** The line its text starts on. */
  line: z.number().int().min(1),
  apiVersion: z.string(),
  kind: z.string(),
  /** Absent for `generateName` objects until created. */
  name: z.string().optional(),
  namespace: z.string().optional(),
});
export type SpecDocumentRef = z.infer<typeof SpecDocumentRef>;

export const DryRunDocument = SpecDocumentRef.extend({
  /** What an apply would do: create it, change it, leave it as it is, or fail. */
  outcome: z.enum(['create', 'change', 'unchanged', 'error', 'conflict']),
  problems: z.array(SpecProblem),
  conflicts: z.array(FieldConflict),
});
export type DryRunDocument = z.infer<typeof DryRunDocument>;

export const DryRunResult = z.object({
  documents: z.array(DryRunDocument),
  /** Problems of the text itself (YAML syntax, a document without kind), before the server was asked; none asked while there are any. */
  problems: z.array(SpecProblem),
});
export type DryRunResult = z.infer<typeof DryRunResult>;

/**
 * One document's side-by-side: the live object and what it would be after
 * the apply (the server's dry-run answer), both as YAML with the fields the
 * server sets for itself left out (`managedFields`, `resourceVersion`, `uid`,
 * `creationTimestamp`, `generation`, `status`, kubectl's last-applied annotation).
 */
export const DiffDocument = SpecDocumentRef.extend({
  /** Absent when the object does not exist yet. */
  live: z.string().optional(),
  /** Absent when the dry run failed (`problems` say why). */
  after: z.string().optional(),
  problems: z.array(SpecProblem),
  conflicts: z.array(FieldConflict),
});
export type DiffDocument = z.infer<typeof DiffDocument>;

/** Where a spec is validated or applied. */
const Target = {
  connectionId: ConnectionId,
  /** For documents that name no namespace. */
  namespace: KubeNamespace.optional(),
};

/** An absolute folder or file path the user typed or picked. */
const HostPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'must not contain a NUL character');

/** A group/version/kind the editor wants a schema for. */
export const SchemaKind = z.object({ apiVersion: z.string().min(1).max(317), kind: z.string().min(1).max(253) }).strict();
export type SchemaKind = z.infer<typeof SchemaKind>;

/**
 * A JSON Schema (draft 7) for documents of the kinds asked: one `if`/`then`
 * branch per kind on `apiVersion` and `kind`, with the definitions they
 * reach. monaco-yaml validates, completes and documents from it.
 */
export const SpecSchema = z.object({
  schema: z.record(z.string(), z.unknown()),
  /** Where each kind's schema came from: the cluster now, the cache (as of `fetchedAt`), or the schemas bundled for core kinds. */
  kinds: z.array(
    SchemaKind.extend({
      source: z.enum(['cluster', 'cache', 'bundled', 'none']),
      fetchedAt: z.string().optional(),
      /** Why there is none: "the cluster serves no kind Workflow in argoproj.io/v1alpha1"; "offline, and never cached". */
      notice: z.string().optional(),
    }),
  ),
});
export type SpecSchema = z.infer<typeof SpecSchema>;

export const SpecTaskStarted = z.object({ taskId: z.string(), task: TaskSummary });
export type SpecTaskStarted = z.infer<typeof SpecTaskStarted>;

const ById = z.object({ id: SpecId }).strict();

/**
 * The pipelines area: a library of YAML specs versioned on every save, edited
 * with the cluster's own schema, dry-run and diffed against the live objects
 * by the server, and applied with server-side apply under Pilothouse's own
 * field manager.
 */
export const pipelinesContract = defineArea('pipelines', {
  methods: {
    'pipelines.specs': method(Empty, z.array(SpecMeta)),
    'pipelines.spec': method(ById, Spec),
    /**
     * Saves a spec (a new one when `id` is absent). The text must parse as
     * YAML within the shared guards; refused with VALIDATION and the line
     * otherwise, FILE_TOO_LARGE past 5 MB, CONFLICT when `baseVersion` is not
     * the current version, and CONFLICT when another spec has the name. A
     * save that changes nothing is not a version.
     */
    'pipelines.save': method(
      z
        .object({
          id: SpecId.optional(),
          name: SpecName,
          connectionId: ConnectionId.optional(),
          namespace: KubeNamespace.optional(),
          text: SpecText,
          message: z.string().max(2000).default(''),
          baseVersion: z.number().int().min(1).optional(),
        })
        .strict(),
      SpecSaved,
    ),
    'pipelines.delete': method(ById, z.object({})),
    'pipelines.versions': method(ById, z.array(SpecVersion)),
    'pipelines.version': method(z.object({ id: SpecId, version: z.number().int().min(1) }).strict(), z.object({ text: z.string() })),
    /** Saves an earlier version's text as the new current version ("Revert to v3"); nothing is applied. */
    'pipelines.revert': method(z.object({ id: SpecId, version: z.number().int().min(1), baseVersion: z.number().int().min(1) }).strict(), SpecSaved),
    /** The spec's applies, newest first. */
    'pipelines.applies': method(ById, z.array(SpecApply)),
    /**
     * Imports `.yaml`/`.yml` files (a folder, walked without following links,
     * or one file) as specs, as a task, in one transaction. A file imported
     * from the same place before gets a version only if it changed.
     * `path` absent: the native picker (desktop).
     */
    'pipelines.import': method(z.object({ path: HostPath.optional() }).strict(), SpecTaskStarted),
    /** Writes specs (every one, or those chosen) as `<name>.yaml` into a folder, as a task. */
    'pipelines.export': method(z.object({ folder: HostPath, ids: z.array(SpecId).max(100_000).optional() }).strict(), SpecTaskStarted),
    /** The git repository each saved version is committed into; absent: none. */
    'pipelines.gitRepository': method(Empty, z.object({ path: z.string().optional(), problem: z.string().optional() })),
    /** Sets (or, with no `path`, clears) the git repository; refused unless it is a work tree git can commit to. */
    'pipelines.setGitRepository': method(z.object({ path: HostPath.optional() }).strict(), z.object({ path: z.string().optional() })),

    /** A schema for the kinds a spec holds, from the connection's `/openapi/v3` (cached), else the bundled core schemas. */
    'pipelines.schema': method(z.object({ connectionId: ConnectionId.optional(), kinds: z.array(SchemaKind).max(200) }).strict(), SpecSchema),
    /** Forgets the connection's cached schemas and fetches them again. */
    'pipelines.refreshSchemas': method(z.object({ connectionId: ConnectionId }).strict(), z.object({ groupVersions: z.number().int(), fetched: z.number().int() })),

    /** Server-side dry run (`dryRun=All`) of every document with server-side apply, changing nothing; each problem placed on its line. */
    'pipelines.dryRun': method(z.object({ ...Target, text: SpecText }).strict(), DryRunResult),
    /** Each document's live object beside what the apply would make of it (the server's dry run). */
    'pipelines.diff': method(z.object({ ...Target, text: SpecText }).strict(), z.object({ documents: z.array(DiffDocument), problems: z.array(SpecProblem) })),
    /**
     * Server-side apply of every document in order, as a task, under the
     * field manager `pilothouse`, audited. `force` takes fields other managers
     * own (an explicit choice). On a production connection `confirmName` must
     * be the connection's name. A failure stops the apply; the report lists
     * what was applied, what failed and what was not attempted. With `specId`
     * the apply is recorded in the spec's history.
     */
    'pipelines.apply': method(
      z
        .object({
          ...Target,
          text: SpecText,
          force: z.boolean().default(false),
          confirmName: z.string().max(200).optional(),
          specId: SpecId.optional(),
          specVersion: z.number().int().min(1).optional(),
        })
        .strict(),
      SpecTaskStarted,
    ),
    /**
     * An object as YAML to edit (the inspector's Edit): server-set fields
     * left out, `resourceVersion` kept. Applied (`pipelines.apply`) as
     * `kubectl edit` does: a merge patch of what changed, preconditioned on
     * that resourceVersion, so it is refused (CONFLICT) if someone changed the
     * object since, and Pilothouse owns only the fields changed. Secrets are
     * refused (VALIDATION): their values would reach the window in clear.
     */
    'pipelines.editable': method(ObjectRef, z.object({ text: z.string() })),
  },
  events: {
    /** Specs were saved, imported, reverted, applied or deleted: lists refetch. */
    'pipelines.changed': z.object({ ids: z.array(SpecId).max(1000).optional() }),
  },
});
