/**
 * The pty host: a child process of the services that owns every shell's
 * pseudo-terminal (node-pty). It reads each pty, batches its output and sends
 * it over the IPC channel; it stops reading a pty the services pause, or
 * whose output the services have not yet taken (so a stalled services
 * process cannot make this one buffer without bound), and the kernel then
 * holds the shell back. When the services go away, for whatever reason, every
 * shell's session is hung up on and this process exits: no shell outlives the app.
 */
import { readdirSync, readFileSync } from 'node:fs';
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
/** Characters sent and not yet taken by the services past which a pty is not read. */
const UNTAKEN_MAX_CHARS = 1024 * 1024;
/** A shell that ignores the hang-up is killed this long after. */
const KILL_AFTER_MS = 2_000;
/** How often a paused pty's shell is checked for having exited. */
const EXIT_CHECK_MS = 50;

interface Shell {
  pty: IPty;
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
  exitCheck?: NodeJS.Timeout;
}

const shells = new Map<string, Shell>();

// The channel may close between the check and the write (the services are going): the error goes to the callback, not the process.
const send = (event: PtyEvent) => {
  if (process.connected) process.send!(event, undefined, undefined, () => undefined);
};

const exited = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

/**
 * Reads the pty unless the services hold it back or have too much of it
 * untaken. A shell that exits meanwhile is read again at once: node-pty
 * drops what is left unread in the pty shortly after the shell exits, and
 * that last output (the error that explains an exit code) must reach the window.
 */
function steer(shell: Shell): void {
  const read = !shell.held && shell.untaken < UNTAKEN_MAX_CHARS;
  if (read === shell.reading) return;
  shell.reading = read;
  if (read) {
    clearInterval(shell.exitCheck);
    shell.exitCheck = undefined;
    shell.pty.resume();
    return;
  }
  shell.pty.pause();
  shell.exitCheck = setInterval(() => {
    if (!exited(shell.pty.pid)) return;
    clearInterval(shell.exitCheck);
    shell.exitCheck = undefined;
    shell.reading = true;
    shell.pty.resume();
  }, EXIT_CHECK_MS);
}

function flush(id: string, shell: Shell): void {
  if (shell.timer) clearTimeout(shell.timer);
  shell.timer = undefined;
  if (!shell.pending) return;
  send({ t: 'data', id, data: shell.pending });
  shell.untaken += shell.pending.length;
  shell.pending = '';
  shell.sentAt = performance.now();
  steer(shell);
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
  const shell: Shell = { pty, pending: '', sentAt: 0, held: false, untaken: 0, reading: true };
  shells.set(id, shell);
  pty.onData((data) => {
    shell.pending += data;
    if (shell.pending.length >= BATCH_CHARS || (!shell.timer && performance.now() - shell.sentAt > BATCH_MS)) flush(id, shell);
    else shell.timer ??= setTimeout(() => flush(id, shell), BATCH_MS);
  });
  pty.onExit(({ exitCode, signal }) => {
    flush(id, shell);
    // A hang-up's kill timer stays: it also ends what the shell left running in its session.
    clearInterval(shell.exitCheck);
    shells.delete(id);
    send({ t: 'exit', id, exitCode, ...(signal ? { signal } : {}) });
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
      return shell.pty.write(request.data);
    case 'resize':
      try {
        shell.pty.resize(request.cols, request.rows);
      } catch {
        // The pty closed between the request and now.
      }
      return;
    case 'pause':
    case 'resume':
      shell.held = request.t === 'pause';
      return steer(shell);
    case 'taken':
      shell.untaken = Math.max(0, shell.untaken - request.chars);
      return steer(shell);
    case 'kill':
      return hangUp(shell);
  }
});

// The services went away (closed, crashed or killed): hang up on every shell's session, kill what lingers, and go.
process.on('disconnect', () => {
  const pids = [...shells.values()].map((s) => s.pty.pid);
  for (const pid of pids) signalSession(pid, 'SIGHUP');
  setTimeout(() => {
    for (const pid of pids) signalSession(pid, 'SIGKILL');
    process.exit(0);
  }, 500);
  if (!shells.size) process.exit(0);
});
