// `npm run serve`: browser mode. Builds if needed, then runs the services and
// the UI on 127.0.0.1; arguments pass through (--data-dir DIR, --port N).
import { spawn } from 'node:child_process';
import { ensureBuilt } from './lib/build.mjs';

ensureBuilt();
const child = spawn(process.execPath, ['out/main/server.js', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
