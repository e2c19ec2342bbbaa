// Runs the electronegativity scanner over the shell, preload, services and the
// renderer's HTML, and fails on any medium or high finding.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const electronVersion = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')).version;
const stage = mkdtempSync(join(tmpdir(), 'pilothouse-scan-'));
cpSync('electron', join(stage, 'electron'), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
cpSync('renderer/index.html', join(stage, 'renderer', 'index.html'));
cpSync('package.json', join(stage, 'package.json'));
const report = join(stage, 'report.csv');
// -e: the scanner cannot look up Electron releases offline, so it is told the version.
const run = spawnSync('npx', ['electronegativity', '-i', stage, '-r', '-v', 'false', '-e', electronVersion, '-o', report], { encoding: 'utf8' });
if (run.status !== 0) {
  process.stderr.write(run.stdout + run.stderr);
  process.exit(run.status ?? 1);
}
const rows = readFileSync(report, 'utf8').trim().split('\n').slice(1).filter(Boolean);
const failing = rows.filter((r) => /"(HIGH|MEDIUM)"|,(HIGH|MEDIUM),/i.test(r));
for (const r of rows) console.log(r);
rmSync(stage, { recursive: true, force: true });
if (failing.length) {
  console.error(`electronegativity: ${failing.length} medium/high finding(s)`);
  process.exit(1);
}
console.log(`electronegativity: ${rows.length} finding(s), none medium or high`);
