/**
 * The CPU-heavy half of the schema service: checking a fetched document
 * reads as one and compressing it for the cache, and reducing a cached one
 * to the kinds asked. Pure, so it runs in a worker thread (schemaWorker.ts):
 * `api/v1` is ~2 MB of JSON and a CRD-heavy group tens, whose parse would
 * hold the services' event loop for as long.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { TransferListItem } from 'node:worker_threads';
import type { SchemaKind } from '../../../../shared/contract/pipelines';
import { AppError } from '../../../../shared/result';
import { documentKinds, kindSchema, type KindSchema } from './openapiSchema';

/** Every job a schema worker does. */
export type SchemaJob = { kind: 'pack'; groupVersion: string; text: string } | { kind: 'reduce'; body: Uint8Array; kinds: SchemaKind[] };

/** The answer to each kind of {@link SchemaJob}: the gzip body to cache; each kind's schema, null where the document has none. */
export interface SchemaJobResults {
  pack: Uint8Array;
  reduce: (KindSchema | null)[];
}

/** Does one {@link SchemaJob}; a document that is not an OpenAPI v3 one is refused with UNREACHABLE naming the group-version. */
export function runSchemaJob(job: SchemaJob): SchemaJobResults[SchemaJob['kind']] {
  if (job.kind === 'pack') {
    // Checked before it is kept: a broken document would otherwise replace a good cached one.
    try {
      documentKinds(JSON.parse(job.text));
    } catch (err) {
      throw new AppError('UNREACHABLE', `The cluster's API schema for ${job.groupVersion} cannot be read (${err instanceof Error ? err.message : String(err)})`);
    }
    // A copy of its own: a small Buffer may share its memory with others, which moving it to another thread would take from them.
    return new Uint8Array(gzipSync(job.text));
  }
  const doc = documentKinds(JSON.parse(gunzipSync(job.body).toString('utf8')));
  return job.kinds.map((k) => kindSchema(doc, k.apiVersion, k.kind) ?? null);
}

/** The buffers of an answer moved back rather than copied: a packed body. */
export function resultTransferables(result: SchemaJobResults[SchemaJob['kind']]): TransferListItem[] {
  return result instanceof Uint8Array ? [result.buffer as ArrayBuffer] : [];
}
