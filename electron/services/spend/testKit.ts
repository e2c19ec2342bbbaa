/**
 * Test kit: Cost Explorer answered from recorded HTTP responses through the
 * SDK's requestHandler, so requests are signed, serialised and their answers
 * parsed by the real client, with no server.
 */
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import type { RequestHandler } from './costExplorer';

/** One recorded answer, or a network failure (an error with its errno code). */
export type Recorded = { status: number; body: unknown; headers?: Record<string, string> } | { networkError: string };

/** What a request carried. */
export interface SentRequest {
  hostname: string;
  /** The operation, from X-Amz-Target. */
  operation: string;
  body: Record<string, unknown>;
}

/** A requestHandler answering each request with the next of `answers`; `sent` lists what was sent. */
export function recordedCostExplorer(answers: Recorded[]) {
  const sent: SentRequest[] = [];
  const queue = [...answers];
  const handler = {
    handle: async (request: { hostname: string; headers: Record<string, string>; body?: string | Uint8Array }) => {
      const text = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body ?? new Uint8Array());
      sent.push({ hostname: request.hostname, operation: String(request.headers['x-amz-target'] ?? '').split('.').pop() ?? '', body: text ? JSON.parse(text) : {} });
      const next = queue.shift();
      if (!next) throw new Error(`no recorded response left for request ${sent.length}`);
      if ('networkError' in next) throw Object.assign(new Error(`connect ${next.networkError} 127.0.0.1:443`), { code: next.networkError });
      const payload = typeof next.body === 'string' ? next.body : JSON.stringify(next.body);
      return {
        response: {
          statusCode: next.status,
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${sent.length}`, ...next.headers },
          body: Readable.from([Buffer.from(payload)]),
        },
      };
    },
  };
  return { handler: handler as unknown as RequestHandler, sent, left: () => queue.length };
}

/** A throttling answer, as Cost Explorer sends it. */
export const throttled = (type = 'ThrottlingException', status = 400): Recorded => ({ status, body: { __type: type, message: 'Rate exceeded' } });

/** A data file in memory with every migration applied. */
export function migratedDb(): Database.Database {
  const db = new Database(':memory:');
  migrate(db, migrations);
  return db;
}
