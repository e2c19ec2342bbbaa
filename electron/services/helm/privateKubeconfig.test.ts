import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { madeTempDir } from '../../../test/support/tempDirs';
import { withPrivateKubeconfig, type PrivateKubeconfig } from './privateKubeconfig';

const KUBECONFIG = 'apiVersion: v1\nkind: Config\ncurrent-context: bed\n';

describe('withPrivateKubeconfig', () => {
  it('writes the kubeconfig 0600 in a 0700 directory of its own, and removes both once the work is done', async () => {
    const parent = madeTempDir('private-kubeconfig-');
    let seen: PrivateKubeconfig | undefined;
    const answer = await withPrivateKubeconfig(
      KUBECONFIG,
      async (files) => {
        seen = files;
        expect(statSync(files.file).mode & 0o777).toBe(0o600);
        expect(statSync(files.dir).mode & 0o777).toBe(0o700);
        expect(readFileSync(files.file, 'utf8')).toBe(KUBECONFIG);
        return 42;
      },
      parent,
    );
    expect(answer).toBe(42);
    expect(existsSync(seen!.dir)).toBe(false);
  });

  it('removes them when the work fails too, and passes the failure on', async () => {
    const parent = madeTempDir('private-kubeconfig-');
    let dir = '';
    await expect(
      withPrivateKubeconfig(
        KUBECONFIG,
        async (files) => {
          dir = files.dir;
          throw new Error('helm could not start');
        },
        parent,
      ),
    ).rejects.toThrow('helm could not start');
    expect(dir).not.toBe('');
    expect(existsSync(dir)).toBe(false);
  });
});
