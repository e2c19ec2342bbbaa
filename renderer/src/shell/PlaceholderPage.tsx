import { useConnections } from '../features/connections/connectionsStore';
import { AddClusterFirst } from './AddClusterFirst';

/** A page not built yet: what it will show, or what to do first. */
export function PlaceholderPage({ title, summary }: { title: string; summary: string }) {
  const status = useConnections((s) => s.status);
  const count = useConnections((s) => s.connections.length);
  return (
    <section className="page-body" aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      {status === 'ready' && !count ? (
        <AddClusterFirst />
      ) : (
        <div className="empty">
          <p>{summary}</p>
          <p className="muted">This page is not available in this build yet.</p>
        </div>
      )}
    </section>
  );
}
