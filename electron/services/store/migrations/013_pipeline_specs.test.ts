import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migration013 } from './013_pipeline_specs';
import { migrations } from '.';

function migrated() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  const before = migrations.filter((m) => m.version < 13);
  migrate(db, before);
  migrate(db, [...before, migration013]);
  return db;
}

const spec = (db: Database.Database, id: string, name: string, kinds = '["batch/v1 Job"]') =>
  db
    .prepare(`INSERT INTO pipeline_specs (id, name, kinds, documents, version, created_at, updated_at, updated_by) VALUES (?, ?, ?, 1, 1, 'now', 'now', 'me')`)
    .run(id, name, kinds);

const version = (db: Database.Database, id: string, n: number) =>
  db.prepare(`INSERT INTO pipeline_spec_versions (spec_id, version, text, message, saved_at, saved_by) VALUES (?, ?, 'kind: Job', 'm', 'now', 'me')`).run(id, n);

describe('migration 013 (pipeline specs)', () => {
  it('keeps specs by unique name, with JSON kinds', () => {
    const db = migrated();
    expect(db.pragma('user_version', { simple: true })).toBe(13);
    spec(db, 'sp-1', 'train');
    expect(() => spec(db, 'sp-2', 'train')).toThrow(/UNIQUE/);
    expect(() => spec(db, 'sp-3', 'eval', '{not json')).toThrow(/CHECK/);
  });

  it('gives two specs no one file in the spec repository, whatever the case', () => {
    const db = migrated();
    spec(db, 'sp-1', 'Train');
    spec(db, 'sp-2', 'train');
    spec(db, 'sp-3', 'eval');
    const setFile = db.prepare(`UPDATE pipeline_specs SET git_file = ? WHERE id = ?`);
    setFile.run('Train.yaml', 'sp-1');
    expect(() => setFile.run('train.yaml', 'sp-2')).toThrow(/UNIQUE/);
    setFile.run('train-2.yaml', 'sp-2');
    expect(db.prepare(`SELECT count(*) AS n FROM pipeline_specs WHERE git_file IS NULL`).get()).toEqual({ n: 1 });
  });

  it('keeps a spec\'s file by its folder and its path in it, both or neither', () => {
    const db = migrated();
    spec(db, 'sp-1', 'train');
    const setSource = db.prepare(`UPDATE pipeline_specs SET source_root = ?, source_path = ? WHERE id = 'sp-1'`);
    setSource.run('/repos/a', 'jobs/train.yaml');
    expect(() => setSource.run(null, 'jobs/train.yaml')).toThrow(/CHECK/);
    expect(() => setSource.run('/repos/a', null)).toThrow(/CHECK/);
    setSource.run(null, null);
  });

  it('numbers versions per spec, and a spec\'s versions go with it', () => {
    const db = migrated();
    spec(db, 'sp-1', 'train');
    version(db, 'sp-1', 1);
    expect(() => version(db, 'sp-1', 1)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => version(db, 'sp-nope', 1)).toThrow(/FOREIGN KEY/);
    db.prepare(`DELETE FROM pipeline_specs WHERE id = 'sp-1'`).run();
    expect(db.prepare(`SELECT count(*) AS n FROM pipeline_spec_versions`).get()).toEqual({ n: 0 });
  });

  it('ends an apply with one of its outcomes, interrupted among them', () => {
    const db = migrated();
    spec(db, 'sp-1', 'train');
    const apply = db.prepare(`INSERT INTO pipeline_spec_applies (spec_id, version, connection_id, task_id, actor, started_at, outcome) VALUES ('sp-1', 1, 'c1', 't', 'me', 'now', ?)`);
    for (const outcome of ['running', 'applied', 'partial', 'failed', 'cancelled', 'interrupted']) apply.run(outcome);
    expect(() => apply.run('lost')).toThrow(/CHECK/);
  });

  it('caches one OpenAPI document per connection and group-version', () => {
    const db = migrated();
    const put = db.prepare(`INSERT INTO openapi_documents (connection_id, group_version, hash, body_gzip, fetched_at) VALUES (?, ?, ?, ?, 'now')`);
    put.run('c1', 'apis/apps/v1', 'h1', Buffer.from([1]));
    put.run('c2', 'apis/apps/v1', 'h1', Buffer.from([1]));
    expect(() => put.run('c1', 'apis/apps/v1', 'h2', Buffer.from([2]))).toThrow(/UNIQUE|PRIMARY/);
  });
});
