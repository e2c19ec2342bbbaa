/**
 * The helm binary: the path the user set (kept in the data file's settings,
 * since a desktop app started from a dock sees no shell profile to set an
 * environment variable in), else the first `helm` on PATH; and running it
 * with its output read line by line.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { HelmTool } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { Database } from '../store/database';

/** The settings key of the helm binary's path. */
export const HELM_PATH_SETTING = 'helm.path';

/** Grace between SIGTERM and SIGKILL when a run is cancelled. */
const KILL_GRACE_MS = 5_000;
const VERSION_TIMEOUT_MS = 10_000;

/** How a helm run ended. */
export interface HelmExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HelmRunOptions {
  env: NodeJS.ProcessEnv;
  /** Aborting it stops helm: SIGTERM, then SIGKILL after a grace period. */
  signal?: AbortSignal;
  /** Each line helm writes, stdout and stderr alike, as it comes. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * Runs helm and resolves when it has exited (never before, so a temporary
 * file it reads can be removed afterwards); rejects only when it could not start.
 */
export function runHelm(path: string, args: readonly string[], options: HelmRunOptions): Promise<HelmExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
    for (const stream of ['stdout', 'stderr'] as const) {
      let pending = '';
      const source = child[stream];
      source.setEncoding('utf8');
      source.on('data', (chunk: string) => {
        const lines = (pending + chunk).split(/\r?\n/);
        pending = lines.pop() ?? '';
        for (const line of lines) options.onLine?.(line, stream);
      });
      source.on('end', () => {
        if (pending) options.onLine?.(pending, stream);
      });
    }
    child.on('error', (err) => {
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', stop);
      reject(new AppError('UNSUPPORTED', `helm at ${path} could not be started: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', stop);
      resolve({ code, signal });
    });
  });
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `helm` on `PATH`, as a shell would find it. */
export async function helmOnPath(pathVariable: string | undefined, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const name = platform === 'win32' ? 'helm.exe' : 'helm';
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Where helm is, and setting it. */
export interface HelmLocator {
  /** The configured path or the one on PATH, its version, or why there is none. */
  status(): Promise<HelmTool>;
  /** The path the user set, when one is; nothing is run to answer. */
  configured(): string | undefined;
  /** Keeps `path` (absolute) as the binary to run, or forgets it for null; answers the new status, for which it runs `helm version --short`. */
  setPath(path: string | null): Promise<HelmTool>;
  /** The binary to run; UNSUPPORTED with the reason when there is none. */
  require(): Promise<string>;
}

export interface HelmLocatorDeps {
  db: Database;
  /** The environment whose PATH is searched. */
  env?: NodeJS.ProcessEnv;
}

/** {@link HelmLocator} over the settings table and PATH. */
export function createHelmLocator({ db, env = process.env }: HelmLocatorDeps): HelmLocator {
  const read = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const save = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const remove = db.prepare('DELETE FROM settings WHERE key = ?');

  const configured = () => read.get(HELM_PATH_SETTING)?.value;

  /** The binary to run, or why there is none. */
  async function locate(): Promise<{ configuredPath?: string; path?: string; problem?: string }> {
    const configuredPath = configured();
    if (configuredPath) {
      return (await isExecutableFile(configuredPath))
        ? { configuredPath, path: configuredPath }
        : { configuredPath, problem: `helm not found at ${configuredPath} (no executable file there) — set its path` };
    }
    const path = await helmOnPath(env.PATH);
    return path ? { path } : { problem: 'helm not found on PATH — set its path' };
  }

  async function version(path: string): Promise<{ version?: string; problem?: string }> {
    const lines: string[] = [];
    const timeout = AbortSignal.timeout(VERSION_TIMEOUT_MS);
    try {
      const exit = await runHelm(path, ['version', '--short'], { env, signal: timeout, onLine: (line) => lines.push(line) });
      if (exit.code === 0 && lines[0]) return { version: lines[0].trim().slice(0, 100) };
      const why = timeout.aborted ? `did not answer within ${VERSION_TIMEOUT_MS / 1000} s` : `exited with ${exit.code ?? exit.signal}`;
      return { problem: `${path} does not run as helm (helm version ${why}) — set its path` };
    } catch (err) {
      return { problem: `${(err as Error).message} — set its path` };
    }
  }

  async function status(): Promise<HelmTool> {
    const found = await locate();
    if (!found.path) return found;
    return { ...found, ...(await version(found.path)) };
  }

  return {
    status,
    configured,
    async setPath(path) {
      if (path === null) remove.run(HELM_PATH_SETTING);
      else {
        if (!isAbsolute(path)) throw new AppError('VALIDATION', `"${path}" is not an absolute path: give the full path to the helm binary`);
        save.run(HELM_PATH_SETTING, path);
      }
      return status();
    },
    async require() {
      const found = await locate();
      if (!found.path) throw new AppError('UNSUPPORTED', found.problem ?? 'helm not found on PATH — set its path');
      return found.path;
    },
  };
}
