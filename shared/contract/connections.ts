import { z } from 'zod';
import { defineArea, Empty, method } from './area';

/** Longest kubeconfig or AWS file accepted, in bytes (10 MiB). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/** A connection's display name: what people type and see in the switcher. */
export const ConnectionName = z
  .string()
  .trim()
  .min(1, 'A name is required')
  .max(120, 'Names are at most 120 characters')
  .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20), 'Names cannot contain control characters');

/** Label keys follow Kubernetes label syntax (optional prefix, then name). */
export const LabelKey = z
  .string()
  .max(253)
  .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'Label keys look like "env" or "team.example.com/owner"');
/** Label values follow Kubernetes label syntax (may be empty). */
export const LabelValue = z.string().max(63).regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, 'Label values are letters, digits, "-", "_" and "."');
/** Labels such as `env=prod`, used to group and guard connections. */
export const Labels = z.record(LabelKey, LabelValue).refine((l) => Object.keys(l).length <= 32, 'At most 32 labels');
export type Labels = z.infer<typeof Labels>;

/** What the last Test found. */
export const HealthStatus = z.enum(['unknown', 'ok', 'limited', 'unreachable', 'unauthorized', 'error']);
export type HealthStatus = z.infer<typeof HealthStatus>;

/** One "may I?" answer from the server (SelfSubjectAccessReview). */
export const PermissionCheck = z.object({
  verb: z.string(),
  resource: z.string(),
  group: z.string().optional(),
  namespace: z.string().optional(),
  allowed: z.boolean(),
});
export type PermissionCheck = z.infer<typeof PermissionCheck>;

/** Result of testing a connection. */
export const Health = z.object({
  status: HealthStatus,
  checkedAt: z.string().optional(),
  latencyMs: z.number().optional(),
  message: z.string().optional(),
  /** Kubernetes `/version` gitVersion, e.g. v1.34.4. */
  serverVersion: z.string().optional(),
  /** Who the server says we are: Kubernetes username or AWS ARN. */
  identity: z.string().optional(),
  permissions: z.array(PermissionCheck).optional(),
});
export type Health = z.infer<typeof Health>;

export const KubeAuthKind = z.enum(['client-certificate', 'token', 'token-file', 'exec', 'oidc', 'auth-provider', 'basic', 'none']);
export const AwsProfileKind = z.enum(['static', 'sso', 'assume-role', 'process', 'web-identity']);

/** Non-secret facts about a Kubernetes connection. */
export const KubeDetails = z.object({
  server: z.string(),
  contextName: z.string(),
  clusterName: z.string(),
  userName: z.string(),
  namespace: z.string().optional(),
  authKind: KubeAuthKind,
  execCommand: z.string().optional(),
});

/** Non-secret facts about an AWS connection. */
export const AwsDetails = z.object({
  profileKind: AwsProfileKind,
  profile: z.string().optional(),
  region: z.string(),
  /** Last four characters of a static access key id, for recognising it. */
  accessKeyHint: z.string().optional(),
  endpointUrl: z.string().optional(),
  settings: z.record(z.string(), z.string()),
});

/** A stored connection as the UI sees it: never a credential. */
export const ConnectionSummary = z.object({
  id: z.string(),
  kind: z.enum(['kubernetes', 'aws']),
  name: z.string(),
  labels: Labels,
  /** Where it came from: a file path the user chose, "pasted text", "typed keys". */
  source: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  health: Health,
  kube: KubeDetails.optional(),
  aws: AwsDetails.optional(),
});
export type ConnectionSummary = z.infer<typeof ConnectionSummary>;

/** Where kubeconfig text comes from. */
export const KubeconfigSource = z.discriminatedUnion('kind', [
  /** A file the user chose or typed. */
  z.object({ kind: z.literal('path'), path: z.string().min(1).max(4096) }),
  /** Pasted or uploaded text; relative file paths inside cannot be resolved. */
  z.object({ kind: z.literal('text'), text: z.string().max(MAX_IMPORT_BYTES * 4), fileName: z.string().max(255).optional() }),
  /** `~/.kube/config`. */
  z.object({ kind: z.literal('default') }),
  /** Every file in `$KUBECONFIG`, merged as kubectl does. */
  z.object({ kind: z.literal('env') }),
]);
export type KubeconfigSource = z.infer<typeof KubeconfigSource>;

/** A context found in a kubeconfig, offered for import. */
export const KubeContextPreview = KubeDetails.extend({
  source: z.string(),
  line: z.number().int(),
  suggestedName: z.string(),
  /** Set when a connection with `suggestedName` exists already. */
  existingConnectionId: z.string().optional(),
});
export type KubeContextPreview = z.infer<typeof KubeContextPreview>;

/** An entry that cannot be imported, and why. */
export const RejectedEntry = z.object({ name: z.string(), reason: z.string(), source: z.string(), line: z.number().int().optional() });
export type RejectedEntry = z.infer<typeof RejectedEntry>;

/** What to do when the chosen name is taken. */
export const OnConflict = z.enum(['fail', 'replace']);

export const KubeconfigPreview = z.object({
  sourceLabel: z.string(),
  contexts: z.array(KubeContextPreview),
  rejected: z.array(RejectedEntry),
  currentContext: z.string().optional(),
});
export type KubeconfigPreview = z.infer<typeof KubeconfigPreview>;

export const KubeImportSelection = z.object({ contextName: z.string(), name: ConnectionName, onConflict: OnConflict.default('fail') });

/** Where AWS profiles come from. */
export const AwsProfilesSource = z.discriminatedUnion('kind', [
  /** `~/.aws/config` and `~/.aws/credentials` (or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE). */
  z.object({ kind: z.literal('default') }),
  /** Pasted text of either or both files. */
  z.object({
    kind: z.literal('text'),
    config: z.string().max(MAX_IMPORT_BYTES * 4).optional(),
    credentials: z.string().max(MAX_IMPORT_BYTES * 4).optional(),
  }),
]);
export type AwsProfilesSource = z.infer<typeof AwsProfilesSource>;

export const AwsProfilePreview = z.object({
  profile: z.string(),
  profileKind: AwsProfileKind,
  region: z.string().optional(),
  settings: z.record(z.string(), z.string()),
  hasStaticKeys: z.boolean(),
  source: z.string(),
  line: z.number().int(),
  suggestedName: z.string(),
  existingConnectionId: z.string().optional(),
});
export type AwsProfilePreview = z.infer<typeof AwsProfilePreview>;

export const AwsProfilesPreview = z.object({ profiles: z.array(AwsProfilePreview), rejected: z.array(RejectedEntry) });
export type AwsProfilesPreview = z.infer<typeof AwsProfilesPreview>;

/** AWS region code such as eu-west-1. */
export const AwsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'Regions look like "us-east-1"');

export const AwsImportSelection = z.object({ profile: z.string(), name: ConnectionName, region: AwsRegion.optional(), onConflict: OnConflict.default('fail') });

/** Keys typed into the app. */
export const AwsKeysInput = z.object({
  name: ConnectionName,
  accessKeyId: z.string().trim().regex(/^[A-Z0-9]{16,128}$/, 'Access key ids are 16–128 upper-case letters and digits'),
  secretAccessKey: z.string().trim().min(16, 'The secret access key looks too short').max(256),
  sessionToken: z.string().trim().max(4096).optional(),
  region: AwsRegion,
  /** For S3-compatible or private endpoints; http(s) only. */
  endpointUrl: z.string().url().regex(/^https?:\/\//, 'Endpoints are http(s) URLs').optional(),
  onConflict: OnConflict.default('fail'),
});

const ImportResult = z.object({ imported: z.array(ConnectionSummary), rejected: z.array(RejectedEntry) });
const Id = z.object({ id: z.string().min(1).max(64) }).strict();

/** The connections area: stored kubeconfig contexts and cloud profiles. */
export const connectionsContract = defineArea('connections', {
  methods: {
    'connections.list': method(Empty, z.array(ConnectionSummary)),
    'connections.previewKubeconfig': method(z.object({ source: KubeconfigSource }).strict(), KubeconfigPreview),
    'connections.importKubeconfig': method(
      z.object({ source: KubeconfigSource, selections: z.array(KubeImportSelection).min(1).max(500) }).strict(),
      ImportResult,
    ),
    'connections.previewAwsProfiles': method(z.object({ source: AwsProfilesSource }).strict(), AwsProfilesPreview),
    'connections.importAwsProfiles': method(
      z.object({ source: AwsProfilesSource, selections: z.array(AwsImportSelection).min(1).max(500) }).strict(),
      ImportResult,
    ),
    'connections.addAwsKeys': method(AwsKeysInput.strict(), ConnectionSummary),
    'connections.rename': method(z.object({ id: z.string(), name: ConnectionName }).strict(), ConnectionSummary),
    'connections.setLabels': method(z.object({ id: z.string(), labels: Labels }).strict(), ConnectionSummary),
    'connections.delete': method(Id, z.object({ deleted: z.boolean() })),
    'connections.test': method(Id, Health),
    /** Desktop only: the native open dialog; returns the chosen path, if any. */
    'connections.chooseKubeconfigFile': method(Empty, z.object({ path: z.string().optional() })),
  },
  events: {
    'connections.changed': z.object({ ids: z.array(z.string()) }),
  },
});
