import { useMemo } from 'react';
import type { Feature, PaletteCommand } from '../../shell/feature';
import { useUi } from '../../shell/uiStore';
import { selectedConnection, useConnections } from '../connections/connectionsStore';
import { localTarget, newDefaultTerminal, startTerminal } from './terminalActions';
import { TerminalPage } from './TerminalPage';
import { TerminalSettingsDialog } from './TerminalSettingsDialog';

/** "New terminal" (on the selected connection), "New terminal on <connection>" for each one, and the settings. */
function useTerminalCommands(): readonly PaletteCommand[] {
  const connections = useConnections((s) => s.connections);
  const selected = useConnections(selectedConnection);
  return useMemo(
    () => [
      { id: 'terminal:new', title: 'New terminal', hint: selected ? `on ${selected.name}` : 'local shell', keywords: ['shell', 'console'], run: newDefaultTerminal },
      ...connections.map(
        (c): PaletteCommand => ({
          id: `terminal:new:${c.id}`,
          title: `New terminal on ${c.name}`,
          hint: c.kind === 'aws' ? 'AWS' : 'Kubernetes',
          keywords: ['shell'],
          // One per connection: listed with the connections, after the actions, until typing finds one.
          section: 'switch',
          run: () => startTerminal(localTarget(c.id)),
        }),
      ),
      { id: 'terminal:settings', title: 'Terminal settings…', run: () => useUi.getState().openDialog('terminal-settings') },
    ],
    [connections, selected],
  );
}

/** Terminals: local shells bound to a connection, shells in containers, tabs and split panes. */
export const terminalFeature: Feature<'terminal', 'terminal-settings'> = {
  id: 'terminal',
  page: { route: 'terminal', label: 'Terminal', navOrder: 70, component: TerminalPage },
  dialogs: { 'terminal-settings': TerminalSettingsDialog },
  usePaletteCommands: useTerminalCommands,
};
