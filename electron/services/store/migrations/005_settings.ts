import type { Migration } from './types';

/**
 * Settings a user makes once and keeps across launches, one value per key
 * (the helm binary's path first). Nothing secret goes here.
 */
export const migration005: Migration = {
  version: 5,
  name: 'settings',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      );
    `);
  },
};
