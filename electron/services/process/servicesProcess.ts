/**
 * The services process: every area, the SQLite file and all cluster, cloud
 * and metrics I/O, in plain Node, apart from the process that serves the UI.
 * Electron starts it as a utilityProcess, browser mode as a forked child;
 * both talk to it with the messages of `./protocol`.
 */
import { join } from 'node:path';
import { AppError } from '../../../shared/result';
import { createServices, type Services } from '../app/createServices';
import { lockDataDir } from '../app/dataDirLock';
import { createLogger } from '../logging/logger';
import { createSessionServer, type SessionServer } from '../rpc/sessionServer';
import type { SessionFrame } from '../rpc/streamHub';
import type { Notify } from '../rollouts/rolloutGuards';
import { AesGcmSecretBox } from '../secrets/aesGcmSecretBox';
import { UnavailableSecretBox } from '../secrets/unavailableSecretBox';
import type { HostMessage, ServicesConfig, ServicesMessage } from './protocol';

/** A MessagePort as Electron's utility process receives it. */
interface UtilityPort {
  on(event: 'message', listener: (e: { data: SessionFrame }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(data: SessionFrame): void;
  start(): void;
  close(): void;
}

/** The channel to the host: Electron's `process.parentPort`, or Node's IPC channel of a forked child. */
interface ParentChannel {
  send(msg: ServicesMessage): void;
  onMessage(listener: (msg: HostMessage, ports: UtilityPort[]) => void): void;
  /** The host is gone (killed, crashed) without a shutdown. Electron ends a utility process with its app itself. */
  onHostGone?(listener: () => void): void;
}

function parentChannel(): ParentChannel {
  const parentPort = (process as unknown as { parentPort?: { on(e: 'message', l: (e: { data: HostMessage; ports: UtilityPort[] }) => void): void; postMessage(m: unknown): void } }).parentPort;
  if (parentPort) {
    return { send: (msg) => parentPort.postMessage(msg), onMessage: (listener) => parentPort.on('message', (e) => listener(e.data, e.ports ?? [])) };
  }
  if (!process.send) throw new Error('the services process must be started by Pilothouse (no IPC channel)');
  return {
    send: (msg) => {
      if (process.connected) process.send!(msg);
    },
    onMessage: (listener) => process.on('message', (msg) => listener(msg as HostMessage, [])),
    onHostGone: (listener) => process.once('disconnect', listener),
  };
}

/** What the services ask of the host, when it can. */
interface HostAdapters {
  chooseFile?: (title: string, folder?: boolean) => Promise<string | undefined>;
  savePdf?: (html: string, fileName: string) => Promise<string | undefined>;
  notify?: Notify;
}

function start(config: ServicesConfig, { chooseFile, savePdf, notify }: HostAdapters): { services: Services; sessions: SessionServer; release: () => void } {
  const release = lockDataDir(config.dataDir);
  const logger = createLogger({ file: join(config.dataDir, 'logs', 'pilothouse.log'), stderr: config.logToStderr });
  const secrets = config.secrets;
  const secretBox =
    secrets.kind === 'key'
      ? AesGcmSecretBox.fromKey(Buffer.from(secrets.key), secrets.description)
      : secrets.kind === 'keyFile'
        ? AesGcmSecretBox.fromKeyFile(secrets.file)
        : new UnavailableSecretBox(secrets.reason);
  try {
    const services = createServices({ mode: config.mode, version: config.version, dataDir: config.dataDir, secretBox, sqliteBinding: config.sqliteBinding, logger, chooseFile, savePdf, notify });
    return { services, sessions: createSessionServer(services), release };
  } catch (err) {
    release();
    throw err;
  }
}

/** Runs the services for the host at the other end of the IPC channel. */
export function runServicesProcess(): void {
  const parent = parentChannel();
  let running: ReturnType<typeof start> | undefined;
  // The desktop's native file picker and PDF printer live in the host: ask it, and wait for its reply.
  const pickers = new Map<number, (reply: { value?: string; error?: string }) => void>();
  let nextPicker = 1;
  const askHost = (ask: (id: number) => ServicesMessage) =>
    new Promise<string | undefined>((resolve, reject) => {
      const id = nextPicker++;
      pickers.set(id, ({ value, error }) => (error ? reject(new AppError('INTERNAL', error)) : resolve(value)));
      parent.send(ask(id));
    });
  const chooseFile = (title: string, folder = false) => askHost((id) => ({ t: 'chooseFile', id, title, ...(folder ? { folder } : {}) }));
  const savePdf = (html: string, fileName: string) => askHost((id) => ({ t: 'savePdf', id, html, fileName }));

  /** Closes every area and the data file (waiting briefly for running tasks' cleanups), then exits. */
  const closeAndExit = () => {
    const closing = running?.services.close();
    void Promise.resolve(closing).finally(() => {
      running?.release();
      process.exit(0);
    });
  };
  // No services without a host: close the data file and go, rather than linger as an orphan.
  parent.onHostGone?.(closeAndExit);
  // Ctrl+C in a terminal signals the whole process group: the host decides when the services stop (it sends
  // 'shutdown'), so a signal here must not kill them mid-write with their tasks' cleanups undone.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined);

  parent.onMessage((msg, ports) => {
    if (msg.t === 'init') {
      if (running) return;
      try {
        const notify: Notify = (note) => parent.send({ t: 'notify', ...note });
        running = start(msg.config, {
          chooseFile: msg.config.nativeFileDialog ? chooseFile : undefined,
          savePdf: msg.config.pdfExport ? savePdf : undefined,
          notify: msg.config.nativeNotifications ? notify : undefined,
        });
        parent.send({ t: 'ready' });
      } catch (err) {
        // Only AppErrors are written for people; anything else is named, not detailed.
        parent.send({ t: 'failed', message: err instanceof AppError ? err.message : `the services could not start (${err instanceof Error ? err.name : 'unknown error'})` });
        // Exit once the message is on its way; the host kills what is left after its grace.
        setTimeout(() => process.exit(1), 200);
      }
      return;
    }
    if (!running) {
      if (msg.t === 'shutdown') process.exit(0);
      return;
    }
    const { services, sessions } = running;
    switch (msg.t) {
      case 'open': {
        const [port] = ports;
        if (port) {
          // Electron: the window's frames come and go on its own port, past the main process.
          sessions.open(msg.session, msg.info, { send: (frame) => port.postMessage(frame), close: () => port.close() });
          port.on('message', (e) => sessions.receive(msg.session, e.data));
          port.on('close', () => sessions.end(msg.session));
          port.start();
        } else {
          sessions.open(msg.session, msg.info, {
            send: (frame) => parent.send({ t: 'frame', session: msg.session, frame }),
            close: (code, reason) => parent.send({ t: 'close', session: msg.session, code, reason }),
          });
        }
        return;
      }
      case 'frame':
        return sessions.receive(msg.session, msg.frame);
      case 'end':
        return sessions.end(msg.session);
      case 'command':
        return services.hub.publish('app.command', { command: msg.command });
      case 'reply':
        pickers.get(msg.id)?.(msg);
        pickers.delete(msg.id);
        return;
      case 'shutdown':
        // Closing waits (briefly, within the host's kill grace) for running tasks' cleanups.
        return closeAndExit();
    }
  });
}

runServicesProcess();
