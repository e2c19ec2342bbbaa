import { useState } from 'react';
import type { ConnectionSummary, ManagedBy, Revision, RollbackPreview, RolloutHistory } from '../../../../../shared/contract';
import { call } from '../../../api/client';
import { TextDiff } from '../../../ui/TextDiff';
import { useQuery } from '../../../ui/useQuery';
import { productionLabelNow } from '../../connections/productionMarks';
import { ArgoCdApplicationPanel } from '../../rollouts/ArgoCdApplicationPanel';
import { ActionDialog, type ActionDialogBaseProps } from '../actions/ActionDialog';
import type { ActionTarget } from '../actions/actionCatalog';
import { CallProblem } from './CallProblem';

/** What a rollback acts on: the workload (its kind's word, its name and namespace) on its connection; the inspector's rows and the cockpit's changes both give it. */
export type RollbackTarget = Pick<ActionTarget, 'connection' | 'ref'> & { entry: Pick<ActionTarget['entry'], 'one'>; row: Pick<ActionTarget['row'], 'name' | 'namespace'> };

interface RollbackDialogProps extends Omit<ActionDialogBaseProps, 'target'> {
  target: RollbackTarget;
  /** The revision to go back to; by default the one before the latest, as `kubectl rollout undo` picks it. */
  toRevision?: number;
}

const images = (r: Revision | undefined) => (r ? r.images.join(', ') || 'no containers' : 'unknown');

/** How each kind takes the revision back, as kubectl does it. */
const HOW: Record<RolloutHistory['kind'], string> = {
  Deployment: 'the Deployment takes the revision’s pod template and change-cause; the controller replaces its pods as its rolling-update settings allow.',
  StatefulSet: 'the StatefulSet takes the revision’s pod template; the controller replaces its pods one by one, highest ordinal first, down to its partition.',
  DaemonSet: 'the DaemonSet takes the revision’s pod template; the controller replaces its pod on each node as its rolling-update settings allow.',
};

/** What the server-side dry run said, or why the rollback would do nothing. */
function DryRunVerdict({ preview, loading }: { preview: RollbackPreview | undefined; loading: boolean }) {
  if (!preview || loading) {
    return (
      <p className="action-progress" role="status">
        <span className="spinner" aria-hidden="true" /> Trying the rollback as a server-side dry run…
      </p>
    );
  }
  if (!preview.dryRun.ok) {
    return (
      <p className="notice tone-bad" role="alert">
        <strong>It cannot roll back:</strong> {preview.dryRun.message}
      </p>
    );
  }
  if (preview.noop) {
    return (
      <p className="muted" role="status">
        It already runs revision {preview.toRevision}’s pod template: rolling back would change nothing.
      </p>
    );
  }
  return (
    <p className="tone-ok" role="status">
      Server-side dry run passed: the cluster accepts the rollback.
    </p>
  );
}

/** Says that Argo CD, Flux or Helm manages the workload, and what that means for a rollback made here. */
function ManagedByNotice({ managedBy: m, connection }: { managedBy: ManagedBy; connection: ConnectionSummary }) {
  const [showApp, setShowApp] = useState(false);
  const what = m.name ? `${m.tool} (${m.tool === 'Argo CD' ? 'Application ' : m.tool === 'Helm' ? 'release ' : ''}${m.name})` : m.tool;
  const consequence = m.reverts
    ? m.tool === 'Argo CD'
      ? 'If its Application syncs automatically with self-heal, Argo CD puts back what Git holds and undoes this rollback. Revert the change in Git, or turn off auto-sync first.'
      : 'Flux applies what Git holds again at its next reconcile and undoes this rollback. Revert the change in Git, or suspend it first (flux suspend).'
    : 'The next helm upgrade replaces this rollback, and the release’s history will not show it. Rolling the release back (Rollouts → Helm releases) keeps them true.';
  return (
    <>
      <div className="notice tone-warn" role="note">
        <strong>Managed by {what}</strong> <span className="muted">({m.evidence})</span>
        <p>{consequence}</p>
      </div>
      {m.tool === 'Argo CD' && m.name && (
        <>
          <button type="button" aria-expanded={showApp} onClick={() => setShowApp(!showApp)}>
            {showApp ? 'Hide the Application' : 'Show the Application…'}
          </button>
          {showApp && <ArgoCdApplicationPanel connection={connection} trackedName={m.name} />}
        </>
      )}
    </>
  );
}

/**
 * `kubectl rollout undo`, confirmed: which kept revision to go back to (the
 * previous one unless chosen), what runs now and what will, the diff of
 * their pod templates, and a server-side dry run tried as the dialog opens;
 * Roll back stays disabled unless that passed. On a production connection
 * the workload's name is typed first. The rollback is a task in the tray.
 */
export function RollbackDialog({ toRevision: asked, ...props }: RollbackDialogProps) {
  const { row, ref, entry } = props.target;
  const history = useQuery('rollouts.history', ref);
  const [chosen, setChosen] = useState(asked ?? 0);
  const preview = useQuery('rollouts.rollbackPreview', { ...ref, toRevision: chosen });
  const shown = preview.loading ? undefined : preview.value;
  const revisions = history.value?.revisions ?? [];
  const current = revisions.find((r) => r.current);
  // The revision asked for is shown at once; "the previous one" once the preview has found it.
  const toRevision = shown?.toRevision ?? (chosen > 0 ? chosen : undefined);
  const target = revisions.find((r) => r.revision === toRevision);
  const ready = shown?.toRevision !== undefined && shown.dryRun.ok && !shown.noop;

  const run = async () => {
    if (shown?.toRevision === undefined) throw new Error('The rollback was not previewed');
    await call('rollouts.rollback', { ...ref, toRevision: shown.toRevision, ...(shown.currentRevision !== undefined ? { ifCurrentRevision: shown.currentRevision } : {}) });
    return {
      title: `Rolling back ${entry.one} ${row.name} to revision ${toRevision}`,
      message: 'Follow it in the Tasks tray: it ends when the rollout is complete, or says why not. Undo it from the audit log.',
    };
  };
  const to = toRevision === undefined ? '' : ` to revision ${toRevision}`;
  return (
    <ActionDialog
      {...props}
      title={`Roll back ${entry.one} ${row.name}${to}?`}
      label={`Roll back ${entry.one} ${row.name}`}
      action={{ label: toRevision === undefined ? 'Roll back' : `Roll back to revision ${toRevision}`, busyLabel: 'Rolling back…', danger: true }}
      blocked={!ready}
      {...(productionLabelNow(props.target.connection.labels) ? { confirmName: row.name } : {})}
      run={run}
    >
      <label className="field">
        <span>Roll back to</span>
        <select value={toRevision ?? chosen} onChange={(e) => setChosen(Number(e.target.value))} disabled={!revisions.length}>
          {chosen === 0 && toRevision === undefined && <option value={0}>the previous revision</option>}
          {[...revisions].reverse().map((r) => (
            <option key={r.name} value={r.revision} disabled={r.current}>
              revision {r.revision}
              {r.current ? ' (runs now)' : ''}
              {r.changeCause ? ` — ${r.changeCause}` : ''}
            </option>
          ))}
        </select>
      </label>
      <dl className="facts">
        <dt>Runs now</dt>
        <dd className="mono">{current ? `revision ${current.revision}: ${images(current)}` : 'unknown'}</dd>
        <dt>Will run</dt>
        <dd className="mono">{toRevision === undefined ? '—' : `revision ${toRevision}: ${images(target)}`}</dd>
        {target?.changeCause && (
          <>
            <dt>Change cause</dt>
            <dd>{target.changeCause}</dd>
          </>
        )}
      </dl>
      {shown?.managedBy && <ManagedByNotice managedBy={shown.managedBy} connection={props.target.connection} />}
      {preview.error !== undefined ? <CallProblem error={preview.error} what={`this ${entry.one}`} onRetry={preview.refetch} /> : <DryRunVerdict preview={shown} loading={preview.loading} />}
      {shown?.currentTemplate !== undefined && shown.targetTemplate !== undefined && (
        <TextDiff
          before={shown.currentTemplate}
          after={shown.targetTemplate}
          beforeLabel={`revision ${shown.currentRevision ?? '?'} (runs now)`}
          afterLabel={`revision ${shown.toRevision}`}
          sameText="Same pod template: nothing would change."
        />
      )}
      <p>
        As <span className="mono">kubectl rollout undo</span> does, {history.value ? HOW[history.value.kind] : 'the workload takes the revision’s pod template.'} Nothing is changed if
        the {entry.one} is changed meanwhile, and the task follows the rollout as <span className="mono">kubectl rollout status</span> does.
      </p>
    </ActionDialog>
  );
}
