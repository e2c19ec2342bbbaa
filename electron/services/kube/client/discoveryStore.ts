/**
 * Each connection's last discovery, kept in the data file so a fresh launch
 * resolves resources (and fills the picker) at once, while the server is
 * asked again in the background.
 */
import { KubeDiscovery } from '../../../../shared/contract';
import type { Database } from '../../store/database';
import type { Logger } from '../../logging/logger';
import type { Discovery } from './discovery';

/** What a row holds: checked on the way out, as a file edited by hand or by an older build may hold anything. */
const StoredDiscovery = KubeDiscovery.pick({ serverVersion: true, resources: true });

/** Where discoveries outlive the process. */
export interface DiscoveryStore {
  /** The connection's last discovery, or undefined when there is none (or it no longer reads as one). */
  load(connectionId: string): Discovery | undefined;
  /** Replaces the connection's discovery; a connection deleted meanwhile keeps none. */
  save(connectionId: string, discovery: Discovery): void;
  /** Drops the connection's discovery (its credentials changed: the cluster may be another). */
  remove(connectionId: string): void;
}

/** {@link DiscoveryStore} in the `kube_discovery` table. Failures are logged, never thrown: the cache only saves time. */
export function sqliteDiscoveryStore(db: Database, log: Logger): DiscoveryStore {
  const select = db.prepare<[string], { discovered_at: number; discovery: string }>('SELECT discovered_at, discovery FROM kube_discovery WHERE connection_id = ?');
  const upsert = db.prepare(
    `INSERT INTO kube_discovery (connection_id, discovered_at, discovery)
     SELECT id, ?, ? FROM connections WHERE id = ?
     ON CONFLICT (connection_id) DO UPDATE SET discovered_at = excluded.discovered_at, discovery = excluded.discovery`,
  );
  const remove = db.prepare('DELETE FROM kube_discovery WHERE connection_id = ?');
  return {
    load(connectionId) {
      try {
        const row = select.get(connectionId);
        if (!row) return undefined;
        const checked = StoredDiscovery.safeParse(JSON.parse(row.discovery));
        if (checked.success && Number.isSafeInteger(row.discovered_at)) return { ...checked.data, at: row.discovered_at };
        remove.run(connectionId);
        log.warn('dropped a stored discovery that no longer reads as one', { connectionId });
      } catch (err) {
        log.warn('could not read a stored discovery', { connectionId, error: err });
      }
      return undefined;
    },
    save(connectionId, { serverVersion, resources, at }) {
      try {
        // The SELECT makes a connection deleted meanwhile keep nothing, instead of failing its foreign key.
        upsert.run(at, JSON.stringify({ serverVersion, resources }), connectionId);
      } catch (err) {
        log.warn('could not store a discovery', { connectionId, error: err });
      }
    },
    remove(connectionId) {
      try {
        remove.run(connectionId);
      } catch (err) {
        log.warn('could not drop a stored discovery', { connectionId, error: err });
      }
    },
  };
}
