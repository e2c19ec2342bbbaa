import { Fragment } from 'react';
import type { ConnectionSummary, ObjectDetail, Row } from '../../../../../shared/contract';
import type { Query } from '../../../ui/useQuery';
import { RelatedRunbooks } from '../../runbooks/RelatedRunbooks';
import { statusTone } from '../cellFormat';
import { Age, CellValue } from '../CellValue';
import type { ResourceEntry } from '../resourceCatalog';
import { NAME_KEY, type TableColumn } from '../tableColumns';
import { CallProblem } from './CallProblem';
import { NodeFactsView } from './NodeFactsView';
import { OwnerChain } from './OwnerChain';
import { SecretData } from './SecretData';
import type { SecretReveal } from './useSecretReveal';

/** The row's cells, as the table shows them, and the uid. */
function RowFacts({ row, columns }: { row: Row; columns: readonly TableColumn[] }) {
  return (
    <dl className="facts">
      {columns
        .filter((c) => c.key !== NAME_KEY)
        .map((c) => {
          const value = c.value(row);
          return (
            <Fragment key={c.key}>
              <dt>{c.title}</dt>
              <dd>{c.kind === 'age' && typeof value === 'string' ? <Age iso={value} suffix=" ago" /> : <CellValue kind={c.kind} value={value} />}</dd>
            </Fragment>
          );
        })}
      <dt>UID</dt>
      <dd className="mono">{row.uid}</dd>
    </dl>
  );
}

function Labels({ labels }: { labels: Record<string, string> }) {
  const entries = Object.entries(labels);
  if (!entries.length) return <p className="muted">None.</p>;
  return (
    <ul className="chips" aria-label="Labels">
      {entries.map(([k, v]) => (
        <li key={k} className="chip mono">
          {k}={v}
        </li>
      ))}
    </ul>
  );
}

function Annotations({ annotations }: { annotations: Record<string, string> }) {
  const entries = Object.entries(annotations);
  if (!entries.length) return <p className="muted">None.</p>;
  return (
    <dl className="annotations">
      {entries.map(([k, v]) => (
        <Fragment key={k}>
          <dt className="mono">{k}</dt>
          <dd className="mono">{v}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

function Containers({ containers }: { containers: NonNullable<ObjectDetail['containers']> }) {
  return (
    <ul className="containers">
      {containers.map((c) => (
        <li key={`${c.kind} ${c.name}`}>
          <div className="container-head">
            <strong className="mono">{c.name}</strong>
            {c.kind !== 'main' && <span className="muted">{c.kind}</span>}
            <span className={`badge tone-${statusTone(c.state)}`}>{c.state}</span>
            {c.restartCount > 0 && <span className="muted">{c.restartCount.toLocaleString()} restarts</span>}
          </div>
          <div className="muted mono">{c.image}</div>
        </li>
      ))}
    </ul>
  );
}

interface OverviewTabProps {
  connection: ConnectionSummary;
  entry: ResourceEntry;
  row: Row;
  columns: readonly TableColumn[];
  detail: Query<ObjectDetail>;
  secret: SecretReveal;
}

/**
 * What the table knows at once (every cell, hidden columns too), then what
 * `kube.get` adds: owners, containers, a Secret's keys, labels and annotations;
 * then the runbooks that name the object.
 * When that call fails the row's facts still stand.
 */
export function OverviewTab({ connection, entry, row, columns, detail, secret }: OverviewTabProps) {
  const d = detail.value;
  return (
    <>
      <RowFacts row={row} columns={columns} />
      {detail.error !== undefined && <CallProblem error={detail.error} what={`this ${entry.one}`} onRetry={detail.refetch} />}
      {!d ? (
        detail.loading && <p className="muted">Loading details…</p>
      ) : (
        <>
          <h3 className="detail-section">Owner chain</h3>
          <OwnerChain connectionId={connection.id} owners={d.owners} />
          {d.secretKeys && (
            <>
              <h3 className="detail-section">Data</h3>
              <SecretData keys={d.secretKeys} reveal={secret} />
            </>
          )}
          {d.node && <NodeFactsView facts={d.node} />}
          {d.containers && (
            <>
              <h3 className="detail-section">Containers</h3>
              <Containers containers={d.containers} />
            </>
          )}
          <h3 className="detail-section">Labels</h3>
          <Labels labels={d.labels} />
          <h3 className="detail-section">Annotations</h3>
          <Annotations annotations={d.annotations} />
        </>
      )}
      <RelatedRunbooks kind={entry.ref.resource} namespace={row.namespace} name={row.name} />
    </>
  );
}
