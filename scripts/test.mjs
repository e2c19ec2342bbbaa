// `npm test`: everything CI checks, in order — types, lint (with the layering
// rules), the Electron security scanner, the build, then every vitest project
// (unit, dom, integration against the local test bed, end-to-end in Chromium).
// Extra arguments go to vitest (e.g. `npm test -- --project unit`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const vitestArgs = process.argv.slice(2);
const steps = [
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['lint', 'npx', ['eslint', '.']],
  ['electronegativity', process.execPath, ['scripts/electronegativity.mjs']],
  ['build', 'npx', ['electron-vite', 'build']],
  ['vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=out/test-results/vitest.json', ...vitestArgs]],
];

mkdirSync('out/test-results', { recursive: true });
const failed = [];
for (const [name, command, args] of steps) {
  console.log(`\n── ${name} ──`);
  const started = Date.now();
  const run = spawnSync(command, args, { stdio: 'inherit' });
  console.log(`── ${name}: ${run.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (run.status !== 0) failed.push(name);
}

const report = 'out/test-results/vitest.json';
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
}
if (failed.length) {
  console.error(`Failed steps: ${failed.join(', ')}`);
  process.exit(1);
}
