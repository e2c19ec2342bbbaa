import { z } from 'zod';
import { hiddenCharProblem } from '../hiddenChars';
import { megabytes } from '../sizeLimit';
import { defineArea, Empty, method } from './area';
import { TaskSummary } from './tasks';

/** Longest kubeconfig or AWS file accepted, in bytes (10 MiB). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/**
 * A connection's display name: what people type and see in the switcher and
 * the audit log. Control, text-direction and zero-width characters are
 * refused (see shared/hiddenChars.ts), so no name can pass for another.
 */
export const ConnectionName = z
  .string()
  .trim()
  .min(1, 'A name is required')
  .max(120, 'Names are at most 120 characters')
  .superRefine((name, ctx) => {
    const problem = hiddenCharProblem('Names', name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Label keys follow Kubernetes label syntax (optional prefix, then name). */
export const LabelKey = z
  .string()
  .max(253)
  .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'Label keys look like "env" or "team.example.com/owner"');
/** Label values follow Kubernetes label syntax (may be empty). */
export const LabelValue = z.string().max(63).regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, 'Label values are letters, digits, "-", "_" and "."');
/**
 * Labels such as `env=prod`, used to group and guard connections. Hidden
 * characters are named first, for the whole record: a key's own error would
 * say only "Invalid key in record", under a path that repeats the key.
 */
export const Labels = z
  .record(z.string(), z.string())
  .superRefine((labels, ctx) => {
    const problem = Object.entries(labels)
      .map(([key, value]) => hiddenCharProblem('Label keys', key) ?? hiddenCharProblem('Label values', value))
      .find(Boolean);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, continue: false });
  })
  .pipe(z.record(LabelKey, LabelValue))
  .refine((l) => Object.keys(l).length <= 32, 'At most 32 labels');
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

/**
 * What the open views saw of the server, newer than or older than the last
 * Test: whether it answers, since when it has not, and when it is asked again.
 */
export const LiveHealth = z.object({
  reachable: z.boolean(),
  /** When this was seen (ISO). */
  at: z.string(),
  /** Unreachable: the last time anything came from the server (ISO). */
  since: z.string().optional(),
  /** Unreachable: when the next try starts (ISO). */
  retryAt: z.string().optional(),
  message: z.string().optional(),
});
export type LiveHealth = z.infer<typeof LiveHealth>;

/** Result of testing a connection, and what open views have seen since. */
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
  /** Kubernetes: what the open tables see, not stored (see shared/connectionHealth.ts for how it combines with the Test). */
  live: LiveHealth.optional(),
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

/** How Pilothouse signs in to a Prometheus endpoint. */
export const PrometheusAuth = z.enum(['none', 'bearer', 'basic']);
export type PrometheusAuth = z.infer<typeof PrometheusAuth>;

/** Longest Prometheus URL accepted. */
const MAX_PROMETHEUS_URL = 2048;

/**
 * Why `text` is not a usable Prometheus base URL, or undefined when it is:
 * http(s) only, credentials go in the auth fields (a URL is shown, logged and
 * stored in clear), no query or fragment (the API paths and parameters are
 * appended to it).
 */
export function prometheusUrlProblem(text: string): string | undefined {
  const hidden = hiddenCharProblem('URLs', text);
  if (hidden) return hidden;
  // The URL parser drops tabs and newlines silently, and what it drops must not pass for what was typed.
  if (/\s/.test(text)) return 'URLs cannot contain spaces';
  // Checked on the text, not the parsed URL, which would take "http:host" for "http://host/".
  if (!/^https?:\/\//i.test(text)) return 'Prometheus URLs start with http:// or https://';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Type a full URL such as https://prometheus.example.com';
  }
  if (!url.hostname) return 'Type a full URL such as https://prometheus.example.com';
  if (url.username || url.password || /^[a-z]+:\/\/[^/]*@/i.test(text)) return 'Put the user name and password in the auth fields, not in the URL';
  if (text.includes('#')) return 'Prometheus URLs cannot have a #fragment';
  if (text.includes('?')) return 'Prometheus URLs cannot have a ?query: give the address Prometheus serves /api/v1 under';
  return undefined;
}

/** A Prometheus base URL, such as https://prometheus.example.com or http://10.0.0.5:9090/prometheus; see {@link prometheusUrlProblem}. */
export const PrometheusUrl = z
  .string()
  .trim()
  // Aborting: one message for an empty or overlong URL, and no parsing of a huge one.
  .min(1, { message: 'A URL is required', abort: true })
  .max(MAX_PROMETHEUS_URL, { message: `URLs are at most ${MAX_PROMETHEUS_URL} characters`, abort: true })
  .superRefine((url, ctx) => {
    const problem = prometheusUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Longest bearer token accepted (8 KiB): long OIDC tokens fit, and one header stays well under servers' limits. */
export const MAX_PROMETHEUS_TOKEN = 8192;

/** A bearer token: printable ASCII without spaces, so it cannot end or add a header. A pasted newline at either end is trimmed. */
export const PrometheusToken = z
  .string()
  .trim()
  .min(1, 'Type the token')
  .max(MAX_PROMETHEUS_TOKEN, `Tokens are at most ${MAX_PROMETHEUS_TOKEN.toLocaleString('en')} characters`)
  .regex(/^[\x21-\x7e]+$/, 'Tokens are printable ASCII characters without spaces or line breaks');

/** A basic-auth user name: no colon (it ends the user name in the header) and no control characters. */
export const PrometheusUsername = z
  .string()
  .trim()
  .min(1, 'Type the user name')
  .max(256, 'User names are at most 256 characters')
  .regex(/^[^:\p{Cc}]+$/u, 'User names cannot contain ":" or control characters such as line breaks');

/** A basic-auth password, sent as typed: no control characters such as line breaks. */
export const PrometheusPassword = z
  .string()
  .min(1, 'Type the password')
  .max(1024, 'Passwords are at most 1,024 characters')
  .regex(/^\P{Cc}+$/u, 'Passwords cannot contain control characters such as line breaks');

/** Non-secret facts about a Prometheus connection. */
export const PrometheusDetails = z.object({
  /** Base URL, normalised (the path Prometheus serves `/api/v1` under). */
  url: z.string(),
  auth: PrometheusAuth,
  /** Basic auth: the user name (the password is sealed). */
  username: z.string().optional(),
  /** The Kubernetes connection whose cluster this Prometheus watches. */
  clusterConnectionId: z.string().optional(),
});
export type PrometheusDetails = z.infer<typeof PrometheusDetails>;

/** A stored connection as the UI sees it: never a credential. */
export const ConnectionSummary = z.object({
  id: z.string(),
  kind: z.enum(['kubernetes', 'aws', 'prometheus']),
  name: z.string(),
  labels: Labels,
  /** Where it came from: a file path the user chose, "pasted text", "typed keys". */
  source: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  health: Health,
  kube: KubeDetails.optional(),
  aws: AwsDetails.optional(),
  prometheus: PrometheusDetails.optional(),
});
export type ConnectionSummary = z.infer<typeof ConnectionSummary>;

/** Base64 characters that encode {@link MAX_IMPORT_BYTES}. */
const MAX_UPLOAD_BASE64 = Math.ceil(MAX_IMPORT_BYTES / 3) * 4;

/**
 * Where kubeconfig text comes from. Pasted and uploaded text is not the
 * user's own kubeconfig file: contexts from it that run a command or read
 * local files are imported only when the selection confirms it.
 */
export const KubeconfigSource = z.discriminatedUnion('kind', [
  /** A file the user chose or typed. */
  z.object({ kind: z.literal('path'), path: z.string().min(1).max(4096) }),
  /** Pasted text; relative file paths inside cannot be resolved. */
  z.object({ kind: z.literal('text'), text: z.string().max(MAX_IMPORT_BYTES * 4) }),
  /**
   * A file uploaded from the browser, as its bytes (base64), so the services
   * decode and check it exactly as a file read from a path. The file name is
   * the browser's, sanitised by the services before it labels anything.
   */
  z.object({
    kind: z.literal('upload'),
    fileName: z.string().max(1024),
    data: z.string().max(MAX_UPLOAD_BASE64, `Uploads are at most ${megabytes(MAX_IMPORT_BYTES)}`),
  }),
  /** `~/.kube/config`. */
  z.object({ kind: z.literal('default') }),
  /** Every file in `$KUBECONFIG`, merged as kubectl does. */
  z.object({ kind: z.literal('env') }),
]);
export type KubeconfigSource = z.infer<typeof KubeconfigSource>;

/** A command a context runs on this computer to get its credentials. */
export const KubeCommand = z.object({
  /** What runs it: `exec`, or `auth-provider.config.cmd-path` (gcp, azure: through the shell). */
  field: z.string(),
  /** As it will run: resolved against the kubeconfig's directory, or a bare name looked up on PATH. */
  command: z.string(),
  args: z.array(z.string()),
  /** Its environment: names only (values may be secret), but the variables that decide what runs or loads it (PATH, LD_PRELOAD, NODE_OPTIONS…) as NAME=value. */
  envNames: z.array(z.string()),
});
export type KubeCommand = z.infer<typeof KubeCommand>;

/** A local file a context reads; certificates, keys and token files are sent to its server. */
export const KubeLocalFile = z.object({ field: z.string(), path: z.string() });
export type KubeLocalFile = z.infer<typeof KubeLocalFile>;

/** A setting that changes where a context's traffic goes or who it acts as (proxy-url, as, auth-provider…). */
export const KubeSetting = z.object({ field: z.string(), value: z.string() });
export type KubeSetting = z.infer<typeof KubeSetting>;

/** A context found in a kubeconfig, offered for import. */
export const KubeContextPreview = KubeDetails.extend({
  source: z.string(),
  line: z.number().int(),
  suggestedName: z.string(),
  /** Set when a connection with `suggestedName` exists already. */
  existingConnectionId: z.string().optional(),
  /** What Test (and every later use) runs on this computer. */
  commands: z.array(KubeCommand),
  /** Every local path the context reads. */
  localFiles: z.array(KubeLocalFile),
  /** proxy-url, tls-server-name, insecure-skip-tls-verify, impersonation and auth-provider; credentials in URLs shown as `***`. */
  settings: z.array(KubeSetting),
  /**
   * The context came from pasted or uploaded text and runs a command or reads
   * local files: its selection must set `allowLocalAccess`, or the import is refused.
   */
  confirmRequired: z.boolean(),
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

export const KubeImportSelection = z.object({
  contextName: z.string(),
  name: ConnectionName,
  onConflict: OnConflict.default('fail'),
  /** The user confirmed the commands and local files the preview listed for this context (see `confirmRequired`). */
  allowLocalAccess: z.boolean().optional(),
});

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

const ConnectionId = z.string().min(1).max(64);

/**
 * A Prometheus endpoint's fields, as typed when adding or editing one. The
 * token (bearer) or password (basic) may be left out when editing: the stored
 * one is kept.
 */
const PrometheusFields = z.object({
  url: PrometheusUrl,
  auth: PrometheusAuth,
  /** Basic auth only. */
  username: PrometheusUsername.optional(),
  /** Bearer auth only; sealed, never shown again. */
  token: PrometheusToken.optional(),
  /** Basic auth only; sealed, never shown again. */
  password: PrometheusPassword.optional(),
  /** The Kubernetes connection whose cluster it watches; must exist and be Kubernetes. */
  clusterConnectionId: ConnectionId.optional(),
});

/** Fields that belong to another kind of auth than the one chosen: refused rather than silently stored or dropped. */
function checkPrometheusAuth(input: z.output<typeof PrometheusFields>, ctx: z.RefinementCtx, { secretRequired }: { secretRequired: boolean }): void {
  const stray = (field: 'username' | 'token' | 'password', why: string) => {
    if (input[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: why });
  };
  if (input.auth !== 'basic') {
    stray('username', 'A user name is only used with basic auth');
    stray('password', 'A password is only used with basic auth');
  }
  if (input.auth !== 'bearer') stray('token', 'A token is only used with bearer auth');
  if (input.auth === 'basic' && input.username === undefined) ctx.addIssue({ code: 'custom', path: ['username'], message: 'Type the user name' });
  if (secretRequired && input.auth === 'basic' && input.password === undefined) ctx.addIssue({ code: 'custom', path: ['password'], message: 'Type the password' });
  if (secretRequired && input.auth === 'bearer' && input.token === undefined) ctx.addIssue({ code: 'custom', path: ['token'], message: 'Type the token' });
}

/** A Prometheus endpoint typed into the app. */
export const PrometheusInput = PrometheusFields.extend({ name: ConnectionName, onConflict: OnConflict.default('fail') })
  .strict()
  .superRefine((input, ctx) => checkPrometheusAuth(input, ctx, { secretRequired: true }));
export type PrometheusInput = z.input<typeof PrometheusInput>;

/**
 * A stored Prometheus endpoint's new URL, auth and link. A token or password
 * left out keeps the stored one, unless the auth kind changes or the URL moves
 * to another server (scheme, host or port): then it must be typed again, so a
 * credential is never sent where it was not typed for.
 */
export const PrometheusEdit = PrometheusFields.extend({ id: ConnectionId })
  .strict()
  .superRefine((input, ctx) => checkPrometheusAuth(input, ctx, { secretRequired: false }));
export type PrometheusEdit = z.input<typeof PrometheusEdit>;

/**
 * Most contexts or profiles one import takes. Far above any real kubeconfig
 * (a 10 MiB file holds about 5,000 contexts with their certificates), and it
 * keeps one import's request, task and transaction bounded.
 */
export const MAX_IMPORT_SELECTIONS = 10_000;

/** The task an import runs as: the UI follows it (and so does the tray) until it ends. */
export const ImportStarted = z.object({ taskId: z.string(), task: TaskSummary });
export type ImportStarted = z.infer<typeof ImportStarted>;

/**
 * The `result` of a succeeded import task: connections saved (those that
 * replaced an existing one's credentials included), and entries of the files
 * that could not be imported (the task's report names them with the reason).
 */
export const ImportTaskResult = z.object({ imported: z.number().int(), replaced: z.number().int(), rejected: z.number().int() });
export type ImportTaskResult = z.infer<typeof ImportTaskResult>;

const tooMany = (what: string) =>
  `At most ${MAX_IMPORT_SELECTIONS.toLocaleString('en')} ${what} can be imported at once; untick some and import the rest in a second pass`;
const Id = z.object({ id: z.string().min(1).max(64) }).strict();

/** The connections area: stored kubeconfig contexts, cloud profiles and Prometheus endpoints. */
export const connectionsContract = defineArea('connections', {
  methods: {
    'connections.list': method(Empty, z.array(ConnectionSummary)),
    'connections.previewKubeconfig': method(z.object({ source: KubeconfigSource }).strict(), KubeconfigPreview),
    /**
     * Starts importing the chosen contexts as a task (read, check, seal,
     * save): cancellable until it saves, all saved in one transaction or none.
     * Refused at once when two selections share a name or a name is taken
     * and replacing was not chosen.
     */
    'connections.importKubeconfig': method(
      z.object({ source: KubeconfigSource, selections: z.array(KubeImportSelection).min(1).max(MAX_IMPORT_SELECTIONS, tooMany('contexts')) }).strict(),
      ImportStarted,
    ),
    'connections.previewAwsProfiles': method(z.object({ source: AwsProfilesSource }).strict(), AwsProfilesPreview),
    /** Starts importing the chosen profiles as a task, as `connections.importKubeconfig` does. */
    'connections.importAwsProfiles': method(
      z.object({ source: AwsProfilesSource, selections: z.array(AwsImportSelection).min(1).max(MAX_IMPORT_SELECTIONS, tooMany('profiles')) }).strict(),
      ImportStarted,
    ),
    'connections.addAwsKeys': method(AwsKeysInput.strict(), ConnectionSummary),
    /** Adds a Prometheus endpoint; its token or password is sealed and never returned. */
    'connections.addPrometheus': method(PrometheusInput, ConnectionSummary),
    /** Changes a Prometheus endpoint's URL, auth and linked cluster; see {@link PrometheusEdit} for when the secret is kept. */
    'connections.editPrometheus': method(PrometheusEdit, ConnectionSummary),
    'connections.rename': method(z.object({ id: z.string(), name: ConnectionName }).strict(), ConnectionSummary),
    'connections.setLabels': method(z.object({ id: z.string(), labels: Labels }).strict(), ConnectionSummary),
    'connections.delete': method(Id, z.object({ deleted: z.boolean() })),
    'connections.test': method(Id, Health),
    /** Desktop only: the native open dialog; returns the chosen path, if any. */
    'connections.chooseKubeconfigFile': method(Empty, z.object({ path: z.string().optional() })),
  },
  events: {
    /** `healthOnly`: only what the open views see of the servers changed (see LiveHealth), not the connections themselves. */
    'connections.changed': z.object({ ids: z.array(z.string()), healthOnly: z.boolean().optional() }),
  },
});
