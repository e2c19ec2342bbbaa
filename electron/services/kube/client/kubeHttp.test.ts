import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import { contentTypeFor, LineSplitter, networkError, requestUrl } from './kubeHttp';

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

  it('sends PATCH bodies as merge patches and the rest as JSON', () => {
    expect(contentTypeFor('PATCH')).toBe('application/merge-patch+json');
    expect(['POST', 'PUT', 'DELETE'].map(contentTypeFor)).toEqual(['application/json', 'application/json', 'application/json']);
  });
});
