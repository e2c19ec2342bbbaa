import { useId, useState } from 'react';

interface ScopeFormProps {
  /** Offered in the input's suggestions: the connection's default namespace and those seen so far. */
  suggestions: readonly string[];
  initial: string;
  onScope(namespace: string): void;
}

/** When listing across all namespaces is refused: watch one namespace instead. */
export function ScopeForm({ suggestions, initial, onScope }: ScopeFormProps) {
  const [value, setValue] = useState(initial);
  const listId = useId();
  return (
    <form
      className="scope-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) onScope(value.trim());
      }}
    >
      <label className="field inline">
        <span>Watch one namespace</span>
        <input list={listId} value={value} maxLength={63} spellCheck={false} onChange={(e) => setValue(e.target.value)} />
      </label>
      <datalist id={listId}>
        {suggestions.map((ns) => (
          <option key={ns} value={ns} />
        ))}
      </datalist>
      <button type="submit" disabled={!value.trim()}>
        Watch
      </button>
    </form>
  );
}
