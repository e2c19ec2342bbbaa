/**
 * The editor's schemas (#20): for the kinds a spec holds, the cluster's own
 * OpenAPI v3 schemas, cached per group-version in `openapi_documents` so the
 * editor validates offline, else the schemas bundled for core kinds.
 *
 * The cluster's `/openapi/v3` index names each group-version's document with
 * a hash of its content: a document whose hash has not changed is read from
 * the cache, not fetched again. Only the group-versions of the kinds asked
 * are fetched (a cluster with many CRDs serves hundreds); `refresh` fetches
 * all. What a kind reaches is reduced and converted once per document and
 * kept in memory, so asking again for the same kinds costs no parse.
 */
import type { SchemaKind, SpecSchema } from '../../../../shared/contract/pipelines';
import { AppError } from '../../../../shared/result';
import type { KubeAccess } from '../../kube/client/kubeAccess';
import type { Logger } from '../../logging/logger';
import type { Database } from '../../store/database';
import { loadBundledSchemas, type BundledSchemas } from './bundledSchemas';
import { kubeFetchDocument, type FetchDocument } from './fetchDocument';
import { documentKinds, groupVersionPath, kindKey, kindSchema, specSchemaOf, type DocumentKinds, type KindSchema } from './openapiSchema';
import { createSchemaParsePool, type SchemaParser } from './schemaParser';

/** How long and how much the service waits for and reads; the defaults suit the app, tests shrink them. */
export interface SchemaLimits {
  /** The index answers at once when the cluster is there; past this the cluster counts as offline and the cache serves. */
  indexDeadlineMs: number;
  /** One group-version's document (a few MB; a CRD-heavy group more) over a slow VPN. */
  documentDeadlineMs: number;
  /**
   * Characters of one document read at most. The largest built-in document
   * (`api/v1`) is ~2 MB and big CRD groups ~10 MB; past this a hostile or
   * broken server is cut off, and its kinds edit without a schema.
   */
  maxDocumentChars: number;
  /** How long an index read is trusted before the next call asks again (one small GET). */
  indexTtlMs: number;
  /** How old an index may be before a kind it lacks has it read again (a CRD just installed). */
  missingRecheckMs: number;
  /** How long an index that could not be read is not asked again: offline, each keystroke's schema would wait out the deadline. */
  offlineRetryMs: number;
  /** Kinds whose reduced schema is kept in memory, least recently used dropped first. */
  cachedKinds: number;
  /** Documents fetched at once by `refresh`. */
  parallelFetches: number;
}

const DEFAULT_LIMITS: SchemaLimits = {
  indexDeadlineMs: 5_000,
  documentDeadlineMs: 60_000,
  maxDocumentChars: 64 * 1024 * 1024,
  indexTtlMs: 60_000,
  missingRecheckMs: 5_000,
  offlineRetryMs: 15_000,
  cachedKinds: 256,
  parallelFetches: 4,
};

/** Characters of the index read at most: one line per group-version, a few hundred bytes each. */
const MAX_INDEX_CHARS = 8 * 1024 * 1024;

/** What {@link createSchemaService} works with. */
export interface SchemaServiceDeps {
  db: Database;
  access: Pick<KubeAccess, 'config'>;
  log: Logger;
  /** How documents are fetched; default: GET over the connection's auth (see fetchDocument.ts). Tests count calls here. */
  fetchDocument?: FetchDocument;
  /** Where documents are parsed; default: a worker thread (schemaParser.ts). */
  parser?: SchemaParser;
  /** The schemas bundled with the app; default: resources/schemas. */
  bundled?: () => BundledSchemas | undefined;
  limits?: Partial<SchemaLimits>;
}

/** The editor's schemas; see the top of this file. */
export interface SchemaService {
  /**
   * One JSON Schema for documents of `kinds`, and where each kind's came
   * from: the cluster (its document current now), the cache (the cluster
   * could not be asked; as of `fetchedAt`), the bundled core schemas (never
   * cached, or no connection given), or none, with a notice saying why.
   * Never rejects for a kind it cannot find.
   */
  schemaFor(connectionId: string | undefined, kinds: readonly SchemaKind[]): Promise<SpecSchema>;
  /**
   * Forgets what memory holds of the connection's schemas, then reads the
   * index and fetches every group-version whose document changed (all, the
   * first time); group-versions the cluster no longer serves leave the
   * cache. Rejects when the index cannot be read.
   */
  refresh(connectionId: string): Promise<{ groupVersions: number; fetched: number }>;
  /** Forgets the connection's schemas, the cached documents too: it was deleted, or its cluster may be another. */
  forget(connectionId: string): void;
  /** Ends the parse worker. */
  close(): Promise<void>;
}

/** One group-version in the index: the URL to fetch it by and its content hash. */
interface IndexEntry {
  url: string;
  hash: string;
}

interface StoredRow {
  hash: string;
  fetched_at: string;
}

type KindOutcome = SpecSchema['kinds'][number];

/** A `.` or `..` path segment, plain or percent-encoded: resolved, it would climb out of `/openapi/v3/` (and out of a proxy's cluster prefix). */
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/** `api/v1`, `apis/apps/v1`: what {@link groupVersionPath} makes of an apiVersion. */
const GROUP_VERSION = /^(api\/[^/]+|apis\/[^/]+\/[^/]+)$/;

/**
 * The cluster's `/openapi/v3` index: group-version (`apis/apps/v1`) → its
 * document's URL and hash. Only group-versions are kept: the index also
 * lists `version`, `.well-known/openid-configuration` and the like, which
 * serve no kinds. Entries whose URL is not under `/openapi/v3/` are left
 * out, so a hostile index cannot send the service elsewhere. Throws a plain
 * Error when the text is not an index.
 */
export function parseIndex(text: string): Map<string, IndexEntry> {
  const parsed: unknown = JSON.parse(text);
  const paths = typeof parsed === 'object' && parsed !== null ? (parsed as { paths?: unknown }).paths : undefined;
  if (typeof paths !== 'object' || paths === null || Array.isArray(paths)) throw new Error('it has no "paths"');
  const index = new Map<string, IndexEntry>();
  for (const [gv, entry] of Object.entries(paths)) {
    if (!GROUP_VERSION.test(gv)) continue;
    const url = (entry as { serverRelativeURL?: unknown } | null)?.serverRelativeURL;
    if (typeof url !== 'string' || !url.startsWith('/openapi/v3/') || DOT_SEGMENT.test(url.split(/[?#]/, 1)[0])) continue;
    const hash = new URL(url, 'http://index.invalid').searchParams.get('hash') ?? url;
    index.set(gv, { url, hash });
  }
  return index;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The {@link SchemaService} over the data file and the connections' clusters. */
export function createSchemaService(deps: SchemaServiceDeps): SchemaService {
  const { db, log } = deps;
  const limits: SchemaLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const fetchDocument = deps.fetchDocument ?? kubeFetchDocument(deps.access);
  const loadBundled = deps.bundled ?? loadBundledSchemas;
  const parser = deps.parser ?? createSchemaParsePool(log);

  const selectRow = db.prepare<[string, string], StoredRow>('SELECT hash, fetched_at FROM openapi_documents WHERE connection_id = ? AND group_version = ?');
  const selectBody = db.prepare<[string, string, string], { body_gzip: Buffer }>('SELECT body_gzip FROM openapi_documents WHERE connection_id = ? AND group_version = ? AND hash = ?');
  const upsert = db.prepare(
    `INSERT INTO openapi_documents (connection_id, group_version, hash, body_gzip, fetched_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (connection_id, group_version) DO UPDATE SET hash = excluded.hash, body_gzip = excluded.body_gzip, fetched_at = excluded.fetched_at`,
  );
  const selectGroupVersions = db.prepare<[string], { group_version: string }>('SELECT group_version FROM openapi_documents WHERE connection_id = ?');
  const deleteRow = db.prepare('DELETE FROM openapi_documents WHERE connection_id = ? AND group_version = ?');
  const deleteAll = db.prepare('DELETE FROM openapi_documents WHERE connection_id = ?');

  const indexes = new Map<string, { at: number; index: Map<string, IndexEntry> } | { at: number; failed: unknown }>();
  const indexInFlight = new Map<string, Promise<Map<string, IndexEntry>>>();
  /** Documents being fetched, by connection and group-version: callers meanwhile share the fetch. */
  const documentInFlight = new Map<string, Promise<StoredRow>>();
  /** Bumped when a connection is forgotten: a fetch started before keeps nothing. */
  const generations = new Map<string, number>();
  /** Reduced kinds, least recently used first; `null`: the document serves no such kind. Keys start with the connection id. */
  const reduced = new Map<string, KindSchema | null>();
  let bundled: { serverVersion: string; kinds: DocumentKinds } | null | undefined;

  const remember = (key: string, value: KindSchema | null) => {
    reduced.delete(key);
    reduced.set(key, value);
    while (reduced.size > limits.cachedKinds) reduced.delete(reduced.keys().next().value!);
  };
  const recall = (key: string): KindSchema | null | undefined => {
    const value = reduced.get(key);
    if (value !== undefined) remember(key, value);
    return value;
  };

  const readIndex = (connectionId: string, fresh: boolean): Promise<Map<string, IndexEntry>> => {
    const known = indexes.get(connectionId);
    if (!fresh && known && 'index' in known && Date.now() - known.at < limits.indexTtlMs) return Promise.resolve(known.index);
    if (!fresh && known && 'failed' in known && Date.now() - known.at < limits.offlineRetryMs) return Promise.reject(known.failed);
    const running = indexInFlight.get(connectionId);
    if (running) return running;
    const asked = fetchDocument(connectionId, '/openapi/v3', { deadlineMs: limits.indexDeadlineMs, maxChars: MAX_INDEX_CHARS })
      .then((text) => {
        let index: Map<string, IndexEntry>;
        try {
          index = parseIndex(text);
        } catch (err) {
          throw new AppError('UNREACHABLE', `The cluster's /openapi/v3 index cannot be read (${message(err)})`);
        }
        if (indexInFlight.get(connectionId) === asked) indexes.set(connectionId, { at: Date.now(), index });
        return index;
      })
      .catch((err: unknown) => {
        if (indexInFlight.get(connectionId) === asked) indexes.set(connectionId, { at: Date.now(), failed: err });
        throw err;
      })
      .finally(() => {
        if (indexInFlight.get(connectionId) === asked) indexInFlight.delete(connectionId);
      });
    indexInFlight.set(connectionId, asked);
    return asked;
  };

  /** Fetches a document, checks it reads as one, and stores it; the stored row's hash and time. */
  const fetchAndStore = (connectionId: string, gv: string, entry: IndexEntry): Promise<StoredRow> => {
    const key = `${connectionId}\0${gv}`;
    const running = documentInFlight.get(key);
    if (running) return running;
    const generation = generations.get(connectionId) ?? 0;
    const fetched = (async () => {
      const text = await fetchDocument(connectionId, entry.url, { deadlineMs: limits.documentDeadlineMs, maxChars: limits.maxDocumentChars });
      const packed = await parser.pack(gv, text);
      const body = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
      const row = { hash: entry.hash, fetched_at: new Date().toISOString() };
      // Forgotten meanwhile (the connection deleted, its cluster replaced): the document is not kept.
      if ((generations.get(connectionId) ?? 0) === generation) upsert.run(connectionId, gv, row.hash, body, row.fetched_at);
      return row;
    })().finally(() => {
      if (documentInFlight.get(key) === fetched) documentInFlight.delete(key);
    });
    documentInFlight.set(key, fetched);
    return fetched;
  };

  /** Reduces each of `kinds` from the stored document `row` of `gv`, from memory when done before. */
  const reduceStored = async (connectionId: string, gv: string, row: StoredRow, kinds: readonly SchemaKind[]): Promise<Map<string, KindSchema | null>> => {
    const keyOf = (k: SchemaKind) => `${connectionId}\0${gv}\0${row.hash}\0${kindKey(k.apiVersion, k.kind)}`;
    const out = new Map<string, KindSchema | null>();
    const missing: SchemaKind[] = [];
    for (const k of kinds) {
      const known = recall(keyOf(k));
      if (known === undefined) missing.push(k);
      else out.set(kindKey(k.apiVersion, k.kind), known);
    }
    if (missing.length === 0) return out;
    const stored = selectBody.get(connectionId, gv, row.hash);
    if (!stored) throw new AppError('NOT_FOUND', `The cached API schema for ${gv} was replaced meanwhile; ask again`);
    const schemas = await parser.reduce(stored.body_gzip, missing);
    missing.forEach((k, i) => {
      remember(keyOf(k), schemas[i]);
      out.set(kindKey(k.apiVersion, k.kind), schemas[i]);
    });
    return out;
  };

  const bundledKinds = () => {
    if (bundled === undefined) {
      try {
        const loaded = loadBundled();
        bundled = loaded ? { serverVersion: loaded.serverVersion, kinds: documentKinds(loaded.document) } : null;
      } catch (err) {
        log.error('the bundled schemas cannot be read', { error: err });
        bundled = null;
      }
    }
    return bundled;
  };

  /** The bundled schema of `k`, or undefined when none is bundled. */
  const fromBundle = (k: SchemaKind): { schema: KindSchema; serverVersion: string } | undefined => {
    const b = bundledKinds();
    if (!b) return undefined;
    const key = `\0bundled\0${kindKey(k.apiVersion, k.kind)}`;
    let schema = recall(key);
    if (schema === undefined) {
      schema = kindSchema(b.kinds, k.apiVersion, k.kind) ?? null;
      remember(key, schema);
    }
    return schema ? { schema, serverVersion: b.serverVersion } : undefined;
  };

  /** Each of `kinds` (all of one group-version) from the bundle, or none with `why`. */
  const bundledOrNone = (kinds: readonly SchemaKind[], why: string, schemas: KindSchema[]): KindOutcome[] =>
    kinds.map((k) => {
      const found = fromBundle(k);
      if (!found) return { ...k, source: 'none', notice: `${why}, and no schema of ${k.kind} is bundled` };
      schemas.push(found.schema);
      return { ...k, source: 'bundled', notice: `${why}: using the schema bundled with Pilothouse (Kubernetes ${found.serverVersion})` };
    });

  /** The outcome of each of `kinds` (all of group-version `gv`) from the cluster, the cache or the bundle. */
  const kindsOf = async (
    connectionId: string,
    gv: string,
    kinds: readonly SchemaKind[],
    index: Map<string, IndexEntry> | AppError,
    schemas: KindSchema[],
  ): Promise<KindOutcome[]> => {
    const apiVersion = kinds[0].apiVersion;
    let row: StoredRow | undefined = selectRow.get(connectionId, gv);
    let source: 'cluster' | 'cache' = 'cache';
    let notice: string | undefined;
    if (index instanceof AppError) {
      if (!row) return bundledOrNone(kinds, `The cluster could not be asked (${index.message}) and its schemas for ${apiVersion} were never cached`, schemas);
    } else {
      const entry = index.get(gv);
      if (!entry) return kinds.map((k) => ({ ...k, source: 'none', notice: `The cluster serves no ${apiVersion}` }));
      if (row?.hash === entry.hash) {
        source = 'cluster';
      } else {
        try {
          row = await fetchAndStore(connectionId, gv, entry);
          source = 'cluster';
        } catch (err) {
          log.warn('could not fetch a group-version\'s API schema', { connectionId, groupVersion: gv, error: err });
          if (!row) return bundledOrNone(kinds, message(err), schemas);
          notice = `The cluster's newest schema for ${apiVersion} could not be read (${message(err)}); using the one cached`;
        }
      }
    }
    let found: Map<string, KindSchema | null>;
    try {
      found = await reduceStored(connectionId, gv, row, kinds);
    } catch (err) {
      log.warn('could not read a cached API schema', { connectionId, groupVersion: gv, error: err });
      return bundledOrNone(kinds, `The cached schema for ${apiVersion} cannot be read (${message(err)})`, schemas);
    }
    return kinds.map((k) => {
      const schema = found.get(kindKey(k.apiVersion, k.kind));
      if (!schema) return { ...k, source: 'none', notice: `The cluster serves no kind ${k.kind} in ${apiVersion}` };
      schemas.push(schema);
      return { ...k, source, fetchedAt: row.fetched_at, ...(notice ? { notice } : {}) };
    });
  };

  const forgetMemory = (connectionId: string) => {
    indexes.delete(connectionId);
    indexInFlight.delete(connectionId);
    for (const key of documentInFlight.keys()) if (key.startsWith(`${connectionId}\0`)) documentInFlight.delete(key);
    generations.set(connectionId, (generations.get(connectionId) ?? 0) + 1);
    for (const key of reduced.keys()) if (key.startsWith(`${connectionId}\0`)) reduced.delete(key);
  };

  return {
    async schemaFor(connectionId, asked) {
      const unique = [...new Map(asked.map((k) => [kindKey(k.apiVersion, k.kind), { apiVersion: k.apiVersion, kind: k.kind }])).values()];
      const schemas: KindSchema[] = [];
      const outcomes = new Map<string, KindOutcome>();
      const byGroupVersion = new Map<string, SchemaKind[]>();
      for (const k of unique) byGroupVersion.set(groupVersionPath(k.apiVersion), [...(byGroupVersion.get(groupVersionPath(k.apiVersion)) ?? []), k]);
      if (connectionId === undefined) {
        for (const kinds of byGroupVersion.values()) for (const o of bundledOrNone(kinds, 'No connection is chosen', schemas)) outcomes.set(kindKey(o.apiVersion, o.kind), o);
      } else if (byGroupVersion.size > 0) {
        const ask = async (fresh: boolean) => {
          const index = await readIndex(connectionId, fresh).catch((err: unknown) => {
            log.info('the cluster\'s API schema index could not be read; using the cache', { connectionId, error: err });
            return err instanceof AppError ? err : new AppError('UNREACHABLE', message(err));
          });
          const found: KindSchema[] = [];
          // Fetched side by side; the parses queue for the one worker.
          const perGroupVersion = await Promise.all([...byGroupVersion].map(([gv, kinds]) => kindsOf(connectionId, gv, kinds, index, found)));
          return { found, outcomes: perGroupVersion.flat() };
        };
        let answer = await ask(false);
        const known = indexes.get(connectionId);
        // A kind the index (or its document) does not have may be a CRD installed since the index was read: read it again, at most every few seconds.
        if (answer.outcomes.some((o) => o.source === 'none') && known && 'index' in known && Date.now() - known.at > limits.missingRecheckMs) answer = await ask(true);
        schemas.push(...answer.found);
        for (const o of answer.outcomes) outcomes.set(kindKey(o.apiVersion, o.kind), o);
      }
      // In the order asked, however the fetches finished.
      const order = new Map(unique.map((k, i) => [kindKey(k.apiVersion, k.kind), i]));
      schemas.sort((a, b) => order.get(kindKey(a.apiVersion, a.kind))! - order.get(kindKey(b.apiVersion, b.kind))!);
      return { schema: specSchemaOf(schemas), kinds: unique.map((k) => outcomes.get(kindKey(k.apiVersion, k.kind))!) };
    },

    async refresh(connectionId) {
      forgetMemory(connectionId);
      const index = await readIndex(connectionId, true);
      for (const { group_version: gv } of selectGroupVersions.all(connectionId)) if (!index.has(gv)) deleteRow.run(connectionId, gv);
      const stale = [...index].filter(([gv, entry]) => selectRow.get(connectionId, gv)?.hash !== entry.hash);
      let fetched = 0;
      const failures: string[] = [];
      const next = async (): Promise<void> => {
        for (let item = stale.shift(); item; item = stale.shift()) {
          const [gv, entry] = item;
          try {
            await fetchAndStore(connectionId, gv, entry);
            fetched++;
          } catch (err) {
            failures.push(`${gv}: ${message(err)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: limits.parallelFetches }, next));
      if (failures.length > 0) log.warn('some API schemas could not be fetched', { connectionId, failures: failures.slice(0, 20), count: failures.length });
      return { groupVersions: index.size, fetched };
    },

    forget(connectionId) {
      forgetMemory(connectionId);
      deleteAll.run(connectionId);
    },

    close: () => parser.close(),
  };
}
