/**
 * The spec repository: a local git work tree the user picks, into which each
 * saved version of a spec is committed as `<name>.yaml` at its top level, with
 * the save's message and author, so specs live as code. Optional, and never in
 * the way of a save: the version is stored first, and a commit that fails
 * leaves it stored without a commit and says why.
 *
 * git runs through execFile (never a shell) with a timeout, paths after `--`,
 * and no GIT_* variable of the user's environment, any of which could send it
 * to another repository, index or author (GIT_DIR, GIT_WORK_TREE,
 * GIT_INDEX_FILE, GIT_AUTHOR_NAME…).
 */
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { AppError } from '../../../shared/result';
import { describeFsError } from '../files/folderRead';
import { removeTemps, writeFileInside } from '../files/folderWrite';
import type { Logger } from '../logging/logger';
import type { Database } from '../store/database';
import { specFileName } from './specFolder';
import type { SpecStore } from './specStore';

/** The settings key of the repository's real path. */
export const GIT_REPOSITORY_KEY = 'pipelines.gitRepository';
/** How long one git command may take: a hook or a signing prompt that hangs is cut off. */
export const GIT_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_BYTES = 256 * 1024;

/** What the repository needs: the settings, the library, and where to log a commit that failed. */
export interface SpecGitDeps {
  db: Database;
  store: Pick<SpecStore, 'get' | 'version' | 'setGitCommit'>;
  log: Pick<Logger, 'warn'>;
  /** The git binary; `git` on the PATH unless a test says otherwise. */
  git?: string;
  timeoutMs?: number;
}

/** How a commit of a version went: its sha, or why there is none; neither when no repository is set. */
export interface CommitOutcome {
  commit?: string;
  problem?: string;
}

/** The environment git runs in: the user's, without a GIT_* variable, never prompting, in English so its messages can be shown. */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.toUpperCase().startsWith('GIT_')) env[key] = value;
  return { ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
}

/** The first line of what git said, for a message. */
const firstLine = (text: string) => text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';

/** An author git takes: no angle brackets or line breaks in the name; an e-mail address of the actor's when it is one. */
export function authorOf(actor: string): { name: string; email: string } {
  const name = actor.replace(/[<>\p{Cc}]/gu, ' ').replace(/\s+/g, ' ').trim() || 'Pilothouse';
  const email = /^[^\s<>@]+@[^\s<>@]+$/.test(actor) ? actor : `${name.normalize('NFKD').replace(/\p{M}+/gu, '').replace(/[^A-Za-z0-9._-]+/g, '.').replace(/^\.+|\.+$/g, '') || 'user'}@pilothouse.invalid`;
  return { name, email };
}

/** The commit of a version's spec repository, and the setting that names it. */
export type SpecGit = ReturnType<typeof createSpecGit>;

/** Reads and writes the spec repository setting, and commits versions into it one at a time. */
export function createSpecGit(deps: SpecGitDeps) {
  const binary = deps.git ?? 'git';
  const timeoutMs = deps.timeoutMs ?? GIT_TIMEOUT_MS;
  const read = deps.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const save = deps.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const remove = deps.db.prepare('DELETE FROM settings WHERE key = ?');
  // One commit at a time: two would fight over the repository's index.lock.
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs git in `cwd`; resolves with its output, rejects with an AppError that says what went wrong. */
  const git = (cwd: string, args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(binary, args, { cwd, env: gitEnv(), timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === 'ENOENT' && !e.killed) return reject(new AppError('UNSUPPORTED', 'git is not installed (or not on the PATH); install it to commit specs to a repository'));
        if (e.killed) return reject(new AppError('TIMEOUT', `git ${args.find((a) => !a.startsWith('-')) ?? ''} gave no answer within ${timeoutMs / 1000} s (a hook or a signing prompt waiting?)`));
        reject(new AppError('VALIDATION', `git said: ${firstLine(stderr) || firstLine(stdout) || 'it failed'}`));
      });
    });

  /** The real path of `path` if it is the top folder of a git work tree; refused otherwise. */
  const checkedRepository = async (path: string): Promise<string> => {
    if (!isAbsolute(path)) throw new AppError('VALIDATION', `"${path}" is not an absolute path; choose the repository's folder by its full path`);
    let real: string;
    try {
      real = await realpath(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new AppError(code === 'ENOENT' ? 'NOT_FOUND' : 'FILE_UNREADABLE', code === 'ENOENT' ? `There is no folder ${path}` : `${path} can't be opened: ${describeFsError(err as NodeJS.ErrnoException)}`);
    }
    let inside: string;
    try {
      inside = (await git(real, ['rev-parse', '--is-inside-work-tree'])).trim();
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') throw new AppError('VALIDATION', `${path} is not a git repository git can use (${err.message}); run "git init" there, or choose the folder of one`);
      throw err;
    }
    if (inside !== 'true') throw new AppError('VALIDATION', `${path} is not in a git work tree (a bare repository, or inside .git); choose a folder git checks files out into`);
    const top = await realpath((await git(real, ['rev-parse', '--show-toplevel'])).trim());
    if (top !== real) throw new AppError('VALIDATION', `${path} is inside the repository ${top}; choose its top folder`);
    return real;
  };

  const commitNow = async (id: string, version: number): Promise<CommitOutcome> => {
    const repo = read.get(GIT_REPOSITORY_KEY)?.value;
    if (repo === undefined) return {};
    const temps = new Set<string>();
    try {
      const root = await checkedRepository(repo);
      const spec = deps.store.get(id);
      const saved = deps.store.version(id, version);
      const file = specFileName(spec.name);
      await writeFileInside(root, [file], saved.text, temps);
      const author = authorOf(saved.savedBy);
      const message = (saved.message.trim() || `Save ${spec.name} (version ${version})`).replaceAll('\0', '');
      await git(root, ['add', '--', file]);
      // --allow-empty: a version whose text the file already holds (a rename, a retarget) is still a commit of it.
      await git(root, ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`, 'commit', '--allow-empty', '--cleanup=whitespace', '-m', message, '--', file]);
      const commit = (await git(root, ['rev-parse', 'HEAD'])).trim();
      deps.store.setGitCommit(id, version, commit);
      return { commit };
    } catch (err) {
      const problem = err instanceof AppError ? err.message : err instanceof Error && 'code' in err ? `the file could not be written (${(err as NodeJS.ErrnoException).code})` : (err as Error).message;
      deps.log.warn('A spec version was saved but not committed to the spec repository', { specId: id, version, problem });
      return { problem };
    } finally {
      await removeTemps(temps);
    }
  };

  return {
    /** The repository set, and what is wrong with it now (moved, deleted, no longer a work tree), if anything. */
    async repository(): Promise<{ path?: string; problem?: string }> {
      const path = read.get(GIT_REPOSITORY_KEY)?.value;
      if (path === undefined) return {};
      try {
        await checkedRepository(path);
        return { path };
      } catch (err) {
        return { path, problem: err instanceof AppError ? err.message : String(err) };
      }
    },

    /**
     * Sets the repository to the top folder of a git work tree (kept by its
     * real path), or with no `path` clears it.
     *
     * @throws AppError VALIDATION (not absolute, not a work tree, not its top folder), NOT_FOUND, UNSUPPORTED (no git), TIMEOUT.
     */
    async setRepository(path?: string): Promise<{ path?: string }> {
      if (path === undefined) {
        remove.run(GIT_REPOSITORY_KEY);
        return {};
      }
      const real = await checkedRepository(path);
      save.run(GIT_REPOSITORY_KEY, real);
      return { path: real };
    },

    /**
     * Commits version `version` of spec `id` into the repository as
     * `<name>.yaml`, with its message and author, and records the commit on
     * the version. Never throws: without a repository it does nothing; a
     * failure is logged and returned as `problem` ("saved, but not committed: …").
     * Commits run one at a time, in the order asked.
     */
    commit(id: string, version: number): Promise<CommitOutcome> {
      const next = queue.then(() => commitNow(id, version));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
