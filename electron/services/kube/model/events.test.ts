import { describe, expect, it } from 'vitest';
import { eventCount, eventLastSeen, eventObject } from './events';

describe('events as kubectl get events shows them', () => {
  it('last seen from whichever field the writer filled', () => {
    const created = { metadata: { creationTimestamp: '2026-01-10T06:00:00Z' } };
    expect(eventLastSeen({ ...created, firstTimestamp: '2026-01-10T07:00:00Z', lastTimestamp: '2026-01-10T07:30:00Z' })).toBe('2026-01-10T07:30:00Z');
    expect(eventLastSeen({ ...created, eventTime: '2026-01-10T07:00:00.000000Z', series: { count: 3, lastObservedTime: '2026-01-10T07:31:00.000000Z' } })).toBe(
      '2026-01-10T07:31:00.000000Z',
    );
    expect(eventLastSeen({ ...created, eventTime: '2026-01-10T07:00:00.000000Z' })).toBe('2026-01-10T07:00:00.000000Z');
    expect(eventLastSeen({ ...created, deprecatedLastTimestamp: '2026-01-10T07:45:00Z', eventTime: '2026-01-10T07:00:00.000000Z' })).toBe('2026-01-10T07:45:00Z');
    expect(eventLastSeen(created)).toBe('2026-01-10T06:00:00Z');
  });

  it('counts repeats, and a singleton written through events.k8s.io (count 0) as once', () => {
    expect(eventCount({ count: 12 })).toBe(12);
    expect(eventCount({ count: 2, series: { count: 9 } })).toBe(9);
    expect(eventCount({ count: 0 })).toBe(1);
    expect(eventCount({ deprecatedCount: 4 })).toBe(4);
  });

  it('names the object like kubectl: lower-case kind/name', () => {
    expect(eventObject({ involvedObject: { kind: 'Pod', name: 'web-7d9f' } })).toBe('pod/web-7d9f');
    expect(eventObject({ regarding: { kind: 'Deployment', name: 'api' } })).toBe('deployment/api');
    expect(eventObject({ involvedObject: { kind: 'Node' } })).toBe('node');
    expect(eventObject({})).toBeUndefined();
  });
});
