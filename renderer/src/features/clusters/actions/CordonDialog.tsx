import { call } from '../../../api/client';
import { ActionDialog, type ActionDialogBaseProps } from './ActionDialog';

/** Cordons a schedulable node, or uncordons a cordoned one. */
export function CordonDialog(props: ActionDialogBaseProps & { unschedulable: boolean }) {
  const { row, ref } = props.target;
  const verb = props.unschedulable ? 'Uncordon' : 'Cordon';
  const run = async () => {
    await call('kube.cordon', { ...ref, unschedulable: !props.unschedulable });
    return { title: `${verb}ed node ${row.name}` };
  };
  return (
    <ActionDialog {...props} title={`${verb} node ${row.name}?`} label={`${verb} node ${row.name}`} action={{ label: verb, busyLabel: `${verb}ing…` }} run={run}>
      {props.unschedulable ? (
        <p>
          Node <strong>{row.name}</strong> accepts new pods again: the scheduler may place pods on it.
        </p>
      ) : (
        <p>
          No new pods will be scheduled on node <strong>{row.name}</strong>. Pods already running there keep running: cordoning does not drain the node.
        </p>
      )}
    </ActionDialog>
  );
}
