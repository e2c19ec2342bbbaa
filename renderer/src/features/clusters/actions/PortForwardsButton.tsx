import { useLayoutEffect, useRef, useState } from 'react';
import type { PortForward } from '../../../../../shared/contract';
import { call } from '../../../api/client';
import { ErrorNotice } from '../../../shell/ErrorNotice';
import { formatBytes, plural } from '../../../shell/format';
import { notifyError, notifySuccess } from '../../../shell/toastStore';
import { Popover } from '../../../ui/Popover';
import { localAddress, useLivePortForwards, usePortForwards } from './portForwardsStore';
import './actions.css';

function ForwardItem({ forward }: { forward: PortForward }) {
  const [stopping, setStopping] = useState(false);
  const address = localAddress(forward);
  const stop = async () => {
    setStopping(true);
    try {
      await call('portForwards.stop', { id: forward.id });
      usePortForwards.getState().remove(forward.id);
      notifySuccess(`Stopped forwarding ${address} → ${forward.target}:${forward.remotePort}`, 'Recorded in the audit log.');
    } catch (err) {
      notifyError(err, { refresh: () => void usePortForwards.getState().load() });
      setStopping(false);
    }
  };
  return (
    <li className="forward">
      <div className="forward-main">
        <span className="mono forward-address">
          {address} → {forward.remotePort}
        </span>
        <span>
          {forward.connectionName} · {forward.namespace} · <span className="mono">{forward.target}</span>
        </span>
        <span className="muted">
          pod <span className="mono">{forward.pod}</span> · {plural(forward.activeConnections, 'connection')} · {formatBytes(forward.bytesIn)} in ·{' '}
          {formatBytes(forward.bytesOut)} out
        </span>
        {forward.lastError && <span className="field-error">Last error: {forward.lastError}</span>}
      </div>
      <div className="forward-actions">
        <a href={`http://${address}`} target="_blank" rel="noreferrer" aria-label={`Open http://${address}`}>
          Open
        </a>
        <button type="button" onClick={() => void stop()} disabled={stopping} aria-label={`Stop forwarding ${address}`}>
          {stopping ? 'Stopping…' : 'Stop'}
        </button>
      </div>
    </li>
  );
}

function ForwardList() {
  const forwards = usePortForwards((s) => s.forwards);
  const error = usePortForwards((s) => s.error);
  const listRef = useRef<HTMLDivElement>(null);
  // A stopped forward takes its Stop button with it: keep focus in the panel, so Esc still closes it.
  useLayoutEffect(() => {
    if (document.activeElement === document.body || document.activeElement === null) listRef.current?.focus();
  }, [forwards.length]);
  return (
    <div ref={listRef} tabIndex={-1} className="forward-panel">
      {error && <ErrorNotice error={{ ...error, title: 'Could not list port-forwards', action: { label: 'Try again', run: () => void usePortForwards.getState().load() } }} />}
      {forwards.length ? (
        <ul className="forward-list">
          {forwards.map((f) => (
            <ForwardItem key={f.id} forward={f} />
          ))}
        </ul>
      ) : (
        <p className="muted">No active port-forwards. Start one from a pod, service or workload: open it and press Port-forward (f).</p>
      )}
    </div>
  );
}

/**
 * "Port-forwards · N" in the cluster header: every active forward of every
 * connection, live, with its traffic, an Open link and Stop. The button stays
 * when there are none, so the list can always be found.
 */
export function PortForwardsButton() {
  useLivePortForwards();
  const count = usePortForwards((s) => s.forwards.length);
  return (
    <div className="port-forwards">
      <Popover summary={count ? `Port-forwards · ${count}` : 'Port-forwards'} label="Active port-forwards">
        {() => <ForwardList />}
      </Popover>
    </div>
  );
}
