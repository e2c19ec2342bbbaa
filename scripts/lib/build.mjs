// Builds the app when the sources are newer than the last build, so
// `npm start` and `npm run serve` never run stale code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['electron', 'renderer', 'shared', 'electron.vite.config.ts', 'package.json'];
const OUTPUTS = ['out/main/index.js', 'out/main/server.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.endsWith('.test.ts') || entry.endsWith('.test.tsx')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when every output exists and is newer than every source. */
export function isBuildFresh() {
  if (!OUTPUTS.every((o) => existsSync(o))) return false;
  const built = Math.min(...OUTPUTS.map((o) => statSync(o).mtimeMs));
  return SOURCES.filter((s) => existsSync(s)).every((s) => newestMtime(s) <= built);
}

/** Runs `electron-vite build` unless the build is fresh; exits on failure. */
export function ensureBuilt({ quiet = false } = {}) {
  if (isBuildFresh()) return;
  if (!quiet) console.log('Building Pilothouse (electron-vite build)…');
  const run = spawnSync('npx', ['electron-vite', 'build'], { stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (run.status !== 0) {
    if (quiet) process.stderr.write(run.stdout + run.stderr);
    console.error('The build failed; see above.');
    process.exit(run.status ?? 1);
  }
}
