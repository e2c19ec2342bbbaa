import { z } from 'zod';
import { defineArea, Empty, method } from './area';
import { KubeNamespace } from './kubeResources';

const ConnectionId = z.string().min(1).max(64);
const RevisionNumber = z.number().int().min(1).max(2 ** 31 - 1);

/**
 * A release name as Helm accepts it (a DNS-1123 subdomain of at most 53
 * characters). It goes to `helm rollback` as an argument, so it can never
 * start with "-" and be read as a flag.
 */
export const HelmReleaseName = z
  .string()
  .min(1)
  .max(53)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'A release name is lower-case letters, digits, "-" and "."');

/** Longest name, status, chart or app version read from a release: a release record is cluster input, cut to this when longer. */
export const HELM_TEXT_MAX = 256;
/** Longest description of a revision, or reason a Secret could not be read (helm's own failure messages fit). */
export const HELM_DESCRIPTION_MAX = 2048;

/** One revision of a release, as `helm history` lists it, read from its release Secret. */
export const HelmRevision = z.object({
  name: z.string().max(HELM_TEXT_MAX),
  namespace: z.string().max(HELM_TEXT_MAX),
  revision: z.number().int(),
  /** deployed, superseded, failed, pending-upgrade, pending-rollback, uninstalling… */
  status: z.string().max(HELM_TEXT_MAX),
  /** `name-version` of the chart. */
  chart: z.string().max(HELM_TEXT_MAX),
  appVersion: z.string().max(HELM_TEXT_MAX),
  /** When this revision was deployed (ISO), when the release says. */
  updated: z.string().max(64).optional(),
  description: z.string().max(HELM_DESCRIPTION_MAX),
});
export type HelmRevision = z.infer<typeof HelmRevision>;

/** A release Secret that could not be read: listed with why, so one bad Secret does not hide the others. */
export const HelmUnreadable = z.object({
  namespace: z.string().max(HELM_TEXT_MAX),
  /** The Secret's name (`sh.helm.release.v1.<release>.v<revision>`). */
  secret: z.string().max(HELM_TEXT_MAX),
  /** The release and revision from the Secret's labels, when it has them. */
  name: z.string().max(HELM_TEXT_MAX).optional(),
  revision: z.number().int().optional(),
  error: z.string().max(HELM_DESCRIPTION_MAX),
});
export type HelmUnreadable = z.infer<typeof HelmUnreadable>;

/** Which connection, and optionally which namespace (all when absent). */
export const HelmReleasesParams = z.object({ connectionId: ConnectionId, namespace: KubeNamespace.optional() }).strict();

/** Every release's newest revision, as `helm list --all` shows them, and the release Secrets that could not be read. */
export const HelmReleases = z.object({
  /** By namespace, then name. */
  releases: z.array(HelmRevision),
  unreadable: z.array(HelmUnreadable),
});
export type HelmReleases = z.infer<typeof HelmReleases>;

/** One release. */
export const HelmReleaseRef = z.object({ connectionId: ConnectionId, namespace: KubeNamespace, name: HelmReleaseName }).strict();
export type HelmReleaseRef = z.infer<typeof HelmReleaseRef>;

/** A release's every kept revision, oldest first, as `helm history` lists them. */
export const HelmHistory = z.object({
  revisions: z.array(HelmRevision),
  unreadable: z.array(HelmUnreadable),
});
export type HelmHistory = z.infer<typeof HelmHistory>;

export const HelmManifestParams = HelmReleaseRef.extend({ revision: RevisionNumber }).strict();

/** Longest manifest sent to the UI; a longer one is cut and says so. */
export const HELM_MANIFEST_MAX = 4 * 1024 * 1024;

/** The manifest Helm rendered for one revision (what `helm get manifest --revision` prints), each Secret's values hidden (keys and sizes kept). */
export const HelmManifest = z.object({
  revision: z.number().int(),
  manifest: z.string().max(HELM_MANIFEST_MAX),
  /** The manifest was longer than {@link HELM_MANIFEST_MAX} and was cut there. */
  truncated: z.boolean(),
});
export type HelmManifest = z.infer<typeof HelmManifest>;

export const HelmRollbackParams = HelmReleaseRef.extend({
  /** The revision to roll back to. */
  revision: RevisionNumber,
  /** Only if the release's newest revision is still this one (an undo from the audit log checks it). */
  ifCurrentRevision: RevisionNumber.optional(),
}).strict();
export type HelmRollbackParams = z.infer<typeof HelmRollbackParams>;

/** A Helm rollback started as a task: its phases and helm's output are in the tray. */
export const HelmRollbackStarted = z.object({ taskId: z.string() });

/** Where the helm binary is and whether it runs. */
export const HelmTool = z.object({
  /** The path set by the user, when one is. */
  configuredPath: z.string().optional(),
  /** The binary that will run: the configured one, else the first `helm` on PATH. */
  path: z.string().optional(),
  /** `helm version --short`, when it ran. */
  version: z.string().optional(),
  /** Why there is no usable helm, for the disabled Roll back button. */
  problem: z.string().optional(),
});
export type HelmTool = z.infer<typeof HelmTool>;

/** An absolute path to the helm binary, or null to look on PATH again. */
export const HelmPathParams = z.object({ path: z.string().min(1).max(4096).nullable() }).strict();

/** The Helm area: releases read from their release Secrets, their history and manifests, and `helm rollback` as a task (#17). */
export const helmContract = defineArea('helm', {
  methods: {
    /** Every release's newest revision (owner=helm Secrets of type helm.sh/release.v1); unreadable Secrets are listed with why. */
    'helm.releases': method(HelmReleasesParams, HelmReleases),
    /** Every kept revision of one release, oldest first. */
    'helm.history': method(HelmReleaseRef, HelmHistory),
    /** The rendered manifest of one revision, Secret values hidden. */
    'helm.manifest': method(HelmManifestParams, HelmManifest),
    /** Where helm is, its version, or why it cannot run. */
    'helm.tool': method(Empty, HelmTool),
    /** Sets (or clears) the helm binary's path, kept in the data file; answers as `helm.tool` does. */
    'helm.setPath': method(HelmPathParams, HelmTool),
    /**
     * `helm rollback <release> <revision> --wait` as a task, with a kubeconfig holding only this connection, audited
     * (its undo rolls back to the revision that was current before); CONFLICT when the release changed meanwhile.
     */
    'helm.rollback': method(HelmRollbackParams, HelmRollbackStarted),
  },
});
