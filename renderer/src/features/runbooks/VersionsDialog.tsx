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
  { id: 'changes' as const, label: 'Changes to current' },
  { id: 'text' as const, label: 'Text' },
];

/** One saved version: its text, or what changed from it to the current version. */
function VersionDetail({ runbook, version }: { runbook: Runbook; version: number }) {
  const answer = useQuery('runbooks.version', { id: runbook.id, version });
  const [view, setView] = useState<View>('changes');
  const idPrefix = useId();
  if (answer.error !== undefined) return <ErrorNotice error={{ ...describeError(answer.error), action: { label: 'Try again', run: answer.refetch } }} />;
  if (!answer.value) return <p className="muted">Loading version {version}…</p>;
  return (
    <>
      <TabList<View> label="Version views" tabs={views} current={view} onChoose={setView} tabId={(id) => `${idPrefix}-${id}`} panelId={`${idPrefix}-panel`} />
      <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-${view}`} className="runbook-version-panel">
        {view === 'changes' ? (
          <TextDiff before={answer.value.source} after={runbook.source} beforeLabel={`version ${version}`} afterLabel={`version ${runbook.version} (current)`} sameText="This version is the same as the current one." />
        ) : (
          <pre className="runbook-source mono">{answer.value.source}</pre>
        )}
      </div>
    </>
  );
}

/** Every saved version of a runbook, newest first; choosing one shows it and its difference from the current version. */
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
        <div className="runbook-version-detail">{chosen === undefined ? <p className="muted">Choose a version to see it and what changed since.</p> : <VersionDetail key={chosen} runbook={runbook} version={chosen} />}</div>
      </div>
      <div className="button-row end">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
