import { lstat, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What the private directories are named after: what they are for (a Helm run,
 * a terminal) and the pid of the process that made them, by which a leftover
 * one is found.
 */
export type KubeconfigPurpose = 'helm' | 'terminal';
const dirPrefix = (purpose: KubeconfigPurpose) => `pilothouse-${purpose}-`;
const MADE_BY = /^pilothouse-(?:helm|terminal)-(\d+)-/;

/** Whether process `pid` runs (as any user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Where a tool run with {@link withPrivateKubeconfig} finds its files. */
export interface PrivateKubeconfig {
  /** The private directory (mode 0700), gone once the work is done. */
  dir: string;
  /** The kubeconfig file in it (mode 0600). */
  file: string;
}

/**
 * Writes `kubeconfig` (one connection's context and credentials) to a file
 * only this user can read, in a directory of its own, for work whose end is
 * not one promise (a terminal session): the caller must call `remove` when it
 * ends, however it ends.
 */
export async function openPrivateKubeconfig(kubeconfig: string, purpose: KubeconfigPurpose, parent = tmpdir()): Promise<PrivateKubeconfig & { remove(): Promise<void> }> {
  // mkdtemp makes the directory 0700: no one else can list or open what is in it.
  const dir = await mkdtemp(join(parent, `${dirPrefix(purpose)}${process.pid}-`));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const file = join(dir, 'kubeconfig');
    await writeFile(file, kubeconfig, { mode: 0o600, flag: 'wx' });
    return { dir, file, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

/**
 * Runs `work` with `kubeconfig` (one connection's context and credentials)
 * written to a file only this user can read, in a directory of its own, and
 * removes both when the work ends, however it ends. `work` must not settle
 * before whatever reads the file has stopped.
 */
export async function withPrivateKubeconfig<T>(kubeconfig: string, work: (files: PrivateKubeconfig) => Promise<T>, parent = tmpdir()): Promise<T> {
  const { dir, file, remove } = await openPrivateKubeconfig(kubeconfig, 'helm', parent);
  try {
    return await work({ dir, file });
  } finally {
    await remove();
  }
}

/** Which leftovers {@link sweepLeftoverKubeconfigs} removes. */
export interface SweepScope {
  /** Where the private directories are made; the OS temp directory by default. */
  parent?: string;
  /** Only directories last changed before this (ms since the epoch): those of runs under way now are newer. This process's start by default. */
  before?: number;
  /** Only directories this user owns; this process's user by default. */
  uid?: number;
}

/**
 * Removes the private directories (and the credentials in them) that runs
 * cut short by a crash or a kill left behind, as {@link withPrivateKubeconfig}
 * could not: those directly in `parent`, named as it names them, owned by
 * this user, older than this process, and made by a process that no longer
 * runs (another Pilothouse, or a test run, may be using its own). A symbolic
 * link is never followed.
 *
 * @returns the directories removed.
 */
export async function sweepLeftoverKubeconfigs(scope: SweepScope = {}): Promise<string[]> {
  const parent = scope.parent ?? tmpdir();
  const before = scope.before ?? Date.now() - process.uptime() * 1000;
  const uid = scope.uid ?? process.getuid?.();
  const removed: string[] = [];
  for (const name of await readdir(parent)) {
    if (!name.startsWith(dirPrefix('helm')) && !name.startsWith(dirPrefix('terminal'))) continue;
    const dir = join(parent, name);
    const stat = await lstat(dir).catch(() => undefined);
    if (!stat?.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
    const madeBy = MADE_BY.exec(name)?.[1];
    if (stat.mtimeMs >= before || (madeBy && isRunning(Number(madeBy)))) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
