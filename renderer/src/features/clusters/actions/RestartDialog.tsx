import { call } from '../../../api/client';
import { formatTime } from '../../../shell/format';
import { ActionDialog, type ActionDialogBaseProps } from './ActionDialog';

/** How each kind replaces its pods on a rollout. */
const PACE: Record<string, string> = {
  'apps/deployments': 'a few at a time, new pods starting before old ones stop, as its rolling-update settings allow',
  'apps/statefulsets': 'one at a time, from the highest ordinal down, each waiting for the previous one to be ready',
  'apps/daemonsets': 'node by node, as its rolling-update settings allow',
};

/** `kubectl rollout restart`: every pod is replaced, gradually. */
export function RestartDialog(props: ActionDialogBaseProps) {
  const { entry, row, ref } = props.target;
  const run = async () => {
    const { restartedAt } = await call('kube.restart', ref);
    return { title: `Restarting ${entry.one} ${row.name}`, message: `Rollout started ${formatTime(restartedAt)}; its pods are being replaced.` };
  };
  return (
    <ActionDialog
      {...props}
      title={`Restart ${entry.one} ${row.name}?`}
      label={`Restart ${entry.one} ${row.name}`}
      action={{ label: `Restart ${entry.one}`, busyLabel: 'Restarting…' }}
      run={run}
    >
      <p>
        All pods of {entry.one} <strong>{row.name}</strong> will be replaced gradually: {PACE[entry.key] ?? 'following its update strategy'}. As{' '}
        <span className="mono">kubectl rollout restart</span> does, the pod template gets a restart timestamp; nothing else changes.
      </p>
    </ActionDialog>
  );
}
