import type { Migration } from './types';

/**
 * What each Kubernetes connection's cluster served when last asked, so a
 * fresh launch opens its tables without waiting for discovery. Goes with
 * its connection.
 */
export const migration004: Migration = {
  version: 4,
  name: 'kube_discovery',
  up(db) {
    db.exec(`
      CREATE TABLE kube_discovery (
        connection_id   TEXT PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
        discovered_at   INTEGER NOT NULL,   -- ms since the epoch
        discovery       TEXT NOT NULL       -- JSON {serverVersion, resources}; nothing secret
      );
    `);
  },
};
