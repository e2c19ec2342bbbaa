import { useMemo } from 'react';
import type { Feature, PaletteCommand } from '../../shell/feature';
import { navigate } from '../../shell/routes';
import { useUi } from '../../shell/uiStore';
import { AddAwsDialog } from './AddAwsDialog';
import { AddPrometheusDialog } from './AddPrometheusDialog';
import { kindLabel } from './connectionKinds';
import { ConnectionsPage } from './ConnectionsPage';
import { useConnections, useLiveConnections } from './connectionsStore';
import { ImportKubeconfigDialog } from './ImportKubeconfigDialog';

const openDialog = (id: 'import-kubeconfig' | 'add-aws' | 'add-prometheus') => useUi.getState().openDialog(id);
const addCommands: readonly PaletteCommand[] = [
  { id: 'import-kubeconfig', title: 'Import kubeconfig…', run: () => openDialog('import-kubeconfig') },
  { id: 'add-aws', title: 'Add AWS account…', run: () => openDialog('add-aws') },
  { id: 'add-prometheus', title: 'Add Prometheus endpoint…', keywords: ['metrics', 'gpu'], run: () => openDialog('add-prometheus') },
];

/** Import and add, and a "Switch to" per stored connection. */
function useConnectionCommands(): readonly PaletteCommand[] {
  const connections = useConnections((s) => s.connections);
  const select = useConnections((s) => s.select);
  return useMemo(
    () => [
      ...addCommands,
      ...connections.map(
        (c): PaletteCommand => ({
          id: `switch:${c.id}`,
          title: `Switch to ${c.name}`,
          hint: kindLabel(c.kind),
          section: 'switch',
          run: () => select(c.id),
        }),
      ),
    ],
    [connections, select],
  );
}

/** Stored clusters, cloud accounts and Prometheus endpoints: the list, importing and adding them, and choosing the one the app works on. */
export const connectionsFeature: Feature<'connections', 'import-kubeconfig' | 'add-aws' | 'add-prometheus', 'import-kubeconfig' | 'go-connections'> = {
  id: 'connections',
  page: { route: 'connections', label: 'Connections', navOrder: 10, component: ConnectionsPage },
  dialogs: { 'import-kubeconfig': ImportKubeconfigDialog, 'add-aws': AddAwsDialog, 'add-prometheus': AddPrometheusDialog },
  useAppEffects: useLiveConnections,
  usePaletteCommands: useConnectionCommands,
  appCommands: {
    'import-kubeconfig': () => openDialog('import-kubeconfig'),
    'go-connections': () => navigate('connections'),
  },
};
