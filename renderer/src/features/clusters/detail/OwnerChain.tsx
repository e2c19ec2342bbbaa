import type { OwnerLink } from '../../../../../shared/contract';
import { useOpenableKey } from '../inspectorStore';
import { ObjectLink } from './ObjectLink';

const UNRESOLVED: Record<NonNullable<OwnerLink['unresolved']>, string> = { missing: 'missing', forbidden: 'no access' };

/** The object's owners, direct owner first; each opens in the inspector when the inspector shows its kind. */
export function OwnerChain({ connectionId, owners }: { connectionId: string; owners: readonly OwnerLink[] }) {
  const openableKey = useOpenableKey(connectionId);
  if (!owners.length) return <p className="muted">Not owned by another object.</p>;
  return (
    <ol className="owner-chain" aria-label="Owner chain">
      {owners.map((owner) => {
        const key = !owner.unresolved && owner.resource ? openableKey(owner.resource) : undefined;
        return (
          <li key={owner.uid || `${owner.kind}/${owner.name}`}>
            <span className="muted">{owner.kind}</span>{' '}
            {key ? (
              <ObjectLink kind={owner.kind} to={{ connectionId, key, namespace: owner.namespace, name: owner.name, uid: owner.uid }}>
                {owner.name}
              </ObjectLink>
            ) : (
              <span className="mono">{owner.name}</span>
            )}
            {owner.unresolved && <span className="badge tone-warn">{UNRESOLVED[owner.unresolved]}</span>}
          </li>
        );
      })}
    </ol>
  );
}
