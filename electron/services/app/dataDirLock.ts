import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/result';
import { makePrivateDir } from './dataDir';

/** The lock's file in the data dir: the pid of the services that hold it. */
export const LOCK_FILE = 'pilothouse.lock';

/** Whether `pid` runs: a zombie (killed, not yet reaped, as under a PID 1 that reaps nothing) does not. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    // No /proc (macOS): kill(0) is all there is to go by.
    return true;
  }
}

/**
 * Takes the data dir for these services alone: two sets of services on one
 * file would mark each other's running tasks interrupted and race each
 * other's writes. A lock left by services that died is taken over. Returns
 * the release.
 */
export function lockDataDir(dataDir: string): () => void {
  makePrivateDir(dataDir);
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && running(holder)) {
      throw new AppError('CONFLICT', `Another Pilothouse (process ${holder}) is using ${dataDir}: close it first, or start this one with another --data-dir`);
    }
    rmSync(file, { force: true });
  }
  throw new AppError('CONFLICT', `Could not take ${file}: another Pilothouse may be starting on the same data dir`);
}
