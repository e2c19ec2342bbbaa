import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { madeTempDir } from '../../../test/support/tempDirs';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { createHelmLocator, helmOnPath, runHelm } from './helmTool';

/** A stand-in for helm: a shell script that answers `version --short`. */
function fakeHelm(dir: string, body = 'echo v3.22.0+gabc'): string {
  const path = join(dir, 'helm');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function locatorWith(PATH: string) {
  const db = new Database(':memory:');
  migrate(db, migrations);
  return { db, locator: createHelmLocator({ db, env: { PATH } }) };
}

describe('helmOnPath', () => {
  it('finds the first executable helm, skipping directories where it is not executable or not a file', async () => {
    const notExecutable = madeTempDir('helm-path-');
    writeFileSync(join(notExecutable, 'helm'), 'x', { mode: 0o644 });
    const directory = madeTempDir('helm-path-');
    // A directory named helm, which access(X_OK) alone would accept.
    mkdirSync(join(directory, 'helm'));
    const good = madeTempDir('helm-path-');
    const helm = fakeHelm(good);
    expect(await helmOnPath(['relative/bin', notExecutable, directory, good].join(':'), 'linux')).toBe(helm);
    expect(await helmOnPath(notExecutable, 'linux')).toBeUndefined();
    expect(await helmOnPath(undefined, 'linux')).toBeUndefined();
  });
});

describe('helm locator', () => {
  it('says helm is not found on PATH, and refuses to run without it', async () => {
    const { locator } = locatorWith(madeTempDir('empty-path-'));
    expect(await locator.status()).toEqual({ problem: 'helm not found on PATH — set its path' });
    await expect(locator.require()).rejects.toMatchObject({ code: 'UNSUPPORTED', message: 'helm not found on PATH — set its path' });
  });

  it('uses helm on PATH with its version', async () => {
    const dir = madeTempDir('helm-path-');
    const helm = fakeHelm(dir);
    const { locator } = locatorWith(dir);
    expect(await locator.status()).toEqual({ path: helm, version: 'v3.22.0+gabc' });
    expect(await locator.require()).toBe(helm);
  });

  it('keeps a configured path in the data file, prefers it to PATH, and forgets it on null', async () => {
    const onPath = madeTempDir('helm-path-');
    fakeHelm(onPath);
    const mine = fakeHelm(madeTempDir('helm-mine-'), 'echo v3.21.1');
    const { db, locator } = locatorWith(onPath);
    expect(await locator.setPath(mine)).toEqual({ configuredPath: mine, path: mine, version: 'v3.21.1' });
    expect(db.prepare(`SELECT value FROM settings WHERE key = 'helm.path'`).get()).toEqual({ value: mine });
    expect(await createHelmLocator({ db, env: { PATH: onPath } }).require()).toBe(mine);
    expect((await locator.setPath(null)).configuredPath).toBeUndefined();
  });

  it('says why a configured path is no helm, and refuses a relative one', async () => {
    const { locator } = locatorWith('');
    const missing = join(madeTempDir('helm-none-'), 'helm');
    expect(await locator.setPath(missing)).toEqual({ configuredPath: missing, problem: `helm not found at ${missing} (no executable file there) — set its path` });
    const broken = fakeHelm(madeTempDir('helm-broken-'), 'echo no >&2; exit 3');
    expect(await locator.setPath(broken)).toEqual({ configuredPath: broken, path: broken, problem: `${broken} does not run as helm (helm version exited with 3) — set its path` });
    await expect(locator.setPath('bin/helm')).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('runHelm', () => {
  it('hands over every line of stdout and stderr, the last one unterminated too', async () => {
    const helm = fakeHelm(madeTempDir('helm-run-'), 'echo one; echo two >&2; printf three');
    const lines: string[] = [];
    const exit = await runHelm(helm, [], { env: {}, onLine: (line, stream) => lines.push(`${stream}:${line}`) });
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one', 'stdout:three']);
  });

  it('stops helm when the signal aborts, and resolves only once it has exited', async () => {
    const helm = fakeHelm(madeTempDir('helm-run-'), 'echo started; exec sleep 30');
    const stop = new AbortController();
    const running = runHelm(helm, [], { env: { PATH: process.env.PATH }, signal: stop.signal, onLine: () => stop.abort() });
    expect(await running).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('says so when helm cannot be started', async () => {
    await expect(runHelm('/nonexistent/helm', [], { env: {} })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('could not be started') });
  });
});
