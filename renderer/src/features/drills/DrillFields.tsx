import { useId, type ReactNode } from 'react';
import type { ConnectionSummary } from '../../../../shared/contract';
import { FieldError } from '../../shell/FieldError';
import { DURATION_UNITS, type DurationUnit } from './drillsFormat';

/** A duration typed as an amount and a unit ("15 minutes"), with its problem under it. */
export function DurationField({ label, amount, unit, problem, placeholder, onChange }: { label: string; amount: string; unit: DurationUnit; problem?: string; placeholder?: string; onChange(amount: string, unit: DurationUnit): void }) {
  const errorId = useId();
  return (
    <fieldset className="choices drills-duration">
      <legend>{label}</legend>
      <div className="inline-field">
        <label className="field">
          <span className="visually-hidden">{label} amount</span>
          <input
            type="number"
            min={1}
            inputMode="numeric"
            value={amount}
            placeholder={placeholder}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? errorId : undefined}
            onChange={(e) => onChange(e.target.value, unit)}
          />
        </label>
        <label className="field">
          <span className="visually-hidden">{label} unit</span>
          <select value={unit} onChange={(e) => onChange(amount, e.target.value as DurationUnit)}>
            {DURATION_UNITS.map((u) => (
              <option key={u.id} value={u.id}>
                {u.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <FieldError id={errorId} problem={problem} />
    </fieldset>
  );
}

/**
 * A labelled text or number field with its hint and problem under it. The
 * label names the input by id, so the hint and the problem describe it
 * rather than becoming part of its name.
 */
export function TextField({ label, value, problem, onChange, type = 'text', placeholder, hint, mono = false }: { label: string; value: string; problem?: string; onChange(value: string): void; type?: 'text' | 'number'; placeholder?: string; hint?: ReactNode; mono?: boolean }) {
  const labelId = useId();
  const errorId = useId();
  const hintId = useId();
  const described = [problem ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <span id={labelId}>{label}</span>
      <input
        type={type}
        className={mono ? 'mono' : undefined}
        spellCheck={false}
        autoComplete="off"
        value={value}
        placeholder={placeholder}
        aria-labelledby={labelId}
        aria-invalid={problem ? true : undefined}
        aria-describedby={described || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint && (
        <span id={hintId} className="muted">
          {hint}
        </span>
      )}
      <FieldError id={errorId} problem={problem} />
    </div>
  );
}

/** Chooses one of `connections` (Kubernetes or AWS ones, as the caller filters them). */
export function ConnectionField({ label, connections, value, onChange, disabled, hint }: { label: string; connections: readonly ConnectionSummary[]; value: string; onChange(id: string): void; disabled?: boolean; hint?: ReactNode }) {
  return (
    <SelectField label={label} value={value} disabled={disabled} hint={hint} onChange={onChange}>
      {!connections.some((c) => c.id === value) && <option value="">Choose…</option>}
      {connections.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </SelectField>
  );
}

/** A labelled select with its hint and problem under it, named by its label only. */
export function SelectField({ label, value, onChange, disabled, hint, problem, children }: { label: string; value: string; onChange(value: string): void; disabled?: boolean; hint?: ReactNode; problem?: string; children: ReactNode }) {
  const labelId = useId();
  const errorId = useId();
  const hintId = useId();
  const described = [problem ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <span id={labelId}>{label}</span>
      <select value={value} disabled={disabled} aria-labelledby={labelId} aria-invalid={problem ? true : undefined} aria-describedby={described || undefined} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
      {hint && (
        <span id={hintId} className="muted">
          {hint}
        </span>
      )}
      <FieldError id={errorId} problem={problem} />
    </div>
  );
}
