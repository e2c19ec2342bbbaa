import { useState } from 'react';
import type { ConnectionSummary, Health } from '../../../../shared/contract';
import { call } from '../../api/client';
import { notifyError } from '../../shell/toastStore';
import { useUi, type AppDialog } from '../../shell/uiStore';
import { useConnections } from './connectionsStore';

const REIMPORT_DIALOG: Record<ConnectionSummary['kind'], AppDialog> = { kubernetes: 'import-kubeconfig', aws: 'add-aws', prometheus: 'add-prometheus' };

/**
 * The dialog that imports a connection's credentials again. A Prometheus
 * endpoint's are better edited in place where the page offers it (see HealthFacts).
 */
export const reimportDialog = (connection: ConnectionSummary): AppDialog => REIMPORT_DIALOG[connection.kind];

/** Runs `connections.test` for one connection; the badge updates at once, failures become toasts with their fix. */
export function useConnectionTest(connection: ConnectionSummary, onDone?: (health: Health) => void) {
  const [testing, setTesting] = useState(false);
  const test = async () => {
    setTesting(true);
    try {
      const health = await call('connections.test', { id: connection.id });
      useConnections.getState().applyHealth(connection.id, health);
      onDone?.(health);
    } catch (err) {
      notifyError(err, {
        retest: () => void test(),
        reimport: () => useUi.getState().openDialog(reimportDialog(connection)),
        refresh: () => void useConnections.getState().refresh(),
      });
    } finally {
      setTesting(false);
    }
  };
  return { testing, test };
}
