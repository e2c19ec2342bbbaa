import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import type { Failure } from './listWatch';
import { failureOfError, KubeFailure, retryAfter } from './resourceCache';

const scope = 'pods in namespace team-a';

describe('errors of a list or watch', () => {
  it("keeps the server's own failure as judged", () => {
    const gone: Failure = { kind: 'expired', message: 'too old' };
    expect(failureOfError(new KubeFailure(gone), scope)).toBe(gone);
  });

  it('gives up on a connection that no longer exists', () => {
    expect(failureOfError(new AppError('NOT_FOUND', 'No connection c1'), scope)).toBeUndefined();
  });

  it('retries credentials slowly, the network with backoff, and treats the rest as rejected', () => {
    expect(failureOfError(new AppError('UNAUTHORIZED', 'exec plugin failed'), scope)).toEqual({ kind: 'unauthorized', message: 'exec plugin failed' });
    expect(failureOfError(new AppError('UNREACHABLE', 'refused'), scope)?.kind).toBe('transient');
    expect(failureOfError(new AppError('TIMEOUT', 'silent'), scope)?.kind).toBe('transient');
    expect(failureOfError(new AppError('TLS', 'untrusted'), scope)).toEqual({ kind: 'rejected', message: 'untrusted' });
  });

  it('treats an unexpected error as passing, and points to the log', () => {
    expect(failureOfError(new TypeError('x is undefined'), scope)).toEqual({ kind: 'transient', message: `Watching ${scope} failed unexpectedly; see the log` });
  });
});

describe('retries', () => {
  const opts = { slowRetryMs: 60_000, expiredRecently: false, random: () => 1 };

  it('relists at once after 410 Gone, after a backoff when it keeps happening', () => {
    const gone: Failure = { kind: 'expired', message: 'The server no longer has the history; listing again' };
    expect(retryAfter(gone, 0, opts)).toEqual({ phase: 'listing', message: gone.message, waitMs: 0 });
    expect(retryAfter(gone, 3, { ...opts, expiredRecently: true }).waitMs).toBe(4000);
  });

  it('waits the slow interval for what a person must fix', () => {
    expect(retryAfter({ kind: 'unauthorized', message: '401' }, 7, opts)).toEqual({ phase: 'unauthorized', message: '401', waitMs: 60_000 });
    expect(retryAfter({ kind: 'forbidden', message: '403' }, 0, opts)).toEqual({ phase: 'forbidden', message: '403', waitMs: 60_000 });
    expect(retryAfter({ kind: 'rejected', message: '404' }, 0, opts)).toEqual({ phase: 'error', message: '404', waitMs: 60_000 });
  });

  it('backs off from passing failures and says when it tries again', () => {
    const down: Failure = { kind: 'transient', message: 'Listing pods answered HTTP 503' };
    expect(retryAfter(down, 0, opts)).toEqual({ phase: 'reconnecting', message: 'Listing pods answered HTTP 503; retrying in 1 s', waitMs: 500 });
    expect(retryAfter(down, 4, opts)).toMatchObject({ message: 'Listing pods answered HTTP 503; retrying in 8 s', waitMs: 8000 });
    expect(retryAfter(down, 20, opts).waitMs).toBe(30_000);
  });
});
