import type { Migration } from './types';

/**
 * Cost Explorer answers, cached by query (each request is billed), and a
 * record of every billable request made, so the UI can count them.
 */
export const migration010: Migration = {
  version: 10,
  name: 'spend_cache',
  up(db) {
    db.exec(`
      CREATE TABLE spend_cache (
        connection_id  TEXT NOT NULL,
        query_key      TEXT NOT NULL,
        response       TEXT NOT NULL,
        fetched_at     TEXT NOT NULL,
        expires_at     TEXT NOT NULL,
        PRIMARY KEY (connection_id, query_key)
      );
      CREATE TABLE spend_requests (
        id             INTEGER PRIMARY KEY,
        connection_id  TEXT NOT NULL,
        operation      TEXT NOT NULL,
        made_at        TEXT NOT NULL
      );
      CREATE INDEX spend_requests_by_connection ON spend_requests (connection_id, made_at);
    `);
  },
};
