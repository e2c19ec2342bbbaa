import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type {
  AwsImportSelection,
  AwsKeysInput,
  AwsProfilesPreview,
  AwsProfilesSource,
  ConnectionSummary,
  Health,
  LiveHealth,
  KubeImportSelection,
  KubeconfigPreview,
  KubeconfigSource,
  Labels,
  PrometheusDetails,
  PrometheusEdit,
  PrometheusInput,
} from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { AuditService } from '../audit/auditService';
import type { AwsCredentialMaterial } from '../aws/awsCredentials';
import type { Logger } from '../logging/logger';
import type { PrometheusAccess } from '../metrics/prometheusClient';
import type { EventHub } from '../rpc/eventHub';
import type { SecretBox } from '../secrets/secretBox';
import type { Database } from '../store/database';
import type { StartedTask, TaskRunner } from '../tasks/taskRunner';
import { startImport, type ImportItem, type ImportStore } from './importTask';
import type { ParsedContext } from './kubeconfigParse';
import { needsConfirmation } from './parseJobs';
import type { ParsePool } from './parsePool';
import { materialForProfile } from './providers/aws';
import { authHeaders, type PrometheusSecret } from './providers/prometheus';
import { providerFor, type AwsAccess, type ConnectionAccess, type ConnectionKind } from './providers/provider';
import { connectionProviders } from './providers/registry';
import { awsSourceLabel, kubeconfigSourceLabel, type SourceEnvironment } from './sources';

type KubeSelection = z.output<typeof KubeImportSelection>;
type AwsSelection = z.output<typeof AwsImportSelection>;
type AwsKeys = z.output<typeof AwsKeysInput>;
type PrometheusAdd = z.output<typeof PrometheusInput>;
type PrometheusChange = z.output<typeof PrometheusEdit>;

/** Stored connections: import, edit, delete, test; credentials never leave sealed except to the code that uses them. */
export interface ConnectionService {
  list(): ConnectionSummary[];
  /** Reads and parses in a worker thread; see parsePool.ts for how many may run and wait. */
  previewKubeconfig(source: KubeconfigSource): Promise<KubeconfigPreview>;
  /**
   * Starts importing the chosen contexts as a task (see importTask.ts).
   * Throws at once, before any task, for two selections with one name or a
   * taken name that is not to be replaced; anything later fails the task.
   */
  importKubeconfig(source: KubeconfigSource, selections: KubeSelection[], actor: string): StartedTask;
  /** Reads and parses in a worker thread, like {@link ConnectionService.previewKubeconfig}. */
  previewAwsProfiles(source: AwsProfilesSource): Promise<AwsProfilesPreview>;
  /** Starts importing the chosen profiles as a task, like {@link ConnectionService.importKubeconfig}. */
  importAwsProfiles(source: AwsProfilesSource, selections: AwsSelection[], actor: string): StartedTask;
  addAwsKeys(input: AwsKeys, actor: string): Promise<ConnectionSummary>;
  /** Adds a Prometheus endpoint typed in; a linked connection must be a Kubernetes one. */
  addPrometheus(input: PrometheusAdd, actor: string): Promise<ConnectionSummary>;
  /**
   * Changes a Prometheus endpoint's URL, auth and link. The stored token or
   * password is kept when none is typed, unless the auth kind changed or the
   * URL moved to another server (see {@link PrometheusEdit}).
   */
  editPrometheus(input: PrometheusChange, actor: string): Promise<ConnectionSummary>;
  rename(id: string, name: string, actor: string): Promise<ConnectionSummary>;
  setLabels(id: string, labels: Labels, actor: string): Promise<ConnectionSummary>;
  delete(id: string, actor: string): Promise<boolean>;
  test(id: string): Promise<Health>;
  /**
   * What the open views see of a connection's server (see
   * kube/client/connectionPulse.ts), shown with its health so the badge
   * does not wait for a Test; undefined when no view watches it any more.
   * Kept in memory: it describes this session.
   */
  observe(id: string, live: LiveHealth | undefined): void;
  /** The single-context kubeconfig of a Kubernetes connection, for the services that talk to it. */
  kubeconfigOf(id: string): string;
  /** Credentials of an AWS connection as an SDK provider, with its region and endpoint. */
  awsAccessOf(id: string): AwsAccess;
  /**
   * A Prometheus connection's URL and auth headers. Its cluster link is left
   * out once the linked connection is deleted or is no longer Kubernetes.
   */
  prometheusAccessOf(id: string): PrometheusAccess;
  /**
   * Calls `listener` after a connection's credentials were replaced by an
   * import (it keeps its id, perhaps for another account) or the connection
   * was deleted, so what an area learnt with the old credentials (cached
   * answers) is dropped. Returns the unsubscribe.
   */
  onCredentialsGone(listener: (id: string) => void): () => void;
}

interface ConnectionRow {
  id: string;
  kind: ConnectionKind;
  name: string;
  labels: string;
  source: string;
  details: string;
  sealed: Buffer;
  health: string;
  created_at: string;
  updated_at: string;
}

/** The provider of a connection kind: each kind's own rules live there, not in switches here. */
const providerOf = <K extends ConnectionKind>(kind: K) => providerFor(connectionProviders, kind);

function toSummary(row: ConnectionRow, live?: LiveHealth): ConnectionSummary {
  const health: Health = JSON.parse(row.health);
  if (live) health.live = live;
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    labels: JSON.parse(row.labels),
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    health,
    ...providerOf(row.kind).summaryOf(JSON.parse(row.details)),
  };
}

/** The URL as stored and shown: parsed and printed again (host lower-cased, default port dropped), without a trailing slash. */
const normalUrl = (url: string) => new URL(url).href.replace(/\/+$/, '');

/** The non-secret part of a typed Prometheus endpoint, and the secret its auth needs. */
function prometheusParts(
  input: Pick<PrometheusAdd, 'url' | 'auth' | 'username' | 'clusterConnectionId'>,
  secret: PrometheusSecret,
): { details: PrometheusDetails; secret: string } {
  // Refused here as well as by the contract: a header must never be built from a token or name with a line break.
  authHeaders(input.auth, { ...secret, ...(input.username !== undefined ? { username: input.username } : {}) });
  return {
    details: {
      url: normalUrl(input.url),
      auth: input.auth,
      ...(input.auth === 'basic' && input.username !== undefined ? { username: input.username } : {}),
      ...(input.clusterConnectionId ? { clusterConnectionId: input.clusterConnectionId } : {}),
    },
    secret: JSON.stringify(input.auth === 'bearer' ? { token: secret.token } : input.auth === 'basic' ? { password: secret.password } : {}),
  };
}

/** `"a", "b", "c" and 7 more`: names in a message, never a wall of them. */
function quoteNames(names: string[], max = 5): string {
  const shown = names.slice(0, max).map((n) => `"${n}"`).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

export interface ConnectionServiceDeps {
  db: Database;
  secretBox: SecretBox;
  audit: AuditService;
  hub: EventHub;
  log: Logger;
  environment: SourceEnvironment;
  /** Reads and parses kubeconfig and AWS files off the event loop. */
  parser: ParsePool;
  /**
   * Runs imports as tasks. Asked for when an import starts: the task runner
   * is built after this service, so that it closes first and a running
   * import is cancelled before the parse workers end.
   */
  taskRunner: () => Pick<TaskRunner, 'start'>;
  /** Told after an import replaced a connection's credentials (it keeps its id, so open views can carry on). */
  onCredentialsReplaced?: (id: string) => void;
}

/** SQLite-backed {@link ConnectionService}. */
export function createConnectionService({ db, secretBox, audit, hub, log, environment, parser, taskRunner, onCredentialsReplaced }: ConnectionServiceDeps): ConnectionService {
  const selectAll = db.prepare(`SELECT * FROM connections ORDER BY name COLLATE NOCASE`);
  const selectById = db.prepare(`SELECT * FROM connections WHERE id = ?`);
  const selectByName = db.prepare(`SELECT * FROM connections WHERE name = ? COLLATE NOCASE`);
  const insert = db.prepare(
    `INSERT INTO connections (id, kind, name, labels, source, details, sealed, created_at, updated_at)
     VALUES (@id, @kind, @name, '{}', @source, @details, @sealed, @now, @now)`,
  );
  const deleteById = db.prepare(`DELETE FROM connections WHERE id = ?`);
  const replace = db.prepare(
    `UPDATE connections SET kind = @kind, source = @source, details = @details, sealed = @sealed, health = '{"status":"unknown"}', updated_at = @now WHERE id = @id`,
  );

  const row = (id: string): ConnectionRow => {
    const r = selectById.get(id) as ConnectionRow | undefined;
    if (!r) throw new AppError('NOT_FOUND', 'That connection no longer exists; it may have been deleted in another window');
    return r;
  };
  const changed = (ids: string[]) => hub.publish('connections.changed', { ids });
  const goneListeners = new Set<(id: string) => void>();
  /** Tells every listener; one that throws does not stop the others or the change that was made. */
  const credentialsGone = (id: string) => {
    for (const listener of goneListeners) {
      try {
        listener(id);
      } catch (err) {
        log.warn('a listener failed on a connection whose credentials went', { connectionId: id, error: err });
      }
    }
  };
  const liveHealth = new Map<string, LiveHealth>();
  const summaryOf = (r: ConnectionRow) => toSummary(r, liveHealth.get(r.id));
  const existingId = (name: string) => (selectByName.get(name) as ConnectionRow | undefined)?.id;

  const store: ImportStore = {
    checkNames(items) {
      const seen = new Set<string>();
      for (const { name } of items) {
        // As SQLite compares them (COLLATE NOCASE): ASCII letters fold, nothing else.
        const folded = name.replace(/[A-Z]/g, (c) => c.toLowerCase());
        if (seen.has(folded)) throw new AppError('NAME_CONFLICT', `Two selected entries would both be named "${name}"; give one another name`);
        seen.add(folded);
      }
      const taken = items.filter((i) => i.onConflict === 'fail' && existingId(i.name)).map((i) => i.name);
      if (taken.length) throw new AppError('NAME_CONFLICT', `${quoteNames(taken)} ${taken.length === 1 ? 'is' : 'are'} already used: choose another name or replace`);
    },
    seal: ({ secret, ...item }) => ({ ...item, sealed: secretBox.seal(secret) }),
    saveAll: (items) =>
      db.transaction(() => {
        // Again inside the transaction: another window may have taken a name since the check.
        store.checkNames(items);
        const now = new Date().toISOString();
        const replaced: string[] = [];
        const ids = items.map((item) => {
          const fields = { kind: item.kind, source: item.source, details: JSON.stringify(item.details), sealed: item.sealed, now };
          // Replacing keeps the id (and labels): views open on the connection carry on with the new credentials.
          const old = existingId(item.name);
          if (old) {
            replace.run({ id: old, ...fields });
            replaced.push(old);
            return old;
          }
          const id = randomUUID();
          insert.run({ id, name: item.name, ...fields });
          return id;
        });
        return { ids, replaced };
      })(),
    announce({ ids, replaced }) {
      // What the views saw described the old credentials, perhaps another server.
      for (const id of replaced) liveHealth.delete(id);
      changed(ids);
      for (const id of replaced) {
        onCredentialsReplaced?.(id);
        credentialsGone(id);
      }
    },
  };

  /** Saves `items` at once (a few typed keys, not an import): all or nothing. */
  const insertAll = (items: ImportItem[]): ConnectionSummary[] => {
    store.checkNames(items);
    const saved = store.saveAll(items.map(store.seal));
    store.announce(saved);
    return saved.ids.map((id) => summaryOf(row(id)));
  };

  const update = (id: string, set: 'name' | 'labels', value: string): ConnectionSummary => {
    try {
      db.prepare(`UPDATE connections SET ${set} = ?, updated_at = ? WHERE id = ?`).run(value, new Date().toISOString(), id);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new AppError('NAME_CONFLICT', `"${value}" is already used by another connection`);
      throw err;
    }
    changed([id]);
    return summaryOf(row(id));
  };

  /** The row's provider, and the row as it sees it: details parsed, secret opened. */
  const open = <K extends ConnectionKind>(r: ConnectionRow & { kind: K }) => ({
    provider: providerOf(r.kind),
    connection: { details: JSON.parse(r.details), secret: secretBox.open(r.sealed), redactor: log.redactor },
  });

  /** A connection's credentials as `kind` provides them; refused for a connection of another kind. */
  const accessOf = <K extends ConnectionKind>(id: string, kind: K): ConnectionAccess[K] => {
    const r = row(id);
    if (r.kind !== kind) throw new AppError('VALIDATION', `"${r.name}" is ${providerOf(r.kind).is}, not ${providerOf(kind).wanted}`);
    const { provider, connection } = open(r as ConnectionRow & { kind: K });
    return provider.access(connection);
  };

  /** Refuses a cluster link to a connection that does not exist or is not Kubernetes. */
  const checkClusterLink = (clusterConnectionId: string | undefined) => {
    if (clusterConnectionId === undefined) return;
    const linked = selectById.get(clusterConnectionId) as ConnectionRow | undefined;
    if (!linked) throw new AppError('VALIDATION', 'The cluster to link no longer exists; it may have been deleted in another window. Choose another, or none');
    if (linked.kind !== 'kubernetes') throw new AppError('VALIDATION', `"${linked.name}" is ${providerOf(linked.kind).is}, not a cluster: link a Kubernetes connection`);
  };

  return {
    list: () => (selectAll.all() as ConnectionRow[]).map(summaryOf),

    async previewKubeconfig(source) {
      const preview = await parser.run({ kind: 'kubeconfigPreview', source, environment });
      return {
        ...preview,
        contexts: preview.contexts.map((c) => {
          const existing = existingId(c.suggestedName);
          return existing ? { ...c, existingConnectionId: existing } : c;
        }),
      };
    },

    importKubeconfig(source, selections, actor) {
      store.checkNames(selections);
      const contextNames = [...new Set(selections.map((s) => s.contextName))];
      return startImport(taskRunner(), store, {
        unit: 'contexts',
        count: selections.length,
        target: kubeconfigSourceLabel(source, environment),
        actor,
        read: (signal) => parser.run({ kind: 'kubeconfigRead', source, environment, contextNames }, signal),
        check: ({ sourceLabel, contexts, rejected }) => {
          const byName = new Map<string, ParsedContext>(contexts.map((c) => [c.contextName, c]));
          const items = selections.map((sel): ImportItem => {
            const ctx = byName.get(sel.contextName);
            if (!ctx) {
              const why = rejected.find((r) => r.name === sel.contextName)?.reason;
              throw new AppError('VALIDATION', why ? `Context "${sel.contextName}" cannot be imported: ${why}` : `Context "${sel.contextName}" is not in ${sourceLabel}`);
            }
            // Enforced here, not only in the UI: a pasted kubeconfig must not run a command or send a local file unseen.
            if (needsConfirmation(source, ctx) && !sel.allowLocalAccess) {
              throw new AppError(
                'VALIDATION',
                `Context "${sel.contextName}" from ${ctx.source} runs a command or reads local files; review them in the preview and confirm before importing`,
              );
            }
            return {
              kind: 'kubernetes',
              name: sel.name,
              onConflict: sel.onConflict,
              source: ctx.source,
              secret: ctx.kubeconfig,
              details: {
                server: ctx.server,
                contextName: ctx.contextName,
                clusterName: ctx.clusterName,
                userName: ctx.userName,
                ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
                authKind: ctx.authKind,
                ...(ctx.execCommand ? { execCommand: ctx.execCommand } : {}),
              },
            };
          });
          return { sourceLabel, items, rejected };
        },
      });
    },

    async previewAwsProfiles(source) {
      const preview = await parser.run({ kind: 'awsPreview', source, environment });
      return {
        ...preview,
        profiles: preview.profiles.map((p) => {
          const existing = existingId(p.suggestedName);
          return existing ? { ...p, existingConnectionId: existing } : p;
        }),
      };
    },

    importAwsProfiles(source, selections, actor) {
      store.checkNames(selections);
      const sourceLabel = awsSourceLabel(source, environment);
      return startImport(taskRunner(), store, {
        unit: 'profiles',
        count: selections.length,
        target: sourceLabel,
        actor,
        read: (signal) => parser.run({ kind: 'awsRead', source, environment }, signal),
        check: (parsed) => {
          const profiles = new Map(parsed.profiles.map((p) => [p.name, p]));
          const items = selections.map((sel): ImportItem => {
            const p = profiles.get(sel.profile);
            if (!p) {
              const why = parsed.rejected.find((r) => r.name === sel.profile)?.reason;
              throw new AppError('VALIDATION', why ? `Profile "${sel.profile}" cannot be imported: ${why}` : `Profile "${sel.profile}" was not found`);
            }
            const region = sel.region ?? p.region;
            if (!region) throw new AppError('VALIDATION', `Profile "${sel.profile}" has no region: choose one`);
            const material = materialForProfile(p.name, profiles);
            return {
              kind: 'aws',
              name: sel.name,
              onConflict: sel.onConflict,
              source: p.source,
              secret: JSON.stringify(material),
              details: {
                profileKind: p.kind,
                profile: p.name,
                region,
                ...(p.secrets.accessKeyId ? { accessKeyHint: p.secrets.accessKeyId.slice(-4) } : {}),
                ...(p.settings.endpoint_url ? { endpointUrl: p.settings.endpoint_url } : {}),
                settings: p.settings,
              },
            };
          });
          return { sourceLabel, items, rejected: parsed.rejected };
        },
      });
    },

    async addAwsKeys(input, actor) {
      const material: AwsCredentialMaterial = {
        kind: 'static',
        accessKeyId: input.accessKeyId,
        secretAccessKey: input.secretAccessKey,
        ...(input.sessionToken ? { sessionToken: input.sessionToken } : {}),
      };
      log.redactor.add(input.secretAccessKey);
      log.redactor.add(input.sessionToken);
      const [created] = await audit.record(
        { actor, action: 'connections.add', target: input.name, detail: 'AWS access keys typed in' },
        () =>
          insertAll([
            {
              kind: 'aws',
              name: input.name,
              onConflict: input.onConflict,
              source: 'typed keys',
              secret: JSON.stringify(material),
              details: { profileKind: 'static', region: input.region, accessKeyHint: input.accessKeyId.slice(-4), ...(input.endpointUrl ? { endpointUrl: input.endpointUrl } : {}), settings: {} },
            },
          ]),
      );
      return created;
    },

    async addPrometheus(input, actor) {
      checkClusterLink(input.clusterConnectionId);
      log.redactor.add(input.token);
      log.redactor.add(input.password);
      const { details, secret } = prometheusParts(input, { ...(input.token ? { token: input.token } : {}), ...(input.password ? { password: input.password } : {}) });
      const [created] = await audit.record({ actor, action: 'connections.add', target: input.name, detail: `Prometheus endpoint ${details.url} (${details.auth} auth) typed in` }, () =>
        insertAll([{ kind: 'prometheus', name: input.name, onConflict: input.onConflict, source: 'typed in', secret, details }]),
      );
      return created;
    },

    async editPrometheus(input, actor) {
      const before = row(input.id);
      if (before.kind !== 'prometheus') throw new AppError('VALIDATION', `"${before.name}" is ${providerOf(before.kind).is}, not a Prometheus endpoint`);
      checkClusterLink(input.clusterConnectionId);
      log.redactor.add(input.token);
      log.redactor.add(input.password);
      const old = JSON.parse(before.details) as PrometheusDetails;
      const stored = JSON.parse(secretBox.open(before.sealed)) as PrometheusSecret;
      // A stored secret goes only to the server it was typed for, and only with the auth it was typed for.
      const sameServer = new URL(normalUrl(input.url)).origin === new URL(old.url).origin;
      const kept = (field: 'token' | 'password', auth: 'bearer' | 'basic') => (old.auth === auth && sameServer ? stored[field] : undefined);
      const missing = (what: string) =>
        new AppError(
          'VALIDATION',
          old.auth === input.auth && !sameServer
            ? `Type the ${what} again: the URL now points at another server than ${new URL(old.url).origin}, which the stored one was typed for`
            : `Type the ${what}: the connection has none stored for ${input.auth} auth`,
        );
      const secret: PrometheusSecret = {};
      if (input.auth === 'bearer') {
        secret.token = input.token ?? kept('token', 'bearer');
        if (!secret.token) throw missing('token');
      }
      if (input.auth === 'basic') {
        secret.password = input.password ?? kept('password', 'basic');
        if (!secret.password) throw missing('password');
      }
      const parts = prometheusParts(input, secret);
      return audit.record(
        { actor, action: 'connections.edit', target: before.name, connectionId: before.id, connectionName: before.name, before: before.details },
        () => {
          db.prepare(`UPDATE connections SET details = ?, sealed = ?, health = '{"status":"unknown"}', updated_at = ? WHERE id = ?`).run(
            JSON.stringify(parts.details),
            secretBox.seal(parts.secret),
            new Date().toISOString(),
            before.id,
          );
          // What the views saw described the old address.
          liveHealth.delete(before.id);
          changed([before.id]);
          return summaryOf(row(before.id));
        },
        () => ({ after: JSON.stringify(parts.details) }),
      );
    },

    rename(id, name, actor) {
      const before = row(id);
      return audit.record(
        { actor, action: 'connections.rename', target: before.name, connectionId: id, connectionName: before.name, before: before.name },
        () => update(id, 'name', name),
        () => ({ after: name }),
      );
    },

    setLabels(id, labels, actor) {
      const before = row(id);
      return audit.record(
        { actor, action: 'connections.label', target: before.name, connectionId: id, connectionName: before.name, before: before.labels },
        () => update(id, 'labels', JSON.stringify(labels)),
        () => ({ after: JSON.stringify(labels) }),
      );
    },

    async delete(id, actor) {
      const before = selectById.get(id) as ConnectionRow | undefined;
      if (!before) return false;
      await audit.record({ actor, action: 'connections.delete', target: before.name, connectionId: id, connectionName: before.name, detail: `${before.kind} connection from ${before.source}` }, () =>
        deleteById.run(id),
      );
      liveHealth.delete(id);
      changed([id]);
      credentialsGone(id);
      return true;
    },

    async test(id) {
      const { provider, connection } = open(row(id));
      const health = await provider.test(connection);
      if (health.message) health.message = log.redactor.redact(health.message);
      db.prepare(`UPDATE connections SET health = ? WHERE id = ?`).run(JSON.stringify(health), id);
      changed([id]);
      return health;
    },

    observe(id, live) {
      if (!selectById.get(id)) return;
      if (!live && !liveHealth.has(id)) return;
      if (live?.message) live.message = log.redactor.redact(live.message);
      if (live) liveHealth.set(id, live);
      else liveHealth.delete(id);
      hub.publish('connections.changed', { ids: [id], healthOnly: true });
    },

    kubeconfigOf: (id) => accessOf(id, 'kubernetes'),

    awsAccessOf: (id) => accessOf(id, 'aws'),

    onCredentialsGone(listener) {
      goneListeners.add(listener);
      return () => goneListeners.delete(listener);
    },

    prometheusAccessOf(id) {
      const { clusterConnectionId, ...access } = accessOf(id, 'prometheus');
      const linked = clusterConnectionId === undefined ? undefined : (selectById.get(clusterConnectionId) as ConnectionRow | undefined);
      return linked?.kind === 'kubernetes' ? { ...access, clusterConnectionId: linked.id } : access;
    },
  };
}
