import type { Row } from '../../../../shared/contract';

/** Changes in the order the contract applies them: upserts, then deletes. */
export interface RowChanges {
  upserts: Row[];
  deletes: string[];
}

/**
 * The rows of one cache keyed by uid, each with its object's
 * resourceVersion (never the object itself), plus the changes not yet sent.
 *
 * A list — the first one or a relist after 410 Gone — is bracketed by
 * {@link beginList}/{@link endList}: listed rows are queued only when new or
 * changed, and rows the list no longer contains are deleted at the end, so
 * the UI receives a diff with nothing duplicated and nothing missing.
 */
export class RowStore {
  private readonly rows = new Map<string, { row: Row; rv: string }>();
  private pending = new Map<string, Row | null>();
  private seen: Set<string> | undefined;

  /** Rows held now. */
  get size(): number {
    return this.rows.size;
  }

  /** True when changes wait to be sent. */
  get hasChanges(): boolean {
    return this.pending.size > 0;
  }

  /** Starts a list; starting again (a continue token expired) forgets what the aborted one saw. */
  beginList(): void {
    this.seen = new Set();
  }

  /** A row from a list page. */
  listed(row: Row, rv: string): void {
    this.seen?.add(row.uid);
    if (this.rows.get(row.uid)?.rv === rv) return;
    this.rows.set(row.uid, { row, rv });
    this.pending.set(row.uid, row);
  }

  /** Ends a list: rows held but not listed were deleted while we were not watching. */
  endList(): void {
    const seen = this.seen;
    this.seen = undefined;
    if (!seen) return;
    for (const uid of this.rows.keys()) if (!seen.has(uid)) this.delete(uid);
  }

  /** A watch ADDED or MODIFIED event. */
  upsert(row: Row, rv: string): void {
    this.rows.set(row.uid, { row, rv });
    this.pending.set(row.uid, row);
  }

  /** A watch DELETED event. */
  delete(uid: string): void {
    if (this.rows.delete(uid)) this.pending.set(uid, null);
  }

  /** Every row held. */
  all(): Row[] {
    return Array.from(this.rows.values(), (e) => e.row);
  }

  /** The changes since the last call (the last state of each row wins). */
  takeChanges(): RowChanges {
    const upserts: Row[] = [];
    const deletes: string[] = [];
    for (const [uid, row] of this.pending) {
      if (row) upserts.push(row);
      else deletes.push(uid);
    }
    this.pending = new Map();
    return { upserts, deletes };
  }
}
