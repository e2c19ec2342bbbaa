import { useEffect, useMemo, useRef, useState } from 'react';
import type { KubeconfigPreview, KubeconfigSource, KubeContextPreview } from '../../../../shared/contract';
import { call, CallError } from '../../api/client';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { plural } from '../../shell/format';
import { notifySuccess } from '../../shell/toastStore';
import { useConnections } from './connectionsStore';
import type { ChoiceCheck, ImportChoice } from './importChoices';
import { ImportNameChoice } from './ImportNameChoice';
import { RejectedList } from './RejectedList';
import { focusFirstInvalid, useImportChoices } from './useImportChoices';
import { DialogFooter } from '../../shell/DialogFooter';

interface ContextItemProps {
  context: KubeContextPreview;
  current: boolean;
  choice: ImportChoice;
  check: ChoiceCheck;
  showProblem: boolean;
  onChange(patch: Partial<ImportChoice>): void;
}

function ContextItem({ context: c, current, choice, check, showProblem, onChange }: ContextItemProps) {
  return (
    <li className={showProblem && check.problem ? 'candidate invalid' : 'candidate'}>
      <label className="check candidate-title">
        <input type="checkbox" checked={choice.include} onChange={(e) => onChange({ include: e.target.checked })} />
        Import <strong>{c.contextName}</strong>
        {current && <span className="chip">current context</span>}
      </label>
      <dl className="facts compact">
        <dt>Cluster</dt>
        <dd>{c.clusterName}</dd>
        <dt>User</dt>
        <dd>{c.userName}</dd>
        <dt>Server</dt>
        <dd className="mono">{c.server}</dd>
        <dt>Namespace</dt>
        <dd>{c.namespace ?? 'default'}</dd>
        <dt>Auth</dt>
        <dd>{c.authKind}</dd>
        {c.execCommand && (
          <>
            <dt>Exec command</dt>
            <dd className="mono">{c.execCommand}</dd>
          </>
        )}
        <dt>Defined in</dt>
        <dd>
          {c.source}, line {c.line}
        </dd>
      </dl>
      <ImportNameChoice subject={c.contextName} choice={choice} check={check} showProblem={showProblem} onChange={onChange} />
    </li>
  );
}

interface KubeconfigPreviewStepProps {
  source: KubeconfigSource;
  preview: KubeconfigPreview;
  onBack(): void;
  onImported(): void;
}

/** The contexts a kubeconfig holds: choose which to import and under what names, then import. */
export function KubeconfigPreviewStep({ source, preview, onBack, onImported }: KubeconfigPreviewStepProps) {
  const candidates = useMemo(() => preview.contexts.map((c) => ({ key: c.contextName, suggestedName: c.suggestedName, existingConnectionId: c.existingConnectionId })), [preview]);
  const { choices, checks, attempted, update, attempt } = useImportChoices(candidates);
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);
  const summaryRef = useRef<HTMLParagraphElement>(null);
  const chooseName = () => focusFirstInvalid(listRef.current);

  // The Preview button that had focus is gone: start reading at what was found.
  useEffect(() => summaryRef.current?.focus(), []);

  const runImport = async () => {
    setError(undefined);
    const selections = attempt();
    if (!selections) {
      // The invalid marks render with this state update; focus the first one after it.
      setTimeout(chooseName);
      return;
    }
    if (!selections.length) return setError({ code: 'VALIDATION', title: 'Nothing selected', message: 'Tick at least one context to import.' });
    setBusy(true);
    try {
      const result = await call('connections.importKubeconfig', {
        source,
        selections: selections.map(({ key, name, onConflict }) => ({ contextName: key, name, onConflict })),
      });
      notifySuccess(`Imported ${plural(result.imported.length, 'connection')}`, result.imported.map((c) => c.name).join(', '));
      onImported();
    } catch (err) {
      // The list may be stale: refetch so the names now taken are flagged.
      if (err instanceof CallError && err.error.code === 'NAME_CONFLICT') await useConnections.getState().refresh();
      setError(describeError(err, { rename: chooseName, chooseFile: onBack }));
      setBusy(false);
    }
  };

  return (
    <>
      <p ref={summaryRef} tabIndex={-1}>
        Found {plural(preview.contexts.length, 'context')} in <strong>{preview.sourceLabel}</strong>.
      </p>
      {preview.contexts.length > 0 && (
        <ul className="candidates" aria-label="Contexts" ref={listRef}>
          {preview.contexts.map((c) => (
            <ContextItem
              key={c.contextName}
              context={c}
              current={c.contextName === preview.currentContext}
              choice={choices[c.contextName]}
              check={checks[c.contextName]}
              showProblem={attempted}
              onChange={(patch) => update(c.contextName, patch)}
            />
          ))}
        </ul>
      )}
      <RejectedList rejected={preview.rejected} />
      <DialogFooter
        error={error}
        dismiss={{ label: 'Back', onClick: onBack }}
        action={preview.contexts.length > 0 ? { label: 'Import', busyLabel: 'Importing…', busy, onClick: () => void runImport() } : undefined}
      />
    </>
  );
}
