import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import { contentTypeFor, kubeList, kubeRequest, LineSplitter, networkError, requestUrl } from './kubeHttp';
import { kubeConfigFor } from '../../../../test/support/localKube';

/** The lines a splitter hands over for `pieces`, each as [line, cut]. */
function split(pieces: string[], maxLength = Infinity): [string, boolean][] {
  const lines: [string, boolean][] = [];
  const splitter = new LineSplitter((line, cut) => lines.push([line, cut]), maxLength);
  pieces.forEach((piece, i) => (i === pieces.length - 1 ? splitter.end(piece) : splitter.write(piece)));
  return lines;
}

describe('watch lines', () => {
  it('joins a line that arrives in pieces and skips empty lines', () => {
    expect(split(['{"type":"ADD', 'ED"}\n\n{"type":', '"DELETED"}\n', ''])).toEqual([
      ['{"type":"ADDED"}', false],
      ['{"type":"DELETED"}', false],
    ]);
  });

  it('hands over a last line the server ended without a newline', () => {
    expect(split(['a\nb', 'c'])).toEqual([
      ['a', false],
      ['bc', false],
    ]);
  });

  it('cuts a line longer than the limit and skips the rest of it, however many pieces it spans', () => {
    expect(split(['abcdefgh', 'ijkl', 'mn\nok\n', ''], 5)).toEqual([
      ['abcde', true],
      ['ok', false],
    ]);
  });

  it('cuts a complete line that is too long, and goes on with the next', () => {
    expect(split(['abcdefgh\nxy\n', ''], 5)).toEqual([
      ['abcde', true],
      ['xy', false],
    ]);
  });
});

describe('network failures', () => {
  const server = 'https://10.0.0.1:6443';
  const failure = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

  it('names what to check for each kind of failure', () => {
    expect(networkError(failure('ECONNREFUSED'), server)).toMatchObject({ code: 'UNREACHABLE', message: expect.stringContaining('is the apiserver running') });
    expect(networkError(failure('ENOTFOUND'), server)).toMatchObject({ code: 'UNREACHABLE', message: expect.stringContaining('VPN or DNS') });
    expect(networkError(failure('EAI_AGAIN'), server).message).toContain('does not resolve');
    expect(networkError(failure('ECONNRESET'), server)).toMatchObject({ code: 'UNREACHABLE', message: `${server} closed the connection` });
    expect(networkError(failure('ETIMEDOUT'), server).code).toBe('TIMEOUT');
    expect(networkError(failure('ABORT_ERR'), server).code).toBe('TIMEOUT');
  });

  it('says an untrusted server certificate is a certificate-authority question', () => {
    for (const code of ['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      expect(networkError(failure(code), server)).toMatchObject({ code: 'TLS', message: expect.stringContaining('certificate-authority') });
    }
  });

  it('passes an AppError through and keeps only the first line of anything else', () => {
    const own = new AppError('TIMEOUT', 'already worded');
    expect(networkError(own, server)).toBe(own);
    const other = networkError(failure('EWEIRD', `first line\n${'x'.repeat(50)}`), server);
    expect(other).toMatchObject({ code: 'UNREACHABLE', message: `${server}: first line` });
    expect(networkError(new Error('y'.repeat(1000)), server).message).toHaveLength(server.length + 2 + 300);
  });
});

describe('requests', () => {
  it('puts paths and queries on the server, with or without its trailing slash', () => {
    expect(requestUrl('https://10.0.0.1:6443', '/api/v1/pods?limit=500').href).toBe('https://10.0.0.1:6443/api/v1/pods?limit=500');
    expect(requestUrl('https://10.0.0.1:6443/', '/version').href).toBe('https://10.0.0.1:6443/version');
    expect(requestUrl('http://127.0.0.1:8080', '/healthz').protocol).toBe('http:');
  });

  it('keeps the path a server is served at, as kubectl does for clusters behind a proxy', () => {
    expect(requestUrl('https://rancher.example/k8s/clusters/c-1', '/api/v1/pods?limit=500').href).toBe('https://rancher.example/k8s/clusters/c-1/api/v1/pods?limit=500');
    expect(requestUrl('https://rancher.example/k8s/clusters/c-1/', '/version').href).toBe('https://rancher.example/k8s/clusters/c-1/version');
  });

  it('sends PATCH bodies as merge patches and the rest as JSON', () => {
    expect(contentTypeFor('PATCH')).toBe('application/merge-patch+json');
    expect(contentTypeFor('PATCH', 'json')).toBe('application/json-patch+json');
    expect(contentTypeFor('PATCH', 'apply')).toBe('application/apply-patch+yaml');
    expect(['POST', 'PUT', 'DELETE'].map((m) => contentTypeFor(m))).toEqual(['application/json', 'application/json', 'application/json']);
  });
});

describe('bodies', () => {
  // Node frames no DELETE body on its own: without a length the apiserver reads none, and drops its preconditions and propagation.
  it('reach the server whatever the method, DELETE included', async () => {
    const received: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(`${req.method} ${body}`);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const kc = kubeConfigFor(server);
      for (const method of ['DELETE', 'POST', 'PATCH'] as const) await kubeRequest(kc, '/api/v1/namespaces/a/pods/p', { method, body: { é: method } });
      expect(received).toEqual(['DELETE {"é":"DELETE"}', 'POST {"é":"POST"}', 'PATCH {"é":"PATCH"}']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('a deadline for the whole request', () => {
  it('gives up on a server that takes the connection and says nothing, saying how long it waited', async () => {
    const server = http.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const kc = kubeConfigFor(server);
      // The silence timeout alone would wait 10 s.
      await expect(kubeRequest(kc, '/version', { deadlineMs: 200 })).rejects.toMatchObject({
        code: 'TIMEOUT',
        message: `${kc.getCurrentCluster()!.server} did not answer within 0.2 s`,
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('list pages', () => {
  const servers: http.Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });

  /** A connection to a server that answers every request with `answer`. */
  async function serving(answer: (res: http.ServerResponse) => void): Promise<KubeConfig> {
    const server = http.createServer((req, res) => req.resume().on('end', () => answer(res)));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kc = kubeConfigFor(server);
    return kc;
  }

  const pods = (n: number) => Array.from({ length: n }, (_, i) => ({ metadata: { name: `pod-${i}`, uid: `u${i}`, annotations: { note: 'x'.repeat(500) } } }));

  it('hands over the items of a gzip page across turns of the event loop, and returns the list fields', async () => {
    const items = pods(2000);
    const body = gzipSync(JSON.stringify({ kind: 'PodList', items, metadata: { resourceVersion: '9', continue: 'next' } }));
    const kc = await serving((res) => {
      res.setHeader('Content-Encoding', 'gzip');
      res.end(body);
    });
    // Counts turns of the loop while the page is read: more than one turn saw items, so the page was not parsed in one go.
    let turn = 0;
    let reading = true;
    const spin = () => {
      turn++;
      if (reading) setImmediate(spin);
    };
    spin();
    const turns = new Set<number>();
    const got: unknown[] = [];
    const res = await kubeList(kc, '/api/v1/pods', {
      gzip: true,
      onItem: (item) => {
        got.push(item);
        turns.add(turn);
      },
    });
    reading = false;
    expect(res).toEqual({ status: 200, body: { kind: 'PodList', metadata: { resourceVersion: '9', continue: 'next' } } });
    expect(got).toEqual(items);
    expect(turns.size).toBeGreaterThan(1);
  });

  it('returns the Status of a failed list as the body, with no items', async () => {
    const status = { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 };
    const kc = await serving((res) => {
      res.statusCode = 410;
      res.end(JSON.stringify(status));
    });
    const got: unknown[] = [];
    expect(await kubeList(kc, '/api/v1/pods', { onItem: (item) => got.push(item) })).toEqual({ status: 410, body: status });
    expect(got).toEqual([]);
  });

  it('rejects a page cut off mid-way, gzip or not, as a network failure', async () => {
    const text = JSON.stringify({ kind: 'PodList', items: pods(50) });
    for (const gzip of [false, true]) {
      const body = gzip ? gzipSync(text) : Buffer.from(text);
      const kc = await serving((res) => {
        if (gzip) res.setHeader('Content-Encoding', 'gzip');
        res.setHeader('Content-Length', body.length);
        res.write(body.subarray(0, body.length / 2), () => res.destroy());
      });
      await expect(kubeList(kc, '/api/v1/pods', { gzip, onItem: () => undefined })).rejects.toMatchObject({ code: 'UNREACHABLE' });
    }
  });

  it('rejects a complete answer that is not a whole list, saying what is wrong', async () => {
    const kc = await serving((res) => res.end('<html>Bad gateway</html>'));
    await expect(kubeList(kc, '/api/v1/pods', { onItem: () => undefined })).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: expect.stringMatching(/:\d+ sent a list that cannot be read: the body is not a JSON object: it starts with "<html>Bad gateway/),
    });
    const cut = await serving((res) => res.end('{"items":[{"a":1},'));
    await expect(kubeList(cut, '/api/v1/pods', { onItem: () => undefined })).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: expect.stringContaining('cannot be read: the body ends early, after 18 bytes and 1 items'),
    });
  });

  it('lets what the item handler throws through as it is', async () => {
    const kc = await serving((res) => res.end('{"items":[{"a":1}]}'));
    const bug = new TypeError('a bug in the row shape');
    await expect(
      kubeList(kc, '/api/v1/pods', {
        onItem: () => {
          throw bug;
        },
      }),
    ).rejects.toBe(bug);
  });
});
