import { useMemo } from 'react';
import type { PaletteCommand } from '../../shell/paletteCommands';
import { navigate } from '../../shell/routes';
import { selectedConnection, useConnections } from '../connections/connectionsStore';
import { useInspector } from './inspectorStore';
import { resourceEntries } from './resourceCatalog';

/**
 * "Go to Pods" and the like, for the command palette: one per resource the
 * picker offers for the selected Kubernetes connection (none otherwise).
 */
export function useClusterCommands(): PaletteCommand[] {
  const connection = useConnections(selectedConnection);
  const isKube = connection?.kind === 'kubernetes';
  const discovery = useInspector((s) => (isKube ? s.discoveries[connection.id]?.value : undefined));
  return useMemo(() => {
    if (!isKube) return [];
    return resourceEntries(discovery)
      .filter((e) => e.served)
      .map((e) => ({
        id: `resource:${e.key}`,
        title: `Go to ${e.label}`,
        hint: e.builtin ? connection.name : `${e.ref.group} · ${connection.name}`,
        run: () => {
          useInspector.getState().pick(e.key);
          navigate('clusters');
        },
      }));
  }, [isKube, discovery, connection?.name]);
}
