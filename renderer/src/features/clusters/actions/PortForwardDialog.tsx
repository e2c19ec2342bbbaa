import { useId, useRef, useState } from 'react';
import type { ObjectDetail } from '../../../../../shared/contract';
import { call } from '../../../api/client';
import type { ForwardKind } from './actionCatalog';
import { ActionDialog, type ActionDialogBaseProps } from './ActionDialog';
import { localAddress, usePortForwards } from './portForwardsStore';
import { FieldError } from '../../../shell/FieldError';

const OTHER = 'other';
const MAX_PORT = 65_535;

interface PortChoice {
  id: string;
  port: number;
  text: string;
}

/** The TCP ports the pod's containers declare (only TCP can be forwarded), and how many UDP ones were left out. */
function declaredPorts(detail: ObjectDetail | undefined): { choices: PortChoice[]; udp: number } {
  const choices: PortChoice[] = [];
  let udp = 0;
  for (const container of detail?.containers ?? []) {
    if (container.kind !== 'main') continue;
    for (const p of container.ports) {
      if (p.protocol !== 'TCP') udp++;
      else choices.push({ id: `${container.name}/${p.containerPort}`, port: p.containerPort, text: `${p.containerPort}${p.name ? ` (${p.name})` : ''} · container ${container.name}` });
    }
  }
  return { choices, udp };
}

/** An optional port field's number: undefined when empty, NaN when not a port. */
function parsePort(text: string, min: number): number | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const n = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  return n >= min && n <= MAX_PORT ? n : NaN;
}

const TARGET_TEXT: Record<ForwardKind, string> = {
  pod: 'this pod',
  service: 'the target port of one ready pod behind this service, chosen as kubectl does',
  deployment: 'one ready pod of this deployment, chosen as kubectl does',
  statefulset: 'one ready pod of this stateful set, chosen as kubectl does',
  replicaset: 'one ready pod of this replica set, chosen as kubectl does',
};

/** Forwards a port on 127.0.0.1 to the object: a declared container port or one typed in, and an optional local port. */
export function PortForwardDialog(props: ActionDialogBaseProps & { kind: ForwardKind; detail: ObjectDetail | undefined }) {
  const { connection, entry, row } = props.target;
  const { choices, udp } = declaredPorts(props.detail);
  // Until the user picks, the first declared port: the pod's ports may arrive after the dialog opened.
  const [picked, setChoice] = useState<string>();
  const choice = picked ?? choices[0]?.id ?? OTHER;
  const [otherPort, setOtherPort] = useState('');
  const [localPort, setLocalPort] = useState('');
  const [problems, setProblems] = useState<{ remote?: string; local?: string }>({});
  const otherRef = useRef<HTMLInputElement>(null);
  const localRef = useRef<HTMLInputElement>(null);
  const ids = { remote: useId(), local: useId(), localHint: useId() };

  // A Service's port, which the services map to its target port on the pod, as kubectl does.
  const remoteLabel = props.kind === 'service' ? 'Service port' : 'Remote port';
  const chosen = choices.find((c) => c.id === choice);
  const remote = chosen ? chosen.port : parsePort(otherPort, 1);
  const local = parsePort(localPort, 0);

  const validate = () => {
    const found = {
      ...(remote === undefined || Number.isNaN(remote) ? { remote: `Enter the ${remoteLabel.toLowerCase()}, from 1 to ${MAX_PORT}.` } : {}),
      ...(local !== undefined && Number.isNaN(local) ? { local: `Enter a local port from 1 to ${MAX_PORT}, or leave it empty for any free port.` } : {}),
    };
    setProblems(found);
    if (found.remote) otherRef.current?.focus();
    else if (found.local) localRef.current?.focus();
    return !found.remote && !found.local;
  };

  const run = async () => {
    const forward = await call('portForwards.start', {
      connectionId: connection.id,
      namespace: row.namespace!,
      kind: props.kind,
      name: row.name,
      remotePort: remote!,
      ...(local ? { localPort: local } : {}),
    });
    usePortForwards.getState().add(forward);
    const url = `http://${localAddress(forward)}`;
    return {
      title: `Forwarding ${localAddress(forward)} → ${forward.target}:${forward.remotePort}`,
      message: `Through pod ${forward.pod}; stop it from the Port-forwards list.`,
      action: { label: 'Open', run: () => void window.open(url, '_blank', 'noreferrer') },
    };
  };

  return (
    <ActionDialog
      {...props}
      title={`Port-forward to ${entry.one} ${row.name}`}
      label={`Port-forward to ${entry.one} ${row.name}`}
      action={{ label: 'Start forwarding', busyLabel: 'Starting…' }}
      focusCancel={false}
      validate={validate}
      run={run}
    >
      <p>Opens a port on 127.0.0.1 (this computer only) and forwards its connections to {TARGET_TEXT[props.kind]}.</p>
      <fieldset className="choices">
        <legend>{remoteLabel}</legend>
        {choices.map((c, i) => (
          <label key={c.id} className="check action-choice">
            <input type="radio" name="remote-port" autoFocus={i === 0} checked={choice === c.id} onChange={() => setChoice(c.id)} />
            <span className="mono">{c.text}</span>
          </label>
        ))}
        <div className="action-other-port">
          {choices.length > 0 && (
            <label className="check">
              <input type="radio" name="remote-port" checked={choice === OTHER} onChange={() => setChoice(OTHER)} />
              Another port
            </label>
          )}
          <input
            ref={otherRef}
            autoFocus={!choices.length}
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_PORT}
            aria-label={choices.length ? `Another ${remoteLabel.toLowerCase()}` : remoteLabel}
            placeholder="e.g. 8080"
            value={otherPort}
            aria-invalid={problems.remote ? true : undefined}
            aria-describedby={problems.remote ? ids.remote : undefined}
            onFocus={() => setChoice(OTHER)}
            onChange={(e) => {
              setOtherPort(e.target.value);
              setChoice(OTHER);
              setProblems((p) => ({ ...p, remote: undefined }));
            }}
          />
        </div>
        <FieldError id={ids.remote} problem={problems.remote} />
        {udp > 0 && <p className="muted">{udp === 1 ? '1 UDP port is' : `${udp} UDP ports are`} not listed: only TCP can be forwarded.</p>}
      </fieldset>
      <label className="field">
        <span>Local port</span>
        <input
          ref={localRef}
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_PORT}
          placeholder="any free port"
          value={localPort}
          aria-invalid={problems.local ? true : undefined}
          aria-describedby={[problems.local && ids.local, ids.localHint].filter(Boolean).join(' ')}
          onChange={(e) => {
            setLocalPort(e.target.value);
            setProblems((p) => ({ ...p, local: undefined }));
          }}
        />
      </label>
      <p id={ids.localHint} className="muted">
        Leave empty to use any free port.
      </p>
      <FieldError id={ids.local} problem={problems.local} />
    </ActionDialog>
  );
}
