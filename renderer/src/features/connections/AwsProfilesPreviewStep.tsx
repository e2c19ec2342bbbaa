import { Fragment, useEffect, useId, useMemo, useRef, useState } from 'react';
import { AwsRegion, type AwsProfilePreview, type AwsProfilesPreview, type AwsProfilesSource } from '../../../../shared/contract';
import { call, CallError } from '../../api/client';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { plural } from '../../shell/format';
import { notifySuccess } from '../../shell/toastStore';
import { AwsRegionList } from './AwsRegionList';
import { useConnections } from './connectionsStore';
import type { ChoiceCheck, ImportChoice } from './importChoices';
import { ImportNameChoice } from './ImportNameChoice';
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
  onImported(): void;
}

/** The profiles found in AWS config files: choose which to import, with names and regions. */
export function AwsProfilesPreviewStep({ source, preview, onBack, onImported }: AwsProfilesPreviewStepProps) {
  const candidates = useMemo(() => preview.profiles.map((p) => ({ key: p.profile, suggestedName: p.suggestedName, existingConnectionId: p.existingConnectionId })), [preview]);
  const { choices, checks, attempted, update, attempt } = useImportChoices(candidates);
  const [regions, setRegions] = useState<Record<string, string>>(() => Object.fromEntries(preview.profiles.map((p) => [p.profile, p.region ?? ''])));
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);
  const summaryRef = useRef<HTMLParagraphElement>(null);
  const regionListId = useId();
  const focusProblem = () => focusFirstInvalid(listRef.current);

  // The Preview button that had focus is gone: start reading at what was found.
  useEffect(() => summaryRef.current?.focus(), []);

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
    const fileRegion = new Map(preview.profiles.map((p) => [p.profile, p.region]));
    setBusy(true);
    try {
      const result = await call('connections.importAwsProfiles', {
        source,
        selections: selections.map(({ key, name, onConflict }) => {
          const region = regions[key].trim();
          return { profile: key, name, onConflict, ...(region !== fileRegion.get(key) ? { region } : {}) };
        }),
      });
      notifySuccess(`Imported ${plural(result.imported.length, 'AWS account')}`, result.imported.map((c) => c.name).join(', '));
      onImported();
    } catch (err) {
      // The list may be stale: refetch so the names now taken are flagged.
      if (err instanceof CallError && err.error.code === 'NAME_CONFLICT') await useConnections.getState().refresh();
      setError(describeError(err, { rename: focusProblem, chooseFile: onBack }));
      setBusy(false);
    }
  };

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
