import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where browser mode keeps its data when `--data-dir` is not given: the platform's per-user data directory. */
export function defaultDataDir(env: Record<string, string | undefined> = process.env, platform = process.platform, home = homedir()): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Pilothouse');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Pilothouse');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'pilothouse');
}
