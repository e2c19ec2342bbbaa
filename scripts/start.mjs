// `npm start`: the desktop app when the Electron binary is installed and a
// display is available; otherwise browser mode, saying why.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { ensureBuilt } from './lib/build.mjs';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    return { path: require('electron') };
  } catch (err) {
    return { why: `the Electron binary is not installed (${String(err.message).split('\n')[0]}); it is skipped when installing with ELECTRON_SKIP_BINARY_DOWNLOAD=1` };
  }
}

function displayAvailable() {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

ensureBuilt();
const electron = electronBinary();
const why = electron.why ?? (displayAvailable() ? undefined : 'no display is available (DISPLAY and WAYLAND_DISPLAY are unset)');
const [command, args] = why ? [process.execPath, ['out/main/server.js', ...process.argv.slice(2)]] : [electron.path, ['.', ...process.argv.slice(2)]];
if (why) console.log(`Starting browser mode because ${why}.`);
const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
