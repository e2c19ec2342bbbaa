import { utilityProcess, type MessagePortMain } from 'electron';
import { SERVICES_V8_FLAGS, type ServicesChild } from '../host/servicesHost';

/** The services as Electron's utilityProcess: plain Node with Electron's ABI, messages and ports over its parentPort. */
export function spawnUtilityServices(entry: string): ServicesChild {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Pilothouse services', stdio: 'inherit', execArgv: SERVICES_V8_FLAGS });
  // A fatal V8 error (out of memory) arrives as 'error' before 'exit': without a listener it would throw in main.
  child.on('error', (type, location) => console.error('the services process failed', { type, location }));
  return {
    get pid() {
      return child.pid;
    },
    send: (msg, transfer) => child.postMessage(msg, transfer as MessagePortMain[] | undefined),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => void child.kill(),
  };
}
