import { useMemo } from 'react';
import type { Feature, PaletteCommand } from '../../shell/feature';
import { useUi } from '../../shell/uiStore';
import { kindLabel } from '../connections/connectionKinds';
import { selectedConnection, useConnections } from '../connections/connectionsStore';
import { bindsTerminal } from '../../../../shared/contract';
import { localTarget, newDefaultTerminal, startTerminal, terminalConnections } from './terminalActions';
import { TerminalPage } from './TerminalPage';
import { TerminalSettingsDialog } from './TerminalSettingsDialog';

/** "New terminal" (on the selected connection), "New terminal on <connection>" for each one, and the settings. */
function useTerminalCommands(): readonly PaletteCommand[] {
  const connections = useConnections((s) => s.connections);
  const chosen = useConnections(selectedConnection);
  const selected = chosen && bindsTerminal(chosen.kind) ? chosen : undefined;
  return useMemo(
    () => [
      { id: 'terminal:new', title: 'New terminal', hint: selected ? `on ${selected.name}` : 'local shell', keywords: ['shell', 'console'], run: newDefaultTerminal },
      ...terminalConnections(connections).map(
        (c): PaletteCommand => ({
          id: `terminal:new:${c.id}`,
          title: `New terminal on ${c.name}`,
          hint: kindLabel(c.kind),
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
