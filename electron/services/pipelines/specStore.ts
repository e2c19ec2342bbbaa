/**
 * The pipeline spec library in the data file: each save of a spec is a
 * version (its text, message, author and time), written with the spec's row
 * in one transaction, so a failure leaves nothing half-saved. A spec's text
 * must read as YAML within the shared guards before it is stored; its kinds
 * and document count are kept for the list.
 */
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SpecName, type SpecApply, type SpecMeta, type SpecVersion, type Spec } from '../../../shared/contract/pipelines';
import { AppError } from '../../../shared/result';
import type { Database } from '../store/database';
import { specKinds, type ParsedSpec } from './specDocuments';
import { parseSpecOffLoop } from './specParsePool';


/** What a save asks for; `connectionId` and `namespace` absent: none. */
export interface SaveInput {
  id?: string;
  name: string;
  connectionId?: string;
  namespace?: string;
  text: string;
  message: string;
  baseVersion?: number;
}

/** A spec file to import: its path relative to the folder (`/`-separated), the name it maps to, and its text read and parsed. */
export interface SpecFile {
  path: string;
  name: string;
  text: string;
  parsed: ParsedSpec;
}

/** What an import changed, by spec id; `conflicts` and `clashes` by file path. */
export interface SpecImportOutcome {
  added: string[];
  updated: string[];
  unchanged: number;
  /** Files changed in the folder whose specs were also changed in the app since: left as they are. */
  conflicts: string[];
  /** Files whose name another spec holds (made in the app, or imported from another path): left out, with the reason. */
  clashes: { path: string; reason: string }[];
}

/** An apply as it starts: the version sent and where. */
export interface ApplyStart {
  specId: string;
  version: number;
  connectionId: string;
  namespace?: string;
  taskId: string;
  actor: string;
}

/** How an apply ended. */
export interface ApplyEnd {
  outcome: Exclude<SpecApply['outcome'], 'running' | 'interrupted'>;
  applied: number;
  failed: number;
  notAttempted: number;
}

interface Row {
  id: string;
  name: string;
  connection_id: string | null;
  namespace: string | null;
  kinds: string;
  documents: number;
  version: number;
  source_root: string | null;
  source_path: string | null;
  file_hash: string | null;
  git_file: string | null;
  updated_at: string;
  updated_by: string;
}
interface FullRow extends Row {
  text: string;
}
interface ApplyRow {
  version: number;
  connection_id: string;
  namespace: string | null;
  task_id: string;
  actor: string;
  started_at: string;
  finished_at: string | null;
  outcome: SpecApply['outcome'];
  applied: number;
  failed: number;
  not_attempted: number;
}

const COLUMNS = 's.id, s.name, s.connection_id, s.namespace, s.kinds, s.documents, s.version, s.source_root, s.source_path, s.file_hash, s.git_file, s.updated_at, s.updated_by';
const FULL = `SELECT ${COLUMNS}, v.text FROM pipeline_specs s JOIN pipeline_spec_versions v ON v.spec_id = s.id AND v.version = s.version`;

const metaOf = (r: Row): SpecMeta => ({
  id: r.id,
  name: r.name,
  ...(r.connection_id !== null ? { connectionId: r.connection_id } : {}),
  ...(r.namespace !== null ? { namespace: r.namespace } : {}),
  kinds: JSON.parse(r.kinds) as string[],
  documents: r.documents,
  version: r.version,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
  ...(r.source_path !== null ? { path: r.source_path } : {}),
});

const applyOf = (r: ApplyRow): SpecApply => ({
  version: r.version,
  connectionId: r.connection_id,
  ...(r.namespace !== null ? { namespace: r.namespace } : {}),
  taskId: r.task_id,
  actor: r.actor,
  startedAt: r.started_at,
  ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
  outcome: r.outcome,
  applied: r.applied,
  failed: r.failed,
  notAttempted: r.not_attempted,
});

/** `sp-` and 20 random base-36 characters (about 103 bits). */
const newId = () => `sp-${[...randomBytes(20)].map((b) => (b % 36).toString(36)).join('')}`;

const hashOf = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const notFound = (id: string) => new AppError('NOT_FOUND', `There is no spec ${id}; someone may have deleted it`);

/** The name as stored: trimmed, and within the contract's rules (an import makes names the contract never saw). */
function checkedName(name: string): string {
  const parsed = SpecName.safeParse(name);
  if (!parsed.success) throw new AppError('VALIDATION', `The spec name ${JSON.stringify(name.slice(0, 60))} is not allowed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/**
 * The spec's text read (a large one off the event loop, see specParsePool.ts),
 * or refused: FILE_TOO_LARGE past the limit, YAML_INVALID past the shared
 * guards, VALIDATION naming the first problem's line.
 */
export async function checkedSpec(text: string, label: string): Promise<ParsedSpec> {
  const parsed = await parseSpecOffLoop(text, label);
  const first = parsed.problems.find((p) => p.severity === 'error');
  if (first) {
    const more = parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more)` : '';
    throw new AppError('VALIDATION', `${label}, line ${first.line}: ${first.message}${more}`, { file: label, line: first.line, ...(first.column ? { column: first.column } : {}) });
  }
  return parsed;
}

/** The pipeline spec library over one data file. */
export type SpecStore = ReturnType<typeof createSpecStore>;

/**
 * Prepares the library's statements over a migrated data file, and marks the
 * applies still running there `interrupted`: the store is made as the
 * services start, when none can be, so those were cut short by a crash.
 */
export function createSpecStore(db: Database) {
  db.prepare(`UPDATE pipeline_spec_applies SET outcome = 'interrupted', finished_at = ? WHERE outcome = 'running'`).run(new Date().toISOString());
  const byId = db.prepare<[string], FullRow>(`${FULL} WHERE s.id = ?`);
  const bySource = db.prepare<[string, string], FullRow>(`${FULL} WHERE s.source_root = ? AND s.source_path = ? ORDER BY s.created_at LIMIT 1`);
  const byName = db.prepare<[string], FullRow>(`${FULL} WHERE s.name = ?`);
  const all = db.prepare<[], Row>(`SELECT ${COLUMNS} FROM pipeline_specs s ORDER BY s.name COLLATE NOCASE, s.name`);
  const insertSpec = db.prepare(
    `INSERT INTO pipeline_specs (id, name, connection_id, namespace, kinds, documents, version, source_root, source_path, file_hash, created_at, updated_at, updated_by)
     VALUES (@id, @name, @connectionId, @namespace, @kinds, @documents, 1, @sourceRoot, @sourcePath, @fileHash, @at, @at, @actor)`,
  );
  const updateSpec = db.prepare(
    `UPDATE pipeline_specs SET name = @name, connection_id = @connectionId, namespace = @namespace, kinds = @kinds, documents = @documents,
       version = version + 1, updated_at = @at, updated_by = @actor WHERE id = @id`,
  );
  const insertVersion = db.prepare(
    `INSERT INTO pipeline_spec_versions (spec_id, version, text, message, saved_at, saved_by) VALUES (@id, @version, @text, @message, @at, @actor)`,
  );
  const setSynced = db.prepare(`UPDATE pipeline_specs SET source_root = ?, source_path = ?, file_hash = ? WHERE id = ?`);
  // A spec takes the file it was exported to if it has none and no other spec holds that file; its own file's hash moves on.
  const recordExported = db.prepare(
    `UPDATE pipeline_specs SET source_root = @root, source_path = @path, file_hash = @hash WHERE id = @id
       AND ((source_root = @root AND source_path = @path)
         OR (source_path IS NULL AND NOT EXISTS (SELECT 1 FROM pipeline_specs WHERE source_root = @root AND source_path = @path)))`,
  );
  const deleteSpec = db.prepare(`DELETE FROM pipeline_specs WHERE id = ?`);
  const versionsOf = db.prepare<[string], { version: number; message: string; saved_at: string; saved_by: string; bytes: number; git_commit: string | null }>(
    `SELECT version, message, saved_at, saved_by, length(CAST(text AS BLOB)) AS bytes, git_commit FROM pipeline_spec_versions WHERE spec_id = ? ORDER BY version DESC`,
  );
  const versionOf = db.prepare<[string, number], { text: string; message: string; saved_by: string; git_commit: string | null }>(
    `SELECT text, message, saved_by, git_commit FROM pipeline_spec_versions WHERE spec_id = ? AND version = ?`,
  );
  const setGitCommit = db.prepare(`UPDATE pipeline_spec_versions SET git_commit = ? WHERE spec_id = ? AND version = ?`);
  const setGitFile = db.prepare(`UPDATE pipeline_specs SET git_file = ? WHERE id = ?`);
  const gitFilesBesides = db.prepare<[string], string>(`SELECT git_file FROM pipeline_specs WHERE git_file IS NOT NULL AND id <> ?`).pluck();
  const insertApply = db.prepare(
    `INSERT INTO pipeline_spec_applies (spec_id, version, connection_id, namespace, task_id, actor, started_at, outcome)
     VALUES (@specId, @version, @connectionId, @namespace, @taskId, @actor, @at, 'running')`,
  );
  const endApply = db.prepare(
    `UPDATE pipeline_spec_applies SET finished_at = @at, outcome = @outcome, applied = @applied, failed = @failed, not_attempted = @notAttempted
     WHERE id = @applyId AND outcome = 'running'`,
  );
  const appliesOf = db.prepare<[string], ApplyRow>(`SELECT * FROM pipeline_spec_applies WHERE spec_id = ? ORDER BY started_at DESC, id DESC`);

  const rowOf = (id: string) => {
    const row = byId.get(id);
    if (!row) throw notFound(id);
    return row;
  };

  const refuseTakenName = (name: string, id: string | undefined) => {
    const other = byName.get(name);
    if (other && other.id !== id) throw new AppError('CONFLICT', `Another spec is named "${name}"; choose another name or open that one`);
  };

  /** Writes a new spec and its first version; inside the caller's transaction. */
  const insert = (fields: { name: string; connectionId?: string; namespace?: string; source?: { root: string; path: string } }, text: string, parsed: ParsedSpec, message: string, actor: string, at: string): string => {
    const id = newId();
    insertSpec.run({
      id,
      name: fields.name,
      connectionId: fields.connectionId ?? null,
      namespace: fields.namespace ?? null,
      kinds: JSON.stringify(specKinds(parsed)),
      documents: parsed.documents.length,
      sourceRoot: fields.source?.root ?? null,
      sourcePath: fields.source?.path ?? null,
      fileHash: fields.source === undefined ? null : hashOf(text),
      at,
      actor,
    });
    insertVersion.run({ id, version: 1, text, message, at, actor });
    return id;
  };

  /** Writes the next version of a spec; inside the caller's transaction. */
  const update = (row: Row, fields: { name: string; connectionId: string | null; namespace: string | null }, text: string, parsed: ParsedSpec, message: string, actor: string, at: string): void => {
    updateSpec.run({ id: row.id, ...fields, kinds: JSON.stringify(specKinds(parsed)), documents: parsed.documents.length, at, actor });
    insertVersion.run({ id: row.id, version: row.version + 1, text, message, at, actor });
  };

  const checkBase = (row: Row, baseVersion: number | undefined) => {
    if (baseVersion !== undefined && baseVersion !== row.version) {
      throw new AppError(
        'CONFLICT',
        `"${row.name}" was saved by ${row.updated_by} at ${row.updated_at} (version ${row.version}) after you opened version ${baseVersion}; your text is kept in the editor: reload the spec, then apply your change again`,
      );
    }
  };

  return {
    /** Every spec, by name. */
    list(): SpecMeta[] {
      return all.all().map(metaOf);
    },

    /** A spec with its current text. @throws AppError NOT_FOUND */
    get(id: string): Spec {
      const row = rowOf(id);
      return { ...metaOf(row), text: row.text };
    },

    /**
     * Saves a spec: a new one without `id`, else its next version. A save
     * that changes neither text, name nor target is not a version (`changed` false).
     *
     * @throws AppError VALIDATION (name, or the text's first problem with its line), FILE_TOO_LARGE,
     * YAML_INVALID (shared guards), NOT_FOUND, CONFLICT (stale `baseVersion`, or a name another spec has).
     */
    async save(input: SaveInput, actor: string): Promise<{ meta: SpecMeta; changed: boolean }> {
      const name = checkedName(input.name);
      const parsed = await checkedSpec(input.text, name);
      const fields = { name, connectionId: input.connectionId ?? null, namespace: input.namespace ?? null };
      return db.transaction(() => {
        const at = new Date().toISOString();
        if (input.id === undefined) {
          refuseTakenName(name, undefined);
          const id = insert({ name, connectionId: input.connectionId, namespace: input.namespace }, input.text, parsed, input.message, actor, at);
          return { meta: metaOf(rowOf(id)), changed: true };
        }
        const row = rowOf(input.id);
        checkBase(row, input.baseVersion);
        if (row.text === input.text && row.name === name && row.connection_id === fields.connectionId && row.namespace === fields.namespace) return { meta: metaOf(row), changed: false };
        refuseTakenName(name, row.id);
        update(row, fields, input.text, parsed, input.message, actor, at);
        return { meta: metaOf(rowOf(row.id)), changed: true };
      })();
    },

    /**
     * Saves version `version`'s text as the next version ("Revert to v3"),
     * keeping the spec's name and target. Reverting to the text it already
     * has is not a version.
     *
     * @throws AppError NOT_FOUND (spec or version), CONFLICT (stale `baseVersion`).
     */
    async revert(id: string, version: number, baseVersion: number, actor: string): Promise<{ meta: SpecMeta; changed: boolean }> {
      const read = rowOf(id);
      checkBase(read, baseVersion);
      const old = versionOf.get(id, version);
      if (!old) throw new AppError('NOT_FOUND', `"${read.name}" has no version ${version}; its versions are 1 to ${read.version}`);
      if (old.text === read.text) return { meta: metaOf(read), changed: false };
      const parsed = await checkedSpec(old.text, read.name);
      return db.transaction(() => {
        // Read again: another save may have come in while the text was parsed.
        const row = rowOf(id);
        checkBase(row, baseVersion);
        update(row, { name: row.name, connectionId: row.connection_id, namespace: row.namespace }, old.text, parsed, `Revert to v${version}`, actor, new Date().toISOString());
        return { meta: metaOf(rowOf(id)), changed: true };
      })();
    },

    /**
     * Deletes a spec with its versions and applies; returns what it was, for
     * the audit entry, with its file in the spec repository, for removing it.
     * @throws AppError NOT_FOUND
     */
    delete(id: string): SpecMeta & { gitFile?: string } {
      return db.transaction(() => {
        const row = rowOf(id);
        deleteSpec.run(id);
        return { ...metaOf(row), ...(row.git_file !== null ? { gitFile: row.git_file } : {}) };
      })();
    },

    /** Every saved version, newest first. */
    versions(id: string): SpecVersion[] {
      rowOf(id);
      return versionsOf.all(id).map((v) => ({
        version: v.version,
        message: v.message,
        savedAt: v.saved_at,
        savedBy: v.saved_by,
        bytes: v.bytes,
        ...(v.git_commit ? { gitCommit: v.git_commit } : {}),
      }));
    },

    /** One version's text, message and author. @throws AppError NOT_FOUND */
    version(id: string, version: number): { text: string; message: string; savedBy: string } {
      const row = rowOf(id);
      const v = versionOf.get(id, version);
      if (!v) throw new AppError('NOT_FOUND', `"${row.name}" has no version ${version}; its versions are 1 to ${row.version}`);
      return { text: v.text, message: v.message, savedBy: v.saved_by };
    },

    /** Records the commit that holds a version in the spec repository. */
    setGitCommit(id: string, version: number, commit: string): void {
      setGitCommit.run(commit, id, version);
    },

    /** The spec's file in the spec repository, once it has been committed. @throws AppError NOT_FOUND */
    gitFile(id: string): string | undefined {
      return rowOf(id).git_file ?? undefined;
    },

    /** The files in the spec repository of every spec but `id`. */
    gitFilesBesides(id: string): string[] {
      return gitFilesBesides.all(id);
    },

    /** Records the spec's file in the spec repository (a commit into it went through). */
    setGitFile(id: string, file: string): void {
      setGitFile.run(file, id);
    },

    /** Records an apply as it starts (`running`); returns its key for {@link recordApplyEnd}. @throws AppError NOT_FOUND */
    recordApplyStart(start: ApplyStart): number {
      rowOf(start.specId);
      return Number(insertApply.run({ ...start, namespace: start.namespace ?? null, at: new Date().toISOString() }).lastInsertRowid);
    },

    /** Records how an apply ended; an apply already ended (or whose spec was deleted) is left as it is. */
    recordApplyEnd(applyId: number, end: ApplyEnd): void {
      endApply.run({ applyId, ...end, at: new Date().toISOString() });
    },

    /** The spec's applies, newest first. @throws AppError NOT_FOUND */
    applies(id: string): SpecApply[] {
      rowOf(id);
      return appliesOf.all(id).map(applyOf);
    },

    /**
     * Stores an import from the folder `root` (its real path) in one
     * transaction, all or nothing. A file is matched to the spec imported from
     * (or exported to) the same path of the same folder, else to the spec of
     * its name; a spec of its name from another file, in this folder or
     * another, is a clash. A new file is added. A file unchanged since it was
     * last imported or exported is left as it is, whatever the app changed
     * since. A changed file updates its spec when the spec was not changed in
     * the app since; otherwise it is listed in `conflicts`, not stored.
     */
    importFiles(root: string, files: readonly SpecFile[], actor: string): SpecImportOutcome {
      return db.transaction(() => {
        const at = new Date().toISOString();
        const out: SpecImportOutcome = { added: [], updated: [], unchanged: 0, conflicts: [], clashes: [] };
        for (const f of files) {
          const row = bySource.get(root, f.path) ?? byName.get(f.name);
          if (!row) {
            out.added.push(insert({ name: f.name, source: { root, path: f.path } }, f.text, f.parsed, `Imported from ${f.path}`, actor, at));
            continue;
          }
          if (row.source_root !== null && row.source_path !== null && (row.source_root !== root || row.source_path !== f.path)) {
            const from = row.source_root === root ? row.source_path : join(row.source_root, row.source_path);
            out.clashes.push({ path: f.path, reason: `its name "${f.name}" is the spec imported from ${from}; rename the file` });
            continue;
          }
          const hash = hashOf(f.text);
          if (row.text === f.text || row.file_hash === hash) {
            if (row.text === f.text) setSynced.run(root, f.path, hash, row.id);
            out.unchanged++;
            continue;
          }
          if (row.source_path === null) {
            out.clashes.push({ path: f.path, reason: `a spec named "${f.name}" made in the app holds other text; rename the file or that spec` });
            continue;
          }
          if (row.file_hash !== hashOf(row.text)) {
            out.conflicts.push(f.path);
            continue;
          }
          update(row, { name: row.name, connectionId: row.connection_id, namespace: row.namespace }, f.text, f.parsed, `Imported from ${f.path}`, actor, at);
          setSynced.run(root, f.path, hash, row.id);
          out.updated.push(row.id);
        }
        return out;
      })();
    },

    /** The specs to export, all or those of `ids` (unknown ids refused), without their texts. @throws AppError NOT_FOUND */
    exportItems(ids?: readonly string[]): { id: string; name: string; path?: string }[] {
      const rows = ids ? ids.map((id) => rowOf(id)) : all.all();
      return rows.map((r) => ({ id: r.id, name: r.name, ...(r.source_path !== null ? { path: r.source_path } : {}) }));
    },

    /** A spec's current text; undefined once it is deleted. */
    textOf(id: string): string | undefined {
      return byId.get(id)?.text;
    },

    /**
     * Records that a spec's `text` was written at `path` in the export folder
     * `root` (its real path): a spec with no file yet takes it, so importing
     * the file back (edited or not) updates that spec rather than adding a copy.
     */
    recordExport(id: string, root: string, path: string, text: string): void {
      recordExported.run({ id, root, path, hash: hashOf(text) });
    },
  };
}
