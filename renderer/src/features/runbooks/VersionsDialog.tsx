import { useId, useState } from 'react';
import type { Runbook } from '../../../../shared/contract';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError } from '../../shell/errorActions';
import { formatBytes, formatTime } from '../../shell/format';
import { Modal } from '../../shell/Modal';
import { TabList } from '../../ui/TabList';
import { TextDiff } from '../../ui/TextDiff';
import { useQuery } from '../../ui/useQuery';

type View = 'changes' | 'text';
const views = [
  { id: 'changes' as const, label: 'Changes' },
  { id: 'text' as const, label: 'Text' },
];

/** One saved version: its text, or what changed from it to another version (the current one unless another is chosen). */
function VersionDetail({ runbook, version, versions }: { runbook: Runbook; version: number; versions: number[] }) {
  const answer = useQuery('runbooks.version', { id: runbook.id, version });
  const [other, setOther] = useState(runbook.version);
  // The current version's text is at hand; any other is asked for.
  const otherAnswer = useQuery('runbooks.version', other === runbook.version ? null : { id: runbook.id, version: other });
  const otherSource = other === runbook.version ? runbook.source : otherAnswer.value?.source;
  const [view, setView] = useState<View>('changes');
  const idPrefix = useId();
  if (answer.error !== undefined) return <ErrorNotice error={{ ...describeError(answer.error), action: { label: 'Try again', run: answer.refetch } }} />;
  if (!answer.value) return <p className="muted">Loading version {version}…</p>;
  const label = (v: number) => `version ${v}${v === runbook.version ? ' (current)' : ''}`;
  return (
    <>
      <TabList<View> label="Version views" tabs={views} current={view} onChoose={setView} tabId={(id) => `${idPrefix}-${id}`} panelId={`${idPrefix}-panel`} />
      <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-${view}`} className="runbook-version-panel">
        {view === 'changes' ? (
          <>
            <label>
              Compare with{' '}
              <select value={other} onChange={(e) => setOther(Number(e.target.value))}>
                {versions.map((v) => (
                  <option key={v} value={v}>
                    Version {v}
                    {v === runbook.version && ' (current)'}
                  </option>
                ))}
              </select>
            </label>
            {otherAnswer.error !== undefined ? (
              <ErrorNotice error={{ ...describeError(otherAnswer.error), action: { label: 'Try again', run: otherAnswer.refetch } }} />
            ) : otherSource === undefined ? (
              <p className="muted">Loading version {other}…</p>
            ) : (
              <TextDiff before={answer.value.source} after={otherSource} beforeLabel={label(version)} afterLabel={label(other)} sameText={`This version is the same as ${label(other)}.`} />
            )}
          </>
        ) : (
          <pre className="runbook-source mono">{answer.value.source}</pre>
        )}
      </div>
    </>
  );
}

/** Every saved version of a runbook, newest first; choosing one shows it and its difference from the current version, or from any other chosen. */
export function VersionsDialog({ runbook, onClose }: { runbook: Runbook; onClose(): void }) {
  const versions = useQuery('runbooks.versions', { id: runbook.id });
  const [chosen, setChosen] = useState<number>();
  const list = [...(versions.value ?? [])].sort((a, b) => b.version - a.version);
  return (
    <Modal label={`Versions of ${runbook.title}`} onClose={onClose} wide className="runbook-versions">
      <h2>Versions of “{runbook.title}”</h2>
      {versions.error !== undefined && <ErrorNotice error={{ ...describeError(versions.error), action: { label: 'Try again', run: versions.refetch } }} />}
      {!versions.value && versions.loading && <p className="muted">Loading versions…</p>}
      <div className="runbook-versions-body">
        <ul className="runbook-version-list" aria-label="Versions">
          {list.map((v) => (
            <li key={v.version}>
              <button type="button" aria-pressed={chosen === v.version} className={chosen === v.version ? 'active' : undefined} onClick={() => setChosen(v.version)}>
                <strong>Version {v.version}</strong>
                {v.version === runbook.version && ' (current)'}
                <br />
                <span className="muted">
                  {formatTime(v.savedAt)} by {v.savedBy} · {formatBytes(v.bytes)}
                </span>
                {v.title !== runbook.title && (
                  <>
                    <br />
                    <span className="muted">“{v.title}”</span>
                  </>
                )}
              </button>
            </li>
          ))}
        </ul>
        <div className="runbook-version-detail">{chosen === undefined ? <p className="muted">Choose a version to see it and what changed since.</p> : <VersionDetail key={chosen} runbook={runbook} version={chosen} versions={list.map((v) => v.version)} />}</div>
      </div>
      <div className="button-row end">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
