import { useRef, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import { CallError } from '../../api/client';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { notifySuccess } from '../../shell/toastStore';
import { useConnections } from './connectionsStore';

/** What {@link useConnectionForm} needs to know of one form. */
interface ConnectionFormSpec<D extends { name: string }> {
  initial: D;
  /** Whether the form names a new connection (a name already used then needs "Replace"). */
  naming: boolean;
  /** Fields cleared from state once the call returns, whatever its outcome. */
  secrets: readonly (keyof D)[];
}

/** How one submit goes: its request checked against the contract's schema, then sent; the message said when it lands. */
export interface Submission {
  schema: z.ZodType;
  params: unknown;
  send(): Promise<{ name: string }>;
  saidWhenDone(name: string): string;
  done(): void;
}

/**
 * The state every connection form shares: the draft and its problems, the
 * name clash and its "Replace" choice, the call's error and busy state, and a
 * submit that checks the request, focuses the first bad field, sends it, and
 * clears the secrets typed.
 */
export function useConnectionForm<D extends { name: string }, F extends keyof D & string>({ initial, naming, secrets }: ConnectionFormSpec<D>) {
  const [draft, setDraft] = useState<D>(initial);
  const [problems, setProblems] = useState<Partial<Record<F, string>>>({});
  const [replace, setReplace] = useState(false);
  const [serverConflict, setServerConflict] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const nameTaken = useConnections((s) => naming && s.connections.some((c) => c.name.toLowerCase() === draft.name.trim().toLowerCase()));
  const conflict = nameTaken || serverConflict;

  const onChange = (field: F, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setProblems((p) => ({ ...p, [field]: undefined }));
    if (field === 'name') setServerConflict(false);
  };

  const submit = async (e: FormEvent, submission: Submission) => {
    e.preventDefault();
    setError(undefined);
    const parsed = submission.schema.safeParse(submission.params);
    const nameClash = conflict && !replace ? { name: 'Name already used: choose another name or tick "Replace"' } : {};
    if (!parsed.success || nameClash.name) {
      setProblems({ ...Object.fromEntries((parsed.error?.issues ?? []).map((i) => [String(i.path[0]), i.message])), ...nameClash } as Partial<Record<F, string>>);
      setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setBusy(true);
    try {
      const saved = await submission.send();
      notifySuccess(submission.saidWhenDone(saved.name));
      submission.done();
    } catch (err) {
      setServerConflict(err instanceof CallError && err.error.code === 'NAME_CONFLICT');
      setError(
        describeError(err, {
          rename: () => {
            nameRef.current?.focus();
            nameRef.current?.select();
          },
          refresh: () => void useConnections.getState().refresh(),
        }),
      );
    } finally {
      setDraft((d) => ({ ...d, ...Object.fromEntries(secrets.map((s) => [s, ''])) }));
      setBusy(false);
    }
  };

  /** "Replace the existing connection named …", shown while the name clashes. */
  const replaceChoice = conflict ? (
    <label className="check">
      <input
        type="checkbox"
        checked={replace}
        onChange={(e) => {
          setReplace(e.target.checked);
          setProblems((p) => ({ ...p, name: undefined }));
        }}
      />
      Replace the existing connection named “{draft.name.trim()}”
    </label>
  ) : null;

  return { draft, setDraft, problems, onChange, conflict, replace: replace && conflict, error, busy, nameRef, formRef, submit, replaceChoice, fieldProps: { draft, problems, onChange } };
}
