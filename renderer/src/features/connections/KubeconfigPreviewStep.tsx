import { Fragment, useEffect, useId, useMemo, useRef, useState } from 'react';
import { MAX_IMPORT_SELECTIONS, type KubeCommand, type KubeconfigPreview, type KubeconfigSource, type KubeContextPreview, type TaskSummary } from '../../../../shared/contract';
import { showHiddenChars } from '../../../../shared/hiddenChars';
import { call, CallError } from '../../api/client';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { plural } from '../../shell/format';
import { useConnections } from './connectionsStore';
import { tooManySelected, type ChoiceCheck, type ImportChoice } from './importChoices';
import { ImportNameChoice } from './ImportNameChoice';
import { ImportProgress } from './ImportProgress';
import { RejectedList } from './RejectedList';
import { focusFirstInvalid, useImportChoices } from './useImportChoices';
import { DialogFooter } from '../../shell/DialogFooter';

/** An argument as a shell would need it, so spaces and quotes inside it show. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line as it will run; hidden characters shown, so nothing reorders or hides part of it. */
function commandLine(cmd: KubeCommand): string {
  return showHiddenChars([cmd.command, ...cmd.args].map(shellWord).join(' '));
}

/** "Run this command and read these files": what the confirmation covers. */
function confirmationText(commands: number, files: number): string {
  const run = commands ? `Run ${commands === 1 ? 'this command' : 'these commands'}` : '';
  const read = files ? `${commands ? 'read' : 'Read'} ${files === 1 ? 'this file' : 'these files'}` : '';
  return [run, read].filter(Boolean).join(' and ');
}

interface LocalAccessProps {
  context: KubeContextPreview;
  name: string;
  /** Pasted or uploaded text rather than the user's own kubeconfig files. */
  fromText: boolean;
  allowed: boolean;
  showProblem: boolean;
  onAllow(allowed: boolean): void;
}

/**
 * What a context runs and reads on this computer, in full: Test runs the
 * command and sends certificate, key and token files to the server. From
 * pasted or uploaded text it must be confirmed, context by context.
 */
function LocalAccess({ context: c, name, fromText, allowed, showProblem, onAllow }: LocalAccessProps) {
  const headingId = useId();
  const problemId = useId();
  if (!c.commands.length && !c.localFiles.length) return null;
  const invalid = showProblem && c.confirmRequired && !allowed;
  return (
    <section className="local-access" aria-labelledby={headingId}>
      <h4 id={headingId}>{`${fromText ? `From ${c.source}: w` : 'W'}hat ${name} runs and reads on this computer`}</h4>
      <dl className="facts compact">
        {c.commands.map((cmd, i) => (
          <Fragment key={`cmd-${i}`}>
            <dt>Runs ({cmd.field})</dt>
            <dd className="mono">{commandLine(cmd)}</dd>
            {cmd.envNames.length > 0 && (
              <>
                <dt>With environment variables</dt>
                <dd className="mono">{cmd.envNames.map(showHiddenChars).join(', ')}</dd>
              </>
            )}
          </Fragment>
        ))}
        {c.localFiles.map((file, i) => (
          <Fragment key={`file-${i}`}>
            <dt>{file.field}</dt>
            <dd className="mono">{showHiddenChars(file.path)}</dd>
          </Fragment>
        ))}
      </dl>
      {c.confirmRequired && (
        <>
          <label className="check">
            <input
              type="checkbox"
              checked={allowed}
              aria-invalid={invalid || undefined}
              aria-describedby={invalid ? problemId : undefined}
              onChange={(e) => onAllow(e.target.checked)}
            />
            {`${confirmationText(c.commands.length, c.localFiles.length)} whenever Pilothouse connects with ${name}`}
          </label>
          {invalid && (
            <p id={problemId} className="field-error">
              Confirm this, or untick the context: it came from {c.source}, not from your own kubeconfig files.
            </p>
          )}
        </>
      )}
    </section>
  );
}

interface ContextItemProps {
  context: KubeContextPreview;
  current: boolean;
  fromText: boolean;
  choice: ImportChoice;
  check: ChoiceCheck;
  allowed: boolean;
  showProblem: boolean;
  onChange(patch: Partial<ImportChoice>): void;
  onAllow(allowed: boolean): void;
}

function ContextItem({ context: c, current, fromText, choice, check, allowed, showProblem, onChange, onAllow }: ContextItemProps) {
  // Names come from the file: a bidi override or zero-width space must show, not act.
  const name = showHiddenChars(c.contextName);
  return (
    <li className={showProblem && (check.problem || (c.confirmRequired && choice.include && !allowed)) ? 'candidate invalid' : 'candidate'}>
      <label className="check candidate-title">
        <input type="checkbox" checked={choice.include} onChange={(e) => onChange({ include: e.target.checked })} />
        Import <strong>{name}</strong>
        {current && <span className="chip">current context</span>}
      </label>
      <dl className="facts compact">
        <dt>Cluster</dt>
        <dd>{showHiddenChars(c.clusterName)}</dd>
        <dt>User</dt>
        <dd>{showHiddenChars(c.userName)}</dd>
        <dt>Server</dt>
        <dd className="mono">{c.server}</dd>
        <dt>Namespace</dt>
        <dd>{c.namespace ?? 'default'}</dd>
        <dt>Auth</dt>
        <dd>{c.authKind}</dd>
        {c.settings.map((setting) => (
          <Fragment key={setting.field}>
            <dt>{setting.field}</dt>
            <dd className="mono">{showHiddenChars(setting.value)}</dd>
          </Fragment>
        ))}
        <dt>Defined in</dt>
        <dd>
          {c.source}, line {c.line}
        </dd>
      </dl>
      <LocalAccess context={c} name={name} fromText={fromText} allowed={allowed} showProblem={showProblem && choice.include} onAllow={onAllow} />
      <ImportNameChoice subject={name} choice={choice} check={check} showProblem={showProblem} onChange={onChange} />
    </li>
  );
}

interface KubeconfigPreviewStepProps {
  source: KubeconfigSource;
  preview: KubeconfigPreview;
  onBack(): void;
  /** Closes the dialog: the import is done, or carries on in the Tasks tray. */
  onClose(): void;
}

/** The contexts a kubeconfig holds: choose which to import and under what names, then import and follow it. */
export function KubeconfigPreviewStep({ source, preview, onBack, onClose }: KubeconfigPreviewStepProps) {
  const candidates = useMemo(() => preview.contexts.map((c) => ({ key: c.contextName, suggestedName: c.suggestedName, existingConnectionId: c.existingConnectionId })), [preview]);
  const { choices, checks, attempted, update, attempt } = useImportChoices(candidates);
  /** Contexts whose commands and local files the user confirmed. */
  const [allowed, setAllowed] = useState<Record<string, boolean>>({});
  const fromText = source.kind === 'text' || source.kind === 'upload';
  const unconfirmed = preview.contexts.some((c) => c.confirmRequired && choices[c.contextName].include && !allowed[c.contextName]);
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const [task, setTask] = useState<TaskSummary>();
  const listRef = useRef<HTMLUListElement>(null);
  const summaryRef = useRef<HTMLParagraphElement>(null);
  const chooseName = () => focusFirstInvalid(listRef.current);

  // The Preview button that had focus is gone, and so is the progress after going back: start reading at what was found.
  useEffect(() => {
    if (!task) summaryRef.current?.focus();
  }, [task]);

  const runImport = async () => {
    setError(undefined);
    const selections = attempt();
    if (!selections || unconfirmed) {
      // The invalid marks render with this state update; focus the first one after it.
      setTimeout(chooseName);
      return;
    }
    if (!selections.length) return setError({ code: 'VALIDATION', title: 'Nothing selected', message: 'Tick at least one context to import.' });
    if (selections.length > MAX_IMPORT_SELECTIONS) return setError(tooManySelected(selections.length, 'contexts'));
    setBusy(true);
    try {
      const started = await call('connections.importKubeconfig', {
        source,
        selections: selections.map(({ key, name, onConflict }) => ({ contextName: key, name, onConflict, ...(allowed[key] ? { allowLocalAccess: true } : {}) })),
      });
      setTask(started.task);
    } catch (err) {
      // The list may be stale: refetch so the names now taken are flagged.
      if (err instanceof CallError && err.error.code === 'NAME_CONFLICT') await useConnections.getState().refresh();
      setError(describeError(err, { rename: chooseName, chooseFile: onBack }));
    } finally {
      setBusy(false);
    }
  };

  if (task) {
    const back = () => setTask(undefined);
    // Back to the choices, then to the name that clashes once they render again.
    const rename = () => (back(), setTimeout(chooseName));
    return <ImportProgress started={task} fixes={{ rename, chooseFile: onBack }} onBack={back} onClose={onClose} />;
  }

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
              fromText={fromText}
              choice={choices[c.contextName]}
              check={checks[c.contextName]}
              allowed={allowed[c.contextName] ?? false}
              showProblem={attempted}
              onChange={(patch) => update(c.contextName, patch)}
              onAllow={(value) => setAllowed((a) => ({ ...a, [c.contextName]: value }))}
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
