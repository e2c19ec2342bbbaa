import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * better-sqlite3 must be built for Electron's ABI, which differs from Node's.
 * A packaged app has it rebuilt in place by electron-builder; in development
 * `npm run rebuild:electron` puts an Electron build under
 * native/electron-abi-<N>/ so the Node build used by tests stays intact.
 */
export function sqliteBindingForElectron(appRoot: string): string | undefined {
  const candidate = join(appRoot, 'native', `electron-abi-${process.versions.modules}`, 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : undefined;
}
