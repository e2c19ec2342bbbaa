// `npm run rebuild:electron`: builds better-sqlite3 for Electron's ABI into
// native/electron-abi-<N>/, leaving node_modules' Node build (used by tests and
// browser mode) untouched. Needs network access for Electron's headers.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rebuild } from '@electron/rebuild';

const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')).version;
const abi = require('node-abi').getAbi(electronVersion, 'electron');
const work = mkdtempSync(join(tmpdir(), 'pilothouse-native-'));
// A throwaway app holding a copy of the module, so the rebuild cannot touch node_modules.
mkdirSync(join(work, 'node_modules'), { recursive: true });
cpSync('node_modules/better-sqlite3', join(work, 'node_modules/better-sqlite3'), { recursive: true });
cpSync('node_modules/bindings', join(work, 'node_modules/bindings'), { recursive: true });
cpSync('node_modules/file-uri-to-path', join(work, 'node_modules/file-uri-to-path'), { recursive: true });
const pkg = { name: 'native-build', version: '0.0.0', dependencies: { 'better-sqlite3': '*' } };
await import('node:fs').then((fs) => fs.writeFileSync(join(work, 'package.json'), JSON.stringify(pkg)));
console.log(`Building better-sqlite3 for Electron ${electronVersion} (ABI ${abi})…`);
await rebuild({ buildPath: work, electronVersion, onlyModules: ['better-sqlite3'], force: true });
const target = join('native', `electron-abi-${abi}`);
mkdirSync(target, { recursive: true });
cpSync(join(work, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), join(target, 'better_sqlite3.node'));
rmSync(work, { recursive: true, force: true });
console.log(`Wrote ${target}/better_sqlite3.node`);
