import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../logging/logger';
import type { PtyEvent, PtyRequest, PtySpawn } from './ptyHostProtocol';
import type { ShellBackend, ShellListener } from './shellBackend';

/** One shell in the pty host, as the services drive it. */
export interface PtyHandle extends ShellBackend {
  /** Resolves with the shell's pid once it runs; rejects with why it could not start. */
  readonly started: Promise<number>;
}

/** A signal's name ("SIGHUP") from its number, as the pty reports it. */
function signalName(signal: number): string {
  return Object.entries(constants.signals).find(([, n]) => n === signal)?.[0] ?? `signal ${signal}`;
}

/** Where the pty host's entry is: built beside the services bundle, or its TypeScript source run through tsx. */
function ptyHostEntry(): { file: string; execArgv: string[] } {
  const built = join(import.meta.dirname, 'ptyHost.js');
  if (existsSync(built)) return { file: built, execArgv: [] };
  return { file: join(import.meta.dirname, 'ptyHost.ts'), execArgv: ['--import', 'tsx'] };
}

/**
 * The services' side of the pty host: starts it with the first shell, routes
 * each shell's messages to its owner, and tells every owner when the host dies
 * (the next shell starts a new one).
 */
export class PtyHost {
  private child?: ChildProcess;
  /** Each shell's owner, with the host process it runs in: a host that exits fails its own shells only. */
  private readonly owners = new Map<string, { child: ChildProcess; listener: ShellListener; started: { resolve(pid: number): void; reject(err: Error): void } }>();
  private closed = false;

  constructor(private readonly log: Logger) {}

  /** Starts a shell; its output and end go to `listener`. */
  spawn(id: string, spec: PtySpawn, listener: ShellListener): PtyHandle {
    if (this.closed) throw new Error('the terminal host is closed');
    const child = this.ensureChild();
    let resolve!: (pid: number) => void;
    let reject!: (err: Error) => void;
    const started = new Promise<number>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // The caller awaits it; an unawaited rejection must not end the process.
    started.catch(() => undefined);
    this.owners.set(id, { child, listener, started: { resolve, reject } });
    this.send(child, { t: 'spawn', id, ...spec });
    return {
      started,
      input: (data) => this.send(child, { t: 'input', id, data }),
      resize: (cols, rows) => this.send(child, { t: 'resize', id, cols, rows }),
      pause: () => this.send(child, { t: 'pause', id }),
      resume: () => this.send(child, { t: 'resume', id }),
      kill: () => this.send(child, { t: 'kill', id }),
    };
  }

  /** The pty host's pid, while it runs (for tests that check nothing outlives the app). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Hangs up on every shell and ends the host; resolves once it has exited. */
  close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      // Closing the channel is the host's signal to hang up on its shells and exit.
      child.disconnect();
    });
  }

  private send(child: ChildProcess, request: PtyRequest): void {
    if (child.connected) child.send(request, (err) => err && undefined);
  }

  private ensureChild(): ChildProcess {
    if (this.child && this.child.connected) return this.child;
    const entry = ptyHostEntry();
    const env: NodeJS.ProcessEnv = { ...process.env };
    // Inside Electron's utility process, execPath is Electron itself: run it as plain Node.
    if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
    // 'advanced': output crosses as a structured clone, not as JSON escaped and parsed again.
    const child = fork(entry.file, [], { execArgv: entry.execArgv, env, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('error', (err) => this.log.error('terminal host error', { error: err }));
    child.on('message', (event: PtyEvent) => this.route(child, event));
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (!this.closed) this.log.error('the terminal host exited', { code, signal });
      for (const [id, owner] of this.owners) {
        if (owner.child !== child) continue;
        owner.started.reject(new Error('the terminal host stopped'));
        owner.listener.failed('The terminal host process stopped; start a new terminal.');
        this.owners.delete(id);
      }
    });
    this.child = child;
    return child;
  }

  private route(child: ChildProcess, event: PtyEvent): void {
    const owner = this.owners.get(event.id);
    if (!owner || owner.child !== child) return;
    switch (event.t) {
      case 'spawned':
        return owner.started.resolve(event.pid);
      case 'spawnFailed':
        this.owners.delete(event.id);
        owner.started.reject(new Error(event.message));
        return owner.listener.failed(event.message);
      case 'data':
        owner.listener.data(event.data);
        // Taken: the pty host may read on (the window's own pace is the stream's pause and resume).
        return this.send(child, { t: 'taken', id: event.id, chars: event.data.length });
      case 'exit':
        this.owners.delete(event.id);
        return owner.listener.exit(event.exitCode, event.signal ? signalName(event.signal) : undefined);
    }
  }
}
