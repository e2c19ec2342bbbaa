import path from 'node:path';
import { isMap, isScalar, isSeq, stringify, type Node } from 'yaml';
import { MAX_IMPORT_BYTES, type KubeCommand, type KubeLocalFile, type KubeSetting } from '../../../shared/contract/connections';
import { isBase64 } from './base64';
import { AppError } from '../../../shared/result';
import { fieldPath, parseSafeYaml, scalarText, type SafeYamlDocument, type YamlMapping } from '../yaml/safeYaml';

/** Kubeconfig text and where it came from. */
export interface KubeconfigText {
  /** The file path as the user knows it (e.g. `~/.kube/config`), or "pasted text". */
  label: string;
  text: string;
  /** Directory that relative paths inside resolve against, as kubectl does; absent for pasted text. */
  dir?: string;
}

/**
 * How a context's user authenticates.
 *
 * `none` means the user entry carries no credentials at all. That is only
 * accepted when the cluster's server is plain `http://` (a `kubectl proxy`,
 * a port-forward or an authenticating proxy in front of the API server):
 * an `https://` API server rejects anonymous requests in practice, so such a
 * context is rejected with a "has no credentials" reason instead.
 */
export type KubeAuthKind = 'client-certificate' | 'token' | 'token-file' | 'exec' | 'oidc' | 'auth-provider' | 'basic' | 'none';

/** One importable context, with everything needed to connect. */
export interface ParsedContext {
  contextName: string;
  clusterName: string;
  userName: string;
  namespace?: string;
  server: string;
  authKind: KubeAuthKind;
  /** The exec plugin's command name only (no directory), for display. */
  execCommand?: string;
  /** Commands the context runs for credentials (exec plugin, gcp/azure cmd-path), in full. */
  commands: KubeCommand[];
  /** Every local path it reads (certificate authority, client certificate and key, token files), resolved. */
  localFiles: KubeLocalFile[];
  /** Settings that change where its traffic goes or who it acts as, cluster's first; credentials in URLs masked. */
  settings: KubeSetting[];
  /** {@link KubeconfigText.label} of the file defining the context. */
  source: string;
  /** Line of the context entry. */
  line: number;
  /**
   * A complete single-context kubeconfig (YAML text) with current-context set,
   * that @kubernetes/client-node's `KubeConfig.loadFromString` accepts and
   * that works like kubectl would: relative paths (certificate-authority,
   * client-certificate, client-key, tokenFile, an exec command containing a
   * path separator) are resolved against `source.dir`; inline `*-data` stays
   * inline. A `tokenFile` is also written as `token-file`, the key
   * client-node reads (once, at load time). Extensions are dropped.
   * This whole string is treated as a secret by callers.
   */
  kubeconfig: string;
}

/** A context that cannot be imported, and why. */
export interface RejectedContext {
  contextName: string;
  /** Names the file, line and the missing or broken piece; never a secret value. */
  reason: string;
  source: string;
  line?: number;
}

/** What a kubeconfig (or a `KUBECONFIG` list of them) offers for import. */
export interface KubeconfigParseResult {
  contexts: ParsedContext[];
  rejected: RejectedContext[];
  /** `current-context` as written, whether or not that context imports. */
  currentContext?: string;
}

const NO_CREDENTIALS = 'has no credentials (expected token, client-certificate, exec, auth-provider or username/password)';

/**
 * Parses one kubeconfig into importable and rejected contexts.
 *
 * Whole-file problems throw AppError: a file over the size limit
 * (`FILE_TOO_LARGE`), malformed or hostile YAML (`YAML_INVALID`; see
 * ../yaml/safeYaml.ts for the limits), a wrong shape
 * such as `clusters` not being a list, a value of the wrong type, an entry
 * without a name, or a cluster without an http(s) `server`
 * (`KUBECONFIG_INVALID`, naming the field path and line). Problems that only
 * affect some contexts (a missing or duplicated cluster/user, a user that
 * can't authenticate as written) reject those contexts and keep the rest.
 * An empty file yields no contexts.
 */
export function parseKubeconfig(source: KubeconfigText): KubeconfigParseResult {
  return parseKubeconfigSources([source]);
}

/**
 * Parses the files of a `KUBECONFIG` list and merges them with kubectl's
 * rules: the first file to define a cluster, user or context name wins (later
 * definitions of a context are reported as rejected); `current-context` comes
 * from the first file that sets it. Contexts may use clusters and users from
 * other files; relative paths resolve against the directory of the file that
 * holds them. Any file with a whole-file problem fails the lot, as with kubectl.
 *
 * @throws AppError as {@link parseKubeconfig}.
 */
export function parseKubeconfigSources(sources: KubeconfigText[]): KubeconfigParseResult {
  const files = sources.map((s, i) => readFile(s, i));
  const clusters = firstByName(files.flatMap((f) => f.clusters));
  const users = firstByName(files.flatMap((f) => f.users));
  const seen = new Map<string, ContextEntry>();
  const result: KubeconfigParseResult = { contexts: [], rejected: [] };
  const currentContext = files.find((f) => f.currentContext)?.currentContext;
  if (currentContext) result.currentContext = currentContext;

  for (const ctx of files.flatMap((f) => f.contexts)) {
    const first = seen.get(ctx.name);
    if (first) {
      const where = first.file === ctx.file ? `first at line ${first.line}` : `first in ${first.label} line ${first.line}`;
      reject(result, ctx, `${at(ctx)}: context "${ctx.name}" is defined again (${where}); the first one takes precedence`);
      continue;
    }
    seen.set(ctx.name, ctx);
    const outcome = resolveContext(ctx, clusters, users, sources.length);
    if (typeof outcome === 'string') reject(result, ctx, outcome);
    else result.contexts.push(outcome);
  }
  return result;
}

// ---------------------------------------------------------------------------
// Merge and per-context resolution

interface Entry {
  name: string;
  line: number;
  /** Index of the file in the KUBECONFIG list. */
  file: number;
  label: string;
}

/** What an entry makes the context run, read and change, for the preview. */
interface Reach {
  commands: KubeCommand[];
  localFiles: KubeLocalFile[];
  settings: KubeSetting[];
}

interface ClusterEntry extends Entry, Reach {
  server: string;
  cluster: Record<string, unknown>;
  problems: string[];
}

interface UserEntry extends Entry, Reach {
  user: Record<string, unknown>;
  /** Undefined when the entry carries no credentials at all. */
  authKind?: Exclude<KubeAuthKind, 'none'>;
  execCommand?: string;
  problems: string[];
}

interface ContextEntry extends Entry {
  cluster?: string;
  user?: string;
  namespace?: string;
}

interface FileModel {
  clusters: ClusterEntry[];
  users: UserEntry[];
  contexts: ContextEntry[];
  currentContext?: string;
}

/** First definition of each name wins; a second one in the same file makes the name ambiguous. */
interface Winner<T> {
  entry: T;
  duplicateLine?: number;
}

function firstByName<T extends Entry>(entries: T[]): Map<string, Winner<T>> {
  const out = new Map<string, Winner<T>>();
  for (const entry of entries) {
    const winner = out.get(entry.name);
    if (!winner) out.set(entry.name, { entry });
    // Across files the earlier file silently wins (kubectl); within one file we
    // can't tell which was meant, and guessing could connect to the wrong cluster.
    else if (winner.entry.file === entry.file && winner.duplicateLine === undefined) winner.duplicateLine = entry.line;
  }
  return out;
}

function at(entry: Entry): string {
  return `${entry.label} line ${entry.line}`;
}

function reject(result: KubeconfigParseResult, ctx: ContextEntry, reason: string): void {
  result.rejected.push({ contextName: ctx.name, reason, source: ctx.label, line: ctx.line });
}

function resolveContext(
  ctx: ContextEntry,
  clusters: Map<string, Winner<ClusterEntry>>,
  users: Map<string, Winner<UserEntry>>,
  fileCount: number,
): ParsedContext | string {
  // What is wrong with the context entry itself, then with what it refers to.
  const own: string[] = [];
  const problems: string[] = [];
  const where = fileCount > 1 ? ' in any of the files' : '';
  const lookup = <T extends Entry>(kind: string, name: string | undefined, table: Map<string, Winner<T>>): T | undefined => {
    if (!name) {
      own.push(`doesn't name a ${kind}`);
      return undefined;
    }
    const winner = table.get(name);
    if (!winner) {
      own.push(`refers to ${kind} "${name}", which isn't defined${where}`);
      return undefined;
    }
    if (winner.duplicateLine !== undefined) {
      problems.push(
        `${winner.entry.label}: ${kind} "${name}" is defined twice (lines ${winner.entry.line} and ${winner.duplicateLine}), so context "${ctx.name}" is ambiguous; rename one`,
      );
      return undefined;
    }
    return winner.entry;
  };
  const cluster = lookup('cluster', ctx.cluster, clusters);
  const user = lookup('user', ctx.user, users);
  // The value isn't echoed: pasted text may hold anything there.
  if (ctx.namespace !== undefined && !isDnsLabel(ctx.namespace)) {
    own.push('has a namespace that isn\'t a valid namespace name (lower-case letters, digits and "-", at most 63)');
  }
  if (own.length) problems.unshift(`${at(ctx)}: context "${ctx.name}" ${own.join(' and ')}`);
  if (cluster && cluster.problems.length) problems.push(`${at(cluster)}: cluster "${cluster.name}" ${cluster.problems.join('; ')}`);
  if (user && user.problems.length) problems.push(`${at(user)}: user "${user.name}" ${user.problems.join('; ')}`);
  if (!cluster || !user || problems.length) return problems.join('; ');

  const authKind = user.authKind ?? (cluster.server.startsWith('http://') ? 'none' : undefined);
  if (!authKind) return `${at(user)}: user "${user.name}" ${NO_CREDENTIALS}`;

  const context: Record<string, string> = { cluster: cluster.name, user: user.name };
  if (ctx.namespace !== undefined) context.namespace = ctx.namespace;
  const parsed: Omit<ParsedContext, 'kubeconfig'> = {
    contextName: ctx.name,
    clusterName: cluster.name,
    userName: user.name,
    ...(ctx.namespace !== undefined ? { namespace: ctx.namespace } : {}),
    server: cluster.server,
    authKind,
    ...(user.execCommand ? { execCommand: user.execCommand } : {}),
    commands: [...cluster.commands, ...user.commands],
    localFiles: [...cluster.localFiles, ...user.localFiles],
    settings: [...cluster.settings, ...user.settings],
    source: ctx.label,
    line: ctx.line,
  };
  // Built when first read (an import reads the chosen few): writing it costs as much as parsing the file,
  // and a preview of thousands of contexts reads none. Enumerable, so a worker's reply still carries it.
  let kubeconfig: string | undefined;
  return Object.defineProperty(parsed as ParsedContext, 'kubeconfig', {
    enumerable: true,
    get: () =>
      (kubeconfig ??= stringify(
        {
          apiVersion: 'v1',
          kind: 'Config',
          'current-context': ctx.name,
          clusters: [{ name: cluster.name, cluster: cluster.cluster }],
          users: [{ name: user.name, user: user.user }],
          contexts: [{ name: ctx.name, context }],
        },
        // YAML 1.1 quoting keeps strings such as "yes" or "0777" strings for
        // kubectl (go-yaml) and client-node (js-yaml) alike.
        { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false },
      )),
  });
}

function isDnsLabel(s: string): boolean {
  return s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

// ---------------------------------------------------------------------------
// Reading one file

/** What the readers need: the parsed document with positions, and where relative paths resolve. */
interface Ctx {
  doc: SafeYamlDocument;
  label: string;
  dir?: string;
  file: number;
}

function readFile(source: KubeconfigText, file: number): FileModel {
  const { label, text } = source;
  const doc = parseSafeYaml(text, { label, expected: 'a kubeconfig', maxBytes: MAX_IMPORT_BYTES, invalidCode: 'KUBECONFIG_INVALID' });
  const ctx: Ctx = { doc, label, file };
  if (source.dir !== undefined) ctx.dir = source.dir;

  const model: FileModel = { clusters: [], users: [], contexts: [] };
  const root = doc.root;
  if (root === undefined) return model;
  if (!isMap(root)) {
    throw new AppError('KUBECONFIG_INVALID', `${label} isn't a kubeconfig: expected a mapping with clusters, users and contexts`, { file: label, line: doc.lineOf(root) });
  }
  const top = doc.mapping(root, '') as YamlMapping;
  const kind = str(ctx, top, 'kind');
  // Neither value is echoed: a wrong file may hold anything there.
  if (kind !== undefined && kind !== 'Config') {
    ctx.doc.fail(ctx.doc.get(top, 'kind'), 'kind', `isn't "Config"; this isn't a kubeconfig`);
  }
  const apiVersion = str(ctx, top, 'apiVersion');
  if (apiVersion !== undefined && apiVersion !== 'v1') {
    ctx.doc.fail(ctx.doc.get(top, 'apiVersion'), 'apiVersion', `isn't v1; kubeconfigs are apiVersion v1`);
  }
  const current = str(ctx, top, 'current-context');
  if (current !== undefined) model.currentContext = current;
  model.clusters = list(ctx, top, 'clusters').map((n, i) => readCluster(ctx, n, `clusters[${i}]`));
  model.users = list(ctx, top, 'users').map((n, i) => readUser(ctx, n, `users[${i}]`));
  model.contexts = list(ctx, top, 'contexts').map((n, i) => readContext(ctx, n, `contexts[${i}]`));
  return model;
}

/** Reads `name` and the mapping under `section` of one list entry. */
function readEntry(ctx: Ctx, node: Node, field: string, section: string): { entry: Entry; body?: YamlMapping } {
  const item = ctx.doc.mapping(node, field);
  if (!item) ctx.doc.fail(node, field, `must be a mapping with name and ${section}`);
  const name = str(ctx, item, 'name');
  if (name === undefined) ctx.doc.fail(node, `${field}.name`, 'is missing');
  const entry: Entry = { name, line: ctx.doc.lineOf(node), file: ctx.file, label: ctx.label };
  const body = ctx.doc.mapping(ctx.doc.get(item, section), `${field}.${section}`);
  return body ? { entry, body } : { entry };
}

function readCluster(ctx: Ctx, node: Node, field: string): ClusterEntry {
  const { entry, body } = readEntry(ctx, node, field, 'cluster');
  const server = body && str(ctx, body, 'server');
  if (!body || server === undefined) {
    ctx.doc.fail(body ? body.node : node, `${field}.cluster.server`, `is missing: cluster "${entry.name}" needs the API server's URL`);
  }
  const url = URL.canParse(server) ? new URL(server) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    // The value isn't echoed: a URL may carry user:password.
    ctx.doc.fail(ctx.doc.get(body, 'server'), `${field}.cluster.server`, `of cluster "${entry.name}" must be an https:// (or http://) URL`);
  }

  const cluster: Record<string, unknown> = { server };
  const problems: string[] = [];
  // Refused rather than sealed: the server URL is shown in the preview and the
  // connection list, stored in the clear with the connection's details and
  // repeated in Test's messages. A user entry holds the same credentials sealed.
  if (url.username || url.password) {
    problems.push(
      "has a user name or password in its server URL; Pilothouse doesn't keep credentials there: move them to the context's user entry (token or username/password) and give the server as https://host:port",
    );
  }
  const ca = resolvedPath(ctx, body, 'certificate-authority', problems);
  const caData = base64Str(ctx, body, 'certificate-authority-data', `cluster "${entry.name}"`);
  if (ca !== undefined && caData !== undefined) {
    problems.push('sets both certificate-authority and certificate-authority-data; kubectl refuses that, so keep one');
  }
  const insecure = bool(ctx, body, 'insecure-skip-tls-verify');
  const tlsServerName = str(ctx, body, 'tls-server-name');
  const proxyUrl = str(ctx, body, 'proxy-url');
  setDefined(cluster, {
    'certificate-authority': ca,
    'certificate-authority-data': caData,
    'insecure-skip-tls-verify': insecure,
    'tls-server-name': tlsServerName,
    'proxy-url': proxyUrl,
    'disable-compression': bool(ctx, body, 'disable-compression'),
  });
  const reach: Reach = { commands: [], localFiles: [], settings: [] };
  if (ca !== undefined) reach.localFiles.push({ field: 'certificate-authority', path: ca });
  if (proxyUrl !== undefined) reach.settings.push({ field: 'proxy-url', value: withoutUserinfo(proxyUrl) });
  if (tlsServerName !== undefined) reach.settings.push({ field: 'tls-server-name', value: tlsServerName });
  if (insecure) reach.settings.push({ field: 'insecure-skip-tls-verify', value: 'true' });
  return { ...entry, server, cluster, problems, ...reach };
}

/** A URL with any user name and password shown as `***`, for display: as a URL parser reads it, whatever its slashes. */
export function withoutUserinfo(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    // Not a URL a client would use; hide everything up to an @ all the same.
    return url.includes('@') ? `***@${url.slice(url.lastIndexOf('@') + 1)}` : url;
  }
}

/** Environment variables that decide which program runs, or what it loads. */
const EXECUTION_ENV = /^(PATH|LD_\w+|DYLD_\w+|NODE_OPTIONS|NODE_PATH|PYTHON\w*|PERL5?LIB|PERL5OPT|RUBYLIB|RUBYOPT|BASH_ENV|ENV|\w+_PATH)$/i;

function readUser(ctx: Ctx, node: Node, field: string): UserEntry {
  const { entry, body } = readEntry(ctx, node, field, 'user');
  const result: UserEntry = { ...entry, user: {}, problems: [], commands: [], localFiles: [], settings: [] };
  if (!body) return result;
  const { problems } = result;

  const owner = `user "${entry.name}"`;
  const certFile = resolvedPath(ctx, body, 'client-certificate', problems);
  const certData = base64Str(ctx, body, 'client-certificate-data', owner);
  const keyFile = resolvedPath(ctx, body, 'client-key', problems);
  const keyData = base64Str(ctx, body, 'client-key-data', owner);
  const token = str(ctx, body, 'token');
  const tokenFile = resolvedPath(ctx, body, 'tokenFile', problems);
  const username = str(ctx, body, 'username');
  const password = str(ctx, body, 'password');
  const impersonate = str(ctx, body, 'as');
  const asUid = str(ctx, body, 'as-uid');
  const groups = strList(ctx, body, 'as-groups');
  const extra = readUserExtra(ctx, body);
  const authProvider = readAuthProvider(ctx, body, problems);
  const exec = readExec(ctx, body, problems);

  const hasCert = certFile !== undefined || certData !== undefined;
  const hasKey = keyFile !== undefined || keyData !== undefined;
  if (certFile !== undefined && certData !== undefined) problems.push('sets both client-certificate and client-certificate-data; keep one');
  if (keyFile !== undefined && keyData !== undefined) problems.push('sets both client-key and client-key-data; keep one');
  if (hasCert && !hasKey) problems.push('has a client-certificate but no client-key (or client-key-data)');
  if (hasKey && !hasCert) problems.push('has a client-key but no client-certificate (or client-certificate-data)');
  const hasBasic = username !== undefined || password !== undefined;
  if (hasBasic && (username === undefined || password === undefined)) problems.push('needs both username and password for basic auth');
  // kubectl: "more than one authentication method found ... only one is allowed".
  if (token !== undefined && hasBasic) problems.push('sets both a token and username/password; kubectl allows only one');
  if (exec && authProvider) problems.push('sets both exec and auth-provider; kubectl allows only one');
  if ((groups || extra) && impersonate === undefined) problems.push('sets as-groups or as-user-extra without as (the user to impersonate)');

  // Both spellings: kubectl reads tokenFile, @kubernetes/client-node reads token-file.
  setDefined(result.user, {
    'client-certificate': certFile,
    'client-certificate-data': certData,
    'client-key': keyFile,
    'client-key-data': keyData,
    token,
    tokenFile,
    'token-file': tokenFile,
    username,
    password,
    as: impersonate,
    'as-uid': asUid,
    'as-groups': groups,
    'as-user-extra': extra,
    'auth-provider': authProvider && { name: authProvider.name, ...(authProvider.config ? { config: authProvider.config } : {}) },
    exec: exec?.config,
  });
  const files: [string, string | undefined][] = [
    ['client-certificate', certFile],
    ['client-key', keyFile],
    ['tokenFile', tokenFile],
    ...Object.entries(authProvider?.files ?? {}),
  ];
  for (const [name, file] of files) if (file !== undefined) result.localFiles.push({ field: name, path: file });
  if (exec) result.commands.push(exec.command);
  if (authProvider?.command) result.commands.push(authProvider.command);
  const settings: [string, string | undefined][] = [
    ['as', impersonate],
    ['as-uid', asUid],
    ['as-groups', groups?.join(', ')],
    ['as-user-extra', extra && Object.entries(extra).map(([key, values]) => `${key}=${values.join(',')}`).join('; ')],
    ['auth-provider', authProvider?.name],
    ...Object.entries(authProvider?.settings ?? {}),
  ];
  for (const [name, value] of settings) if (value !== undefined) result.settings.push({ field: name, value });
  if (exec) {
    result.authKind = 'exec';
    result.execCommand = exec.displayName;
  } else if (authProvider) result.authKind = authProvider.name === 'oidc' ? 'oidc' : 'auth-provider';
  else if (hasCert) result.authKind = 'client-certificate';
  else if (token !== undefined) result.authKind = 'token';
  else if (tokenFile !== undefined) result.authKind = 'token-file';
  else if (hasBasic) result.authKind = 'basic';
  return result;
}

function readContext(ctx: Ctx, node: Node, field: string): ContextEntry {
  const { entry, body } = readEntry(ctx, node, field, 'context');
  const result: ContextEntry = { ...entry };
  if (body) setDefined(result, { cluster: str(ctx, body, 'cluster'), user: str(ctx, body, 'user'), namespace: str(ctx, body, 'namespace') });
  return result;
}

/** The exec credential plugin, with every field kubectl understands kept intact. */
function readExec(ctx: Ctx, user: YamlMapping, problems: string[]): { config: Record<string, unknown>; displayName: string; command: KubeCommand } | undefined {
  const exec = ctx.doc.mapping(ctx.doc.get(user, 'exec'), `${user.field}.exec`);
  if (!exec) return undefined;
  const apiVersion = str(ctx, exec, 'apiVersion');
  const rawCommand = str(ctx, exec, 'command');
  const interactiveMode = str(ctx, exec, 'interactiveMode');
  if (rawCommand === undefined) problems.push('has an exec plugin without a command');
  if (apiVersion === undefined) problems.push('has an exec plugin without an apiVersion (e.g. client.authentication.k8s.io/v1beta1)');
  if (interactiveMode !== undefined && !['Never', 'IfAvailable', 'Always'].includes(interactiveMode)) {
    problems.push('has an exec interactiveMode other than Never, IfAvailable or Always');
  }
  // client-go defaults interactiveMode only for the beta API versions.
  if (apiVersion === 'client.authentication.k8s.io/v1' && interactiveMode === undefined) {
    problems.push('uses exec apiVersion client.authentication.k8s.io/v1, which requires interactiveMode (Never, IfAvailable or Always)');
  }
  // kubectl resolves a command with a path separator against the kubeconfig's
  // directory; a bare name is looked up on PATH when the plugin runs.
  const hasSeparator = rawCommand !== undefined && (rawCommand.includes('/') || rawCommand.includes(path.sep));
  const command = hasSeparator ? resolvePath(ctx, rawCommand, 'exec command', problems) : rawCommand;
  const env = list(ctx, exec, 'env').map((node, i) => {
    const field = `${exec.field}.env[${i}]`;
    const item = ctx.doc.mapping(node, field);
    if (!item) ctx.doc.fail(node, field, 'must be a mapping with name and value');
    const name = str(ctx, item, 'name');
    if (name === undefined) problems.push(`has an exec env entry without a name (${field})`);
    return { name: name ?? '', value: str(ctx, item, 'value') ?? '' };
  });
  const args = strList(ctx, exec, 'args');
  const config: Record<string, unknown> = {};
  setDefined(config, {
    apiVersion,
    command,
    args,
    env: env.length ? env : undefined,
    installHint: str(ctx, exec, 'installHint'),
    provideClusterInfo: bool(ctx, exec, 'provideClusterInfo'),
    interactiveMode,
  });
  return {
    config,
    displayName: (rawCommand ?? '').split(/[\\/]/).pop() ?? '',
    // Env values may be secret (tokens, keys): only the names are shown, except of the variables that choose
    // what runs (PATH finds the command; LD_PRELOAD, NODE_OPTIONS… load code into it), shown as NAME=value.
    command: { field: 'exec', command: command ?? '', args: args ?? [], envNames: env.map((e) => (EXECUTION_ENV.test(e.name) ? `${e.name}=${e.value}` : e.name)) },
  };
}

interface AuthProvider {
  name: string;
  config?: Record<string, string>;
  /** What @kubernetes/client-node's gcp and azure providers run (`cmd-path` with `cmd-args`, through the shell). */
  command?: KubeCommand;
  /** Local files its config names: a `tokenFile` is read and sent as a bearer token. */
  files: Record<string, string>;
  /** Where it sends credentials (the OIDC issuer). */
  settings: Record<string, string>;
}

function readAuthProvider(ctx: Ctx, user: YamlMapping, problems: string[]): AuthProvider | undefined {
  const provider = ctx.doc.mapping(ctx.doc.get(user, 'auth-provider'), `${user.field}.auth-provider`);
  if (!provider) return undefined;
  const name = str(ctx, provider, 'name');
  if (name === undefined) problems.push('has an auth-provider without a name (e.g. oidc)');
  const config = ctx.doc.mapping(ctx.doc.get(provider, 'config'), `${provider.field}.config`);
  if (!config) return { name: name ?? '', files: {}, settings: {} };
  // fromEntries, not assignment: a key named __proto__ must stay a plain key.
  const entries = [...config.keys.keys()].flatMap((key) => {
    const value = str(ctx, config, key);
    return value === undefined ? [] : [[key, value] as const];
  });
  const values = new Map(entries);
  const pick = (keys: string[]) => Object.fromEntries(keys.flatMap((key) => (values.has(key) ? [[`auth-provider.config.${key}`, values.get(key) as string]] : [])));
  const cmdPath = values.get('cmd-path');
  const cmdArgs = values.get('cmd-args');
  return {
    name: name ?? '',
    config: Object.fromEntries(entries),
    ...(cmdPath !== undefined ? { command: { field: 'auth-provider.config.cmd-path', command: cmdPath, args: cmdArgs !== undefined ? [cmdArgs] : [], envNames: [] } } : {}),
    files: pick(['tokenFile', 'idp-certificate-authority']),
    settings: pick(['idp-issuer-url']),
  };
}

function readUserExtra(ctx: Ctx, user: YamlMapping): Record<string, string[]> | undefined {
  const extra = ctx.doc.mapping(ctx.doc.get(user, 'as-user-extra'), `${user.field}.as-user-extra`);
  if (!extra) return undefined;
  return Object.fromEntries([...extra.keys.keys()].map((key) => [key, strList(ctx, extra, key) ?? []] as const));
}

/** A path field, resolved against the file's directory the way kubectl does. */
function resolvedPath(ctx: Ctx, o: YamlMapping, key: string, problems: string[]): string | undefined {
  const value = str(ctx, o, key);
  return value === undefined ? undefined : resolvePath(ctx, value, key, problems);
}

function resolvePath(ctx: Ctx, value: string, what: string, problems: string[]): string {
  if (path.isAbsolute(value)) return value;
  if (ctx.dir !== undefined) return path.resolve(ctx.dir, value);
  // Only pasted text has no directory; the path isn't echoed, as anything may have been pasted there.
  const inline = what === 'tokenFile' || what === 'exec command' ? '' : ` or ${what}-data`;
  problems.push(`has a relative ${what} path, which can't be resolved for ${ctx.label}; use an absolute path${inline}`);
  return value;
}

function setDefined(target: object, values: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}

// ---------------------------------------------------------------------------
// Typed fields, read as kubectl reads them

function child(o: YamlMapping, key: string): string {
  return fieldPath(o.field, key);
}

/** A string field; empty and null count as absent, as in kubectl. */
function str(ctx: Ctx, o: YamlMapping, key: string): string | undefined {
  const node = ctx.doc.get(o, key);
  if (node === undefined) return undefined;
  if (!isScalar(node)) ctx.doc.fail(node, child(o, key), 'must be a string');
  const text = scalarText(node);
  return text === '' ? undefined : text;
}

/**
 * A `*-data` field, which must be base64: Node would skip the characters it
 * doesn't know and hand OpenSSL garbage, failing only at Test.
 */
function base64Str(ctx: Ctx, o: YamlMapping, key: string, owner: string): string | undefined {
  const value = str(ctx, o, key);
  if (value !== undefined && !isBase64(value)) {
    ctx.doc.fail(ctx.doc.get(o, key), child(o, key), `of ${owner} isn't valid base64; copy the value again (the PEM file in base64, as base64 -w0 <file> prints it)`);
  }
  return value;
}

function bool(ctx: Ctx, o: YamlMapping, key: string): boolean | undefined {
  const node = ctx.doc.get(o, key);
  if (node === undefined) return undefined;
  if (isScalar(node)) {
    if (typeof node.value === 'boolean') return node.value;
    // kubectl reads kubeconfigs as YAML 1.1, where yes/no/on/off are booleans too.
    const text = scalarText(node).toLowerCase();
    if (['true', 'yes', 'y', 'on'].includes(text)) return true;
    if (['false', 'no', 'n', 'off'].includes(text)) return false;
  }
  return ctx.doc.fail(node, child(o, key), 'must be true or false');
}

function list(ctx: Ctx, o: YamlMapping, key: string): Node[] {
  const node = ctx.doc.get(o, key);
  if (node === undefined) return [];
  if (!isSeq(node)) ctx.doc.fail(node, child(o, key), 'must be a list');
  return node.items.map((item) => ctx.doc.deref(item) ?? (item as Node));
}

function strList(ctx: Ctx, o: YamlMapping, key: string): string[] | undefined {
  if (ctx.doc.get(o, key) === undefined) return undefined;
  return list(ctx, o, key).map((item, i) => {
    if (!isScalar(item)) ctx.doc.fail(item, `${child(o, key)}[${i}]`, 'must be a string');
    return scalarText(item);
  });
}
