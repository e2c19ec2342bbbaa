/**
 * The spend area's SQLite tables (migration 010): Cost Explorer answers cached
 * by connection and query key, and one row per billable request, written
 * before the request is sent so a crash mid-request still counts it, and
 * removed only when the request provably never left.
 */
import type { Database } from '../store/database';

/** A cached answer: the raw pages (or forecast) as Cost Explorer gave them. */
export interface CachedAnswer {
  response: string;
  fetchedAt: number;
  expiresAt: number;
}

/** The billable Cost Explorer operations. */
export type SpendOperation = 'GetCostAndUsage' | 'GetCostForecast';

/** Request counts for one connection. */
export interface RequestCounts {
  today: number;
  thisMonth: number;
  total: number;
}

/** Reads and writes the cache and the request record. */
export interface SpendStore {
  cached(connectionId: string, key: string): CachedAnswer | undefined;
  /** Keeps an answer, replacing the one for the same query, and drops this connection's answers that expired long ago. */
  keep(connectionId: string, key: string, answer: CachedAnswer): void;
  /** Records one request about to be sent; returns its id. */
  recordRequest(connectionId: string, operation: SpendOperation, at: number): number;
  /** Forgets a recorded request that was never sent after all (no connection could be made): AWS did not bill it. */
  forgetRequest(id: number): void;
  counts(connectionId: string, now: number): RequestCounts;
  /** Drops every cached answer of a connection: its credentials were replaced (maybe by another account's) or it was deleted. The request record stays: those requests were billed. */
  forgetAnswers(connectionId: string): void;
}

/** Expired answers are kept this long past expiry to be shown (marked stale) when Cost Explorer cannot be reached. */
export const STALE_KEEP_MS = 35 * 86_400_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** The store on `db`, which must have migration 010 applied. */
export function createSpendStore(db: Database): SpendStore {
  const select = db.prepare('SELECT response, fetched_at, expires_at FROM spend_cache WHERE connection_id = ? AND query_key = ?');
  const upsert = db.prepare(
    `INSERT INTO spend_cache (connection_id, query_key, response, fetched_at, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (connection_id, query_key) DO UPDATE SET response = excluded.response, fetched_at = excluded.fetched_at, expires_at = excluded.expires_at`,
  );
  const prune = db.prepare('DELETE FROM spend_cache WHERE connection_id = ? AND expires_at < ?');
  const insertRequest = db.prepare('INSERT INTO spend_requests (connection_id, operation, made_at) VALUES (?, ?, ?)');
  const deleteRequest = db.prepare('DELETE FROM spend_requests WHERE id = ?');
  const deleteAnswers = db.prepare('DELETE FROM spend_cache WHERE connection_id = ?');
  const countSince = db.prepare('SELECT count(*) AS n FROM spend_requests WHERE connection_id = ? AND made_at >= ?');
  const keep = db.transaction((connectionId: string, key: string, answer: CachedAnswer) => {
    upsert.run(connectionId, key, answer.response, iso(answer.fetchedAt), iso(answer.expiresAt));
    prune.run(connectionId, iso(answer.fetchedAt - STALE_KEEP_MS));
  });
  return {
    cached(connectionId, key) {
      const row = select.get(connectionId, key) as { response: string; fetched_at: string; expires_at: string } | undefined;
      return row && { response: row.response, fetchedAt: Date.parse(row.fetched_at), expiresAt: Date.parse(row.expires_at) };
    },
    keep: (connectionId, key, answer) => keep(connectionId, key, answer),
    recordRequest: (connectionId, operation, at) => Number(insertRequest.run(connectionId, operation, iso(at)).lastInsertRowid),
    forgetRequest(id) {
      deleteRequest.run(id);
    },
    forgetAnswers(connectionId) {
      deleteAnswers.run(connectionId);
    },
    counts(connectionId, now) {
      const day = new Date(now).toISOString().slice(0, 10);
      const count = (since: string) => (countSince.get(connectionId, since) as { n: number }).n;
      return { today: count(`${day}T00:00:00.000Z`), thisMonth: count(`${day.slice(0, 7)}-01T00:00:00.000Z`), total: count('') };
    },
  };
}
