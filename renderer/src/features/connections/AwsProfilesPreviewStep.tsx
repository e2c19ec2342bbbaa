import { Fragment, useEffect, useId, useMemo, useRef, useState } from 'react';
import { AwsRegion, MAX_IMPORT_SELECTIONS, type AwsProfilePreview, type AwsProfilesPreview, type AwsProfilesSource, type TaskSummary } from '../../../../shared/contract';
import { call, CallError } from '../../api/client';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { plural } from '../../shell/format';
import { AwsRegionList } from './AwsRegionList';
import { useConnections } from './connectionsStore';
import { tooManySelected, type ChoiceCheck, type ImportChoice } from './importChoices';
import { ImportNameChoice } from './ImportNameChoice';
import { ImportProgress } from './ImportProgress';
import { RejectedList } from './RejectedList';
import { focusFirstInvalid, useImportChoices } from './useImportChoices';
import { DialogFooter } from '../../shell/DialogFooter';
import { FieldError } from '../../shell/FieldError';

/** Why a region cannot be used; a region is required when the profile has none. */
function regionProblem(region: string): string | undefined {
  if (!region.trim()) return 'This profile has no region: choose one';
  const parsed = AwsRegion.safeParse(region.trim());
  return parsed.success ? undefined : parsed.error.issues[0].message;
}

interface ProfileItemProps {
  profile: AwsProfilePreview;
  choice: ImportChoice;
  check: ChoiceCheck;
  region: string;
  regionListId: string;
  showProblem: boolean;
  onChange(patch: Partial<ImportChoice>): void;
  onRegion(region: string): void;
}

function ProfileItem({ profile: p, choice, check, region, regionListId, showProblem, onChange, onRegion }: ProfileItemProps) {
  const problem = choice.include && showProblem ? regionProblem(region) : undefined;
  const problemId = useId();
  return (
    <li className={showProblem && (check.problem || problem) ? 'candidate invalid' : 'candidate'}>
      <label className="check candidate-title">
        <input type="checkbox" checked={choice.include} onChange={(e) => onChange({ include: e.target.checked })} />
        Import <strong>{p.profile}</strong>
      </label>
      <dl className="facts compact">
        <dt>Kind</dt>
        <dd>{p.profileKind}</dd>
        <dt>Static keys</dt>
        <dd>{p.hasStaticKeys ? 'yes' : 'no'}</dd>
        {Object.entries(p.settings).map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd className="mono">{v}</dd>
          </Fragment>
        ))}
        <dt>Defined in</dt>
        <dd>
          {p.source}, line {p.line}
        </dd>
      </dl>
      <label className="field">
        <span>Region</span>
        <input
          aria-label={`Region for ${p.profile}`}
          list={regionListId}
          value={region}
          required={!p.region}
          disabled={!choice.include}
          spellCheck={false}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? problemId : undefined}
          onChange={(e) => onRegion(e.target.value)}
        />
      </label>
      <FieldError id={problemId} problem={problem} />
      <ImportNameChoice subject={p.profile} choice={choice} check={check} showProblem={showProblem} onChange={onChange} />
    </li>
  );
}

interface AwsProfilesPreviewStepProps {
  source: AwsProfilesSource;
  preview: AwsProfilesPreview;
  onBack(): void;
  /** Closes the dialog: the import is done, or carries on in the Tasks tray. */
  onClose(): void;
}

/** The profiles found in AWS config files: choose which to import, with names and regions, then import and follow it. */
export function AwsProfilesPreviewStep({ source, preview, onBack, onClose }: AwsProfilesPreviewStepProps) {
  const candidates = useMemo(() => preview.profiles.map((p) => ({ key: p.profile, suggestedName: p.suggestedName, existingConnectionId: p.existingConnectionId })), [preview]);
  const { choices, checks, attempted, update, attempt } = useImportChoices(candidates);
  const [regions, setRegions] = useState<Record<string, string>>(() => Object.fromEntries(preview.profiles.map((p) => [p.profile, p.region ?? ''])));
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const [task, setTask] = useState<TaskSummary>();
  const listRef = useRef<HTMLUListElement>(null);
  const summaryRef = useRef<HTMLParagraphElement>(null);
  const regionListId = useId();
  const focusProblem = () => focusFirstInvalid(listRef.current);

  // The Preview button that had focus is gone, and so is the progress after going back: start reading at what was found.
  useEffect(() => {
    if (!task) summaryRef.current?.focus();
  }, [task]);

  const runImport = async () => {
    setError(undefined);
    const selections = attempt();
    const regionsOk = preview.profiles.every((p) => !choices[p.profile].include || !regionProblem(regions[p.profile]));
    if (!selections || !regionsOk) {
      // The invalid marks render with this state update; focus the first one after it.
      setTimeout(focusProblem);
      return;
    }
    if (!selections.length) return setError({ code: 'VALIDATION', title: 'Nothing selected', message: 'Tick at least one profile to import.' });
    if (selections.length > MAX_IMPORT_SELECTIONS) return setError(tooManySelected(selections.length, 'profiles'));
    const fileRegion = new Map(preview.profiles.map((p) => [p.profile, p.region]));
    setBusy(true);
    try {
      const started = await call('connections.importAwsProfiles', {
        source,
        selections: selections.map(({ key, name, onConflict }) => {
          const region = regions[key].trim();
          return { profile: key, name, onConflict, ...(region !== fileRegion.get(key) ? { region } : {}) };
        }),
      });
      setTask(started.task);
    } catch (err) {
      // The list may be stale: refetch so the names now taken are flagged.
      if (err instanceof CallError && err.error.code === 'NAME_CONFLICT') await useConnections.getState().refresh();
      setError(describeError(err, { rename: focusProblem, chooseFile: onBack }));
    } finally {
      setBusy(false);
    }
  };

  if (task) {
    const back = () => setTask(undefined);
    // Back to the choices, then to the name that clashes once they render again.
    const rename = () => (back(), setTimeout(focusProblem));
    return <ImportProgress started={task} fixes={{ rename, chooseFile: onBack }} onBack={back} onClose={onClose} />;
  }

  return (
    <>
      <p ref={summaryRef} tabIndex={-1}>Found {plural(preview.profiles.length, 'profile')}.</p>
      <AwsRegionList id={regionListId} />
      {preview.profiles.length > 0 && (
        <ul className="candidates" aria-label="Profiles" ref={listRef}>
          {preview.profiles.map((p) => (
            <ProfileItem
              key={p.profile}
              profile={p}
              choice={choices[p.profile]}
              check={checks[p.profile]}
              region={regions[p.profile]}
              regionListId={regionListId}
              showProblem={attempted}
              onChange={(patch) => update(p.profile, patch)}
              onRegion={(region) => setRegions((r) => ({ ...r, [p.profile]: region }))}
            />
          ))}
        </ul>
      )}
      <RejectedList rejected={preview.rejected} />
      <DialogFooter
        error={error}
        dismiss={{ label: 'Back', onClick: onBack }}
        action={preview.profiles.length > 0 ? { label: 'Import', busyLabel: 'Importing…', busy, onClick: () => void runImport() } : undefined}
      />
    </>
  );
}
