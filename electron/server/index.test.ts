import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runServeToExit, startServe } from '../../test/support/serveProcess';
import { madeTempDir } from '../../test/support/tempDirs';

const SPAWN_TIMEOUT = 60_000;

describe('npm run serve with arguments it cannot use', () => {
  const refusals: { args: string[]; says: RegExp }[] = [
    { args: ['--port', '-1'], says: /^Pilothouse could not start: --port must be a whole number from 0 to 65535 \(0 picks a free port\), not "-1"\.$/ },
    { args: ['--port=-1'], says: /--port must be a whole number .*, not "-1"/ },
    { args: ['--port', ''], says: /--port must be a whole number .*, not ""/ },
    { args: ['--port', '80.5'], says: /--port must be a whole number .*, not "80\.5"/ },
    { args: ['--port', '65536'], says: /--port must be a whole number .*, not "65536"/ },
    { args: ['--port', 'http'], says: /--port must be a whole number .*, not "http"/ },
    { args: ['--port'], says: /--port/ },
    { args: ['--data-dir', ''], says: /--data-dir needs a directory/ },
    { args: ['--prot', '8080'], says: /--prot/ },
  ];

  for (const { args, says } of refusals) {
    it(`serve ${args.map((a) => a || "''").join(' ')}: one line that says what is wrong, exit code 2, nothing started or created`, async () => {
      const dir = madeTempDir('ph-serve-args-');
      const dataDir = join(dir, 'data');
      const withDataDir = args.includes('--data-dir') ? args : [...args, '--data-dir', dataDir];
      const { code, stdout, stderr } = await runServeToExit(withDataDir, 20_000);
      expect(stderr).toMatch(/\n$/);
      expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);
      expect(stderr.trimEnd()).toMatch(says);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(existsSync(dataDir)).toBe(false);
    }, SPAWN_TIMEOUT);
  }
});

describe.skipIf(process.platform === 'win32')('the data dir browser mode keeps', () => {
  const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
  const dataFiles = ['pilothouse.db', 'pilothouse.db-wal', 'pilothouse.db-shm', 'secret.key', 'logs/pilothouse.log'];

  /** Runs browser mode on `dataDir` and returns the modes of the dir and its files while it runs. */
  async function modesWhileServing(dataDir: string): Promise<Record<string, string>> {
    const serve = await startServe(['--data-dir', dataDir]);
    try {
      return Object.fromEntries(['.', 'logs', ...dataFiles].map((name) => [name, mode(join(dataDir, name))]));
    } finally {
      await serve.stop();
    }
  }

  const privateModes = { '.': '700', logs: '700', 'pilothouse.db': '600', 'pilothouse.db-wal': '600', 'pilothouse.db-shm': '600', 'secret.key': '600', 'logs/pilothouse.log': '600' };

  it('is readable by its owner only, an existing dir opened up (0755) included', async () => {
    const dataDir = join(madeTempDir('ph-serve-modes-'), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    expect(await modesWhileServing(dataDir)).toEqual(privateModes);
  }, SPAWN_TIMEOUT);

  it('tightens the files and folders an older version left open to other users', async () => {
    const dataDir = join(madeTempDir('ph-serve-modes-'), 'data');
    const first = await startServe(['--data-dir', dataDir]);
    // Killed as in a crash, so the WAL and SHM stay behind too.
    first.process.kill('SIGKILL');
    await first.stop();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'logs'), 0o755);
    for (const name of ['pilothouse.db', 'pilothouse.db-wal', 'pilothouse.db-shm', 'logs/pilothouse.log']) chmodSync(join(dataDir, name), 0o644);
    expect(await modesWhileServing(dataDir)).toEqual(privateModes);
  }, SPAWN_TIMEOUT);
});
