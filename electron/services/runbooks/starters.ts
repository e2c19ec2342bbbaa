/**
 * The starter runbooks that ship with the app (`resources/runbooks/*.md`),
 * bundled as text by Vite at build time, so the app needs no path to the
 * resources folder at run time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StarterRunbook } from './runbookStore';

declare global {
  interface ImportMeta {
    /** Vite's build-time glob import (typed here for the services' tsconfig, which has no `vite/client`). */
    glob(pattern: string, options: { query: '?raw'; import: 'default'; eager: true }): Record<string, string>;
  }
}

/** Reads the starters from the source tree: for scripts run without Vite's transform (tsx benches and tools). */
function startersOnDisk(): Record<string, string> {
  const dir = fileURLToPath(new URL('../../../resources/runbooks/', import.meta.url));
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith('.md'))
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}

/** The starters bundled into this build, by file name. */
export function bundledStarters(): StarterRunbook[] {
  let files: Record<string, string>;
  try {
    // Replaced by the files' text when Vite builds (electron-vite) or transforms (vitest) this module.
    files = import.meta.glob('../../../resources/runbooks/*.md', { query: '?raw', import: 'default', eager: true });
  } catch {
    // Without Vite (tsx), import.meta.glob does not exist.
    files = startersOnDisk();
  }
  return Object.entries(files)
    .map(([path, source]) => ({ key: path.split('/').at(-1)!, source }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}
