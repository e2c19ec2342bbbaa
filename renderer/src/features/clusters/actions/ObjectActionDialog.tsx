import type { ObjectDetail } from '../../../../../shared/contract';
import { forwardKind, type PaneAction } from './actionCatalog';
import type { ActionDialogBaseProps } from './ActionDialog';
import { CordonDialog } from './CordonDialog';
import { DeleteObjectDialog } from './DeleteObjectDialog';
import { DrainDialog } from './DrainDialog';
import { PortForwardDialog } from './PortForwardDialog';
import { RestartDialog } from './RestartDialog';
import { RollbackDialog } from '../detail/RollbackDialog';
import { ScaleDialog } from './ScaleDialog';
import { ShellDialog } from '../../terminal/ShellDialog';

interface ObjectActionDialogProps extends ActionDialogBaseProps {
  action: PaneAction;
  /** The object's detail once loaded: replicas, unschedulable, containers' ports. */
  detail: ObjectDetail | undefined;
  /** Whether a node is cordoned, when known before its detail (from its row). */
  unschedulable?: boolean;
}

/** The confirm dialog of one action on one object, opened from the detail pane's buttons or a row's context menu. */
export function ObjectActionDialog({ action, detail, unschedulable, ...props }: ObjectActionDialogProps) {
  const kind = forwardKind(props.target.entry);
  switch (action) {
    case 'delete':
      return <DeleteObjectDialog {...props} />;
    case 'scale':
      return <ScaleDialog {...props} detail={detail} />;
    case 'restart':
      return <RestartDialog {...props} />;
    case 'rollback':
      return <RollbackDialog {...props} />;
    case 'cordon':
      return <CordonDialog {...props} unschedulable={detail?.unschedulable ?? unschedulable ?? false} />;
    case 'drain':
      return <DrainDialog {...props} />;
    case 'portForward':
      return kind ? <PortForwardDialog {...props} kind={kind} detail={detail} /> : null;
    case 'exec':
      return <ShellDialog connection={props.target.connection} namespace={props.target.row.namespace ?? ''} pod={props.target.row.name} detail={detail} onClose={props.onClose} />;
  }
}
