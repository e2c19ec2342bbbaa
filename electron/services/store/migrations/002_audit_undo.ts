import type { Migration } from './types';

/** Audit entries that can be undone: the contract call that reverses them, and which entry did. */
export const migration002: Migration = {
  version: 2,
  name: 'audit undo',
  up(db) {
    db.exec(`
      ALTER TABLE audit ADD COLUMN undo TEXT;          -- JSON {method, params, label}; only on succeeded entries
      ALTER TABLE audit ADD COLUMN undone_by INTEGER REFERENCES audit (id);
      ALTER TABLE audit ADD COLUMN undo_of INTEGER REFERENCES audit (id);
    `);
  },
};
