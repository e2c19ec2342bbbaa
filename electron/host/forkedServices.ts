import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HostMessage } from '../services/process/protocol';
import { SERVICES_V8_FLAGS, type ServicesChild } from './servicesHost';

/**
 * The services process's entry: the built `services.js` beside the built
 * host, or, run from the sources (tests, `tsx`), the TypeScript entry
 * through tsx's loader.
 */
export function servicesEntry(builtDir: string): { file: string; execArgv: string[] } {
  const built = join(builtDir, 'services.js');
  if (existsSync(built)) return { file: built, execArgv: [] };
  return { file: join(import.meta.dirname, '../services/process/servicesProcess.ts'), execArgv: ['--import', 'tsx'] };
}

/** The services as a forked Node child (browser mode): messages over its IPC channel, Buffers included. */
export function forkServices(entry: { file: string; execArgv: string[] }): ServicesChild {
  const child = fork(entry.file, [], { serialization: 'advanced', execArgv: [...SERVICES_V8_FLAGS, ...entry.execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // A message to a child that just died fails here and is told through 'exit'; it must not end the host.
  child.on('error', () => undefined);
  return {
    get pid() {
      return child.pid;
    },
    send: (msg: HostMessage) => {
      if (child.connected) child.send(msg, (err) => err && undefined);
    },
    onMessage: (listener) => child.on('message', (msg) => listener(msg as Parameters<typeof listener>[0])),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => child.kill('SIGKILL'),
  };
}
