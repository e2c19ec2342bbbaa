// `npm test`: everything CI checks, in order — the test bed's prerequisites
// (installed when missing: Debian packages as root, the moto venv, the Go
// builds), types, lint (with the layering rules), the Electron security
// scanner, the build, then every vitest project (unit, dom, integration
// against the local test bed, end-to-end in Chromium).
// Extra arguments go to vitest (e.g. `npm test -- --project unit`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const vitestArgs = process.argv.slice(2);

// What each vitest project needs from the machine (see the globalSetups in
// vitest.config.ts). Any other `--project` value (a pattern, a new project)
// is given everything.
const NEEDS = { unit: [], dom: [], integration: ['bed'], e2e: ['bed', 'chromium'] };
const projects = vitestArgs.flatMap((arg, i) => (arg === '--project' ? [vitestArgs[i + 1]] : arg.startsWith('--project=') ? [arg.slice('--project='.length)] : []));
const needs = new Set((projects.length ? projects : Object.keys(NEEDS)).flatMap((p) => (Object.hasOwn(NEEDS, p) ? NEEDS[p] : ['bed', 'chromium'])));

const steps = [
  // tsx without npx: a second less when everything is in place.
  ...(needs.has('bed') ? [['prereqs', 'node_modules/.bin/tsx', ['test/testbed/cli.ts', 'prereqs', ...(needs.has('chromium') ? [] : ['--no-chromium'])]]] : []),
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['lint', 'npx', ['eslint', '.']],
  ['electronegativity', process.execPath, ['scripts/electronegativity.mjs']],
  ['build', 'npx', ['electron-vite', 'build']],
  ['vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=out/test-results/vitest.json', ...vitestArgs]],
];

mkdirSync('out/test-results', { recursive: true });
const failed = [];
let vitestSkipped = false;
for (const [name, command, args] of steps) {
  if (name === 'vitest' && failed.includes('prereqs')) {
    console.log('\n── vitest: not run, the test bed cannot start without its prerequisites (see prereqs above)');
    failed.push(name);
    vitestSkipped = true;
    continue;
  }
  console.log(`\n── ${name} ──`);
  const started = Date.now();
  const run = spawnSync(command, args, { stdio: 'inherit' });
  console.log(`── ${name}: ${run.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (run.status !== 0) failed.push(name);
}

const report = 'out/test-results/vitest.json';
// A report left by an earlier run says nothing about this one.
if (existsSync(report) && !vitestSkipped) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
}
if (failed.length) {
  console.error(`Failed steps: ${failed.join(', ')}`);
  process.exit(1);
}
