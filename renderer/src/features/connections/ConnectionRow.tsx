import { useId, useState } from 'react';
import type { ConnectionSummary } from '../../../../shared/contract';
import { hrefOf, type RouteId } from '../../shell/routes';
import { kindLabel, linkedClusterName } from './connectionKinds';
import { useConnections } from './connectionsStore';
import { HealthBadge } from './HealthBadge';
import { HealthFacts } from './HealthFacts';
import { LabelChips } from './LabelChips';
import { useConnectionTest } from './useConnectionTest';

/** A change to a connection that opens a dialog. */
export type ConnectionEdit = 'rename' | 'labels' | 'delete' | 'edit';

const COLUMNS = 8;

/** Server (Kubernetes), region and endpoint (AWS) or URL (Prometheus). */
function whereOf(c: ConnectionSummary): string {
  if (c.kube) return c.kube.server;
  if (c.aws) return c.aws.endpointUrl ? `${c.aws.region} · ${c.aws.endpointUrl}` : c.aws.region;
  if (c.prometheus) return c.prometheus.url;
  return '';
}

/** How it authenticates, with what helps recognise the credential (exec command, profile, key id suffix). */
function authOf(c: ConnectionSummary): string {
  if (c.kube) return c.kube.execCommand ? `${c.kube.authKind} (${c.kube.execCommand})` : c.kube.authKind;
  if (c.aws) {
    const extra = [c.aws.profile && `profile ${c.aws.profile}`, c.aws.accessKeyHint && `key …${c.aws.accessKeyHint}`].filter(Boolean).join(', ');
    return extra ? `${c.aws.profileKind} (${extra})` : c.aws.profileKind;
  }
  if (c.prometheus) return c.prometheus.username ? `${c.prometheus.auth} (user ${c.prometheus.username})` : c.prometheus.auth;
  return '';
}

/** The page that inspects a connection of each kind; AWS accounts and Prometheus endpoints have none yet, so opening one only selects it. */
const INSPECTOR_ROUTE: Record<ConnectionSummary['kind'], RouteId | undefined> = { kubernetes: 'clusters', aws: undefined, prometheus: undefined };

/**
 * The connection's name, which opens it: selects it (as the top bar's switcher
 * does) and goes to the page that inspects it. The selected one is marked.
 */
function ConnectionName({ connection }: { connection: ConnectionSummary }) {
  const selected = useConnections((s) => s.selectedId === connection.id);
  const select = useConnections((s) => s.select);
  const route = INSPECTOR_ROUTE[connection.kind];
  const { name } = connection;
  const current = selected ? ('true' as const) : undefined;
  return (
    <>
      {route ? (
        // A real link: the hash change shows the page once the click has selected the connection.
        <a href={hrefOf(route)} aria-current={current} title={`Inspect ${name}`} onClick={() => select(connection.id)}>
          {name}
        </a>
      ) : (
        <button type="button" className="link connection-select" aria-current={current} title={`Select ${name}; ${kindLabel(connection.kind)} connections have no page of their own yet`} onClick={() => select(connection.id)}>
          {name}
        </button>
      )}
      {selected && (
        <span className="selected-mark" aria-hidden="true">
          selected
        </span>
      )}
    </>
  );
}

/** One connection in the table, with its actions and an expandable Test report. */
export function ConnectionRow({ connection, onEdit }: { connection: ConnectionSummary; onEdit(edit: ConnectionEdit): void }) {
  const [expanded, setExpanded] = useState(false);
  // A clean bill of health needs no report; anything else opens it.
  const { testing, test } = useConnectionTest(connection, (health) => setExpanded(health.status !== 'ok'));
  const detailsId = useId();
  const { name } = connection;
  const cluster = useConnections((s) => linkedClusterName(connection, s.connections));
  return (
    <>
      <tr>
        <th scope="row">
          <ConnectionName connection={connection} />
        </th>
        <td>{kindLabel(connection.kind)}</td>
        <td className="mono clip" title={whereOf(connection)}>
          {whereOf(connection)}
          {cluster && <div className="muted">for cluster {cluster}</div>}
        </td>
        <td>{authOf(connection)}</td>
        <td>
          <LabelChips labels={connection.labels} />
        </td>
        <td className="health-cell">
          <HealthBadge health={connection.health} />
          <button type="button" className="link" aria-expanded={expanded} aria-controls={detailsId} aria-label={`Details of ${name}`} onClick={() => setExpanded(!expanded)}>
            Details
          </button>
        </td>
        <td className="muted clip" title={connection.source}>
          {connection.source}
        </td>
        <td className="row-actions">
          <button type="button" onClick={() => void test()} disabled={testing} aria-label={`${testing ? 'Testing' : 'Test'} ${name}`}>
            {testing && <span className="spinner" aria-hidden="true" />}
            {testing ? 'Testing…' : 'Test'}
          </button>
          {connection.kind === 'prometheus' && (
            <button type="button" onClick={() => onEdit('edit')} aria-label={`Edit ${name}`}>
              Edit
            </button>
          )}
          <button type="button" onClick={() => onEdit('rename')} aria-label={`Rename ${name}`}>
            Rename
          </button>
          <button type="button" onClick={() => onEdit('labels')} aria-label={`Labels of ${name}`}>
            Labels
          </button>
          <button type="button" className="danger" onClick={() => onEdit('delete')} aria-label={`Delete ${name}`}>
            Delete
          </button>
        </td>
      </tr>
      {expanded && (
        <tr id={detailsId} className="details-row">
          <td colSpan={COLUMNS}>
            <HealthFacts connection={connection} onEdit={() => onEdit('edit')} />
          </td>
        </tr>
      )}
    </>
  );
}
