/**
 * The runbook library in the data file: every write (a save, an import, a
 * delete, a checklist tick) is one transaction that keeps the runbook, its
 * versions, its tags and resources, and the FTS5 index in step, so a failure
 * leaves nothing half-saved.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { RunbookMeta, RunbookSearchResult, RunbookUse, RunbookVersion } from '../../../shared/contract';
import type { RunbookSeverity } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { Database } from '../store/database';
import { checklistItemCount } from './checklist';
import { MAX_TAG_CHARS, parseRunbook, type ParsedRunbook } from './frontMatter';
import { canonicalKind, parseResourceRef } from './resourceRefs';
import { HIT_CLOSE, HIT_OPEN, indexable, toFtsQuery, toHighlighted } from './searchQuery';

/** Search weights: a hit in the title counts most, then tags, then the body. */
const BM25_OF_FTS = 'bm25(runbooks_fts, 10.0, 5.0, 1.0)';
/** Tokens in a snippet: about a line of text. */
const SNIPPET_TOKENS = 24;
/** Characters of the body shown for a runbook listed without a query. */
const LEAD_CHARS = 160;
/** Uses kept per runbook; older ones are dropped as new ones start. */
export const MAX_USES = 200;
const LABEL_MAX = 200;

/** A runbook file to store, read and parsed. */
export interface StoredFile {
  /** Relative to the import folder, `/`-separated. */
  path: string;
  source: string;
  /** Absent for a file whose source the library already holds at this path: nothing to parse. */
  parsed?: ParsedRunbook;
}

/** What an import changed. */
export interface ImportOutcome {
  added: string[];
  updated: string[];
  unchanged: number;
  /** Paths of files changed in the folder whose runbooks were also changed in the app since: left as they are. */
  conflicts: string[];
}

/** A runbook export will write: where, from its path or title; its source is read when it is written. */
export interface ExportItem {
  id: string;
  title: string;
  path?: string;
}

/** A starter runbook shipped with the app: its file name is its key. */
export interface StarterRunbook {
  key: string;
  source: string;
}

/** What the search box sends, defaults applied. */
export interface SearchQuery {
  query: string;
  tags: string[];
  resource?: string;
  limit: number;
}

interface Row {
  seq: number;
  id: string;
  version: number;
  title: string;
  tags: string;
  resources: string;
  severity: RunbookSeverity | null;
  path: string | null;
  folder: string | null;
  file_hash: string | null;
  updated_at: string;
  updated_by: string;
}
interface FullRow extends Row {
  source: string;
  body: string;
}
interface UseRow {
  id: string;
  runbook_id: string;
  version: number;
  label: string;
  started_at: string;
  started_by: string;
  checked: string;
}

const META_COLUMNS = 'r.seq, r.id, r.version, r.title, r.tags, r.resources, r.severity, r.path, r.folder, r.file_hash, r.updated_at, r.updated_by';

const metaOf = (r: Row): RunbookMeta => ({
  id: r.id,
  title: r.title,
  tags: JSON.parse(r.tags) as string[],
  resources: JSON.parse(r.resources) as string[],
  ...(r.severity ? { severity: r.severity } : {}),
  ...(r.path ? { path: r.path } : {}),
  version: r.version,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

/** A use as the store keeps it: with the runbook version it was started on (its checklist is that version's). */
export type StoredUse = RunbookUse & { version: number };

const useOf = (r: UseRow): StoredUse => ({
  id: r.id,
  runbookId: r.runbook_id,
  version: r.version,
  label: r.label,
  startedAt: r.started_at,
  startedBy: r.started_by,
  checked: JSON.parse(r.checked) as number[],
});

const newId = () => `rb-${randomUUID().replaceAll('-', '').slice(0, 20)}`;
const bytesOf = (s: string) => Buffer.byteLength(s, 'utf8');
const hashOf = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The start of a body, whitespace collapsed, cut at a word with "…". */
function leadOf(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat.length <= LEAD_CHARS) return flat;
  const cut = flat.slice(0, LEAD_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > LEAD_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

const notFound = (id: string) => new AppError('NOT_FOUND', `There is no runbook ${id}; someone may have deleted it`);

/** The runbook library over one data file. */
export type RunbookStore = ReturnType<typeof createRunbookStore>;

/** Prepares the library's statements over a migrated data file. */
export function createRunbookStore(db: Database) {
  const byId = db.prepare<[string], FullRow>(`SELECT ${META_COLUMNS}, r.source, r.body FROM runbooks r WHERE r.id = ?`);
  const byOrigin = db.prepare<[string, string], FullRow>(`SELECT ${META_COLUMNS}, r.source, r.body FROM runbooks r WHERE r.folder = ? AND r.path = ?`);
  const setFileHash = db.prepare(`UPDATE runbooks SET file_hash = ? WHERE seq = ?`);
  // A runbook written to a folder is from then on the one that folder's file updates, unless it already has a folder
  // (then only its own file's hash moves on); OR IGNORE: a runbook that already holds that folder and path keeps it.
  const recordExported = db.prepare(
    `UPDATE OR IGNORE runbooks SET folder = @folder, path = @path, file_hash = @hash
     WHERE id = @id AND source = @source AND (folder IS NULL OR (folder = @folder AND path = @path))`,
  );
  const sourceById = db.prepare<[string], { source: string }>(`SELECT source FROM runbooks WHERE id = ?`);
  const insertRunbook = db.prepare(
    `INSERT INTO runbooks (id, version, source, body, title, tags, resources, severity, folder, path, file_hash, starter, created_at, updated_at, updated_by)
     VALUES (@id, 1, @source, @body, @title, @tags, @resources, @severity, @folder, @path, @fileHash, @starter, @at, @at, @actor)`,
  );
  const updateRunbook = db.prepare(
    `UPDATE runbooks SET version = version + 1, source = @source, body = @body, title = @title, tags = @tags, resources = @resources,
       severity = @severity, updated_at = @at, updated_by = @actor WHERE seq = @seq`,
  );
  const insertVersion = db.prepare(
    `INSERT INTO runbook_versions (runbook_seq, version, source, title, saved_at, saved_by, bytes) VALUES (@seq, @version, @source, @title, @at, @actor, @bytes)`,
  );
  const insertTag = db.prepare(`INSERT INTO runbook_tags (runbook_seq, tag) VALUES (?, ?)`);
  const insertResource = db.prepare(`INSERT INTO runbook_resources (runbook_seq, kind, namespace, name) VALUES (@seq, @kind, @namespace, @name)`);
  const clearTags = db.prepare(`DELETE FROM runbook_tags WHERE runbook_seq = ?`);
  const clearResources = db.prepare(`DELETE FROM runbook_resources WHERE runbook_seq = ?`);
  const insertFts = db.prepare(`INSERT INTO runbooks_fts (rowid, title, tags, body) VALUES (?, ?, ?, ?)`);
  const deleteFts = db.prepare(`DELETE FROM runbooks_fts WHERE rowid = ?`);
  const deleteRunbook = db.prepare(`DELETE FROM runbooks WHERE seq = ?`);
  const versionsOf = db.prepare<[number], { version: number; title: string; saved_at: string; saved_by: string; bytes: number }>(
    `SELECT version, title, saved_at, saved_by, bytes FROM runbook_versions WHERE runbook_seq = ? ORDER BY version DESC`,
  );
  const versionOf = db.prepare<[number, number], { source: string }>(`SELECT source FROM runbook_versions WHERE runbook_seq = ? AND version = ?`);
  const tagCounts = db.prepare<[], { tag: string; count: number }>(`SELECT tag, count(*) AS count FROM runbook_tags GROUP BY tag ORDER BY count DESC, tag`);
  const starterKeys = db.prepare<[], { starter: string }>(`SELECT starter FROM runbooks WHERE starter IS NOT NULL`);
  const insertUse = db.prepare(`INSERT INTO runbook_uses (id, runbook_seq, version, label, started_at, started_by) VALUES (@id, @seq, @version, @label, @at, @actor)`);
  const pruneUses = db.prepare(
    `DELETE FROM runbook_uses WHERE runbook_seq = @seq AND id NOT IN (SELECT id FROM runbook_uses WHERE runbook_seq = @seq ORDER BY started_at DESC, rowid DESC LIMIT @keep)`,
  );
  const USE_COLUMNS = `u.id, r.id AS runbook_id, u.version, u.label, u.started_at, u.started_by, u.checked`;
  const usesOf = db.prepare<[number], UseRow>(`SELECT ${USE_COLUMNS} FROM runbook_uses u JOIN runbooks r ON r.seq = u.runbook_seq WHERE u.runbook_seq = ? ORDER BY u.started_at DESC, u.rowid DESC`);
  const useById = db.prepare<[string], UseRow & { source: string }>(
    `SELECT ${USE_COLUMNS}, v.source FROM runbook_uses u JOIN runbooks r ON r.seq = u.runbook_seq
       JOIN runbook_versions v ON v.runbook_seq = u.runbook_seq AND v.version = u.version WHERE u.id = ?`,
  );
  const setChecked = db.prepare(`UPDATE runbook_uses SET checked = ? WHERE id = ?`);
  const forResourceQuery = db.prepare<{ kind: string; namespace: string; name: string }, Row>(
    `SELECT ${META_COLUMNS} FROM runbooks r WHERE r.seq IN (
       SELECT runbook_seq FROM runbook_resources
       WHERE (name = @name AND kind = @kind AND namespace IN ('', @namespace))
          OR (@namespace != '' AND kind = 'namespace' AND name = @namespace)
     ) ORDER BY r.title COLLATE NOCASE, r.seq`,
  );

  // Counting tags is the one part of a search that grows with the library, and only writes change it.
  let tagCache: RunbookSearchResult['tags'] | undefined;
  const searchStatements = new Map<string, ReturnType<Database['prepare']>>();

  /** Writes a new runbook, its first version and its index rows; inside the caller's transaction. Returns its id. */
  const insert = (source: string, parsed: ParsedRunbook, actor: string, at: string, extra: { folder?: string; path?: string; starter?: string } = {}): string => {
    const id = newId();
    const info = insertRunbook.run({
      id,
      source,
      body: parsed.body,
      title: parsed.title,
      tags: JSON.stringify(parsed.tags),
      resources: JSON.stringify(parsed.resources),
      severity: parsed.severity ?? null,
      folder: extra.folder ?? null,
      path: extra.path ?? null,
      fileHash: extra.folder === undefined ? null : hashOf(source),
      starter: extra.starter ?? null,
      at,
      actor,
    });
    const seq = Number(info.lastInsertRowid);
    insertVersion.run({ seq, version: 1, source, title: parsed.title, at, actor, bytes: bytesOf(source) });
    index(seq, parsed, false);
    return id;
  };

  /** Writes the next version of a runbook; inside the caller's transaction. */
  const update = (row: FullRow, source: string, parsed: ParsedRunbook, actor: string, at: string): void => {
    updateRunbook.run({
      seq: row.seq,
      source,
      body: parsed.body,
      title: parsed.title,
      tags: JSON.stringify(parsed.tags),
      resources: JSON.stringify(parsed.resources),
      severity: parsed.severity ?? null,
      at,
      actor,
    });
    insertVersion.run({ seq: row.seq, version: row.version + 1, source, title: parsed.title, at, actor, bytes: bytesOf(source) });
    index(row.seq, parsed, true);
  };

  const index = (seq: number, parsed: ParsedRunbook, replace: boolean) => {
    if (replace) {
      clearTags.run(seq);
      clearResources.run(seq);
      deleteFts.run(seq);
    }
    for (const tag of parsed.tags) insertTag.run(seq, tag);
    for (const resource of parsed.resources) insertResource.run({ seq, ...parseResourceRef(resource)! });
    insertFts.run(seq, indexable(parsed.title), parsed.tags.join(' '), indexable(parsed.body));
    tagCache = undefined;
  };

  const rowOf = (id: string) => {
    const row = byId.get(id);
    if (!row) throw notFound(id);
    return row;
  };

  /** The WHERE conditions of a search's filters, on the runbook whose seq is `seq` (`r.seq`, or the FTS rowid). */
  const filtersOf = (q: SearchQuery, args: Record<string, unknown>, seq: string): string[] => {
    const where: string[] = [];
    const tags = [...new Set(q.tags.map((t) => t.trim().toLowerCase().slice(0, MAX_TAG_CHARS)))];
    // One probe of the (runbook, tag) key per tag and row: cheaper than grouping every runbook that carries one.
    tags.forEach((t, i) => {
      args[`t${i}`] = t;
      where.push(`EXISTS (SELECT 1 FROM runbook_tags WHERE runbook_seq = ${seq} AND tag = @t${i})`);
    });
    if (q.resource !== undefined) {
      const ref = parseResourceRef(q.resource);
      if (!ref) throw new AppError('VALIDATION', 'The resource filter must be kind/name, kind/namespace/name or namespace/name, e.g. deployment/payments');
      Object.assign(args, { rk: ref.kind, rns: ref.namespace, rn: ref.name });
      where.push(`EXISTS (SELECT 1 FROM runbook_resources WHERE runbook_seq = ${seq} AND kind = @rk AND name = @rn AND namespace = @rns)`);
    }
    return where;
  };

  const prepared = (sql: string) => {
    let s = searchStatements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      searchStatements.set(sql, s);
    }
    return s;
  };

  return {
    get(id: string) {
      const row = rowOf(id);
      return { ...metaOf(row), source: row.source, body: row.body };
    },

    /**
     * Saves a runbook's whole file: a new runbook without `id`, else its next
     * version; nothing when the source is unchanged (`changed` false).
     *
     * @throws AppError VALIDATION (front matter), NOT_FOUND, CONFLICT (`baseVersion` is not the current version).
     */
    save(input: { id?: string; source: string; baseVersion?: number }, actor: string): { meta: RunbookMeta; changed: boolean } {
      const existing = input.id === undefined ? undefined : rowOf(input.id);
      const fallbackTitle = existing?.path?.split('/').at(-1)?.replace(/\.(md|markdown)$/i, '');
      const parsed = parseRunbook(input.source, { fallbackTitle });
      return db.transaction(() => {
        const at = new Date().toISOString();
        if (input.id === undefined) return { meta: metaOf(rowOf(insert(input.source, parsed, actor, at))), changed: true };
        const row = rowOf(input.id);
        if (input.baseVersion !== undefined && input.baseVersion !== row.version) {
          throw new AppError(
            'CONFLICT',
            `"${row.title}" was saved by ${row.updated_by} at ${row.updated_at} (version ${row.version}) after you opened version ${input.baseVersion}; reload it, then apply your change again`,
          );
        }
        if (row.source === input.source) return { meta: metaOf(row), changed: false };
        update(row, input.source, parsed, actor, at);
        return { meta: metaOf(rowOf(row.id)), changed: true };
      })();
    },

    /** Deletes a runbook with its versions and uses; returns what it was, for the audit entry. */
    delete(id: string): RunbookMeta & { bytes: number } {
      return db.transaction(() => {
        const row = rowOf(id);
        deleteFts.run(row.seq);
        deleteRunbook.run(row.seq);
        tagCache = undefined;
        return { ...metaOf(row), bytes: bytesOf(row.source) };
      })();
    },

    /** Every saved version, newest first. */
    versions(id: string): RunbookVersion[] {
      return versionsOf.all(rowOf(id).seq).map((v) => ({ version: v.version, title: v.title, savedAt: v.saved_at, savedBy: v.saved_by, bytes: v.bytes }));
    },

    version(id: string, version: number): { source: string } {
      const row = rowOf(id);
      const v = versionOf.get(row.seq, version);
      if (!v) throw new AppError('NOT_FOUND', `"${row.title}" has no version ${version}; its versions are 1 to ${row.version}`);
      return { source: v.source };
    },

    /**
     * Ranked search (title over tags over body) with marked title and snippet;
     * without words, every runbook that passes the filters, newest first.
     */
    search(q: SearchQuery): RunbookSearchResult {
      const args: Record<string, unknown> = { limit: q.limit };
      const match = toFtsQuery(q.query);
      tagCache ??= tagCounts.all();
      if (match === undefined) {
        const filters = filtersOf(q, args, 'r.seq');
        const where = filters.length ? `WHERE ${filters.join(' AND ')}` : '';
        const rows = prepared(`SELECT ${META_COLUMNS}, substr(r.body, 1, ${LEAD_CHARS * 4}) AS lead FROM runbooks r ${where} ORDER BY r.updated_at DESC, r.seq DESC LIMIT @limit`).all(args) as (Row & { lead: string })[];
        const total = (prepared(`SELECT count(*) AS n FROM runbooks r ${where}`).get(args) as { n: number }).n;
        return {
          hits: rows.map((r) => ({ ...metaOf(r), titleHighlight: [{ text: r.title, hit: false }], snippet: r.lead ? [{ text: leadOf(r.lead), hit: false }] : [] })),
          total,
          tags: tagCache,
        };
      }
      const filters = filtersOf(q, args, 'runbooks_fts.rowid');
      // The tags also narrow the FTS match, so only runbooks carrying them are ranked; the exact check stays in the filters.
      const tagTerms = [...new Set(q.tags)].map((t) => toFtsQuery(`"${t}"`)).filter((t) => t !== undefined);
      args.match = tagTerms.length ? `(${match}) AND ${tagTerms.map((t) => `tags : ${t}`).join(' AND ')}` : match;
      const where = ['runbooks_fts MATCH @match', ...filters].join(' AND ');
      // Three steps, each cheap: rank every match by an ORDER BY on bm25() (SQLite keeps only the best `limit`; FTS5's own
      // ORDER BY rank re-reads each row and costs twice as much), then mark title and snippet of those alone, then their rows.
      const ranked = prepared(`SELECT runbooks_fts.rowid AS seq FROM runbooks_fts WHERE ${where} ORDER BY ${BM25_OF_FTS}, runbooks_fts.rowid DESC LIMIT @limit`).all(args) as { seq: number }[];
      const total =
        ranked.length < q.limit ? ranked.length : (prepared(`SELECT count(*) AS n FROM runbooks_fts WHERE ${where}`).get(args) as { n: number }).n;
      if (!ranked.length) return { hits: [], total, tags: tagCache };
      const ids = JSON.stringify(ranked.map((r) => r.seq));
      // "+rowid": a scan of the matches, skipping all but these; as a rowid constraint FTS5 would run the query once per id.
      const marked = new Map(
        (
          prepared(
            `SELECT runbooks_fts.rowid AS seq, highlight(runbooks_fts, 0, '${HIT_OPEN}', '${HIT_CLOSE}') AS title,
               snippet(runbooks_fts, 2, '${HIT_OPEN}', '${HIT_CLOSE}', '…', ${SNIPPET_TOKENS}) AS snippet
             FROM runbooks_fts WHERE runbooks_fts MATCH @match AND +runbooks_fts.rowid IN (SELECT value FROM json_each(@ids))`,
          ).all({ match: args.match, ids }) as { seq: number; title: string; snippet: string }[]
        ).map((m) => [m.seq, m]),
      );
      const rows = new Map((prepared(`SELECT ${META_COLUMNS} FROM runbooks r WHERE r.seq IN (SELECT value FROM json_each(@ids))`).all({ ids }) as Row[]).map((r) => [r.seq, r]));
      return {
        hits: ranked.map(({ seq }) => {
          const row = rows.get(seq)!;
          const m = marked.get(seq);
          return { ...metaOf(row), titleHighlight: m ? toHighlighted(m.title) : [{ text: row.title, hit: false }], snippet: m ? toHighlighted(m.snippet) : [] };
        }),
        total,
        tags: tagCache,
      };
    },

    /** Runbooks that name this object, its kind in any namespace, or its namespace. */
    forResource(ref: { kind: string; namespace?: string; name: string }): RunbookMeta[] {
      const kind = canonicalKind(ref.kind);
      // A Namespace object: the runbooks that name it.
      const namespace = kind === 'namespace' ? ref.name : (ref.namespace ?? '');
      return forResourceQuery.all({ kind, namespace, name: ref.name.toLowerCase() }).map(metaOf);
    },

    /** The times this runbook was followed, newest first. */
    uses(id: string): StoredUse[] {
      return usesOf.all(rowOf(id).seq).map(useOf);
    },

    /** Starts a use of the current version with nothing ticked; the oldest beyond {@link MAX_USES} are dropped. */
    startUse(id: string, label: string | undefined, actor: string): StoredUse {
      return db.transaction(() => {
        const row = rowOf(id);
        const at = new Date().toISOString();
        const clean = (label ?? '').replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, LABEL_MAX);
        const useId = `use-${randomUUID().replaceAll('-', '')}`;
        insertUse.run({ id: useId, seq: row.seq, version: row.version, label: clean || `${at.slice(0, 16).replace('T', ' ')} UTC`, at, actor });
        pruneUses.run({ seq: row.seq, keep: MAX_USES });
        return useOf(useById.get(useId)!);
      })();
    },

    /**
     * Ticks or unticks item `item` of a use's checklist: the items of the
     * version the use started on, whatever was saved since.
     *
     * @throws AppError NOT_FOUND for an unknown use; VALIDATION for an item that version does not have.
     */
    check(useId: string, item: number, checked: boolean): StoredUse {
      return db.transaction(() => {
        const use = useById.get(useId);
        if (!use) throw new AppError('NOT_FOUND', 'This use of the runbook no longer exists; start a new one');
        // Every stored version parsed when it was saved; the count is cached by version, so a tick rarely parses.
        const items = checklistItemCount(parseRunbook(use.source).body, `${use.runbook_id}:${use.version}`);
        if (item >= items) {
          throw new AppError('VALIDATION', `Version ${use.version} of this runbook, which this use follows, has ${items} checklist item${items === 1 ? '' : 's'}; there is no item ${item + 1}`);
        }
        const set = new Set(JSON.parse(use.checked) as number[]);
        if (checked) set.add(item);
        else set.delete(item);
        const list = [...set].filter((i) => i < items).sort((a, b) => a - b);
        setChecked.run(JSON.stringify(list), useId);
        return useOf({ ...use, checked: JSON.stringify(list) });
      })();
    },

    /**
     * Stores an import from `folder` (its real path) in one transaction. A
     * file new to the library is added. One imported before from the same
     * folder and path gets a new version only when the file changed since it
     * was last imported or exported; a runbook changed in the app since keeps
     * that change, and if the file changed too it is left as it is and its
     * path listed in `conflicts`. All or nothing.
     */
    importFiles(folder: string, files: readonly StoredFile[], actor: string): ImportOutcome {
      return db.transaction(() => {
        const at = new Date().toISOString();
        const out: ImportOutcome = { added: [], updated: [], unchanged: 0, conflicts: [] };
        for (const f of files) {
          const row = byOrigin.get(folder, f.path);
          const hash = hashOf(f.source);
          if (row?.file_hash === hash) {
            out.unchanged++;
            continue;
          }
          if (row?.source === f.source) {
            setFileHash.run(hash, row.seq);
            out.unchanged++;
            continue;
          }
          if (row && hashOf(row.source) !== row.file_hash) {
            out.conflicts.push(f.path);
            continue;
          }
          // Read as held by the library, yet changed before the store phase (a save meanwhile): parse it now.
          const parsed = f.parsed ?? parseRunbook(f.source, { fallbackTitle: f.path.split('/').at(-1)?.replace(/\.(md|markdown)$/i, '') });
          if (!row) out.added.push(insert(f.source, parsed, actor, at, { folder, path: f.path }));
          else {
            update(row, f.source, parsed, actor, at);
            setFileHash.run(hash, row.seq);
            out.updated.push(row.id);
          }
        }
        return out;
      })();
    },

    /** Whether an import from `folder` need not parse the file at `path` holding `source`: the library holds it, or it is unchanged since last imported. */
    holds(folder: string, path: string, source: string): boolean {
      const row = byOrigin.get(folder, path);
      return row !== undefined && (row.source === source || row.file_hash === hashOf(source));
    },

    /**
     * Records that runbook `id`'s `source` was written to `path` in `folder`
     * (its real path): a runbook with no folder yet takes this one, so
     * importing the folder back updates it rather than adding a copy.
     */
    recordExport(id: string, folder: string, path: string, source: string): void {
      recordExported.run({ id, folder, path, source, hash: hashOf(source) });
    },

    /** Adds the starters not in the library (by key); none is replaced. Returns the ids added. */
    addStarters(starters: readonly StarterRunbook[], actor: string): string[] {
      return db.transaction(() => {
        const have = new Set(starterKeys.all().map((r) => r.starter));
        const at = new Date().toISOString();
        return starters.filter((s) => !have.has(s.key)).map((s) => insert(s.source, parseRunbook(s.source, { fallbackTitle: s.key }), actor, at, { starter: s.key }));
      })();
    },

    /** The runbooks to export: all of them, or those of `ids` (unknown ids refused); without their sources, read one at a time. */
    exportItems(ids?: readonly string[]): ExportItem[] {
      const rows = ids ? ids.map((id) => rowOf(id)) : (db.prepare(`SELECT ${META_COLUMNS} FROM runbooks r ORDER BY r.seq`).all() as Row[]);
      return rows.map((r) => ({ id: r.id, title: r.title, ...(r.path ? { path: r.path } : {}) }));
    },

    /** A runbook's current source; undefined once it is deleted. */
    sourceOf(id: string): string | undefined {
      return sourceById.get(id)?.source;
    },
  };
}
