import type { NodeFacts } from '../../../../../shared/contract';
import { Age } from '../CellValue';
import type { StatusTone } from '../cellFormat';

/** A condition that is healthy when False (pressure, unavailable network); Ready is healthy when True. */
const healthyWhenFalse = (type: string) => type !== 'Ready';

function conditionTone(c: NodeFacts['conditions'][number]): StatusTone {
  if (c.status === 'Unknown') return 'warn';
  return (c.status === 'True') !== healthyWhenFalse(c.type) ? 'ok' : 'bad';
}

/** "9 running or pending pods of 110 allowed; 3 more finished", as the Pods column (every pod assigned) and the limit (unfinished ones) count them. */
function podsText(facts: NodeFacts, allocatable: string | undefined): string {
  if (!facts.pods) return `Pods on this node could not be counted${facts.podsProblem ? `: ${facts.podsProblem}` : ''}.`;
  const { assigned, unfinished } = facts.pods;
  const finished = assigned - unfinished;
  const limit = allocatable ? ` of ${allocatable} allowed` : '';
  return `${unfinished.toLocaleString()} running or pending pod${unfinished === 1 ? '' : 's'}${limit}${finished ? `; ${finished.toLocaleString()} more finished` : ''}.`;
}

/** What a node offers (capacity beside allocatable, GPUs and MIG profiles included), its conditions, taints and pods. */
export function NodeFactsView({ facts }: { facts: NodeFacts }) {
  const allocatablePods = facts.resources.find((r) => r.name === 'pods')?.allocatable;
  return (
    <>
      <h3 className="detail-section">Resources</h3>
      <table className="node-resources" aria-label="Resources">
        <thead>
          <tr>
            <th scope="col">Resource</th>
            <th scope="col">Capacity</th>
            <th scope="col">Allocatable</th>
          </tr>
        </thead>
        <tbody>
          {facts.resources.map((r) => (
            <tr key={r.name}>
              <th scope="row" className="mono">
                {r.name}
              </th>
              <td className="mono">{r.capacity ?? '—'}</td>
              <td className="mono">{r.allocatable ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>{podsText(facts, allocatablePods)}</p>
      <h3 className="detail-section">Conditions</h3>
      <ul className="node-conditions" aria-label="Conditions">
        {facts.conditions.map((c) => (
          <li key={c.type}>
            <span className={`badge tone-${conditionTone(c)}`}>
              {c.type}: {c.status}
            </span>
            {c.reason && <span className="muted"> {c.reason}</span>}
            {c.since && (
              <span className="muted">
                {' '}
                · <Age iso={c.since} suffix=" ago" />
              </span>
            )}
            {c.message && <div className="muted">{c.message}</div>}
          </li>
        ))}
      </ul>
      <h3 className="detail-section">Taints</h3>
      {facts.taints.length ? (
        <ul className="chips" aria-label="Taints">
          {facts.taints.map((t) => (
            <li key={`${t.key} ${t.effect}`} className="chip mono">
              {t.key}
              {t.value ? `=${t.value}` : ''}:{t.effect}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None: any pod may be scheduled here.</p>
      )}
    </>
  );
}
