/**
 * The spec repository: a local git work tree the user picks, into which each
 * saved version of a spec is committed as `<name>.yaml` at its top level, with
 * the save's message and author, so specs live as code. Optional, and never in
 * the way of a save: the version is stored first, and a commit that fails
 * leaves it stored without a commit and says why.
 *
 * Each spec has one file there, recorded on the spec: a name another spec's
 * file already has (`.train` and `_train` both make `_train.yaml`; `Train`
 * and `train` are one file on a case-insensitive file system) is tagged with
 * the spec's id. A rename moves the file and a delete removes it, so a GitOps
 * tool syncing the repository never applies a spec twice or one deleted.
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
  store: Pick<SpecStore, 'get' | 'version' | 'setGitCommit' | 'gitFile' | 'gitFilesBesides' | 'setGitFile'>;
  log: Pick<Logger, 'warn'>;
  /** The git binary; `git` on the PATH unless a test says otherwise. */
  git?: string;
  /** How long a commit may take: from when it is asked when someone waits for it (its wait for those before it included), else from when it starts. */
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
  // Literal pathspecs: a spec file named `*.yaml` or `:(glob)x` is that file, not a pattern.
  return { ...env, GIT_TERMINAL_PROMPT: '0', GIT_LITERAL_PATHSPECS: '1', LC_ALL: 'C' };
}

/** The first line of what git said, for a message. */
const firstLine = (text: string) => text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';

/** An author git takes: no angle brackets or line breaks in the name; an e-mail address of the actor's when it is one. */
export function authorOf(actor: string): { name: string; email: string } {
  const name = actor.replace(/[<>\p{Cc}]/gu, ' ').replace(/\s+/g, ' ').trim() || 'Pilothouse';
  const email = /^[^\s<>@]+@[^\s<>@]+$/.test(actor) ? actor : `${name.normalize('NFKD').replace(/\p{M}+/gu, '').replace(/[^A-Za-z0-9._-]+/g, '.').replace(/^\.+|\.+$/g, '') || 'user'}@pilothouse.invalid`;
  return { name, email };
}

/** A spec as it was deleted: its name, and its file in the repository if it was ever committed. */
export interface DeletedSpec {
  id: string;
  name: string;
  gitFile?: string;
}

/** `<name>.yaml` with `-<tag>` before the extension. */
const tagged = (file: string, tag: string) => file.replace(/\.yaml$/, `-${tag}.yaml`);
/** A file name as a case-insensitive (and, on macOS, normalising) file system compares it. */
const folded = (file: string) => file.normalize('NFC').toLowerCase();

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

  const timedOut = () => new AppError('TIMEOUT', `git did not finish within ${timeoutMs / 1000} s (a hook or a signing prompt waiting?)`);

  /**
   * Runs git in `cwd`, killed at `deadline` (ms since the epoch); resolves with
   * its output, rejects with an AppError that says what went wrong.
   */
  const git = (cwd: string, args: string[], deadline: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const left = deadline - Date.now();
      if (left <= 0) return reject(timedOut());
      const child = execFile(binary, args, { cwd, env: gitEnv(), maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true, encoding: 'utf8' }, (err, stdout, stderr) => {
        clearTimeout(timer);
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'ENOENT') return reject(new AppError('UNSUPPORTED', 'git is not installed (or not on the PATH); install it to commit specs to a repository'));
        reject(new AppError('VALIDATION', `git said: ${firstLine(stderr) || firstLine(stdout) || 'it failed'}`));
      });
      // SIGTERM, not SIGKILL: git then removes its index.lock, which would otherwise refuse every later commit.
      // Settled at once: a hook git started may keep its output open long after git is gone.
      const timer = setTimeout(() => {
        child.kill('SIGTERM');
        reject(timedOut());
      }, left);
    });

  /** Whether git knows `file` (in the index, or in HEAD after a removal staged by a commit that then failed). */
  const known = async (root: string, file: string, deadline: number): Promise<boolean> => {
    if ((await git(root, ['ls-files', '--cached', '--', file], deadline)).trim() !== '') return true;
    try {
      await git(root, ['rev-parse', '--verify', '--quiet', `HEAD:${file}`], deadline);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') return false;
      throw err;
    }
  };

  /**
   * The spec's file for its current name: the one it has if that is still of
   * its name; else `<name>.yaml`, tagged with the spec's id when another
   * spec's file has that name (compared as a case-insensitive file system would).
   */
  const fileFor = (id: string, name: string, current: string | undefined): string => {
    const plain = specFileName(name);
    const tags = [id.slice(3, 11), id.slice(3)];
    if (current !== undefined && (current === plain || tags.some((t) => current === tagged(plain, t)))) return current;
    const taken = new Set(deps.store.gitFilesBesides(id).map(folded));
    return [plain, ...tags.map((t) => tagged(plain, t))].find((f) => !taken.has(folded(f))) ?? tagged(plain, id);
  };

  /** Commits with the actor as author and committer. */
  const commitAs = async (root: string, actor: string, message: string, paths: string[], deadline: number): Promise<string> => {
    const author = authorOf(actor);
    // --allow-empty: a version whose text the file already holds (a retarget) is still a commit of it.
    await git(root, ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`, 'commit', '--allow-empty', '--cleanup=whitespace', '-m', message.replaceAll('\0', ''), '--', ...paths], deadline);
    return (await git(root, ['rev-parse', 'HEAD'], deadline)).trim();
  };

  /**
   * Runs `work` after the commits asked before it, with a deadline from now
   * when someone waits for it (a save), so the wait for those counts too;
   * else from when it starts (an import's hundreds of commits each have their time).
   */
  const queued = <T>(work: (deadline: number) => Promise<T>, waited: boolean): Promise<T> => {
    const asked = Date.now() + timeoutMs;
    const next = queue.then(() => work(waited ? asked : Date.now() + timeoutMs));
    queue = next.catch(() => undefined);
    return next;
  };

  const problemOf = (err: unknown) =>
    err instanceof AppError ? err.message : err instanceof Error && 'code' in err ? `the file could not be written (${(err as NodeJS.ErrnoException).code})` : (err as Error).message;

  /** The real path of `path` if it is the top folder of a git work tree; refused otherwise. */
  const checkedRepository = async (path: string, deadline: number): Promise<string> => {
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
      inside = (await git(real, ['rev-parse', '--is-inside-work-tree'], deadline)).trim();
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') throw new AppError('VALIDATION', `${path} is not a git repository git can use (${err.message}); run "git init" there, or choose the folder of one`);
      throw err;
    }
    if (inside !== 'true') throw new AppError('VALIDATION', `${path} is not in a git work tree (a bare repository, or inside .git); choose a folder git checks files out into`);
    const top = await realpath((await git(real, ['rev-parse', '--show-toplevel'], deadline)).trim());
    if (top !== real) throw new AppError('VALIDATION', `${path} is inside the repository ${top}; choose its top folder`);
    return real;
  };

  const commitNow = async (id: string, version: number, deadline: number): Promise<CommitOutcome> => {
    const repo = read.get(GIT_REPOSITORY_KEY)?.value;
    if (repo === undefined) return {};
    const temps = new Set<string>();
    try {
      const root = await checkedRepository(repo, deadline);
      const spec = deps.store.get(id);
      const saved = deps.store.version(id, version);
      const old = deps.store.gitFile(id);
      const file = fileFor(id, spec.name, old);
      // Renamed: the old file goes in the same commit (an old file no longer in git is left alone).
      const moved = old !== undefined && old !== file && (await known(root, old, deadline)) ? [old] : [];
      if (moved.length) await git(root, ['rm', '-q', '-f', '--ignore-unmatch', '--', ...moved], deadline);
      await writeFileInside(root, [file], saved.text, temps);
      await git(root, ['add', '--', file], deadline);
      const commit = await commitAs(root, saved.savedBy, saved.message.trim() || `Save ${spec.name} (version ${version})`, [file, ...moved], deadline);
      deps.store.setGitFile(id, file);
      deps.store.setGitCommit(id, version, commit);
      return { commit };
    } catch (err) {
      const problem = problemOf(err);
      deps.log.warn('A spec version was saved but not committed to the spec repository', { specId: id, version, problem });
      return { problem };
    } finally {
      await removeTemps(temps);
    }
  };

  const removeNow = async (gone: DeletedSpec, actor: string, deadline: number): Promise<CommitOutcome> => {
    const repo = read.get(GIT_REPOSITORY_KEY)?.value;
    if (repo === undefined || gone.gitFile === undefined) return {};
    try {
      const root = await checkedRepository(repo, deadline);
      if (!(await known(root, gone.gitFile, deadline))) return {};
      await git(root, ['rm', '-q', '-f', '--ignore-unmatch', '--', gone.gitFile], deadline);
      return { commit: await commitAs(root, actor, `Delete ${gone.name}`, [gone.gitFile], deadline) };
    } catch (err) {
      const problem = problemOf(err);
      deps.log.warn('A spec was deleted but its file was not removed from the spec repository', { specId: gone.id, problem });
      return { problem };
    }
  };

  return {
    /** The repository set, and what is wrong with it now (moved, deleted, no longer a work tree), if anything. */
    async repository(): Promise<{ path?: string; problem?: string }> {
      const path = read.get(GIT_REPOSITORY_KEY)?.value;
      if (path === undefined) return {};
      try {
        await checkedRepository(path, Date.now() + timeoutMs);
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
      const real = await checkedRepository(path, Date.now() + timeoutMs);
      save.run(GIT_REPOSITORY_KEY, real);
      return { path: real };
    },

    /**
     * Commits version `version` of spec `id` into the repository as its file
     * (see the top of this file; moved there from the old one after a rename),
     * with its message and author, and records the commit on the version.
     * Never throws: without a repository it does nothing; a failure is logged
     * and returned as `problem` ("saved, but not committed: …"). Commits run
     * one at a time, in the order asked; each is over within the timeout of
     * when it was asked, its wait for those before it included, unless
     * `background` (no one waits for it: the timeout counts from its start).
     */
    commit(id: string, version: number, { background = false }: { background?: boolean } = {}): Promise<CommitOutcome> {
      return queued((deadline) => commitNow(id, version, deadline), !background);
    },

    /**
     * Removes a deleted spec's file from the repository in a commit
     * "Delete <name>" by `actor`. Never throws, like {@link commit}; a spec
     * never committed, or whose file git no longer knows, is nothing to do.
     */
    remove(gone: DeletedSpec, actor: string): Promise<CommitOutcome> {
      return queued((deadline) => removeNow(gone, actor, deadline), false);
    },
  };
}
