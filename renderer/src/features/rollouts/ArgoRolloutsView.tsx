import { useState } from 'react';
import type { ArgoPhase, ArgoRollout, ConnectionSummary } from '../../../../shared/contract';
import { call } from '../../api/client';
import { useQuery } from '../../ui/useQuery';
import { ActionDialog, type ActionOutcome } from '../clusters/actions/ActionDialog';
import { CallProblem } from '../clusters/detail/CallProblem';
import { useNamespaceChoice } from '../clusters/namespaceChoice';
import { productionLabelNow } from '../connections/productionMarks';
import { ViewHeader } from './ViewHeader';
import './argoRollouts.css';
import './traffic.css';

/** Rollouts are read again this often while shown: their controller moves them through their steps. */
const POLL_MS = 5_000;
const FOLLOW = 'Follow it in the Tasks tray; the audit log records it.';

type Action = 'promote' | 'promoteFull' | 'abort' | 'retry' | 'undo';
type Open = { action: Action; rollout: ArgoRollout };

const PHASE_TONE: Record<ArgoPhase, string> = { Healthy: 'tone-ok', Progressing: 'tone-neutral', Paused: 'tone-warn', Degraded: 'tone-bad' };

const stepText = (s: ArgoRollout['steps'][number]) => (s.value ? `${s.kind} ${s.value}` : s.kind);

/** The canary's steps, the current one marked (as `aria-current`), those done struck through in style only. */
function StepList({ rollout }: { rollout: ArgoRollout }) {
  const at = rollout.currentStepIndex;
  return (
    <ol className="argo-steps" aria-label={`Steps of ${rollout.name}`} start={0}>
      {rollout.steps.map((s, i) => (
        <li key={i} className={i === at ? 'current' : at !== undefined && i < at ? 'done' : undefined} aria-current={i === at ? 'step' : undefined}>
          {stepText(s)}
        </li>
      ))}
    </ol>
  );
}

/** setWeight (where the steps put it) against the actual weight (what runs), each a bar out of 100. */
function WeightBar({ rollout }: { rollout: ArgoRollout }) {
  if (rollout.setWeight === undefined) return null;
  const actual = rollout.actualWeight ?? 0;
  return (
    <div className="argo-weights">
      <span>
        Weight: set {rollout.setWeight}, actual {actual}
      </span>
      <div className="argo-bar" role="img" aria-label={`Set weight ${rollout.setWeight}, actual weight ${actual}`}>
        <div className="argo-bar-actual" style={{ width: `${Math.min(100, actual)}%` }} />
        <div className="argo-bar-set" style={{ left: `${Math.min(100, rollout.setWeight)}%` }} />
      </div>
    </div>
  );
}

function RolloutCard({ rollout, onOpen }: { rollout: ArgoRollout; onOpen(open: Open): void }) {
  const r = rollout;
  if (r.unreadable) {
    return (
      <section className="traffic-pair" aria-label={`Rollout ${r.namespace}/${r.name}`}>
        <h3>
          {r.namespace}/{r.name} <span className="badge tone-bad">unreadable</span>
        </h3>
        <p className="muted">{r.unreadable}</p>
      </section>
    );
  }
  const canPromote = r.phase === 'Paused' || r.paused;
  const open = (action: Action) => () => onOpen({ action, rollout: r });
  const kept = r.revisions.filter((v) => v.revision > 0);
  return (
    <section className="traffic-pair" aria-label={`Rollout ${r.namespace}/${r.name}`}>
      <h3>
        <span className="muted">{r.strategy === 'canary' ? 'Canary' : 'Blue/green'} · </span>
        {r.namespace}/{r.name} <span className={`badge ${PHASE_TONE[r.phase]}`}>{r.phase}</span>
        {r.aborted && (
          <>
            {' '}
            <span className="badge tone-bad">aborted</span>
          </>
        )}
      </h3>
      {r.message && <p className="muted">{r.message}</p>}
      {r.steps.length > 0 && (
        <p>
          Step {r.currentStepIndex ?? 0} of {r.steps.length}
        </p>
      )}
      {r.steps.length > 0 && <StepList rollout={r} />}
      <WeightBar rollout={r} />
      <dl className="facts">
        <dt>Stable</dt>
        <dd className="mono">{r.images.stable.join(', ') || '—'}</dd>
        <dt>{r.strategy === 'canary' ? 'Canary' : 'Preview'}</dt>
        <dd className="mono">{r.images.canary.join(', ') || '—'}</dd>
        <dt>Pods</dt>
        <dd>
          {r.replicas.desired} desired, {r.replicas.updated} updated, {r.replicas.ready} ready, {r.replicas.available} available
        </dd>
      </dl>
      <div className="button-row">
        <button type="button" disabled={!canPromote} onClick={open('promote')}>
          Promote…
        </button>
        <button type="button" disabled={r.phase === 'Healthy' && !r.paused} onClick={open('promoteFull')}>
          Promote full…
        </button>
        {r.aborted ? (
          <button type="button" onClick={open('retry')}>
            Retry…
          </button>
        ) : (
          <button
            type="button"
            disabled={r.phase === 'Healthy' || r.fullyPromoted}
            title={r.fullyPromoted ? 'Nothing to abort: it is fully promoted' : undefined}
            onClick={open('abort')}
          >
            Abort…
          </button>
        )}
        <button type="button" disabled={kept.length < 2 || Boolean(r.workloadRef)} title={r.workloadRef ? `Its template comes from ${r.workloadRef}: roll that back instead` : undefined} onClick={open('undo')}>
          Undo…
        </button>
      </div>
    </section>
  );
}

interface DialogProps {
  connection: ConnectionSummary;
  rollout: ArgoRollout;
  action: Action;
  onClose(): void;
}

/** Held to what the card showed: the spec (generation) always, the step for a promotion. */
const heldTo = (connection: ConnectionSummary, r: ArgoRollout) => ({ connectionId: connection.id, namespace: r.namespace, name: r.name, ifGeneration: r.generation });

const WORDS: Record<Exclude<Action, 'undo'>, { verb: string; busy: string; what: (r: ArgoRollout) => string }> = {
  promote: { verb: 'Promote', busy: 'Promoting…', what: (r) => `Unpauses ${r.name} (kubectl argo rollouts promote): it goes on to its next pause or the end of its steps.` },
  promoteFull: { verb: 'Promote full', busy: 'Promoting…', what: (r) => `Skips the remaining steps, pauses and analysis of ${r.name} (promote --full): every pod moves to ${r.templateImages.join(', ')}.` },
  abort: { verb: 'Abort', busy: 'Aborting…', what: (r) => `Stops ${r.name}’s update and scales back to the stable ReplicaSet (${r.images.stable.join(', ') || 'none'}); its template stays the new one until retried or undone.` },
  retry: { verb: 'Retry', busy: 'Retrying…', what: (r) => `Lifts the abort: ${r.name} starts its steps again towards ${r.templateImages.join(', ')}.` },
};

/** Confirms one of the plugin's actions, the Rollout's name typed on a production connection, and starts it as a task. */
function ArgoActionDialog({ connection, rollout: r, action, onClose }: DialogProps) {
  const kept = r.revisions.filter((v) => v.revision > 0);
  const running = r.revisions.find((v) => v.role === 'canary') ?? r.revisions.find((v) => v.role === 'stable' || v.role === 'active');
  const [toRevision, setToRevision] = useState(String(kept.find((v) => v.revision !== running?.revision)?.revision ?? ''));
  const verb = action === 'undo' ? 'Undo' : WORDS[action].verb;
  const run = async (): Promise<ActionOutcome> => {
    const at = heldTo(connection, r);
    if (action === 'promote' || action === 'promoteFull') {
      await call('rollouts.argoPromote', { ...at, full: action === 'promoteFull', ...(r.currentStepIndex !== undefined ? { ifCurrentStepIndex: r.currentStepIndex } : {}) });
    } else if (action === 'abort') await call('rollouts.argoAbort', at);
    else if (action === 'retry') await call('rollouts.argoRetry', at);
    else await call('rollouts.argoUndo', { ...at, toRevision: Number(toRevision) });
    return { title: `${verb} Rollout ${r.name}`, message: FOLLOW };
  };
  return (
    <ActionDialog
      target={{ connection, row: { namespace: r.namespace } }}
      onClose={onClose}
      onForbidden={() => {}}
      {...(productionLabelNow(connection.labels) ? { confirmName: r.name } : {})}
      title={action === 'undo' ? `Undo Rollout ${r.name} to an earlier revision?` : `${verb} Rollout ${r.name}?`}
      label={`${verb} Rollout ${r.name}`}
      action={{ label: verb, busyLabel: action === 'undo' ? 'Undoing…' : WORDS[action].busy, danger: action !== 'retry' }}
      blocked={action === 'undo' && toRevision === ''}
      run={run}
    >
      {action === 'undo' ? (
        <>
          <label className="field">
            <span>Revision to take the pod template of</span>
            <select value={toRevision} onChange={(e) => setToRevision(e.target.value)}>
              {kept.map((v) => (
                <option key={v.revision} value={v.revision}>
                  {`revision ${v.revision}${v.role ? ` (${v.role})` : ''}: ${v.images.join(', ')}`}
                </option>
              ))}
            </select>
          </label>
          <p>The Rollout takes that ReplicaSet’s pod template (kubectl argo rollouts undo) and rolls it out through its strategy. Nothing is changed if it was changed since this was shown.</p>
        </>
      ) : (
        <p>
          {WORDS[action].what(r)} Nothing is changed if the Rollout moved on since this was shown{action === 'promote' ? ` (it is at step ${r.currentStepIndex ?? 0})` : ''}.
        </p>
      )}
    </ActionDialog>
  );
}

/**
 * Argo Rollouts on one connection, in the namespace the cluster inspector
 * watches (else all): each Rollout's strategy, steps with the current one
 * marked, weights, status, images, and the plugin's promote / abort / retry /
 * undo, each confirmed and run as a task. Says so plainly when the cluster
 * does not serve the CRD.
 */
export function ArgoRolloutsView({ connection }: { connection: ConnectionSummary }) {
  const { choice } = useNamespaceChoice(connection.id);
  const namespace = choice.scope ?? (choice.shown.length === 1 ? choice.shown[0] : undefined);
  const query = useQuery('rollouts.argoRollouts', { connectionId: connection.id, ...(namespace ? { namespace } : {}) }, { pollMs: POLL_MS });
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<Open>();
  const where = namespace ? `namespace ${namespace}` : 'every namespace';
  const value = query.value;
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const shown = (value?.rollouts ?? []).filter((r) => words.every((w) => `${r.namespace} ${r.name} ${r.phase} ${r.strategy}`.toLowerCase().includes(w)));
  const close = () => {
    setOpen(undefined);
    query.refetch();
  };

  return (
    <div className="traffic-pairs">
      <ViewHeader
        summary={value && (value.available ? `${value.rollouts.length} Rollout${value.rollouts.length === 1 ? '' : 's'} in ${where} of ${connection.name}` : undefined)}
        reading="Reading Rollouts…"
        loading={query.loading}
        filterLabel="Filter Rollouts"
        placeholder="name, namespace, status"
        filter={filter}
        onFilter={setFilter}
        onRefresh={query.refetch}
      />
      {query.error !== undefined && <CallProblem error={query.error} what={`the Rollouts in ${where}`} onRetry={query.refetch} />}
      {value && !value.available && (
        <div className="empty">
          <p>Argo Rollouts is not installed on this cluster: no rollouts.argoproj.io resource is served.</p>
        </div>
      )}
      {value?.available && !shown.length && (
        <div className="empty">
          <p>{value.rollouts.length ? 'No Rollout matches the filter.' : `No Rollout in ${where}.`}</p>
        </div>
      )}
      {shown.map((r) => (
        <RolloutCard key={`${r.namespace}/${r.name}`} rollout={r} onOpen={setOpen} />
      ))}
      {open && <ArgoActionDialog connection={connection} rollout={open.rollout} action={open.action} onClose={close} />}
    </div>
  );
}
