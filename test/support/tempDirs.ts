/**
 * Temp dirs tests make. A data dir holds a key file beside sealed
 * credentials, so none may outlive its test file: vitest runs
 * {@link removeMadeTempDirs} after each file (tempDirs.setup.ts); a script
 * outside vitest (a bench) removes them when it exits, Ctrl+C included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new private temp dir, named `<prefix>XXXXXX`, removed after the test file. */
export function madeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every dir {@link madeTempDir} made so far. */
export function removeMadeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

process.once('exit', removeMadeTempDirs);
// A bench stopped with Ctrl+C: 'exit' alone would not run. Vitest's workers are left to vitest, which ends them its own way.
if (!process.env.VITEST) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeMadeTempDirs();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
}
