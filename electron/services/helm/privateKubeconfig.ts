import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a tool run with {@link withPrivateKubeconfig} finds its files. */
export interface PrivateKubeconfig {
  /** The private directory (mode 0700), gone once the work is done. */
  dir: string;
  /** The kubeconfig file in it (mode 0600). */
  file: string;
}

/**
 * Runs `work` with `kubeconfig` (one connection's context and credentials)
 * written to a file only this user can read, in a directory of its own, and
 * removes both when the work ends, however it ends. `work` must not settle
 * before whatever reads the file has stopped.
 */
export async function withPrivateKubeconfig<T>(kubeconfig: string, work: (files: PrivateKubeconfig) => Promise<T>, parent = tmpdir()): Promise<T> {
  // mkdtemp makes the directory 0700: no one else can list or open what is in it.
  const dir = await mkdtemp(join(parent, 'pilothouse-helm-'));
  try {
    const file = join(dir, 'kubeconfig');
    await writeFile(file, kubeconfig, { mode: 0o600, flag: 'wx' });
    return await work({ dir, file });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
