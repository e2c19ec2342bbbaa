import type { Migration } from './types';

/**
 * What a GPU-hour costs, per instance type, for the idle-GPU cost and the GPU
 * cost per namespace. Seeded rows say where their price came from; a user's
 * edit replaces the source with `user`.
 */
export const migration009: Migration = {
  version: 9,
  name: 'gpu_prices',
  up(db) {
    db.exec(`
      CREATE TABLE gpu_prices (
        instance_type  TEXT PRIMARY KEY,
        gpu_product    TEXT NOT NULL,
        gpus           INTEGER NOT NULL CHECK (gpus > 0),
        hourly_usd     REAL NOT NULL CHECK (hourly_usd >= 0),
        source         TEXT NOT NULL,
        updated_at     TEXT NOT NULL
      );
    `);
  },
};
