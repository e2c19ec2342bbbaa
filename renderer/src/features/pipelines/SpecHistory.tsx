import { useState } from 'react';
import type { Spec, SpecApply, SpecVersion } from '../../../../shared/contract';
import { call } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { formatBytes, formatTime } from '../../shell/format';
import { Modal } from '../../shell/Modal';
import { DiffView } from '../../shell/monaco/DiffView';
import { TaskProgressView } from '../../shell/TaskProgressView';
import { useQuery } from '../../ui/useQuery';
import { useConnections } from '../connections/connectionsStore';
import { notifySaved } from './GitRepositoryDialog';
import { draftOf, usePipelines } from './pipelinesStore';

/** Two versions' texts side by side in Monaco's diff editor, the older on the left. */
function VersionDiff({ spec, versions }: { spec: Spec; versions: readonly [number, number] }) {
  const [older, newer] = [...versions].sort((a, b) => a - b);
  const left = useQuery('pipelines.version', { id: spec.id, version: older });
  const right = useQuery('pipelines.version', { id: spec.id, version: newer });
  const failed = left.error ?? right.error;
  if (failed !== undefined) return <ErrorNotice error={{ ...describeError(failed), title: 'Could not load the versions', action: { label: 'Try again', run: () => (left.refetch(), right.refetch()) } }} />;
  if (!left.value || !right.value) return <p className="muted">Loading versions {older} and {newer}…</p>;
  const label = (v: number) => `Version ${v}${v === spec.version ? ' (current)' : ''}`;
  return <DiffView original={left.value.text} modified={right.value.text} originalLabel={label(older)} modifiedLabel={label(newer)} />;
}

/** Asks before the spec's text goes back to an earlier version's, then saves that as a new version. */
function RevertDialog({ spec, version, dirty, onClose }: { spec: Spec; version: number; dirty: boolean; onClose(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const revert = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const saved = await call('pipelines.revert', { id: spec.id, version, baseVersion: spec.version });
      const current = await call('pipelines.spec', { id: spec.id });
      const { edit, showHistory } = usePipelines.getState();
      edit(draftOf(current));
      showHistory(false);
      notifySaved(`Reverted “${spec.name}” to version ${version}`, saved, `Saved as version ${saved.version}; nothing was applied.`);
      onClose();
    } catch (err) {
      const view = describeError(err);
      setError(view.code === 'CONFLICT' ? { ...view, title: 'Someone saved this spec meanwhile', message: `${view.message} Look at the history again before reverting.` } : view);
      setBusy(false);
    }
  };
  return (
    <Modal label={`Revert ${spec.name}`} onClose={onClose}>
      <h2>
        Revert “{spec.name}” to version {version}?
      </h2>
      <p>
        Version {version}’s text is saved as version {spec.version + 1}; every version stays in the history. Nothing is applied to the cluster until you apply it.
      </p>
      {dirty && <p className="notice">Your unsaved changes to the spec are dropped.</p>}
      <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose, autoFocus: true }} action={{ label: 'Revert', busyLabel: 'Reverting…', busy, onClick: () => void revert() }} />
    </Modal>
  );
}

/** A task as it stands now, opened from the history: its progress, or how it ended and its report. */
function TaskDialog({ taskId, onClose }: { taskId: string; onClose(): void }) {
  const task = useQuery('tasks.get', { id: taskId });
  return (
    <Modal label="Apply task" onClose={onClose}>
      <h2>Apply task</h2>
      {task.error !== undefined ? (
        <DialogFooter error={{ ...describeError(task.error), action: { label: 'Try again', run: task.refetch } }} dismiss={{ label: 'Close', onClick: onClose }} />
      ) : task.value ? (
        <TaskProgressView started={task.value} onClose={onClose} />
      ) : (
        <p className="muted">Loading the task…</p>
      )}
    </Modal>
  );
}

const applyOutcomes: Record<SpecApply['outcome'], string> = { running: 'Running', applied: 'Applied', partial: 'Partly applied', failed: 'Failed', cancelled: 'Cancelled', interrupted: 'Interrupted (the app stopped)' };
const outcomeTones: Record<SpecApply['outcome'], string> = { running: 'tone-neutral', applied: 'tone-ok', partial: 'tone-warn', failed: 'tone-bad', cancelled: 'tone-neutral', interrupted: 'tone-warn' };

function VersionRows({ versions, spec, chosen, onToggle }: { versions: SpecVersion[]; spec: Spec; chosen: readonly number[]; onToggle(v: number): void }) {
  return (
    <table className="data pipelines-table" aria-label="Versions">
      <thead>
        <tr>
          <th scope="col">Compare</th>
          <th scope="col">Version</th>
          <th scope="col">Message</th>
          <th scope="col">By</th>
          <th scope="col">Saved</th>
          <th scope="col">Size</th>
          <th scope="col">Git commit</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.version} className={chosen.includes(v.version) ? 'selected' : undefined}>
            <td>
              <input type="checkbox" aria-label={`Choose version ${v.version}`} checked={chosen.includes(v.version)} onChange={() => onToggle(v.version)} />
            </td>
            <td>
              {v.version}
              {v.version === spec.version && <span className="muted"> (current)</span>}
            </td>
            <td>{v.message || <span className="muted">No message</span>}</td>
            <td>{v.savedBy}</td>
            <td>{formatTime(v.savedAt)}</td>
            <td>{formatBytes(v.bytes)}</td>
            <td className="mono" title={v.gitCommit}>
              {v.gitCommit ? v.gitCommit.slice(0, 12) : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ApplyRows({ applies, onTask }: { applies: SpecApply[]; onTask(taskId: string): void }) {
  const connections = useConnections((s) => s.connections);
  return (
    <table className="data pipelines-table" aria-label="Applies">
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Version</th>
          <th scope="col">Target</th>
          <th scope="col">Outcome</th>
          <th scope="col">Documents</th>
          <th scope="col">By</th>
          <th scope="col">Task</th>
        </tr>
      </thead>
      <tbody>
        {applies.map((a) => (
          <tr key={a.taskId}>
            <td>{formatTime(a.startedAt)}</td>
            <td>{a.version}</td>
            <td>
              {connections.find((c) => c.id === a.connectionId)?.name ?? 'a deleted connection'} / {a.namespace ?? 'default namespace'}
            </td>
            <td className={outcomeTones[a.outcome]}>{applyOutcomes[a.outcome]}</td>
            <td>
              {a.applied} applied · {a.failed} failed · {a.notAttempted} not attempted
            </td>
            <td>{a.actor}</td>
            <td>
              <button type="button" className="link" aria-label={`Show the task of the apply started ${formatTime(a.startedAt)}`} onClick={() => onTask(a.taskId)}>
                Show task
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A spec's history: every saved version (message, author, time, git commit),
 * any two compared side by side, one chosen compared with the current and
 * revertible in one step; and every apply with its outcome, counts, target
 * and task.
 */
export function SpecHistory({ spec, dirty, refreshKey }: { spec: Spec; dirty: boolean; /** Changes when the library changed. */ refreshKey: string }) {
  const versions = useQuery('pipelines.versions', { id: spec.id }, { refreshKey });
  const applies = useQuery('pipelines.applies', { id: spec.id }, { refreshKey });
  const [chosen, setChosen] = useState<number[]>([]);
  const [reverting, setReverting] = useState<number>();
  const [task, setTask] = useState<string>();
  // The two last chosen are compared: choosing a third lets go of the earliest.
  const toggle = (v: number) => setChosen((c) => (c.includes(v) ? c.filter((x) => x !== v) : [...c, v].slice(-2)));
  const list = [...(versions.value ?? [])].sort((a, b) => b.version - a.version);
  const one = chosen.length === 1 ? chosen[0] : undefined;
  const pair: readonly [number, number] | undefined = chosen.length === 2 ? [chosen[0], chosen[1]] : one !== undefined && one !== spec.version ? [one, spec.version] : undefined;

  return (
    <section className="pipelines-history" aria-label={`History of ${spec.name}`}>
      <div className="pipelines-spec-head">
        <h2>History of “{spec.name}”</h2>
        <div className="spacer" />
        <button type="button" aria-pressed onClick={() => usePipelines.getState().showHistory(false)}>
          History
        </button>
      </div>
      <h3>Versions</h3>
      {versions.error !== undefined && <ErrorNotice error={{ ...describeError(versions.error), title: 'Could not list the versions', action: { label: 'Try again', run: versions.refetch } }} />}
      {!versions.value && versions.error === undefined && <p className="muted">Loading the versions…</p>}
      {versions.value && <VersionRows versions={list} spec={spec} chosen={chosen} onToggle={toggle} />}
      <div className="pipelines-version-compare">
        {chosen.length === 0 ? (
          <p className="muted">Choose a version to see what changed since, and to revert to it; choose two to compare them.</p>
        ) : (
          <>
            {one !== undefined && one !== spec.version && (
              <div className="button-row">
                <button type="button" onClick={() => setReverting(one)}>
                  Revert to this version
                </button>
                <span className="muted">Version {one}’s text becomes a new version; nothing is applied.</span>
              </div>
            )}
            {one === spec.version && <p className="muted">This is the current version. Choose another to compare with it.</p>}
            {pair && <VersionDiff key={pair.join(' ')} spec={spec} versions={pair} />}
          </>
        )}
      </div>
      <h3>Applies</h3>
      {applies.error !== undefined && <ErrorNotice error={{ ...describeError(applies.error), title: 'Could not list the applies', action: { label: 'Try again', run: applies.refetch } }} />}
      {!applies.value && applies.error === undefined && <p className="muted">Loading the applies…</p>}
      {applies.value && (applies.value.length ? <ApplyRows applies={applies.value} onTask={setTask} /> : <p className="muted">Never applied.</p>)}
      {reverting !== undefined && <RevertDialog spec={spec} version={reverting} dirty={dirty} onClose={() => setReverting(undefined)} />}
      {task !== undefined && <TaskDialog taskId={task} onClose={() => setTask(undefined)} />}
    </section>
  );
}
