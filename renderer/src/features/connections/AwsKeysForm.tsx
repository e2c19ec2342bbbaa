import { useId, useRef, useState, type FormEvent } from 'react';
import { AwsKeysInput } from '../../../../shared/contract';
import { call, CallError } from '../../api/client';
import { useAppInfo } from '../../shell/appInfoStore';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { notifySuccess } from '../../shell/toastStore';
import { AwsRegionList } from './AwsRegionList';
import { useConnections } from './connectionsStore';
import { DraftTextField } from './DraftTextField';
import { DialogFooter } from '../../shell/DialogFooter';

interface KeysDraft {
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  region: string;
  endpointUrl: string;
}

type Field = keyof KeysDraft;

const emptyDraft: KeysDraft = { name: '', accessKeyId: '', secretAccessKey: '', sessionToken: '', region: '', endpointUrl: '' };

/** The draft as the contract wants it: blanks of optional fields left out. */
function toInput(d: KeysDraft, replace: boolean) {
  return {
    name: d.name,
    accessKeyId: d.accessKeyId.trim(),
    secretAccessKey: d.secretAccessKey,
    region: d.region.trim(),
    ...(d.sessionToken.trim() ? { sessionToken: d.sessionToken } : {}),
    ...(d.endpointUrl.trim() ? { endpointUrl: d.endpointUrl.trim() } : {}),
    onConflict: replace ? ('replace' as const) : ('fail' as const),
  };
}

/**
 * Adds an AWS account from typed access keys. The secret and session token
 * are cleared from state as soon as the call returns, whatever its outcome.
 */
export function AwsKeysForm({ onAdded, onCancel }: { onAdded(): void; onCancel(): void }) {
  const secretStorage = useAppInfo((s) => s.info?.secretStorage);
  const [draft, setDraft] = useState<KeysDraft>(emptyDraft);
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [replace, setReplace] = useState(false);
  const [serverConflict, setServerConflict] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const regionListId = useId();
  const nameTaken = useConnections((s) => s.connections.some((c) => c.name.toLowerCase() === draft.name.trim().toLowerCase()));
  const conflict = nameTaken || serverConflict;

  const onChange = (field: Field, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setProblems((p) => ({ ...p, [field]: undefined }));
    if (field === 'name') setServerConflict(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const parsed = AwsKeysInput.safeParse(toInput(draft, replace && conflict));
    const nameClash = conflict && !replace ? { name: 'Name already used: choose another name or tick "Replace"' } : {};
    if (!parsed.success || nameClash.name) {
      setProblems({ ...Object.fromEntries((parsed.error?.issues ?? []).map((i) => [String(i.path[0]), i.message])), ...nameClash });
      setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setBusy(true);
    try {
      const created = await call('connections.addAwsKeys', toInput(draft, replace && conflict));
      notifySuccess(`Added ${created.name}`);
      onAdded();
    } catch (err) {
      setServerConflict(err instanceof CallError && err.error.code === 'NAME_CONFLICT');
      setError(
        describeError(err, {
          rename: () => {
            nameRef.current?.focus();
            nameRef.current?.select();
          },
        }),
      );
    } finally {
      setDraft((d) => ({ ...d, secretAccessKey: '', sessionToken: '' }));
      setBusy(false);
    }
  };

  const fieldProps = { draft, problems, onChange };
  return (
    <form ref={formRef} onSubmit={submit} autoComplete="off">
      <DraftTextField field="name" label="Name" inputRef={nameRef} {...fieldProps} />
      {conflict && (
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
      )}
      <DraftTextField field="accessKeyId" label="Access key ID" {...fieldProps} />
      <DraftTextField field="secretAccessKey" label="Secret access key" type="password" {...fieldProps} />
      <DraftTextField field="sessionToken" label="Session token" hint="(optional)" type="password" {...fieldProps} />
      <DraftTextField field="region" label="Region" list={regionListId} {...fieldProps} />
      <AwsRegionList id={regionListId} />
      <DraftTextField field="endpointUrl" label="Endpoint URL" hint="(optional, for S3-compatible or private endpoints)" type="url" {...fieldProps} />
      {secretStorage && <p className="muted">Keys are stored sealed ({secretStorage}) and never shown again.</p>}
      <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onCancel }} action={{ label: 'Add account', busyLabel: 'Adding…', busy }} />
    </form>
  );
}
