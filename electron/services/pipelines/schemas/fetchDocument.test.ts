import type { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeStreamOptions } from '../../kube/client/kubeHttp';
import { kubeFetchDocument } from './fetchDocument';

/** What the server "sends": lines handed to onLine as kubeStream would, then the status. */
let sends: { lines: [string, boolean][]; status: number; body?: unknown; hangs?: boolean };
let seen: KubeStreamOptions | undefined;

vi.mock('../../kube/client/kubeHttp', () => ({
  kubeStream: async (_kc: KubeConfig, _path: string, options: KubeStreamOptions) => {
    seen = options;
    for (const [line, cut] of sends.lines) {
      if (options.signal?.aborted) throw Object.assign(new Error('aborted'), { code: 'ABORT_ERR' });
      options.onLine(line, cut);
    }
    if (options.signal?.aborted) throw Object.assign(new Error('aborted'), { code: 'ABORT_ERR' });
    if (sends.hangs) {
      await new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }))));
    }
    return { status: sends.status, body: sends.body };
  },
}));

const fetchDocument = kubeFetchDocument({ config: async () => ({}) as KubeConfig });

beforeEach(() => {
  seen = undefined;
});

describe('kubeFetchDocument', () => {
  it('returns the body\'s lines joined, reading at most the cap per line', async () => {
    sends = { lines: [['{"paths":', false], ['{}}', false]], status: 200 };
    expect(await fetchDocument('c1', '/openapi/v3', { deadlineMs: 1000, maxChars: 100 })).toBe('{"paths":\n{}}');
    expect(seen!.maxLineLength).toBe(100);
  });

  it('stops reading past the cap and says how large a document it takes', async () => {
    sends = { lines: [['x'.repeat(100), true], ['never read', false]], status: 200 };
    await expect(fetchDocument('c1', '/openapi/v3/api/v1?hash=AB', { deadlineMs: 1000, maxChars: 100 })).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      message: expect.stringMatching(/\/openapi\/v3\/api\/v1 is over 0 MB, more than Pilothouse reads/),
    });
    // Many short lines count too.
    sends = { lines: Array.from({ length: 20 }, () => ['x'.repeat(9), false] as [string, boolean]), status: 200 };
    await expect(fetchDocument('c1', '/openapi/v3/api/v1', { deadlineMs: 1000, maxChars: 100 })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });

  it('names a refusal by its status, and a server that never finishes by the deadline', async () => {
    sends = { lines: [], status: 403, body: { kind: 'Status', message: 'forbidden: User "dev" cannot get path "/openapi/v3"' } };
    await expect(fetchDocument('c1', '/openapi/v3', { deadlineMs: 1000, maxChars: 100 })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/cannot get path/) });
    sends = { lines: [['{', false]], status: 200, hangs: true };
    await expect(fetchDocument('c1', '/openapi/v3', { deadlineMs: 50, maxChars: 100 })).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/within 0.05 s/) });
  });
});
