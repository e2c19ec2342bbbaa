import type { FeaturePage } from './feature';
import { useRegistry } from './registryContext';
import { hrefOf } from './routes';

/** A page's count beside its label; its link's name says what it counts. */
function Badge({ useBadge }: { useBadge: NonNullable<FeaturePage['useBadge']> }) {
  const badge = useBadge();
  if (!badge?.count) return null;
  return (
    <>
      <span className="nav-badge" aria-hidden="true">
        {badge.count > 99 ? '99+' : badge.count}
      </span>
      <span className="visually-hidden">, {badge.label}</span>
    </>
  );
}

/** The left navigation: every registered page in navigation order; the current page is marked for assistive technology too. */
export function Nav({ current }: { current: string }) {
  const { pages } = useRegistry();
  return (
    <nav aria-label="Main" className="nav">
      <ul>
        {pages.map((p) => (
          <li key={p.route}>
            <a href={hrefOf(p.route)} aria-current={p.route === current ? 'page' : undefined}>
              {p.label}
              {p.useBadge && <Badge useBadge={p.useBadge} />}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
