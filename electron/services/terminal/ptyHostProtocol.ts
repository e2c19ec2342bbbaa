/**
 * Messages between the services process and the pty host, the one process
 * that owns node-pty (it is not thread-safe, and a pty's reads must never
 * compete with the thread that serves the UI). Ids are the services' session
 * ids.
 */

/** What the pty host needs to start one shell. */
export interface PtySpawn {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
}

/** Services → pty host. */
export type PtyRequest =
  | ({ t: 'spawn'; id: string } & PtySpawn)
  | { t: 'input'; id: string; data: string }
  | { t: 'resize'; id: string; cols: number; rows: number }
  /** Hold the shell's output back (the window is behind): it waits in the pty host, and past a bound the pty is not read, so the shell's writes block in the kernel, as in any terminal. */
  | { t: 'pause'; id: string }
  | { t: 'resume'; id: string }
  /** The services have handled this many characters of the shell's output (the pty host stops reading one with too much untaken). */
  | { t: 'taken'; id: string; chars: number }
  /** Hang up on the shell (SIGHUP), then SIGKILL if it lingers. */
  | { t: 'kill'; id: string };

/** Pty host → services. */
export type PtyEvent =
  | { t: 'spawned'; id: string; pid: number }
  | { t: 'spawnFailed'; id: string; message: string }
  /** Output, in whole UTF-8 characters, batched. */
  | { t: 'data'; id: string; data: string }
  | { t: 'exit'; id: string; exitCode: number; signal?: number };
