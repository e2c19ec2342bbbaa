import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir } from './dataDirLock';
import { madeTempDir } from '../../../test/support/tempDirs';

const fresh = () => join(madeTempDir('ph-lock-'), 'data');

describe('the data dir lock', () => {
  it('is taken once, refused to a second holder naming the first, and released', async () => {
    const dir = fresh();
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    // Another live process holds it.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      release();
      writeFileSync(join(dir, LOCK_FILE), String(other.pid));
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`Another Pilothouse \\(process ${other.pid}\\) is using`));
    } finally {
      other.kill();
      await new Promise((r) => other.once('exit', r));
    }
    // That process is gone: its lock is taken over.
    const again = lockDataDir(dir);
    again();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock whose file holds no pid', () => {
    const dir = fresh();
    lockDataDir(dir)();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    expect(() => lockDataDir(dir)()).not.toThrow();
  });
});
