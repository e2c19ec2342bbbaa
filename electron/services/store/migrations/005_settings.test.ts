import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migrations } from '.';

describe('migration 005 (settings)', () => {
  it('keeps one value per key over a version 4 file', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 4));
    migrate(db, migrations.slice(0, 5));
    expect(db.pragma('user_version', { simple: true })).toBe(5);

    const save = db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?)`);
    save.run('helm.path', '/usr/local/bin/helm');
    expect(() => save.run('helm.path', '/opt/helm')).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => save.run('other', null)).toThrow(/NOT NULL/);
    expect(db.prepare(`SELECT value FROM settings WHERE key = 'helm.path'`).get()).toEqual({ value: '/usr/local/bin/helm' });
  });
});
