import { chmodSync, chownSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, makePrivateDir, makePrivateFile } from './dataDir';
import { madeTempDir } from '../../../test/support/tempDirs';

describe('defaultDataDir', () => {
  it('follows XDG on Linux', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x/data' }, 'linux', '/home/me')).toBe('/x/data/pilothouse');
    expect(defaultDataDir({}, 'linux', '/home/me')).toBe('/home/me/.local/share/pilothouse');
  });

  it('uses the platform folders on macOS and Windows', () => {
    expect(defaultDataDir({}, 'darwin', '/Users/me')).toBe('/Users/me/Library/Application Support/Pilothouse');
    expect(defaultDataDir({ APPDATA: 'C:/Users/me/AppData/Roaming' }, 'win32', 'C:/Users/me')).toMatch(/Roaming.Pilothouse$/);
  });
});

describe.skipIf(process.platform === 'win32')('private data files', () => {
  const mode = (path: string) => (statSync(path).mode & 0o7777).toString(8);
  const tmp = () => madeTempDir('ph-private-');

  it('creates a directory, its parents too, that only the user can enter', () => {
    const dir = join(tmp(), 'a', 'b');
    makePrivateDir(dir);
    expect(mode(dir)).toBe('700');
  });

  it('tightens an existing directory and file of the user', () => {
    const dir = tmp();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'f'), 'x', { mode: 0o644 });
    makePrivateDir(dir);
    makePrivateFile(join(dir, 'f'));
    expect(mode(dir)).toBe('700');
    expect(mode(join(dir, 'f'))).toBe('600');
  });

  it('leaves alone what is already as strict or stricter, and files that are not there', () => {
    const dir = tmp();
    chmodSync(dir, 0o500);
    makePrivateDir(dir);
    expect(mode(dir)).toBe('500');
    expect(() => makePrivateFile(join(dir, 'missing'))).not.toThrow();
  });

  it("refuses another user's directory, naming the chmod its owner can run, and changes nothing", () => {
    let dir = '/usr';
    if (process.getuid?.() === 0) {
      dir = join(tmp(), "someone's data");
      mkdirSync(dir, { mode: 0o755 });
      chownSync(dir, 65534, 65534);
    }
    const before = mode(dir);
    expect(() => makePrivateDir(dir)).toThrow(`belongs to another user: its owner can run "chmod 700 '${dir.replaceAll("'", "'\\''")}'"`);
    expect(mode(dir)).toBe(before);
  });

  it('refuses a shared directory such as /tmp rather than lock others out of it', () => {
    const dir = tmp();
    chmodSync(dir, 0o1777);
    expect(() => makePrivateDir(dir)).toThrow('is shared, like /tmp: give Pilothouse a directory of its own');
    expect(mode(dir)).toBe('1777');
  });

  it('says so when the path is a file', () => {
    const file = join(tmp(), 'data');
    writeFileSync(file, '');
    expect(() => makePrivateDir(file)).toThrow('is a file, not a directory');
  });
});
