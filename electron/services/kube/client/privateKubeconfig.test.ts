import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { madeTempDir } from '../../../../test/support/tempDirs';
import { sweepLeftoverKubeconfigs, withPrivateKubeconfig, type PrivateKubeconfig } from './privateKubeconfig';

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

describe('sweepLeftoverKubeconfigs', () => {
  const HOUR_AGO = (Date.now() - 3_600_000) / 1000;

  /** A private directory with a kubeconfig, as a run cut short leaves it, last changed an hour ago unless `fresh`. */
  function leftover(parent: string, name: string, fresh = false): string {
    const dir = join(parent, name);
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG, { mode: 0o600 });
    if (!fresh) utimesSync(dir, HOUR_AGO, HOUR_AGO);
    return dir;
  }

  it("removes the private directories (Helm's, terminals') older than this process, and nothing else: not a run's under way, another name, a file or a link", async () => {
    const parent = madeTempDir('sweep-');
    const old = leftover(parent, 'pilothouse-helm-abc123');
    const oldTerminal = leftover(parent, 'pilothouse-terminal-abc123');
    leftover(parent, 'pilothouse-helm-new456', true);
    leftover(parent, 'someone-else-xyz');
    writeFileSync(join(parent, 'pilothouse-helm-file'), 'x');
    const target = madeTempDir('sweep-target-');
    writeFileSync(join(target, 'keep'), 'x');
    symlinkSync(target, join(parent, 'pilothouse-helm-link'));

    expect((await sweepLeftoverKubeconfigs({ parent, before: Date.now() - 60_000 })).sort()).toEqual([old, oldTerminal]);
    expect(readdirSync(parent).sort()).toEqual(['pilothouse-helm-file', 'pilothouse-helm-link', 'pilothouse-helm-new456', 'someone-else-xyz']);
    expect(readdirSync(target)).toEqual(['keep']);
  });

  it('leaves the directories of a process still running (another Pilothouse, a test run) and removes those of one that ended', async () => {
    const parent = madeTempDir('sweep-');
    const ended = spawnSync('true').pid;
    const theirs = leftover(parent, `pilothouse-helm-${ended}-abc123`);
    leftover(parent, `pilothouse-helm-${process.pid}-def456`);
    expect(await sweepLeftoverKubeconfigs({ parent, before: Date.now() })).toEqual([theirs]);
    expect(readdirSync(parent)).toEqual([`pilothouse-helm-${process.pid}-def456`]);
  });

  it("leaves another user's directories alone", async () => {
    const parent = madeTempDir('sweep-');
    leftover(parent, 'pilothouse-helm-abc123');
    expect(await sweepLeftoverKubeconfigs({ parent, before: Date.now(), uid: statSync(parent).uid + 1 })).toEqual([]);
    expect(readdirSync(parent)).toEqual(['pilothouse-helm-abc123']);
  });
});
