import { describe, expect, it } from 'vitest';
import { watchStatus } from './watchStatus';

describe('watch status', () => {
  it('is opening until the first event, then follows the watch', () => {
    expect(watchStatus(null, null, true)).toEqual({ phase: 'opening' });
    expect(watchStatus({ phase: 'live', rows: 3 }, null, true)).toEqual({ phase: 'live' });
  });

  it('offers the fix that matches each failing phase', () => {
    expect(watchStatus({ phase: 'reconnecting', rows: 3, message: 'connection refused' }, null, true).problem).toMatchObject({
      title: 'Cannot reach the server',
      message: 'connection refused',
      test: true,
      retry: false,
      reimport: false,
    });
    expect(watchStatus({ phase: 'unauthorized', rows: 0 }, null, true).problem).toMatchObject({ reimport: true, retry: true, test: false });
    expect(watchStatus({ phase: 'forbidden', rows: 0 }, null, true).problem).toMatchObject({ scope: true, retry: true });
    expect(watchStatus({ phase: 'forbidden', rows: 0 }, null, false).problem?.scope).toBe(false);
    expect(watchStatus({ phase: 'error', rows: 0 }, null, true).problem).toMatchObject({ message: 'The watch stopped.', test: true, retry: true });
  });

  it('turns a failed kube.watch into the same kind of status', () => {
    expect(watchStatus(null, { code: 'UNAUTHORIZED', message: 'token expired' }, true)).toMatchObject({ phase: 'unauthorized', problem: { reimport: true } });
    expect(watchStatus(null, { code: 'UNREACHABLE', message: 'no route' }, true)).toMatchObject({ phase: 'error', problem: { test: true, retry: true } });
  });
});
