/**
 * The pty host: a child process of the services that owns every shell's
 * pseudo-terminal (node-pty). It reads each pty, batches its output and sends
 * it over the IPC channel; it stops reading a pty the services pause, so a
 * shell that writes faster than the window draws is held back by the kernel.
 * When the services go away, for whatever reason, every shell is hung up on
 * and this process exits: no shell outlives the app.
 */
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
/** A shell that ignores the hang-up is killed this long after. */
const KILL_AFTER_MS = 2_000;

interface Shell {
  pty: IPty;
  pending: string;
  /** When output was last sent. */
  sentAt: number;
  timer?: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
}

const shells = new Map<string, Shell>();

// The channel may close between the check and the write (the services are going): the error goes to the callback, not the process.
const send = (event: PtyEvent) => {
  if (process.connected) process.send!(event, undefined, undefined, () => undefined);
};

function flush(id: string, shell: Shell): void {
  if (shell.timer) clearTimeout(shell.timer);
  shell.timer = undefined;
  if (!shell.pending) return;
  send({ t: 'data', id, data: shell.pending });
  shell.pending = '';
  shell.sentAt = performance.now();
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
  const shell: Shell = { pty, pending: '', sentAt: 0 };
  shells.set(id, shell);
  pty.onData((data) => {
    shell.pending += data;
    if (shell.pending.length >= BATCH_CHARS || (!shell.timer && performance.now() - shell.sentAt > BATCH_MS)) flush(id, shell);
    else shell.timer ??= setTimeout(() => flush(id, shell), BATCH_MS);
  });
  pty.onExit(({ exitCode, signal }) => {
    flush(id, shell);
    if (shell.killTimer) clearTimeout(shell.killTimer);
    shells.delete(id);
    send({ t: 'exit', id, exitCode, ...(signal ? { signal } : {}) });
  });
  send({ t: 'spawned', id, pid: pty.pid });
}

function hangUp(shell: Shell): void {
  if (shell.killTimer) return;
  try {
    shell.pty.kill('SIGHUP');
  } catch {
    // Gone already.
  }
  shell.killTimer = setTimeout(() => {
    try {
      process.kill(shell.pty.pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }, KILL_AFTER_MS);
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
      return shell.pty.pause();
    case 'resume':
      return shell.pty.resume();
    case 'kill':
      return hangUp(shell);
  }
});

// The services went away (closed, crashed or killed): hang up on every shell, kill what lingers, and go.
process.on('disconnect', () => {
  for (const shell of shells.values()) {
    try {
      process.kill(shell.pty.pid, 'SIGHUP');
    } catch {
      // Gone already.
    }
  }
  setTimeout(() => {
    for (const shell of shells.values()) {
      try {
        process.kill(shell.pty.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    process.exit(0);
  }, 500).unref();
  if (!shells.size) process.exit(0);
});
