import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logging/logger';
import { EventHub, type EventBatch } from './eventHub';

const entry = (id: number) => ({ id, at: '2026-11-27T00:00:00Z', actor: 'me', action: 'a', target: 't', status: 'pending' as const });

describe('EventHub', () => {
  afterEach(() => vi.useRealTimers());

  it('batches events published within the window into one delivery, in order', async () => {
    vi.useFakeTimers();
    const hub = new EventHub(createLogger(), { batchMs: 20 });
    const got: EventBatch[] = [];
    hub.subscribe((b) => got.push(b));
    hub.publish('connections.changed', { ids: ['a'] });
    hub.publish('connections.changed', { ids: ['b'] });
    await vi.advanceTimersByTimeAsync(25);
    expect(got).toHaveLength(1);
    expect(got[0].events.map((e) => (e.payload as { ids: string[] }).ids[0])).toEqual(['a', 'b']);
  });

  it('holds back when too many batches are unacknowledged and resumes on ack', async () => {
    vi.useFakeTimers();
    const hub = new EventHub(createLogger(), { batchMs: 5, maxInFlight: 2 });
    const got: EventBatch[] = [];
    const sub = hub.subscribe((b) => got.push(b));
    for (let i = 0; i < 5; i++) {
      hub.publish('audit.appended', entry(i));
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(got).toHaveLength(2);
    sub.ack(2);
    await vi.advanceTimersByTimeAsync(10);
    expect(got).toHaveLength(3);
    // Everything held back arrives together, nothing lost.
    expect(got[2].events.map((e) => (e.payload as { id: number }).id)).toEqual([2, 3, 4]);
  });

  it('tells a subscriber that fell too far behind to resync instead of growing without bound', async () => {
    vi.useFakeTimers();
    const hub = new EventHub(createLogger(), { batchMs: 5, maxInFlight: 1, maxQueued: 3 });
    const got: EventBatch[] = [];
    const sub = hub.subscribe((b) => got.push(b));
    hub.publish('audit.appended', entry(0));
    await vi.advanceTimersByTimeAsync(10);
    for (let i = 1; i <= 10; i++) hub.publish('audit.appended', entry(i));
    sub.ack(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(got[1]).toMatchObject({ overflow: true, events: [] });
  });

  it('reports its backlog: the events queued or unacknowledged for the subscriber furthest behind', async () => {
    vi.useFakeTimers();
    const hub = new EventHub(createLogger(), { batchMs: 5, maxInFlight: 1, maxQueued: 50 });
    expect(hub.backlog()).toBe(0);
    const keepingUp = hub.subscribe(() => undefined);
    const got: EventBatch[] = [];
    const slow = hub.subscribe((b) => got.push(b));
    for (let i = 0; i < 3; i++) hub.publish('audit.appended', entry(i));
    expect(hub.backlog()).toBe(3);
    await vi.advanceTimersByTimeAsync(10);
    // Sent, not yet acknowledged: still behind.
    expect(hub.backlog()).toBe(3);
    for (let i = 3; i < 5; i++) hub.publish('audit.appended', entry(i));
    expect(hub.backlog()).toBe(5);
    keepingUp.ack(1);
    slow.ack(1);
    expect(hub.backlog()).toBe(2);
    await vi.advanceTimersByTimeAsync(10);
    slow.ack(got.at(-1)!.seq);
    keepingUp.ack(2);
    expect(hub.backlog()).toBe(0);
    // Overflowed: as far behind as the hub lets a subscriber fall, until the resync is sent.
    keepingUp.close();
    for (let i = 0; i < 60; i++) hub.publish('audit.appended', entry(i));
    expect(hub.backlog()).toBe(50);
    await vi.advanceTimersByTimeAsync(10);
    expect(got.at(-1)).toMatchObject({ overflow: true });
    expect(hub.backlog()).toBe(0);
  });

  it('drops events that do not match the contract and logs it', () => {
    const lines: string[] = [];
    const hub = new EventHub(createLogger({ sink: (l) => lines.push(l) }));
    const got: EventBatch[] = [];
    hub.subscribe((b) => got.push(b));
    hub.publish('connections.changed', { ids: 'not-a-list' } as never);
    expect(lines.join()).toContain('event outside the contract dropped');
  });

  it('stops delivering after close', async () => {
    vi.useFakeTimers();
    const hub = new EventHub(createLogger(), { batchMs: 5 });
    const got: EventBatch[] = [];
    const sub = hub.subscribe((b) => got.push(b));
    sub.close();
    hub.publish('connections.changed', { ids: ['x'] });
    await vi.advanceTimersByTimeAsync(10);
    expect(got).toHaveLength(0);
    expect(hub.size).toBe(0);
  });
});
