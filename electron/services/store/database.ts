import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/result';
import { makePrivateDir, makePrivateFile } from '../app/dataDir';
import type { Logger } from '../logging/logger';
import { migrations as allMigrations } from './migrations';
import type { Migration } from './migrations/types';

export type { Database } from 'better-sqlite3';

export interface OpenDatabaseOptions {
  file: string;
  /** Path to a better_sqlite3.node built for this runtime's ABI (Electron needs its own). */
  nativeBinding?: string;
  migrations?: Migration[];
  log?: Logger;
}

/** Turns the cryptic ABI-mismatch load error into one that says what to do. */
function explainLoadError(err: unknown, nativeBinding: string | undefined): never {
  const message = err instanceof Error ? err.message : String(err);
  if (/NODE_MODULE_VERSION|was compiled against a different/.test(message)) {
    throw new AppError(
      'INTERNAL',
      `The SQLite driver (better-sqlite3) was built for another runtime (${process.versions.electron ? `Electron ${process.versions.electron}` : `Node ${process.versions.node}`} needs ABI ${process.versions.modules}). ` +
        (process.versions.electron
          ? 'Run "npm run rebuild:electron" on a machine with network access, or use the packaged app.'
          : 'Run "npm rebuild better-sqlite3".') +
        (nativeBinding ? ` (binding: ${nativeBinding})` : ''),
    );
  }
  throw err;
}

/**
 * Opens (creating if needed) the SQLite file in WAL mode and applies pending
 * migrations, each in its own transaction, after copying the file aside. The
 * file, its WAL and SHM, and the copies are readable by the user only (0600),
 * in a directory only the user can enter (0700).
 */
export function openDatabase(options: OpenDatabaseOptions): Database.Database {
  makePrivateDir(dirname(options.file));
  const existed = existsSync(options.file);
  // SQLite gives the WAL and SHM the mode of the database file, so creating it 0600 covers all three.
  if (!existed) closeSync(openSync(options.file, 'a', 0o600));
  // Older versions left them at the umask's 0644.
  for (const file of [options.file, `${options.file}-wal`, `${options.file}-shm`]) makePrivateFile(file);
  let db: Database.Database;
  try {
    db = new Database(options.file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (err) {
    explainLoadError(err, options.nativeBinding);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Freed pages are zeroed, so a deleted credential does not linger in the file.
  db.pragma('secure_delete = ON');
  migrate(db, options.migrations ?? allMigrations, existed ? options.file : undefined, options.log);
  return db;
}

/** Applies migrations newer than the file's `user_version`. */
export function migrate(db: Database.Database, migrations: Migration[], backupOf?: string, log?: Logger): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new AppError('INTERNAL', `This data file was written by a newer Pilothouse (schema ${current}, this build knows ${latest}). Update Pilothouse.`);
  }
  const pending = migrations.filter((m) => m.version > current);
  if (!pending.length) return;
  if (backupOf && current > 0) {
    const copy = `${backupOf}.before-v${pending[0].version}.bak`;
    db.exec(`VACUUM INTO '${copy.replaceAll("'", "''")}'`);
    // VACUUM INTO creates the copy with the default mode, not the database's.
    makePrivateFile(copy);
    log?.info('copied the data file before migrating', { copy, from: current, to: latest });
  }
  for (const m of pending) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    log?.info('migrated', { version: m.version, name: m.name });
  }
}
