import type { Revision } from '../../../../../shared/contract';
import { call } from '../../../api/client';
import { productionLabelNow } from '../../connections/productionMarks';
import { ActionDialog, type ActionDialogBaseProps } from '../actions/ActionDialog';

interface RollbackDialogProps extends ActionDialogBaseProps {
  /** The revision to go back to. */
  to: Revision;
  /** The revision it runs now, when known. */
  current: Revision | undefined;
}

const images = (r: Revision) => r.images.join(', ') || 'no containers';

/**
 * `kubectl rollout undo --to-revision`, confirmed: what runs now and what
 * will, then the rollback as a task in the tray; on a production connection
 * the Deployment's name is typed first.
 */
export function RollbackDialog({ to, current, ...props }: RollbackDialogProps) {
  const { row, ref } = props.target;
  const run = async () => {
    await call('rollouts.rollback', { ...ref, toRevision: to.revision });
    return { title: `Rolling back deployment ${row.name} to revision ${to.revision}`, message: 'Follow it in the Tasks tray: it ends when the rollout is complete, or says why not. Undo it from the audit log.' };
  };
  return (
    <ActionDialog
      {...props}
      title={`Roll back deployment ${row.name} to revision ${to.revision}?`}
      label={`Roll back deployment ${row.name}`}
      action={{ label: `Roll back to revision ${to.revision}`, busyLabel: 'Rolling back…', danger: true }}
      {...(productionLabelNow(props.target.connection.labels) ? { confirmName: row.name } : {})}
      run={run}
    >
      <dl className="facts">
        <dt>Runs now</dt>
        <dd className="mono">{current ? `revision ${current.revision}: ${images(current)}` : 'unknown'}</dd>
        <dt>Will run</dt>
        <dd className="mono">
          revision {to.revision}: {images(to)}
        </dd>
        {to.changeCause && (
          <>
            <dt>Change cause</dt>
            <dd>{to.changeCause}</dd>
          </>
        )}
      </dl>
      <p>
        As <span className="mono">kubectl rollout undo</span> does, the Deployment takes revision {to.revision}’s pod template and change-cause; the controller replaces its pods as its
        rolling-update settings allow. It is tried as a server-side dry run first, nothing is changed if the Deployment is changed meanwhile, and the task follows the
        rollout until it is complete or misses its progress deadline.
      </p>
    </ActionDialog>
  );
}
