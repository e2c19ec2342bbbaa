import type { Migration } from './types';

/**
 * Guarded rollouts remember whose history they saw (the Deployment's uid:
 * one deleted and created again starts afresh) and the template fingerprint
 * they tripped on (the controller renumbers a template brought back, so a
 * revision number cannot tell that someone undid the guard's rollback).
 */
export const migration007: Migration = {
  version: 7,
  name: 'rollout guard identity',
  up(db) {
    db.exec(`
      ALTER TABLE rollout_guards ADD COLUMN uid TEXT;
      ALTER TABLE rollout_guards ADD COLUMN tripped_template TEXT;
    `);
  },
};
