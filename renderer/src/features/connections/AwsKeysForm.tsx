import { useId, type FormEvent } from 'react';
import { AwsKeysInput } from '../../../../shared/contract';
import { call } from '../../api/client';
import { useAppInfo } from '../../shell/appInfoStore';
import { AwsRegionList } from './AwsRegionList';
import { DraftTextField } from './DraftTextField';
import { useConnectionForm } from './useConnectionForm';
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
  const form = useConnectionForm<KeysDraft, Field>({ initial: emptyDraft, naming: true, secrets: ['secretAccessKey', 'sessionToken'] });
  const { formRef, nameRef, fieldProps, error, busy } = form;
  const regionListId = useId();

  const submit = (e: FormEvent) => {
    const input = toInput(form.draft, form.replace);
    return form.submit(e, { schema: AwsKeysInput, params: input, send: () => call('connections.addAwsKeys', input), saidWhenDone: (name) => `Added ${name}`, done: onAdded });
  };

  return (
    <form ref={formRef} onSubmit={submit} autoComplete="off">
      <DraftTextField field="name" label="Name" inputRef={nameRef} {...fieldProps} />
      {form.replaceChoice}
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
