import { useMemo, type FormEvent } from 'react';
import { PrometheusEdit, PrometheusInput, type ConnectionSummary, type PrometheusAuth } from '../../../../shared/contract';
import { call } from '../../api/client';
import { useAppInfo } from '../../shell/appInfoStore';
import { DialogFooter } from '../../shell/DialogFooter';
import { useConnections } from './connectionsStore';
import { DraftTextField } from './DraftTextField';
import { useConnectionForm } from './useConnectionForm';

interface Draft {
  name: string;
  url: string;
  auth: PrometheusAuth;
  token: string;
  username: string;
  password: string;
  clusterConnectionId: string;
}

type Field = Exclude<keyof Draft, 'auth'>;

const authLabels: Record<PrometheusAuth, string> = { none: 'None', bearer: 'Bearer token', basic: 'User name and password' };

/** The draft as the contract wants it: only the fields of the chosen auth, blanks of optional fields left out. */
function fieldsOf(d: Draft) {
  return {
    url: d.url.trim(),
    auth: d.auth,
    ...(d.auth === 'bearer' && d.token.trim() ? { token: d.token } : {}),
    ...(d.auth === 'basic' ? { username: d.username } : {}),
    ...(d.auth === 'basic' && d.password ? { password: d.password } : {}),
    ...(d.clusterConnectionId ? { clusterConnectionId: d.clusterConnectionId } : {}),
  };
}

/**
 * Adds a Prometheus endpoint, or edits one (`connection`): URL, auth and the
 * Kubernetes connection whose cluster it watches. When editing, a token or
 * password left blank keeps the stored one. Secrets are cleared from state as
 * soon as the call returns, whatever its outcome.
 */
export function PrometheusForm({ connection, onDone, onCancel }: { connection?: ConnectionSummary; onDone(): void; onCancel(): void }) {
  const stored = connection?.prometheus;
  const secretStorage = useAppInfo((s) => s.info?.secretStorage);
  const connections = useConnections((s) => s.connections);
  const clusters = useMemo(() => connections.filter((c) => c.kind === 'kubernetes'), [connections]);
  const linkedMissing = Boolean(stored?.clusterConnectionId && !clusters.some((c) => c.id === stored.clusterConnectionId));
  const form = useConnectionForm<Draft, Field>({
    initial: {
      name: '',
      url: stored?.url ?? '',
      auth: stored?.auth ?? 'none',
      token: '',
      username: stored?.username ?? '',
      password: '',
      clusterConnectionId: linkedMissing ? '' : (stored?.clusterConnectionId ?? ''),
    },
    naming: !connection,
    secrets: ['token', 'password'],
  });
  const { draft, setDraft, problems, onChange, formRef, nameRef, fieldProps, error, busy } = form;
  // Kept by the services only for the same auth; they also ask again when the URL moves to another server.
  const keeps = stored !== undefined && stored.auth === draft.auth;

  const submit = (e: FormEvent) =>
    form.submit(
      e,
      connection
        ? {
            schema: PrometheusEdit,
            params: { id: connection.id, ...fieldsOf(draft) },
            send: () => call('connections.editPrometheus', { id: connection.id, ...fieldsOf(draft) }),
            saidWhenDone: (name) => `Saved ${name}`,
            done: onDone,
          }
        : {
            schema: PrometheusInput,
            params: { name: draft.name, ...fieldsOf(draft), onConflict: form.replace ? 'replace' : 'fail' },
            send: () => call('connections.addPrometheus', { name: draft.name, ...fieldsOf(draft), onConflict: form.replace ? 'replace' : 'fail' }),
            saidWhenDone: (name) => `Added ${name}`,
            done: onDone,
          },
    );

  return (
    <form ref={formRef} onSubmit={submit} autoComplete="off">
      {!connection && <DraftTextField field="name" label="Name" inputRef={nameRef} {...fieldProps} />}
      {form.replaceChoice}
      <DraftTextField field="url" label="URL" hint="(the address Prometheus serves /api/v1 under)" type="url" placeholder="https://prometheus.example.com" {...fieldProps} />
      <fieldset className="choices">
        <legend>Auth</legend>
        {(Object.keys(authLabels) as PrometheusAuth[]).map((auth) => (
          <label key={auth} className="check">
            <input type="radio" name="prometheus-auth" checked={draft.auth === auth} onChange={() => setDraft((d) => ({ ...d, auth }))} />
            {authLabels[auth]}
          </label>
        ))}
      </fieldset>
      {draft.auth === 'bearer' && (
        <DraftTextField field="token" label="Token" type="password" hint={keeps ? '(leave blank to keep the stored one)' : undefined} {...fieldProps} />
      )}
      {draft.auth === 'basic' && (
        <>
          <DraftTextField field="username" label="User name" {...fieldProps} />
          <DraftTextField field="password" label="Password" type="password" hint={keeps ? '(leave blank to keep the stored one)' : undefined} {...fieldProps} />
        </>
      )}
      <label className="field">
        <span>
          Cluster <span className="muted">(the Kubernetes connection whose GPUs it watches)</span>
        </span>
        <select name="clusterConnectionId" value={draft.clusterConnectionId} onChange={(e) => onChange('clusterConnectionId', e.target.value)}>
          <option value="">None</option>
          {clusters.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {linkedMissing && <p className="muted">The cluster it was linked to has been deleted: choose another, or none.</p>}
      {problems.clusterConnectionId && <p className="field-error">{problems.clusterConnectionId}</p>}
      {secretStorage && draft.auth !== 'none' && <p className="muted">The {draft.auth === 'bearer' ? 'token' : 'password'} is stored sealed ({secretStorage}) and never shown again.</p>}
      <DialogFooter
        error={error}
        dismiss={{ label: 'Cancel', onClick: onCancel }}
        action={connection ? { label: 'Save', busyLabel: 'Saving…', busy } : { label: 'Add endpoint', busyLabel: 'Adding…', busy }}
      />
    </form>
  );
}
