import type { Database } from 'better-sqlite3';

/** One numbered schema change; runs inside a transaction. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
