import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename } from 'node:path';
import type { TerminalOutput, TerminalSession, TerminalSettings, TerminalSize, TerminalTarget } from '../../../shared/contract';
import { bindsTerminal, TerminalSettings as TerminalSettingsSchema } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { typedCommandProblem } from '../../../shared/typedCommand';
import type { AuditService } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import { openPrivateKubeconfig } from '../kube/client/privateKubeconfig';
import type { Logger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import type { PrivateStream, StreamHub } from '../rpc/streamHub';
import type { Database } from '../store/database';
import { DEFAULT_CONTAINER_SHELL, openContainerShell } from './containerExec';
import type { PtyHost } from './ptyHostClient';
import { RecentOutput } from './recentOutput';
import type { ShellBackend, ShellListener } from './shellBackend';

/** Sessions kept at once, running or ended and not closed. */
const MAX_SESSIONS = 32;
/** Output replayed to a window that (re)attaches. */
const RECENT_CHARS = 256 * 1024;
/**
 * Unacknowledged output past which a terminal's stream pauses its shell. Low:
 * a keystroke's echo waits behind whatever is in flight, so this bounds the
 * echo's delay during a flood to what xterm draws in a few milliseconds.
 */
const STREAM_HIGH_WATER_BYTES = 512 * 1024;
/** It resumes once the window has taken half: the next message is on its way before the window runs dry. */
const STREAM_LOW_WATER_BYTES = 256 * 1024;
/** Output that follows other output within this long goes out as one message (a quiet shell's first output goes at once); as soon as this much has gathered. */
const FLUSH_MS = 4;
const FLUSH_CHARS = 256 * 1024;
const SETTINGS_KEY = 'terminal.settings';

/** Environment variables of the services process a shell must not inherit: the IPC channel of a forked process, Electron's own. */
const PRIVATE_ENV = /^(NODE_CHANNEL_FD|NODE_CHANNEL_SERIALIZATION_MODE|NODE_UNIQUE_ID|ELECTRON_.*)$/;
/** Variables that would point the AWS CLI elsewhere than the bound connection. */
const AWS_PROFILE_ENV = /^AWS_(PROFILE|DEFAULT_PROFILE|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|SECURITY_TOKEN|CREDENTIAL_EXPIRATION|ENDPOINT_URL(_.+)?|CONFIG_FILE|SHARED_CREDENTIALS_FILE|ROLE_ARN|ROLE_SESSION_NAME|WEB_IDENTITY_TOKEN_FILE|CONTAINER_.+|IGNORE_CONFIGURED_ENDPOINT_URLS)$/;

export interface TerminalServiceDeps {
  connections: Pick<ConnectionService, 'list' | 'kubeconfigOf' | 'awsAccessOf'>;
  access: Pick<KubeAccess, 'config'>;
  audit: Pick<AuditService, 'record'>;
  hub: Pick<EventHub, 'publish'>;
  streams: Pick<StreamHub, 'open'>;
  db: Database;
  log: Logger;
  ptyHost: PtyHost;
  /** The environment local shells start from; the services' own by default. */
  environment?: NodeJS.ProcessEnv;
  /** Where private kubeconfigs are made; the OS temp directory by default. */
  tempDir?: string;
}

interface Session {
  view: TerminalSession;
  recent: RecentOutput;
  backend?: ShellBackend;
  /** Output gathered for the next message. */
  pending: string;
  /** When output last went to the window. */
  flushedAt: number;
  flushTimer?: NodeJS.Timeout;
  attached?: { uiSession: string; stream: PrivateStream<'terminal.output'> };
  /** Removes what the session made (its private kubeconfig) once it ends. */
  cleanup?: () => Promise<void>;
  paused: boolean;
}

/** Terminal sessions: local shells (in the pty host) and container shells, their output streamed to the window that shows them. */
export interface TerminalService {
  open(target: TerminalTarget, size: TerminalSize, actor: string): Promise<TerminalSession>;
  attach(id: string, uiSession: string): { stream: string; session: TerminalSession };
  input(id: string, data: string): void;
  resize(id: string, size: TerminalSize): void;
  run(id: string, command: string, runbook: { id: string; title: string } | undefined, actor: string): Promise<void>;
  close(id: string): void;
  list(): TerminalSession[];
  settings(): { settings: TerminalSettings; defaultShell: string };
  saveSettings(settings: TerminalSettings): { settings: TerminalSettings; defaultShell: string };
  /** Ends every session and removes what they made; resolves when done. */
  shutdown(): Promise<void>;
}

/** Throws VALIDATION unless `path` is an executable file. */
function checkShell(path: string): void {
  let executable: boolean;
  try {
    accessSync(path, constants.X_OK);
    executable = statSync(path).isFile();
  } catch {
    executable = false;
  }
  if (!executable) throw new AppError('VALIDATION', `The shell ${path} does not exist or is not executable: choose another in Terminal settings`);
}

function checkDirectory(path: string): void {
  let directory: boolean;
  try {
    directory = statSync(path).isDirectory();
  } catch {
    directory = false;
  }
  if (!directory) throw new AppError('VALIDATION', `The working directory ${path} does not exist or is not a folder: choose another in Terminal settings`);
}

/** A shell's environment: the base without the services' private variables, plus what the binding and the terminal set. */
export function shellEnvironment(base: NodeJS.ProcessEnv, binding: Record<string, string>, unset?: RegExp): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined && !PRIVATE_ENV.test(key) && !unset?.test(key)) env[key] = value;
  return { ...env, TERM: 'xterm-256color', COLORTERM: 'truecolor', TERM_PROGRAM: 'Pilothouse', ...binding };
}

export function createTerminalService(deps: TerminalServiceDeps): TerminalService {
  const { log } = deps;
  const base = deps.environment ?? process.env;
  const sessions = new Map<string, Session>();
  // Ids of another run of the services (before a crash) are not this run's: a window reattaching by id must not find another shell.
  let nextId = 1 + Math.floor(Math.random() * 1_000_000) * 100;
  const readSetting = deps.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const writeSetting = deps.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');

  const publish = () => deps.hub.publish('terminal.changed', { sessions: [...sessions.values()].map((s) => ({ ...s.view })) });

  const loadSettings = (): TerminalSettings => {
    const row = readSetting.get(SETTINGS_KEY);
    try {
      const parsed = TerminalSettingsSchema.safeParse(row ? JSON.parse(row.value) : {});
      if (parsed.success) return parsed.data;
    } catch {
      // A value this version cannot read: the defaults.
    }
    return TerminalSettingsSchema.parse({});
  };
  const defaultShell = () => loadSettings().shell ?? (base.SHELL && base.SHELL.startsWith('/') ? base.SHELL : '/bin/sh');

  const find = (id: string): Session => {
    const session = sessions.get(id);
    if (!session) throw new AppError('NOT_FOUND', 'This terminal session has been closed');
    return session;
  };

  const write = (session: Session, message: TerminalOutput) => {
    const stream = session.attached?.stream;
    if (!stream || stream.closed) return;
    if (!stream.write(message) && !session.paused && session.backend) {
      session.paused = true;
      session.backend.pause();
    }
  };

  const flush = (session: Session) => {
    if (session.flushTimer) clearTimeout(session.flushTimer);
    session.flushTimer = undefined;
    if (!session.pending) return;
    const data = session.pending;
    session.pending = '';
    session.flushedAt = performance.now();
    write(session, { t: 'data', data });
  };

  const resumeIfPaused = (session: Session) => {
    if (!session.paused) return;
    session.paused = false;
    session.backend?.resume();
  };

  const ended = (session: Session, end: { exitCode?: number; signal?: string; error?: string }) => {
    if (session.view.state === 'exited' || session.view.state === 'failed') return;
    flush(session);
    session.backend = undefined;
    session.view = {
      ...session.view,
      state: end.exitCode === undefined ? 'failed' : 'exited',
      ...(end.exitCode !== undefined ? { exitCode: end.exitCode } : {}),
      ...(end.signal ? { signal: end.signal } : {}),
      ...(end.error ? { error: end.error } : {}),
      endedAt: new Date().toISOString(),
    };
    write(session, { t: 'exit', session: session.view });
    session.attached?.stream.end();
    void session.cleanup?.().catch((err: unknown) => log.warn('could not remove a terminal’s private files', { error: err }));
    session.cleanup = undefined;
    publish();
  };

  const listenerFor = (session: Session): ShellListener => ({
    data: (text) => {
      session.recent.push(text);
      if (!session.attached) return;
      session.pending += text;
      if (session.pending.length >= FLUSH_CHARS || (!session.flushTimer && performance.now() - session.flushedAt > FLUSH_MS)) flush(session);
      else session.flushTimer ??= setTimeout(() => flush(session), FLUSH_MS);
    },
    exit: (exitCode, signal) => ended(session, { exitCode, ...(signal ? { signal } : {}) }),
    failed: (message) => ended(session, { error: message }),
  });

  const connectionOf = (id: string) => {
    const connection = deps.connections.list().find((c) => c.id === id);
    if (!connection) throw new AppError('NOT_FOUND', 'That connection no longer exists');
    return connection;
  };

  /** KUBECONFIG to a private file with just the connection's context, or the AWS connection's variables. */
  const bind = async (connectionId: string | undefined): Promise<{ env: Record<string, string>; unset?: RegExp; cleanup?: () => Promise<void>; name?: string }> => {
    if (!connectionId) return { env: {} };
    const connection = connectionOf(connectionId);
    if (!bindsTerminal(connection.kind)) throw new AppError('VALIDATION', `"${connection.name}" is neither a cluster nor an AWS account, so a terminal has nothing to bind to it`);
    if (connection.kind === 'kubernetes') {
      const files = await openPrivateKubeconfig(deps.connections.kubeconfigOf(connectionId), 'terminal', deps.tempDir);
      return { env: { KUBECONFIG: files.file, PILOTHOUSE_CONNECTION: connection.name }, cleanup: files.remove, name: connection.name };
    }
    const access = deps.connections.awsAccessOf(connectionId);
    let credentials;
    try {
      credentials = await access.credentials();
    } catch (err) {
      throw new AppError('UNAUTHORIZED', `Could not get credentials for ${connection.name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
    const env: Record<string, string> = {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: access.region,
      AWS_DEFAULT_REGION: access.region,
      PILOTHOUSE_CONNECTION: connection.name,
    };
    if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
    if (access.endpoint) env.AWS_ENDPOINT_URL = access.endpoint;
    return { env, unset: AWS_PROFILE_ENV, name: connection.name };
  };

  const newSession = (view: Omit<TerminalSession, 'id' | 'state' | 'startedAt' | 'attached'>): Session => {
    const live = [...sessions.values()];
    if (live.length >= MAX_SESSIONS) {
      throw new AppError('BUSY', `${live.length} terminals are open, the most Pilothouse keeps: close some (ended ones first) to open another`);
    }
    const id = `t${nextId++}`;
    const session: Session = { view: { ...view, id, state: 'starting', startedAt: new Date().toISOString(), attached: false }, recent: new RecentOutput(RECENT_CHARS), pending: '', flushedAt: 0, paused: false };
    sessions.set(id, session);
    return session;
  };

  const openLocal = async (target: Extract<TerminalTarget, { kind: 'local' }>, size: TerminalSize): Promise<TerminalSession> => {
    const settings = loadSettings();
    const shell = target.shell ?? defaultShell();
    const cwd = target.cwd ?? settings.cwd ?? homedir();
    checkShell(shell);
    checkDirectory(cwd);
    const binding = await bind(target.connectionId);
    let session: Session;
    try {
      session = newSession({
        kind: 'local',
        title: basename(shell),
        size,
        ...(target.connectionId ? { connectionId: target.connectionId, connectionName: binding.name } : {}),
      });
    } catch (err) {
      await binding.cleanup?.();
      throw err;
    }
    session.cleanup = binding.cleanup;
    try {
      const handle = deps.ptyHost.spawn(session.view.id, { file: shell, args: [], cwd, env: shellEnvironment(base, binding.env, binding.unset), cols: size.cols, rows: size.rows }, listenerFor(session));
      session.backend = handle;
      await handle.started;
    } catch (err) {
      const message = `The shell ${shell} could not start: ${err instanceof Error ? err.message : String(err)}`;
      ended(session, { error: message });
      sessions.delete(session.view.id);
      publish();
      throw new AppError('INTERNAL', message);
    }
    if (session.view.state === 'starting') session.view = { ...session.view, state: 'running' };
    publish();
    return { ...session.view };
  };

  const openExec = async (target: Extract<TerminalTarget, { kind: 'exec' }>, size: TerminalSize, actor: string): Promise<TerminalSession> => {
    const connection = connectionOf(target.connectionId);
    const command = target.command ?? DEFAULT_CONTAINER_SHELL;
    const session = newSession({
      kind: 'exec',
      title: `${target.pod}/${target.container}`,
      size,
      connectionId: connection.id,
      connectionName: connection.name,
      container: { namespace: target.namespace, pod: target.pod, container: target.container },
    });
    try {
      await deps.audit.record(
        {
          actor,
          action: 'terminal.exec',
          target: `pod/${target.pod} (${target.container}) in ${target.namespace}`,
          connectionId: connection.id,
          connectionName: connection.name,
          detail: target.command ? `command: ${JSON.stringify(target.command)}` : 'shell: bash, else sh',
        },
        async () => {
          const kc = await deps.access.config(connection.id);
          session.backend = await openContainerShell(kc, { namespace: target.namespace, pod: target.pod, container: target.container, command }, session.view.size, listenerFor(session));
          // Closed while the handshake ran: the shell that just started goes too.
          if (!sessions.has(session.view.id)) throw new AppError('CONFLICT', 'The terminal was closed while the shell was starting');
        },
        () => ({ after: 'shell started' }),
      );
    } catch (err) {
      session.backend?.kill();
      session.backend = undefined;
      sessions.delete(session.view.id);
      publish();
      throw err;
    }
    if (session.view.state === 'starting') session.view = { ...session.view, state: 'running' };
    publish();
    return { ...session.view };
  };

  return {
    open: (target, size, actor) => (target.kind === 'local' ? openLocal(target, size) : openExec(target, size, actor)),

    attach(id, uiSession) {
      const session = find(id);
      flush(session);
      // Opened first: when it cannot be (too many streams), the window that shows the session keeps it.
      const stream = deps.streams.open(uiSession, 'terminal.output', { highWaterBytes: STREAM_HIGH_WATER_BYTES, lowWaterBytes: STREAM_LOW_WATER_BYTES });
      // The window that showed it before stops: one reader at a time.
      const previous = session.attached;
      const attachment = { uiSession, stream };
      session.attached = attachment;
      session.view = { ...session.view, attached: true };
      previous?.stream.end({ code: 'CONFLICT', message: 'This terminal is now shown in another window' });
      // Held back for the previous window, which no longer reads: the new one starts with nothing unacknowledged.
      resumeIfPaused(session);
      stream.onResume(() => resumeIfPaused(session));
      stream.onClose(() => {
        if (session.attached !== attachment) return;
        session.attached = undefined;
        session.pending = '';
        session.view = { ...session.view, attached: false };
        // Nobody reads it now: the shell goes on, its output kept for the next window.
        resumeIfPaused(session);
        if (sessions.has(id)) publish();
      });
      write(session, { t: 'replay', data: session.recent.text() });
      if (session.view.state === 'exited' || session.view.state === 'failed') {
        write(session, { t: 'exit', session: session.view });
        stream.end();
      }
      publish();
      return { stream: stream.id, session: { ...session.view } };
    },

    input(id, data) {
      const session = find(id);
      if (!session.backend) throw new AppError('CONFLICT', 'The shell has ended: start it again to type');
      session.backend.input(data);
    },

    resize(id, size) {
      const session = find(id);
      session.view = { ...session.view, size };
      session.backend?.resize(size.cols, size.rows);
    },

    async run(id, command, runbook, actor) {
      const session = find(id);
      if (!session.backend) throw new AppError('CONFLICT', 'The shell has ended: start a new terminal to run this');
      const problem = typedCommandProblem(command);
      if (problem) throw new AppError('VALIDATION', problem);
      const backend = session.backend;
      await deps.audit.record(
        {
          actor,
          action: 'terminal.run',
          target: session.view.connectionName ? `terminal ${session.view.title} on ${session.view.connectionName}` : `terminal ${session.view.title}`,
          ...(session.view.connectionId ? { connectionId: session.view.connectionId, connectionName: session.view.connectionName } : {}),
          // All of it: what runs is what the audit says ran.
          detail: `${runbook ? `from runbook "${runbook.title}": ` : ''}${command}`,
        },
        async () => {
          // Typed as the user would: each line ends with Enter.
          backend.input(`${command.replace(/\r?\n/g, '\r').replace(/\r$/, '')}\r`);
        },
        () => ({ after: 'sent to the shell' }),
      );
    },

    close(id) {
      const session = find(id);
      sessions.delete(id);
      session.attached?.stream.end();
      session.backend?.kill();
      if (!session.backend) void session.cleanup?.();
      publish();
    },

    list: () => [...sessions.values()].map((s) => ({ ...s.view })),

    settings: () => ({ settings: loadSettings(), defaultShell: defaultShell() }),

    saveSettings(settings) {
      if (settings.shell) checkShell(settings.shell);
      if (settings.cwd) checkDirectory(settings.cwd);
      writeSetting.run(SETTINGS_KEY, JSON.stringify(settings));
      return { settings: loadSettings(), defaultShell: defaultShell() };
    },

    async shutdown() {
      const cleanups: Promise<void>[] = [];
      for (const session of sessions.values()) {
        if (session.flushTimer) clearTimeout(session.flushTimer);
        session.attached?.stream.end();
        if (session.view.kind === 'exec') session.backend?.kill();
        if (session.cleanup) cleanups.push(session.cleanup().catch(() => undefined));
      }
      sessions.clear();
      // The pty host hangs up on every local shell as it closes.
      await Promise.all([deps.ptyHost.close(), ...cleanups]);
    },
  };
}
