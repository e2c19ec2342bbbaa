/**
 * The pty host: a child process of the services that owns every shell's
 * pseudo-terminal (node-pty). It reads each pty and sends its output over the
 * IPC channel in batches. While the services hold a shell back (its window is
 * behind) or have not taken what was sent, output waits here, and once
 * {@link HOLD_MAX_CHARS} wait the pty is no longer read, so the kernel holds
 * the shell back. Output is kept here rather than in the kernel because
 * node-pty stops reading a pty shortly after its shell exits: what the kernel
 * still held, the lines that explain an exit code, would be lost. For the same
 * reason this process keeps each pty's other end open while its shell runs. When the services go away,
 * for whatever reason, every shell's session is hung up on and this process
 * exits: no shell outlives the app.
 */
import { closeSync, constants, openSync, readdirSync, readFileSync } from 'node:fs';
import { spawn, type IPty } from 'node-pty';
import type { PtyEvent, PtyRequest } from './ptyHostProtocol';

/**
 * Output that follows other output within this long is gathered and sent as
 * one message, as soon as this much has gathered: a flood goes in few large
 * messages (each costs every hop to the window), while a keystroke's echo
 * after a quiet spell goes at once.
 */
const BATCH_MS = 8;
const BATCH_CHARS = 256 * 1024;
/** Characters sent and not yet taken by the services past which nothing more is sent. */
const UNTAKEN_MAX_CHARS = 1024 * 1024;
/** Output waiting here past which the pty is no longer read. */
const HOLD_MAX_CHARS = 1024 * 1024;
/** A shell that ignores the hang-up is killed this long after. */
const KILL_AFTER_MS = 2_000;

interface Shell {
  pty: IPty;
  /** Output read and not sent yet. */
  pending: string;
  /** When output was last sent. */
  sentAt: number;
  timer?: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
  /** The services asked to hold it back (its window is behind). */
  held: boolean;
  /** Characters sent the services have not said they took. */
  untaken: number;
  /** Whether the pty is being read now. */
  reading: boolean;
  /** How the shell ended, sent once the output before it has gone. */
  ended?: { exitCode: number; signal?: number };
  /** This process's own descriptor of the pty's terminal end, closed once the shell has ended. */
  terminalEnd?: number;
}

const shells = new Map<string, Shell>();

// The channel may close between the check and the write (the services are going): the error goes to the callback, not the process.
const send = (event: PtyEvent) => {
  if (process.connected) process.send!(event, undefined, undefined, () => undefined);
};

/** Sends what waits, in batches, while the services take it; then the end, once nothing waits. */
function flush(id: string, shell: Shell): void {
  if (shell.timer) clearTimeout(shell.timer);
  shell.timer = undefined;
  while (shell.pending && !shell.held && shell.untaken < UNTAKEN_MAX_CHARS) {
    const data = shell.pending.slice(0, BATCH_CHARS);
    shell.pending = shell.pending.slice(data.length);
    send({ t: 'data', id, data });
    shell.untaken += data.length;
    shell.sentAt = performance.now();
  }
  const read = shell.pending.length < HOLD_MAX_CHARS;
  if (read !== shell.reading && !shell.ended) {
    shell.reading = read;
    if (read) shell.pty.resume();
    else shell.pty.pause();
  }
  if (shell.ended && !shell.pending) {
    shells.delete(id);
    send({ t: 'exit', id, ...shell.ended });
  }
}

/**
 * Opens the pty's terminal end here too. Once the last process holding it
 * closes it, Linux ends reads of the pty with EIO while up to a few KiB of
 * the shell's last output may still be on its way: a shell that prints 20 KiB
 * and exits lost its tail about one time in four. Held open here, the pty is
 * read to its end (node-pty reads on for 200 ms after the exit). The
 * descriptor is close-on-exec, so no later shell inherits it.
 */
function openTerminalEnd(pty: IPty): number | undefined {
  const name = (pty as IPty & { ptsName?: string }).ptsName;
  if (!name) return undefined;
  try {
    return openSync(name, constants.O_RDWR | constants.O_NOCTTY);
  } catch {
    // The shell has ended already (its exit will say so) or the platform has no such path.
    return undefined;
  }
}

function start(request: Extract<PtyRequest, { t: 'spawn' }>): void {
  const { id } = request;
  let pty: IPty;
  try {
    pty = spawn(request.file, request.args, { name: request.env.TERM ?? 'xterm-256color', cols: request.cols, rows: request.rows, cwd: request.cwd, env: request.env });
  } catch (err) {
    send({ t: 'spawnFailed', id, message: err instanceof Error ? err.message : String(err) });
    return;
  }
  const shell: Shell = { pty, pending: '', sentAt: 0, held: false, untaken: 0, reading: true, terminalEnd: openTerminalEnd(pty) };
  shells.set(id, shell);
  pty.onData((data) => {
    shell.pending += data;
    if (shell.pending.length >= BATCH_CHARS || (!shell.timer && performance.now() - shell.sentAt > BATCH_MS)) flush(id, shell);
    else shell.timer ??= setTimeout(() => flush(id, shell), BATCH_MS);
  });
  pty.onExit(({ exitCode, signal }) => {
    // A hang-up's kill timer stays: it also ends what the shell left running in its session.
    shell.ended = { exitCode, ...(signal ? { signal } : {}) };
    if (shell.terminalEnd !== undefined) closeSync(shell.terminalEnd);
    shell.terminalEnd = undefined;
    flush(id, shell);
  });
  send({ t: 'spawned', id, pid: pty.pid });
}

/**
 * Sends `signal` to every process of the shell's session: its own process
 * group and, on Linux, the jobs an interactive shell put in groups of their
 * own, which a hang-up of the shell alone does not reach (dash does not pass
 * it on; `nohup` and `disown` ignore it).
 */
function signalSession(pid: number, signal: NodeJS.Signals): void {
  const targets = new Set<number>([pid, -pid]);
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // Fields after the command (which may hold spaces and parentheses): state ppid pgrp session …
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const [, , , session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(session) === pid) targets.add(Number(entry));
      } catch {
        // Gone meanwhile.
      }
    }
  } catch {
    // No /proc (macOS): the process group will do.
  }
  for (const target of targets) {
    try {
      process.kill(target, signal);
    } catch {
      // Gone already.
    }
  }
}

function hangUp(shell: Shell): void {
  if (shell.killTimer) return;
  const { pid } = shell.pty;
  signalSession(pid, 'SIGHUP');
  shell.killTimer = setTimeout(() => signalSession(pid, 'SIGKILL'), KILL_AFTER_MS);
}

process.on('message', (request: PtyRequest) => {
  if (request.t === 'spawn') return start(request);
  const shell = shells.get(request.id);
  if (!shell) return;
  switch (request.t) {
    case 'input':
      if (!shell.ended) shell.pty.write(request.data);
      return;
    case 'resize':
      try {
        if (!shell.ended) shell.pty.resize(request.cols, request.rows);
      } catch {
        // The pty closed between the request and now.
      }
      return;
    case 'pause':
    case 'resume':
      shell.held = request.t === 'pause';
      return flush(request.id, shell);
    case 'taken':
      shell.untaken = Math.max(0, shell.untaken - request.chars);
      return flush(request.id, shell);
    case 'kill':
      if (shell.ended) {
        // Gone already; what it said is no longer wanted.
        shells.delete(request.id);
        return;
      }
      return hangUp(shell);
  }
});

// The services went away (closed, crashed or killed): hang up on every shell's session, kill what lingers, and go.
process.on('disconnect', () => {
  const pids = [...shells.values()].filter((s) => !s.ended).map((s) => s.pty.pid);
  for (const pid of pids) signalSession(pid, 'SIGHUP');
  setTimeout(() => {
    for (const pid of pids) signalSession(pid, 'SIGKILL');
    process.exit(0);
  }, 500);
  if (!pids.length) process.exit(0);
});
