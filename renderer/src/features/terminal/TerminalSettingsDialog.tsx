import { useEffect, useId, useState, type FormEvent } from 'react';
import { TerminalSettings } from '../../../../shared/contract';
import { call } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { FieldError } from '../../shell/FieldError';
import { Modal } from '../../shell/Modal';
import { notifySuccess } from '../../shell/toastStore';
import { useQuery } from '../../ui/useQuery';
import { useTerminals } from './terminalStore';

type Field = 'shell' | 'cwd' | 'fontSize' | 'scrollback';
type Form = Record<Field, string>;

/**
 * The form's text as the contract's settings, or what is wrong with each
 * field. Empty shell and directory mean "the default".
 */
export function parseSettingsForm(form: Form): { ok: true; settings: TerminalSettings } | { ok: false; problems: Partial<Record<Field, string>> } {
  const number = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);
  const parsed = TerminalSettings.strict().safeParse({
    ...(form.shell.trim() ? { shell: form.shell.trim() } : {}),
    ...(form.cwd.trim() ? { cwd: form.cwd.trim() } : {}),
    fontSize: number(form.fontSize),
    scrollback: number(form.scrollback),
  });
  if (parsed.success) return { ok: true, settings: parsed.data };
  const problems: Partial<Record<Field, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as Field;
    problems[field] ??= PROBLEMS[field] ?? issue.message;
  }
  return { ok: false, problems };
}

const PROBLEMS: Partial<Record<Field, string>> = {
  shell: 'The shell must be an absolute path, e.g. /bin/zsh.',
  cwd: 'The directory must be an absolute path, e.g. /home/me/work.',
  fontSize: 'The font size is a whole number from 8 to 32.',
  scrollback: 'Scrollback is a whole number of lines from 100 to 100000.',
};

const formOf = (s: TerminalSettings): Form => ({ shell: s.shell ?? '', cwd: s.cwd ?? '', fontSize: String(s.fontSize), scrollback: String(s.scrollback) });

/** The terminal's shell, working directory, font size and scrollback; new terminals use the shell and directory, every open one the font and scrollback. */
export function TerminalSettingsDialog({ onClose }: { onClose(): void }) {
  const view = useQuery('terminal.settings', {});
  const [form, setForm] = useState<Form | null>(null);
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const idPrefix = useId();

  useEffect(() => {
    if (view.value && form === null) setForm(formOf(view.value.settings));
  }, [view.value, form]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form) return;
    const parsed = parseSettingsForm(form);
    if (!parsed.ok) return setProblems(parsed.problems);
    setBusy(true);
    setError(undefined);
    try {
      const saved = await call('terminal.saveSettings', parsed.settings);
      useTerminals.getState().setSettings(saved.settings);
      notifySuccess('Terminal settings saved');
      onClose();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: Field, label: string, props: { placeholder?: string; inputMode?: 'numeric'; note?: string }) => (
    <>
      <label className="field">
        <span>{label}</span>
        <input
          name={name}
          value={form?.[name] ?? ''}
          placeholder={props.placeholder}
          inputMode={props.inputMode}
          spellCheck={false}
          aria-invalid={problems[name] ? true : undefined}
          aria-describedby={problems[name] ? `${idPrefix}-${name}` : undefined}
          onChange={(e) => {
            setForm((f) => f && { ...f, [name]: e.target.value });
            setProblems((p) => ({ ...p, [name]: undefined }));
          }}
        />
      </label>
      {props.note && <p className="muted field-note">{props.note}</p>}
      <FieldError id={`${idPrefix}-${name}`} problem={problems[name]} />
    </>
  );

  return (
    <Modal label="Terminal settings" onClose={onClose}>
      <form onSubmit={submit}>
        <h2>Terminal settings</h2>
        {view.error !== undefined && !view.value ? (
          <DialogFooter error={describeError(view.error)} dismiss={{ label: 'Close', onClick: onClose }} />
        ) : !form ? (
          <p className="muted">Loading…</p>
        ) : (
          <>
            {field('shell', 'Shell', { placeholder: view.value?.defaultShell, note: `Empty: ${view.value?.defaultShell ?? 'your login shell'} (the default). For new local terminals.` })}
            {field('cwd', 'Working directory', { placeholder: 'Home directory', note: 'Empty: your home directory. For new local terminals.' })}
            {field('fontSize', 'Font size', { inputMode: 'numeric' })}
            {field('scrollback', 'Scrollback (lines)', { inputMode: 'numeric' })}
            <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose }} action={{ label: 'Save', busyLabel: 'Saving…', busy }} />
          </>
        )}
      </form>
    </Modal>
  );
}
