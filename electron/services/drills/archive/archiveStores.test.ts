import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import { madeTempDir } from '../../../../test/support/tempDirs';
import { checkDestination, createFolderStore } from './archiveStores';

const NAME = 'pilothouse-team-a-20261204T101500Z';
const noAws = { awsAccessOf: () => { throw new Error('not an S3 destination'); } };

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    return err as AppError;
  }
  throw new Error('it did not reject');
}

describe('a folder of archives', () => {
  it('writes into a hidden partial folder, and the archive appears whole on commit', async () => {
    const dir = madeTempDir('ph-store-');
    const store = createFolderStore(dir);
    await store.write(NAME, 'objects/team-a/core/configmaps/app.yaml', Buffer.from('a: 1\n'));
    await store.write(NAME, 'manifest.json', Buffer.from('{}\n'));
    expect(readdirSync(dir)).toEqual([`.partial-${NAME}`]);
    expect(await store.list(NAME)).toEqual([]);
    await store.commit(NAME);
    expect(readdirSync(dir)).toEqual([NAME]);
    expect(statSync(join(dir, NAME)).mode & 0o777).toBe(0o700);
    expect((await store.list(NAME)).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'manifest.json', bytes: 3, regular: true },
      { path: 'objects/team-a/core/configmaps/app.yaml', bytes: 5, regular: true },
    ]);
    expect((await store.read(NAME, 'objects/team-a/core/configmaps/app.yaml', 100)).toString()).toBe('a: 1\n');
    expect(store.location(NAME)).toBe(join(dir, NAME));
  });

  it('refuses to commit over an archive of the same name', async () => {
    const dir = madeTempDir('ph-store-');
    const store = createFolderStore(dir);
    mkdirSync(join(dir, NAME));
    await store.write(NAME, 'manifest.json', Buffer.from('{}'));
    expect((await rejection(store.commit(NAME))).code).toBe('NAME_CONFLICT');
  });

  it('removes an archive, committed or partial', async () => {
    const dir = madeTempDir('ph-store-');
    const store = createFolderStore(dir);
    await store.write(NAME, 'manifest.json', Buffer.from('{}'));
    await store.commit(NAME);
    await store.write(`${NAME}-2`, 'objects/a/core/configmaps/x.yaml', Buffer.from('x'));
    await store.remove(NAME);
    await store.remove(`${NAME}-2`);
    expect(readdirSync(dir)).toEqual([]);
    // Nothing there: nothing to do.
    await store.remove(NAME);
  });

  it('replaces a stale partial folder a crashed backup left', async () => {
    const dir = madeTempDir('ph-store-');
    mkdirSync(join(dir, `.partial-${NAME}`, 'objects'), { recursive: true });
    writeFileSync(join(dir, `.partial-${NAME}`, 'objects', 'stale.yaml'), 'old');
    const store = createFolderStore(dir);
    await store.write(NAME, 'manifest.json', Buffer.from('{}'));
    await store.commit(NAME);
    expect((await store.list(NAME)).map((e) => e.path)).toEqual(['manifest.json']);
  });

  it('refuses a destination that is not absolute, and paths and names that leave the folder', async () => {
    expect(() => createFolderStore('backups/here')).toThrow(/not an absolute path/);
    const store = createFolderStore(madeTempDir('ph-store-'));
    for (const path of ['../x.yaml', '/etc/passwd', 'objects\\x.yaml', 'objects/a\0.yaml', 'objects/../../x.yaml']) {
      expect((await rejection(store.write(NAME, path, Buffer.from('x')))).message).toMatch(/escapes the archive/);
      expect((await rejection(store.read(NAME, path, 10))).message).toMatch(/escapes the archive/);
    }
    for (const name of ['..', '../up', 'a/b', '']) expect((await rejection(store.list(name))).code).toBe('VALIDATION');
  });

  it('never follows a symbolic link: a linked file or folder is listed as not regular and refused when read', async () => {
    const dir = madeTempDir('ph-store-');
    const outside = madeTempDir('ph-outside-');
    writeFileSync(join(outside, 'passwd'), 'root:x:0:0');
    mkdirSync(join(outside, 'folder'));
    writeFileSync(join(outside, 'folder', 'app.yaml'), 'secret: outside');
    const store = createFolderStore(dir);
    await store.write(NAME, 'manifest.json', Buffer.from('{}'));
    await store.commit(NAME);
    mkdirSync(join(dir, NAME, 'objects', 'team-a', 'core'), { recursive: true });
    symlinkSync(join(outside, 'passwd'), join(dir, NAME, 'objects', 'team-a', 'core', 'link.yaml'));
    symlinkSync(join(outside, 'folder'), join(dir, NAME, 'objects', 'team-a', 'core', 'configmaps'));
    const listed = await store.list(NAME);
    expect(listed).toContainEqual({ path: 'objects/team-a/core/link.yaml', bytes: 0, regular: false });
    expect(listed).toContainEqual({ path: 'objects/team-a/core/configmaps', bytes: 0, regular: false });
    expect(listed.some((e) => e.path.includes('app.yaml'))).toBe(false);
    expect((await rejection(store.read(NAME, 'objects/team-a/core/link.yaml', 100))).message).toMatch(/symbolic link/);
    expect((await rejection(store.read(NAME, 'objects/team-a/core/configmaps/app.yaml', 100))).message).toMatch(/symbolic link/);
    // The archive itself reached through a link.
    symlinkSync(join(dir, NAME), join(dir, 'linked'));
    expect((await rejection(store.read('linked', 'manifest.json', 100))).message).toMatch(/symbolic link/);
    expect((await rejection(store.list('linked'))).message).toMatch(/symbolic link/);
  });

  it.skipIf(process.platform === 'win32')('refuses a named pipe put where a file was, at once, rather than waiting for ever on its writer', async () => {
    const dir = madeTempDir('ph-store-');
    const store = createFolderStore(dir);
    await store.write(NAME, 'manifest.json', Buffer.from('{}\n'));
    await store.commit(NAME);
    // Put there after the listing was read: the read itself must not block.
    execFileSync('mkfifo', [join(dir, NAME, 'objects.yaml')]);
    const read = store.read(NAME, 'objects.yaml', 100);
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 2000));
    const err = await Promise.race([rejection(read), timeout]);
    expect(err).toMatchObject({ code: 'VALIDATION', message: 'objects.yaml is not a regular file' });
  });

  it('refuses a file over the limit it is read with, and says a missing one is missing', async () => {
    const store = createFolderStore(madeTempDir('ph-store-'));
    await store.write(NAME, 'manifest.json', Buffer.alloc(2048, 'a'));
    await store.commit(NAME);
    expect((await rejection(store.read(NAME, 'manifest.json', 1024))).message).toMatch(/more than the .* an archive's file may be/);
    const missing = await rejection(store.read(NAME, 'objects/a/core/configmaps/x.yaml', 1024));
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', 'objects/a/core/configmaps/x.yaml is missing from the archive']);
  });
});

describe('checking a destination', () => {
  it('creates a missing folder and leaves no probe in it', async () => {
    const path = join(madeTempDir('ph-dest-'), 'new', 'backups');
    await checkDestination({ kind: 'folder', path }, noAws);
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(path)).toEqual([]);
  });

  it('refuses a relative path and a file in the way', async () => {
    expect((await rejection(checkDestination({ kind: 'folder', path: 'relative/dir' }, noAws))).message).toMatch(/not an absolute path/);
    const file = join(madeTempDir('ph-dest-'), 'file');
    writeFileSync(file, 'x');
    expect((await rejection(checkDestination({ kind: 'folder', path: file }, noAws))).message).toMatch(/file is in the way|is a file, not a folder/);
    expect((await rejection(checkDestination({ kind: 'folder', path: join(file, 'below') }, noAws))).message).toMatch(/file is in the way/);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder it may not write in', async () => {
    const { chmodSync } = await import('node:fs');
    const path = madeTempDir('ph-dest-');
    chmodSync(path, 0o500);
    const err = await rejection(checkDestination({ kind: 'folder', path }, noAws));
    chmodSync(path, 0o700);
    expect([err.code, err.message]).toEqual(['FORBIDDEN', expect.stringMatching(/permission denied/)]);
  });
});
