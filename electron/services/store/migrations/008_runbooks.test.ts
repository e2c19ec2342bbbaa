import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migrations } from '.';

describe('migration 008 (runbooks)', () => {
  it('adds the library over a version 7 file: one runbook per import folder and path, versions and uses go with their runbook, FTS5 answers', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.slice(0, 7));
    migrate(db, migrations.slice(0, 8));
    expect(db.pragma('user_version', { simple: true })).toBe(8);

    const add = db.prepare(
      `INSERT INTO runbooks (seq, id, version, source, body, title, tags, resources, severity, folder, path, file_hash, created_at, updated_at, updated_by)
       VALUES (?, ?, 1, 'x', 'x', 'T', '[]', '[]', ?, ?, ?, ?, 'now', 'now', 'ann')`,
    );
    add.run(1, 'rb-one', 'high', '/teams/a', 'gpu/drain.md', 'h');
    expect(() => add.run(2, 'rb-two', null, '/teams/a', 'gpu/drain.md', 'h')).toThrow(/UNIQUE/);
    // The same path in another folder is another runbook.
    add.run(5, 'rb-five', null, '/teams/b', 'gpu/drain.md', 'h');
    expect(() => add.run(3, 'rb-three', 'urgent', null, null, null)).toThrow(/CHECK/);
    // Folder, path and hash go together.
    expect(() => add.run(6, 'rb-six', null, null, 'gpu/x.md', 'h')).toThrow(/CHECK/);
    expect(() => add.run(7, 'rb-seven', null, '/teams/a', 'gpu/x.md', null)).toThrow(/CHECK/);
    add.run(4, 'rb-four', null, null, null, null);

    db.prepare(`INSERT INTO runbook_versions VALUES (1, 1, 'x', 'T', 'now', 'ann', 1)`).run();
    db.prepare(`INSERT INTO runbook_tags VALUES (1, 'gpu')`).run();
    db.prepare(`INSERT INTO runbook_resources VALUES (1, 'deployment', '', 'payments')`).run();
    db.prepare(`INSERT INTO runbook_uses (id, runbook_seq, version, label, started_at, started_by) VALUES ('u1', 1, 1, 'incident', 'now', 'ann')`).run();
    db.prepare(`INSERT INTO runbooks_fts (rowid, title, tags, body) VALUES (1, 'Drain a GPU node', 'gpu', 'cordon then drain')`).run();
    expect(db.prepare(`SELECT rowid FROM runbooks_fts WHERE runbooks_fts MATCH '"dra"*'`).all()).toEqual([{ rowid: 1 }]);

    db.prepare(`DELETE FROM runbooks WHERE seq = 1`).run();
    for (const table of ['runbook_versions', 'runbook_tags', 'runbook_resources', 'runbook_uses']) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
    }
  });
});
