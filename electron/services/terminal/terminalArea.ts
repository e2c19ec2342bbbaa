import { terminalContract } from '../../../shared/contract';
import type { ServiceArea } from '../app/serviceArea';
import { PtyHost } from './ptyHostClient';
import { createTerminalService, type TerminalService, type TerminalServiceDeps } from './terminalService';

/**
 * The terminal area: local shells in the pty host process, shells in
 * containers through the exec subresource. Sessions outlive the window that
 * opened them (a reload reattaches); they end with the app.
 */
export function createTerminalArea(deps: Omit<TerminalServiceDeps, 'ptyHost'> & { ptyHost?: PtyHost }): ServiceArea<typeof terminalContract> & { service: TerminalService; ptyHost: PtyHost } {
  const ptyHost = deps.ptyHost ?? new PtyHost(deps.log);
  const service = createTerminalService({ ...deps, ptyHost });
  return {
    contract: terminalContract,
    service,
    ptyHost,
    handlers: {
      'terminal.open': ({ target, size }, ctx) => service.open(target, size, ctx.actor),
      'terminal.attach': ({ id }, ctx) => service.attach(id, ctx.session),
      'terminal.input': ({ id, data }) => (service.input(id, data), {}),
      'terminal.resize': ({ id, size }) => (service.resize(id, size), {}),
      'terminal.run': async ({ id, command, runbook }, ctx) => (await service.run(id, command, runbook, ctx.actor), {}),
      'terminal.close': ({ id }) => (service.close(id), {}),
      'terminal.list': () => service.list(),
      'terminal.settings': () => service.settings(),
      'terminal.saveSettings': (settings) => service.saveSettings(settings),
    },
    // A window that goes away only stops reading: its streams close with it, the shells go on for the next window.
    endSession: () => {},
    close: () => service.shutdown(),
  };
}
