import { describe, expect, it } from 'vitest';
import { EVENTS_MAX, newestEvents, toObjectEvent, type CoreEvent } from './objectEvents';

const event = (uid: string, fields: Partial<CoreEvent> = {}): CoreEvent => ({ metadata: { uid }, type: 'Normal', reason: 'Pulled', message: 'ok', ...fields });

describe('object events', () => {
  it('orders newest first, whichever field holds the time', () => {
    const events = [
      event('legacy', { lastTimestamp: '2026-01-10T08:00:00Z' }),
      event('new-style', { eventTime: '2026-01-10T09:00:00.000000Z' }),
      event('series', { lastTimestamp: '2026-01-10T07:00:00Z', series: { count: 4, lastObservedTime: '2026-01-10T10:00:00.000000Z' } }),
      event('timeless'),
    ];
    expect(newestEvents(events).map((e) => e.uid)).toEqual(['series', 'new-style', 'legacy', 'timeless']);
  });

  it(`keeps the newest ${EVENTS_MAX}`, () => {
    const events = Array.from({ length: 250 }, (_, i) => event(`e${i}`, { lastTimestamp: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }));
    const newest = newestEvents(events);
    expect(newest).toHaveLength(EVENTS_MAX);
    expect(newest[0].uid).toBe('e249');
    expect(newest.at(-1)?.uid).toBe('e50');
  });

  it('counts repeats from the series and names the reporter', () => {
    const e = toObjectEvent(
      event('a', {
        type: 'Warning',
        reason: 'BackOff',
        count: 2,
        series: { count: 9, lastObservedTime: '2026-01-10T10:00:00Z' },
        firstTimestamp: '2026-01-10T09:00:00Z',
        source: { component: 'kubelet', host: 'gpu-h200-1' },
      }),
    );
    expect(e).toEqual({
      uid: 'a',
      type: 'Warning',
      reason: 'BackOff',
      message: 'ok',
      count: 9,
      firstSeen: '2026-01-10T09:00:00Z',
      lastSeen: '2026-01-10T10:00:00Z',
      source: 'kubelet on gpu-h200-1',
    });
    expect(toObjectEvent(event('b', { reportingComponent: 'default-scheduler', reportingInstance: 'default-scheduler' })).source).toBe('default-scheduler');
    expect(toObjectEvent(event('c')).count).toBe(1);
  });

  it('cuts very long messages', () => {
    expect(toObjectEvent(event('a', { message: 'x'.repeat(5000) })).message).toHaveLength(2001);
  });
});
