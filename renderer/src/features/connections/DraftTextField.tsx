import { useId, type ReactNode } from 'react';

/** What a {@link DraftTextField} needs from the form it sits in: the draft being typed, its problems, and how to change it. */
export interface DraftFieldProps<F extends string> {
  draft: Readonly<Record<F, string>>;
  problems: Partial<Record<F, string>>;
  onChange(field: F, value: string): void;
}

interface DraftTextFieldProps<F extends string> extends DraftFieldProps<F> {
  field: F;
  label: string;
  type?: 'text' | 'password' | 'url';
  hint?: ReactNode;
  placeholder?: string;
  /** The id of a `<datalist>` of suggestions. */
  list?: string;
  inputRef?: { current: HTMLInputElement | null };
}

/**
 * One labelled text input of a connection form, its problem shown under it
 * and announced with it. Passwords ask the browser not to offer a saved one.
 */
export function DraftTextField<F extends string>({ field, label, draft, problems, onChange, type = 'text', hint, placeholder, list, inputRef }: DraftTextFieldProps<F>) {
  const problemId = useId();
  const problem = problems[field];
  return (
    <label className="field">
      <span>
        {label} {hint && <span className="muted">{hint}</span>}
      </span>
      <input
        ref={inputRef}
        name={field}
        type={type}
        list={list}
        value={draft[field]}
        placeholder={placeholder}
        autoComplete={type === 'password' ? 'new-password' : 'off'}
        spellCheck={false}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? problemId : undefined}
        onChange={(e) => onChange(field, e.target.value)}
      />
      {problem && (
        <span id={problemId} className="field-error">
          {problem}
        </span>
      )}
    </label>
  );
}
