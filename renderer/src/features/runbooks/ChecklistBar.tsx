import { useState, type FormEvent } from 'react';
import { formatTime } from '../../shell/format';
import type { Checklist } from './useChecklist';

/**
 * Which use of the runbook the checkboxes belong to ("incident 4711"): pick
 * one of the earlier uses, or start a new one with a label. Shown only for a
 * runbook with a checklist.
 */
export function ChecklistBar({ checklist, items }: { checklist: Checklist; /** Checkboxes in the runbook. */ items: number }) {
  const { uses, current, choose, start } = checklist;
  const [label, setLabel] = useState('');
  const [starting, setStarting] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setStarting(true);
    await start(label);
    setStarting(false);
    setLabel('');
  };

  return (
    <section className="runbook-checklist" aria-label="Checklist">
      <label className="field inline">
        <span>Checklist for</span>
        <select value={current?.id ?? ''} onChange={(e) => choose(e.target.value || null)}>
          <option value="">{uses.length ? 'Choose a use…' : 'No use yet'}</option>
          {uses.map((u) => (
            <option key={u.id} value={u.id}>
              {u.label} — {formatTime(u.startedAt)} by {u.startedBy}
            </option>
          ))}
        </select>
      </label>
      <form className="runbook-checklist-new" onSubmit={(e) => void submit(e)}>
        <label className="field inline">
          <span>New use</span>
          <input value={label} placeholder="incident 4711" maxLength={200} onChange={(e) => setLabel(e.target.value)} />
        </label>
        <button type="submit" disabled={starting}>
          {starting ? 'Starting…' : 'Start'}
        </button>
      </form>
      <p className="muted" role="status">
        {current
          ? `${current.checked.length.toLocaleString()} of ${items.toLocaleString()} ticked for “${current.label}”.`
          : 'Ticking a box starts a use named by today’s date, or start one with your own label.'}
      </p>
    </section>
  );
}
