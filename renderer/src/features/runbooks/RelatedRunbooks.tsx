import { describeError } from '../../shell/errorActions';
import { useQuery } from '../../ui/useQuery';
import { openRunbook } from './runbooksStore';

interface RelatedRunbooksProps {
  /** The object's resource as the API names it (`deployments`); the services accept kubectl's names for a kind. */
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * The runbooks that name an object, its kind in general, or its namespace,
 * for the object's detail pane; each opens on the Runbooks page.
 */
export function RelatedRunbooks({ kind, namespace, name }: RelatedRunbooksProps) {
  const found = useQuery('runbooks.forResource', { kind, ...(namespace ? { namespace } : {}), name });
  return (
    <section aria-label="Runbooks">
      <h3 className="detail-section">Runbooks</h3>
      {found.error !== undefined ? (
        // Quietly: the pane is about the object, and its own errors are the ones that matter there.
        <p className="muted">
          Runbooks could not be listed: {describeError(found.error).message}{' '}
          <button type="button" className="link" onClick={found.refetch}>
            Try again
          </button>
        </p>
      ) : !found.value ? (
        <p className="muted">{found.loading ? 'Looking for runbooks…' : ''}</p>
      ) : found.value.length === 0 ? (
        <p className="muted">No runbook names this {kind.replace(/s$/, '')}, its kind or its namespace.</p>
      ) : (
        <ul className="runbook-related">
          {found.value.map((r) => (
            <li key={r.id}>
              <button type="button" className="link" onClick={() => openRunbook(r.id)}>
                {r.title}
              </button>
              {r.severity && <span className={`badge runbook-severity-${r.severity}`}>{r.severity}</span>}
              {r.tags.length > 0 && <span className="muted"> {r.tags.join(', ')}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
