import { useConnections } from '../features/connections/connectionsStore';
import { AddClusterFirst } from './AddClusterFirst';
import type { Feature, FeaturePage } from './feature';

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

/** A page planned but not built. */
export interface PlannedPage<Route extends string> {
  route: Route;
  label: string;
  navOrder: number;
  /** What the page will show. */
  summary: string;
}

/** A feature whose page is a placeholder, holding the page's place in the navigation until the real feature registers it. */
export function placeholderFeature<Route extends string>({ route, label, navOrder, summary }: PlannedPage<Route>): Feature<Route> {
  const component = () => <PlaceholderPage title={label} summary={summary} />;
  component.displayName = `PlaceholderPage(${route})`;
  const page: FeaturePage<Route> = { route, label, navOrder, component };
  // TypeScript cannot resolve Feature's conditional type for a generic Route; it is the page-only case.
  return { id: route, page } as unknown as Feature<Route>;
}
