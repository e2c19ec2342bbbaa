import { describe, expect, it } from 'vitest';
import { shownHealth } from './connectionHealth';

const tested = (status: 'ok' | 'limited' | 'unreachable' | 'unauthorized', at = '2026-12-03T14:00:00Z') => ({ status, checkedAt: at, message: `Test said ${status}` });

describe('the health a connection shows', () => {
  it("is the last Test's when the open views saw nothing", () => {
    expect(shownHealth(tested('limited'))).toEqual({ status: 'limited', message: 'Test said limited' });
  });

  it('is unreachable when the server went silent after the Test, whatever the Test said', () => {
    const live = { reachable: false, at: '2026-12-03T14:02:30Z', since: '2026-12-03T14:02:11Z', retryAt: '2026-12-03T14:02:40Z', message: 'no answer within 5 s' };
    expect(shownHealth({ ...tested('ok'), live })).toEqual({ status: 'unreachable', message: 'no answer within 5 s', live });
  });

  it('is ok when the server answers again where the Test had found it unreachable, or was never run', () => {
    const live = { reachable: true, at: '2026-12-03T14:05:00Z' };
    expect(shownHealth({ ...tested('unreachable'), live })).toEqual({ status: 'ok', live });
    expect(shownHealth({ status: 'unknown', live })).toEqual({ status: 'ok', live });
  });

  it('keeps what the Test found of credentials and permissions: traffic does not check them', () => {
    const live = { reachable: true, at: '2026-12-03T14:05:00Z' };
    expect(shownHealth({ ...tested('unauthorized'), live }).status).toBe('unauthorized');
    expect(shownHealth({ ...tested('limited'), live }).status).toBe('limited');
  });

  it('lets a Test newer than what the views saw decide', () => {
    const live = { reachable: false, at: '2026-12-03T13:00:00Z', message: 'old silence' };
    expect(shownHealth({ ...tested('ok'), live })).toEqual({ status: 'ok', message: 'Test said ok' });
  });
});
