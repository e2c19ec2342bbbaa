import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migrations } from '.';

describe('migration 010 (spend cache)', () => {
  it('caches one answer per connection and query, and records each billable request', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 9));
    migrate(db, migrations.slice(0, 10));
    expect(db.pragma('user_version', { simple: true })).toBe(10);
    const cache = db.prepare(`INSERT INTO spend_cache (connection_id, query_key, response, fetched_at, expires_at) VALUES (?, ?, '{}', '2026-12-04T00:00:00Z', '2026-12-04T06:00:00Z')`);
    cache.run('aws-1', 'q1');
    cache.run('aws-2', 'q1');
    expect(() => cache.run('aws-1', 'q1')).toThrow(/UNIQUE|PRIMARY KEY/);
    const request = db.prepare(`INSERT INTO spend_requests (connection_id, operation, made_at) VALUES (?, 'GetCostAndUsage', '2026-12-04T00:00:00Z')`);
    request.run('aws-1');
    request.run('aws-1');
    expect(db.prepare(`SELECT count(*) AS n FROM spend_requests WHERE connection_id = 'aws-1'`).get()).toEqual({ n: 2 });
  });
});
