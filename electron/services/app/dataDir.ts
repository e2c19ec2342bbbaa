import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../shared/result';

/** Where browser mode keeps its data when `--data-dir` is not given: the platform's per-user data directory. */
export function defaultDataDir(env: Record<string, string | undefined> = process.env, platform = process.platform, home = homedir()): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Pilothouse');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Pilothouse');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'pilothouse');
}

/** A path as the shell takes it, quoted so spaces ("Application Support") and quotes survive a paste. */
const shellQuoted = (path: string) => `'${path.replaceAll("'", `'\\''`)}'`;

/**
 * Takes away what `mode` does not allow on `path`. Windows has no such modes:
 * the user's profile folder already keeps other users out.
 *
 * @throws AppError, with the chmod command that fixes it, when `path` is looser and can't be tightened:
 * another user's, a shared directory such as /tmp (sticky bit), or chmod failed.
 */
function restrictMode(path: string, mode: number, what: string): void {
  if (process.platform === 'win32') return;
  const st = statSync(path);
  const current = st.mode & 0o777;
  if ((current & ~mode) === 0) return;
  const problem = `${what} ${path} is open to other users (mode ${current.toString(8)})`;
  const fix = `"chmod ${mode.toString(8)} ${shellQuoted(path)}"`;
  if (st.mode & 0o1000) throw new AppError('INTERNAL', `${problem} and is shared, like /tmp: give Pilothouse a directory of its own.`);
  if (st.uid !== process.getuid?.()) throw new AppError('INTERNAL', `${problem} and belongs to another user: its owner can run ${fix}, or give Pilothouse a directory of your own.`);
  try {
    chmodSync(path, mode);
  } catch (err) {
    throw new AppError('INTERNAL', `${problem} and Pilothouse could not change that (${(err as NodeJS.ErrnoException).code}). Run ${fix} and start again.`);
  }
}

/**
 * Creates `dir` if needed and keeps other users out of it (mode 0700): it holds
 * the database, the key file and the logs. An existing, looser directory is
 * tightened.
 *
 * @throws AppError when `dir` is not a directory, or is looser and can't be tightened (with the command that fixes it).
 */
export function makePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new AppError('INTERNAL', `${dir} is a file, not a directory: move it away and start again.`);
    throw err;
  }
  restrictMode(dir, 0o700, 'The directory');
}

/**
 * Keeps other users from reading `file` (mode 0600), tightening an existing
 * looser one; does nothing when it doesn't exist.
 *
 * @throws AppError when the file is looser and can't be tightened (with the command that fixes it).
 */
export function makePrivateFile(file: string): void {
  try {
    restrictMode(file, 0o600, 'The file');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
