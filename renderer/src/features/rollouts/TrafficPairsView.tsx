import { useState, type ReactNode } from 'react';
import type { BlueGreenPair, CanaryPair, ConnectionSummary, PairSide } from '../../../../shared/contract';
import { slotNotAvailable } from '../../../../shared/trafficRules';
import { useQuery } from '../../ui/useQuery';
import { CallProblem } from '../clusters/detail/CallProblem';
import { useNamespaceChoice } from '../clusters/namespaceChoice';
import { AbortCanaryDialog, CanaryWeightDialog, PromoteCanaryDialog, SwitchSlotDialog } from './TrafficDialogs';
import './traffic.css';

/** Pairs are read again this often while shown: a switch or a scale moves their pods on. */
const POLL_MS = 5_000;

type Open =
  | { action: 'switch'; pair: BlueGreenPair; to: string }
  | { action: 'weight' | 'promote' | 'abort'; pair: CanaryPair };

const sideState = (s: PairSide) => `${s.ready}/${s.replicas} ready, ${s.available} available${s.paused ? ', paused' : ''}`;

/** One Deployment of a pair: name, images, pods. */
function SideRow({ label, side, live }: { label: string; side: PairSide; live?: boolean }) {
  return (
    <tr>
      <th scope="row">
        {label}
        {live && (
          <>
            {' '}
            <span className="badge tone-ok">live</span>
          </>
        )}
      </th>
      <td className="mono">{side.deployment}</td>
      <td className="mono">{side.images.join(', ')}</td>
      <td>{sideState(side)}</td>
    </tr>
  );
}

function SidesTable({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    <table className="data traffic-sides">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Side</th>
          <th scope="col">Deployment</th>
          <th scope="col">Images</th>
          <th scope="col">Pods</th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

function BlueGreenCard({ pair, onOpen }: { pair: BlueGreenPair; onOpen(open: Open): void }) {
  return (
    <section className="traffic-pair" aria-label={`Blue/green ${pair.namespace}/${pair.service}`}>
      <h3>
        <span className="muted">Blue/green · </span>
        {pair.namespace}/{pair.service} <span className="muted">by label {pair.slotKey}</span>
      </h3>
      <p>{pair.live ? `Sends to slot ${pair.live}.` : `Sends to neither slot: its selector picks a ${pair.slotKey} no Deployment has.`}</p>
      <SidesTable caption={`Slots of ${pair.service}`}>
        {pair.slots.map((s) => (
          <SideRow key={s.value} label={s.value} side={s} live={s.value === pair.live} />
        ))}
      </SidesTable>
      <div className="button-row">
        {pair.slots
          .filter((s) => s.value !== pair.live)
          .map((s) => {
            const why = slotNotAvailable(s);
            return (
              <span key={s.value} className="traffic-action">
                <button type="button" disabled={why !== undefined} aria-describedby={why ? `why-${pair.namespace}-${pair.service}` : undefined} onClick={() => onOpen({ action: 'switch', pair, to: s.value })}>
                  Switch to {s.value}…
                </button>
                {why && (
                  <span id={`why-${pair.namespace}-${pair.service}`} className="muted">
                    {why}
                  </span>
                )}
              </span>
            );
          })}
      </div>
    </section>
  );
}

function CanaryCard({ pair, onOpen }: { pair: CanaryPair; onOpen(open: Open): void }) {
  const ready = pair.stable.ready + pair.canary.ready;
  // A canary at 0 has served nothing to judge it by, and there is nothing of it to abort.
  const idle = pair.canary.replicas === 0 ? `Canary ${pair.canary.deployment} runs no replicas: set a weight to give it traffic before promoting it; with none, there is nothing to abort` : undefined;
  const idleId = `idle-${pair.namespace}-${pair.service}`;
  return (
    <section className="traffic-pair" aria-label={`Canary ${pair.namespace}/${pair.service}`}>
      <h3>
        <span className="muted">Canary · </span>
        {pair.namespace}/{pair.service} <span className="muted">by label {pair.trackKey}</span>
      </h3>
      <p>
        {pair.weight === undefined ? 'No pod is ready: no traffic either way.' : `Canary weight ${Math.round(pair.weight)}%: ${pair.canary.ready} of ${ready} ready pods are the canary’s.`}
      </p>
      <SidesTable caption={`Tracks of ${pair.service}`}>
        <SideRow label="stable" side={pair.stable} />
        <SideRow label="canary" side={pair.canary} />
      </SidesTable>
      <div className="button-row">
        <button type="button" onClick={() => onOpen({ action: 'weight', pair })}>
          Set weight…
        </button>
        {[
          { action: 'promote' as const, label: 'Promote…' },
          { action: 'abort' as const, label: 'Abort…' },
        ].map(({ action, label }) => (
          <button
            key={action}
            type="button"
            disabled={idle !== undefined}
            title={idle}
            aria-describedby={idle ? idleId : undefined}
            onClick={() => onOpen({ action, pair })}
          >
            {label}
          </button>
        ))}
        {idle && (
          <span id={idleId} className="muted">
            {idle}
          </span>
        )}
      </div>
    </section>
  );
}

/**
 * Blue/green and canary pairs of plain Deployments on one connection, in
 * the namespace the cluster inspector watches (else all): which slot is
 * live or what weight the canary has, each side's images and pods, and the
 * actions that move traffic, each confirmed and run as a task.
 */
export function TrafficPairsView({ connection }: { connection: ConnectionSummary }) {
  const { choice } = useNamespaceChoice(connection.id);
  const namespace = choice.scope ?? (choice.shown.length === 1 ? choice.shown[0] : undefined);
  const query = useQuery('rollouts.trafficPairs', { connectionId: connection.id, ...(namespace ? { namespace } : {}) }, { pollMs: POLL_MS });
  const [open, setOpen] = useState<Open>();
  const close = () => {
    setOpen(undefined);
    query.refetch();
  };
  const where = namespace ? `namespace ${namespace}` : 'every namespace';
  const { pairs = [], problems = [] } = query.value ?? {};

  return (
    <div className="traffic-pairs">
      <p className="muted">
        Pairs of Deployments behind one Service in {where} of {connection.name}: blue/green by a <span className="mono">slot</span> or <span className="mono">color</span> label in the
        Service’s selector, canary by <span className="mono">track: stable|canary</span> on Deployments it selects together.
      </p>
      {query.error !== undefined && <CallProblem error={query.error} what={`the Services and Deployments in ${where}`} onRetry={query.refetch} />}
      {query.value && !pairs.length && !problems.length && (
        <div className="empty">
          <p>No blue/green or canary pair in {where}.</p>
        </div>
      )}
      {pairs.map((pair) =>
        pair.kind === 'blueGreen' ? <BlueGreenCard key={`${pair.namespace}/${pair.service}`} pair={pair} onOpen={setOpen} /> : <CanaryCard key={`${pair.namespace}/${pair.service}`} pair={pair} onOpen={setOpen} />,
      )}
      {problems.length > 0 && (
        <section aria-label="Services that make no pair">
          <h3>Set up, but not a pair</h3>
          <ul className="traffic-problems">
            {problems.map((p) => (
              <li key={`${p.namespace}/${p.service}`}>
                <span className="mono">
                  {p.namespace}/{p.service}
                </span>
                : {p.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      {open?.action === 'switch' && <SwitchSlotDialog connection={connection} pair={open.pair} to={open.to} onClose={close} />}
      {open?.action === 'weight' && <CanaryWeightDialog connection={connection} pair={open.pair} onClose={close} />}
      {open?.action === 'promote' && <PromoteCanaryDialog connection={connection} pair={open.pair} onClose={close} />}
      {open?.action === 'abort' && <AbortCanaryDialog connection={connection} pair={open.pair} onClose={close} />}
    </div>
  );
}
