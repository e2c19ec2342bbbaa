import { useState } from 'react';
import type { Runbook } from '../../../../shared/contract';
import { call } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { formatTime } from '../../shell/format';
import { Modal } from '../../shell/Modal';
import { notifySuccess } from '../../shell/toastStore';
import { ChecklistBar } from './ChecklistBar';
import { RunbookView } from './RunbookView';
import { RunInTerminalDialog } from './RunInTerminalDialog';
import { useRunbooks } from './runbooksStore';
import { useChecklist } from './useChecklist';
import { useQuery } from '../../ui/useQuery';
import { VersionsDialog } from './VersionsDialog';

function DeleteDialog({ runbook, onClose }: { runbook: Runbook; onClose(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const remove = async () => {
    setBusy(true);
    try {
      await call('runbooks.delete', { id: runbook.id });
      useRunbooks.getState().select(null);
      notifySuccess(`Deleted “${runbook.title}”`);
      onClose();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  return (
    <Modal label={`Delete ${runbook.title}`} onClose={onClose}>
      <h2>Delete “{runbook.title}”?</h2>
      <p>Its {runbook.version === 1 ? 'version' : `${runbook.version} versions`} and checklists go with it. An exported copy, if you made one, is not touched.</p>
      <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose, autoFocus: true }} action={{ label: 'Delete', busyLabel: 'Deleting…', busy, danger: true, onClick: () => void remove() }} />
    </Modal>
  );
}

/**
 * One runbook: what it is about (tags, resources, severity, version), its
 * actions, the checklist's use, and the rendered text with Run in terminal
 * on each code block.
 */
export function RunbookDetail({ runbook }: { runbook: Runbook }) {
  const checklist = useChecklist(runbook.id);
  // A use follows the version it was started on: its ticks number that version's checklist.
  const useVersion = checklist.current && checklist.current.version !== runbook.version ? checklist.current.version : undefined;
  const older = useQuery('runbooks.version', useVersion === undefined ? null : { id: runbook.id, version: useVersion });
  const body = useVersion === undefined ? runbook.body : older.value ? bodyOf(older.value.source) : undefined;
  const [items, setItems] = useState(0);
  const [dialog, setDialog] = useState<'versions' | 'delete' | null>(null);
  const [command, setCommand] = useState<string | null>(null);
  const edit = () => useRunbooks.getState().edit({ id: runbook.id, baseVersion: runbook.version, title: runbook.title, source: runbook.source });

  return (
    <article className="runbook-detail" aria-label={runbook.title}>
      <div className="runbook-head">
        <h2>{runbook.title}</h2>
        {runbook.severity && <span className={`badge runbook-severity-${runbook.severity}`}>{runbook.severity}</span>}
        <div className="spacer" />
        <button type="button" onClick={edit}>
          Edit
        </button>
        <button type="button" onClick={() => setDialog('versions')}>
          Versions
        </button>
        <button type="button" className="danger" onClick={() => setDialog('delete')}>
          Delete…
        </button>
      </div>
      <dl className="facts runbook-facts">
        <dt>Version</dt>
        <dd>
          {runbook.version}, saved {formatTime(runbook.updatedAt)} by {runbook.updatedBy}
        </dd>
        {runbook.path && (
          <>
            <dt>Imported from</dt>
            <dd className="mono">{runbook.path}</dd>
          </>
        )}
        <dt>Tags</dt>
        <dd>
          <Chips label="Tags" items={runbook.tags} />
        </dd>
        <dt>Resources</dt>
        <dd>
          <Chips label="Resources" items={runbook.resources} className="mono" />
        </dd>
      </dl>
      {items > 0 && <ChecklistBar checklist={checklist} items={items} />}
      {useVersion !== undefined && (
        <p className="notice" role="note">
          “{checklist.current?.label}” was started on version {useVersion}; the runbook is at version {runbook.version} now. This is version {useVersion}, the one its ticks belong to.
        </p>
      )}
      {body === undefined ? (
        <p className="muted">{older.error ? `Version ${useVersion} cannot be shown: ${describeError(older.error).message}` : `Loading version ${useVersion}…`}</p>
      ) : (
        <RunbookView body={body} checked={checklist.checked} onToggle={checklist.toggle} onRun={setCommand} onItems={setItems} />
      )}
      {command !== null && <RunInTerminalDialog command={command} runbook={{ id: runbook.id, title: runbook.title }} onClose={() => setCommand(null)} />}
      {dialog === 'versions' && <VersionsDialog runbook={runbook} onClose={() => setDialog(null)} />}
      {dialog === 'delete' && <DeleteDialog runbook={runbook} onClose={() => setDialog(null)} />}
    </article>
  );
}

/** A runbook's tags or resources as chips, or "None". */
function Chips({ label, items, className }: { label: string; items: readonly string[]; className?: string }) {
  if (!items.length) return <span className="muted">None</span>;
  return (
    <ul className="chips" aria-label={label}>
      {items.map((item) => (
        <li key={item} className={className ? `chip ${className}` : 'chip'}>
          {item}
        </li>
      ))}
    </ul>
  );
}

/** A runbook file's body: what follows its front matter, when it has one. */
export function bodyOf(source: string): string {
  const text = source.replace(/^\uFEFF/, '');
  const open = /^---\r?\n/.exec(text);
  if (!open) return text;
  const close = /^---[ \t]*(?:\r?\n|$)/m.exec(text.slice(open[0].length));
  return close ? text.slice(open[0].length + close.index + close[0].length).replace(/^\r?\n/, '') : text;
}
