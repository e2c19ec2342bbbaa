import type { ConnectionSummary } from '../../../../shared/contract';
import { ConnectionRow, type ConnectionEdit } from './ConnectionRow';

/** Every stored connection, one row each. */
export function ConnectionsTable({ connections, onEdit }: { connections: readonly ConnectionSummary[]; onEdit(edit: ConnectionEdit, c: ConnectionSummary): void }) {
  return (
    <div className="table-scroll">
      <table className="data" aria-label="Connections">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Server or region</th>
            <th scope="col">Auth</th>
            <th scope="col">Labels</th>
            <th scope="col">Health</th>
            <th scope="col">Source</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {connections.map((c) => (
            <ConnectionRow key={c.id} connection={c} onEdit={(edit) => onEdit(edit, c)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
