import { useState } from 'react';
import type { BlueGreenPair, CanaryPair, ConnectionSummary } from '../../../../shared/contract';
import { canaryShare, canarySplit } from '../../../../shared/trafficRules';
import { call } from '../../api/client';
import { useToasts } from '../../shell/toastStore';
import { ActionDialog, type ActionOutcome } from '../clusters/actions/ActionDialog';
import { productionLabelNow } from '../connections/productionMarks';

/** Props of every traffic dialog: the pair's connection, and what to do once it closes. */
interface TrafficDialogProps {
  connection: ConnectionSummary;
  onClose(): void;
}

const FOLLOW = 'Follow it in the Tasks tray; undo it from the audit log.';
const replicas = (n: number) => `${n} replica${n === 1 ? '' : 's'}`;

/** A canary action's params: the pair's Service, held to the replicas shown. */
const canaryAt = (connection: ConnectionSummary, pair: CanaryPair) => ({
  connectionId: connection.id,
  namespace: pair.namespace,
  service: pair.service,
  ifReplicas: { stable: pair.stable.replicas, canary: pair.canary.replicas },
});

/** A promotion's or abort's params: also held to the specs shown (the images the dialog names). */
const canaryActionAt = (connection: ConnectionSummary, pair: CanaryPair) => ({
  ...canaryAt(connection, pair),
  ifGenerations: { stable: pair.stable.generation, canary: pair.canary.generation },
});

/** The frame every traffic action shares: where it acts, and the Service's name typed on a production connection. */
function TrafficDialog({ connection, onClose, pair, ...rest }: TrafficDialogProps & { pair: { namespace: string; service: string } } & Omit<Parameters<typeof ActionDialog>[0], 'target' | 'onClose' | 'onForbidden'>) {
  return (
    <ActionDialog
      {...rest}
      target={{ connection, row: { namespace: pair.namespace } }}
      onClose={onClose}
      // The pairs list reads again on its own; a refusal here says "No access" in place.
      onForbidden={() => {}}
      {...(productionLabelNow(connection.labels) ? { confirmName: pair.service } : {})}
    />
  );
}

/** Starts the switch of `pair` to slot `to`, held to the slot the Service sends to now (none: "") and to the target's spec as shown. */
async function startSwitch(connection: ConnectionSummary, pair: BlueGreenPair, from: string | undefined, to: string): Promise<void> {
  const target = pair.slots.find((s) => s.value === to);
  await call('rollouts.switchSlot', {
    connectionId: connection.id,
    namespace: pair.namespace,
    service: pair.service,
    toSlot: to,
    ifLiveSlot: from ?? '',
    ...(target ? { ifTargetGeneration: target.generation } : {}),
  });
}

/**
 * Switch a blue/green Service to slot `to`: what it sends to now and will;
 * the toast offers to switch back in one click (on a production connection
 * that goes through this dialog again, the name typed).
 */
export function SwitchSlotDialog({ pair, to, ...props }: TrafficDialogProps & { pair: BlueGreenPair; to: string }) {
  const from = pair.live;
  const target = pair.slots.find((s) => s.value === to)!;
  const current = pair.slots.find((s) => s.value === from);
  const run = async (): Promise<ActionOutcome> => {
    await startSwitch(props.connection, pair, from, to);
    const back =
      from && !productionLabelNow(props.connection.labels)
        ? {
            label: `Switch back to ${from}`,
            run: () =>
              void startSwitch(props.connection, pair, to, from).catch((err: unknown) =>
                useToasts.getState().push({ tone: 'error', title: `Could not switch ${pair.service} back`, message: err instanceof Error ? err.message : String(err) }),
              ),
          }
        : undefined;
    return { title: `Switching ${pair.service} to ${to}`, message: `The task checks its endpoints point to ${target.deployment}’s pods only. ${FOLLOW}`, ...(back ? { action: back } : {}) };
  };
  return (
    <TrafficDialog
      {...props}
      pair={pair}
      title={`Switch Service ${pair.service} to slot ${to}?`}
      label={`Switch Service ${pair.service}`}
      action={{ label: `Switch to ${to}`, busyLabel: 'Switching…', danger: true }}
      run={run}
    >
      <dl className="facts">
        <dt>Sends to now</dt>
        <dd className="mono">{current ? `${current.value}: ${current.deployment} (${current.images.join(', ')})` : 'neither slot'}</dd>
        <dt>Will send to</dt>
        <dd className="mono">
          {to}: {target.deployment} ({target.images.join(', ')}), {target.available} of {replicas(target.replicas)} available
        </dd>
      </dl>
      <p>
        The Service’s selector takes <span className="mono">{`${pair.slotKey}: ${to}`}</span>. Nothing is changed if the Service was switched or changed meanwhile, if {target.deployment} was
        changed since this was shown, or if its rollout is not complete by then.
      </p>
    </TrafficDialog>
  );
}

/** Set a canary's weight: a share of the replicas, rounded, with the split shown before it is made. */
export function CanaryWeightDialog({ pair, ...props }: TrafficDialogProps & { pair: CanaryPair }) {
  const at = canaryAt(props.connection, pair);
  const now = at.ifReplicas;
  const [weight, setWeight] = useState(String(Math.round(canaryShare(now) ?? 0)));
  const [total, setTotal] = useState(String(Math.max(1, now.stable + now.canary)));
  const [weightN, totalN] = [Number(weight), Number(total)];
  const valid = weight.trim() !== '' && weightN >= 0 && weightN <= 100 && Number.isInteger(totalN) && totalN >= 1 && totalN <= 100_000;
  const split = valid ? canarySplit(totalN, weightN) : undefined;
  const [invalid, setInvalid] = useState(false);
  const run = async (): Promise<ActionOutcome> => {
    await call('rollouts.setCanaryWeight', { ...at, weight: weightN, total: totalN });
    return { title: `Setting the canary weight of ${pair.service} to ${weightN}%`, message: FOLLOW };
  };
  return (
    <TrafficDialog
      {...props}
      pair={pair}
      focusCancel={false}
      title={`Set the canary weight of ${pair.service}`}
      label={`Set the canary weight of ${pair.service}`}
      action={{ label: 'Set weight', busyLabel: 'Scaling…' }}
      validate={() => {
        setInvalid(!valid);
        return valid;
      }}
      run={run}
    >
      <div className="traffic-fields">
        <label className="field">
          <span>Canary weight (%)</span>
          <input type="number" min={0} max={100} value={weight} autoFocus onChange={(e) => setWeight(e.target.value)} />
        </label>
        <label className="field">
          <span>Replicas in all</span>
          <input type="number" min={1} value={total} onChange={(e) => setTotal(e.target.value)} />
        </label>
      </div>
      {split ? (
        <p role="status">
          {pair.stable.deployment}: {replicas(now.stable)} → <strong>{split.stable}</strong>; {pair.canary.deployment}: {replicas(now.canary)} → <strong>{split.canary}</strong> (
          {Math.round(canaryShare(split) ?? 0)}% canary).
        </p>
      ) : (
        <p className={invalid ? 'field-error' : 'muted'} role={invalid ? 'alert' : undefined}>
          A weight from 0 to 100, and at least one replica in all.
        </p>
      )}
      <p className="muted">Traffic follows ready pods. The side that grows is scaled first; nothing is changed if either was scaled by someone else meanwhile.</p>
    </TrafficDialog>
  );
}

/** Promote a canary: stable takes its template and every replica, then the canary goes to 0. */
export function PromoteCanaryDialog({ pair, ...props }: TrafficDialogProps & { pair: CanaryPair }) {
  const total = pair.stable.replicas + pair.canary.replicas;
  const run = async (): Promise<ActionOutcome> => {
    await call('rollouts.promoteCanary', canaryActionAt(props.connection, pair));
    return { title: `Promoting canary ${pair.canary.deployment}`, message: `${pair.canary.deployment} goes to 0 once ${pair.stable.deployment}’s rollout is complete. ${FOLLOW}` };
  };
  return (
    <TrafficDialog
      {...props}
      pair={pair}
      title={`Promote canary ${pair.canary.deployment}?`}
      label={`Promote canary ${pair.canary.deployment}`}
      action={{ label: 'Promote', busyLabel: 'Promoting…', danger: true }}
      run={run}
    >
      <dl className="facts">
        <dt>Stable runs</dt>
        <dd className="mono">{pair.stable.images.join(', ')}</dd>
        <dt>Will run</dt>
        <dd className="mono">
          {pair.canary.images.join(', ')} on {replicas(total)}
        </dd>
      </dl>
      <p>
        {pair.stable.deployment} takes {pair.canary.deployment}’s pod template, keeping its own selector and <span className="mono">{pair.trackKey}</span> labels, and is followed
        until its rollout is complete; then {pair.canary.deployment} is scaled to 0. Nothing is changed if either was changed since this was shown.
      </p>
    </TrafficDialog>
  );
}

/** Abort a canary: it goes to 0 and stable takes every replica. */
export function AbortCanaryDialog({ pair, ...props }: TrafficDialogProps & { pair: CanaryPair }) {
  const total = pair.stable.replicas + pair.canary.replicas;
  const run = async (): Promise<ActionOutcome> => {
    await call('rollouts.abortCanary', canaryActionAt(props.connection, pair));
    return { title: `Aborting canary ${pair.canary.deployment}`, message: FOLLOW };
  };
  return (
    <TrafficDialog
      {...props}
      pair={pair}
      title={`Abort canary ${pair.canary.deployment}?`}
      label={`Abort canary ${pair.canary.deployment}`}
      action={{ label: 'Abort canary', busyLabel: 'Aborting…', danger: true }}
      run={run}
    >
      <p>
        {pair.stable.deployment} goes to {replicas(total)} first, then {pair.canary.deployment} to 0: all traffic returns to {pair.stable.images.join(', ')}.
      </p>
    </TrafficDialog>
  );
}
