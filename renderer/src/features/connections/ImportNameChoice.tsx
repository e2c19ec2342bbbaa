import { useId } from 'react';
import type { ChoiceCheck, ImportChoice } from './importChoices';

interface ImportNameChoiceProps {
  /** What is being imported, for the fields' accessible names ("prod-eu"). */
  subject: string;
  choice: ImportChoice;
  check: ChoiceCheck;
  showProblem: boolean;
  onChange(patch: Partial<ImportChoice>): void;
}

/**
 * The connection name for one imported entry. A taken name is flagged, and
 * the user must rename it or tick "Replace existing": nothing is overwritten silently.
 */
export function ImportNameChoice({ subject, choice, check, showProblem, onChange }: ImportNameChoiceProps) {
  const invalid = showProblem && Boolean(check.problem);
  const problemId = useId();
  return (
    <div className="name-choice">
      <label className="field">
        <span>Connection name</span>
        <input
          aria-label={`Connection name for ${subject}`}
          value={choice.name}
          disabled={!choice.include}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? problemId : undefined}
          onChange={(e) => onChange({ name: e.target.value })}
        />
      </label>
      {check.conflict && <span className="flag">name already used</span>}
      {check.conflict && (
        <label className="check">
          <input type="checkbox" checked={choice.replace} onChange={(e) => onChange({ replace: e.target.checked })} aria-label={`Replace existing connection for ${subject}`} />
          Replace existing connection
        </label>
      )}
      {invalid && (
        <p id={problemId} className="field-error">
          {check.problem}
        </p>
      )}
    </div>
  );
}
