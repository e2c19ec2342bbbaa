/**
 * The starter runbooks that ship with the app (`resources/runbooks/*.md`),
 * bundled as text by Vite at build time, so no path to the resources folder
 * is needed at run time.
 */
import type { StarterRunbook } from './runbookStore';

declare global {
  interface ImportMeta {
    /** Vite's build-time glob import (typed here for the services' tsconfig, which has no `vite/client`). */
    glob(pattern: string, options: { query: '?raw'; import: 'default'; eager: true }): Record<string, string>;
  }
}

/** The starters bundled into this build, by file name. Needs Vite's transform (electron-vite, vitest). */
export function bundledStarters(): StarterRunbook[] {
  const files = import.meta.glob('../../../resources/runbooks/*.md', { query: '?raw', import: 'default', eager: true });
  return Object.entries(files)
    .map(([path, source]) => ({ key: path.split('/').at(-1)!, source }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}
