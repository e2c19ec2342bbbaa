/**
 * Process helpers: run a command, start a daemon that outlives this process,
 * find a free port, poll until something is ready, read a process's memory.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** Output of a finished command. */
export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Options for {@link run}. */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Stream the command's output to this process's stderr as it runs. */
  echo?: boolean;
  /** Called with each chunk of the command's output (stdout and stderr) as it arrives. */
  onOutput?: (chunk: string) => void;
}

/**
 * Runs a command to completion and resolves with its output; rejects with an
 * error carrying the command line, exit code and stderr when it fails.
 */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
      if (opts.echo) process.stderr.write(d);
      opts.onOutput?.(d.toString());
    });
    child.stderr.on('data', (d: Buffer) => {
      err.push(d);
      if (opts.echo) process.stderr.write(d);
      opts.onOutput?.(d.toString());
    });
    child.on('error', (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(
          new Error(
            `${cmd} ${args.join(' ')} exited with ${code ?? signal}\n${stderr.trim() || stdout.trim()}`,
          ),
        );
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Options for {@link spawnDaemon}. */
export interface DaemonOptions {
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a long-running process in its own session with output appended to a
 * log file, so it keeps running after the CLI that started it exits.
 */
export function spawnDaemon(cmd: string, args: readonly string[], opts: DaemonOptions): number {
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new Error(`cannot start ${cmd}; see ${opts.logFile}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
      srv.close(() => resolve(addr.port));
    });
  });
}

/** Resolves once a TCP connect to `host:port` is refused (nothing listens any more). */
export async function waitPortClosed(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    `${host}:${port} to refuse connections`,
    () =>
      new Promise<true | undefined>((resolve) => {
        const sock = connect({ host, port });
        sock.once('connect', () => {
          sock.destroy();
          resolve(undefined);
        });
        sock.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? true : undefined));
      }),
    timeoutMs,
    50,
  );
}

/**
 * True when a process with this pid runs. A zombie counts as gone: on these
 * machines PID 1 does not always reap orphans, so dead daemons linger as zombies.
 */
export function isAlive(pid: number): boolean {
  try {
    // The state letter follows the parenthesised command name in /proc/PID/stat.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Sends a signal, ignoring a process that is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/**
 * Stops a daemon started by {@link spawnDaemon}: SIGTERM to its process
 * group, then SIGKILL if it is still there after `graceMs`.
 */
export async function stopDaemon(pid: number, graceMs = 5000): Promise<void> {
  if (!isAlive(pid)) return;
  // A stopped process cannot act on SIGTERM until continued.
  signal(-pid, 'SIGCONT');
  signal(-pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) signal(-pid, 'SIGKILL');
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Calls `probe` until it returns a value other than `undefined`, or throws
 * after `timeoutMs` naming `what` and the last error seen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

/** Resident memory of a process in KiB, or 0 when it is gone. */
export function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Formats milliseconds as seconds with one decimal. */
export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A long wait, as a person reads it: "45 s", "6 min", "6 min 20 s". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
}
