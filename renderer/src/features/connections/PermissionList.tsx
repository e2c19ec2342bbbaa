import type { PermissionCheck } from '../../../../shared/contract';

const resourceOf = (p: PermissionCheck) => (p.group ? `${p.resource}.${p.group}` : p.resource);

/** The "may I?" answers of the last Test, one row per verb and resource. */
export function PermissionList({ permissions }: { permissions: readonly PermissionCheck[] }) {
  if (!permissions.length) return <p className="muted">No permission checks were run.</p>;
  return (
    <table className="permissions" aria-label="Permission checks">
      <thead>
        <tr>
          <th scope="col">Verb</th>
          <th scope="col">Resource</th>
          <th scope="col">Namespace</th>
          <th scope="col">Allowed</th>
        </tr>
      </thead>
      <tbody>
        {permissions.map((p) => (
          <tr key={`${p.verb} ${resourceOf(p)} ${p.namespace ?? ''}`}>
            <td>{p.verb}</td>
            <td>{resourceOf(p)}</td>
            <td>{p.namespace ?? 'all namespaces'}</td>
            <td className={p.allowed ? 'allowed' : 'denied'}>
              <span aria-hidden="true">{p.allowed ? '✓' : '✗'}</span> {p.allowed ? 'allowed' : 'denied'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
