import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from './database';
import type { Migration } from './migrations/types';
import { madeTempDir } from '../../../test/support/tempDirs';

const tmp = () => join(madeTempDir('ph-db-'), 'pilothouse.db');
const table = (version: number, name: string): Migration => ({ version, name, up: (db) => db.exec(`CREATE TABLE ${name} (x)`) });

describe('openDatabase', () => {
  it('opens in WAL mode with secure_delete, migrated to the latest version', () => {
    const db = openDatabase({ file: tmp() });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
    db.close();
  });

  it.skipIf(process.platform === 'win32')('keeps the file, its WAL and SHM, and the copy before a migration readable by the user only', () => {
    const file = tmp();
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
    openDatabase({ file, migrations: [table(1, 'a')] }).close();
    const db = openDatabase({ file, migrations: [table(1, 'a'), table(2, 'b')] });
    for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}.before-v2.bak`]) expect(mode(path), path).toBe('600');
    db.close();
  });

  it('copies the file aside before migrating an existing database', () => {
    const file = tmp();
    openDatabase({ file, migrations: [table(1, 'a')] }).close();
    const db = openDatabase({ file, migrations: [table(1, 'a'), table(2, 'b')] });
    expect(existsSync(`${file}.before-v2.bak`)).toBe(true);
    const copy = new Database(`${file}.before-v2.bak`, { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(1);
    copy.close();
    db.close();
  });

  it('does not copy a brand-new file', () => {
    const file = tmp();
    openDatabase({ file, migrations: [table(1, 'a')] }).close();
    expect(existsSync(`${file}.before-v1.bak`)).toBe(false);
  });

  it('rolls a failing migration back entirely and keeps the old version', () => {
    const file = tmp();
    openDatabase({ file, migrations: [table(1, 'a')] }).close();
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up: (db) => {
        db.exec('CREATE TABLE half (x)');
        throw new Error('boom');
      },
    };
    expect(() => openDatabase({ file, migrations: [table(1, 'a'), broken] })).toThrow('boom');
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'half'`).get()).toBeUndefined();
    db.close();
  });

  it('refuses a file written by a newer version', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 99');
    expect(() => migrate(db, [table(1, 'a')])).toThrow(/newer Pilothouse/);
  });

  it('explains an ABI mismatch instead of the raw loader error', () => {
    expect(() => openDatabase({ file: tmp(), nativeBinding: join(tmpdir(), 'missing-binding.node') })).toThrow();
  });
});
