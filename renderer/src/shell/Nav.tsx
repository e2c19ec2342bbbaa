import { hrefOf, routes, type RouteId } from './routes';

/** The left navigation; the current page is marked for assistive technology too. */
export function Nav({ current }: { current: RouteId }) {
  return (
    <nav aria-label="Main" className="nav">
      <ul>
        {routes.map((r) => (
          <li key={r.id}>
            <a href={hrefOf(r.id)} aria-current={r.id === current ? 'page' : undefined}>
              {r.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
