import { useRegistry } from './registryContext';
import { hrefOf } from './routes';

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
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
