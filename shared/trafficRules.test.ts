import { describe, expect, it } from 'vitest';
import type { PairSide } from './contract';
import { canaryShare, canarySplit, slotNotAvailable } from './trafficRules';

describe('canarySplit', () => {
  it('0% is all stable, 100% all canary', () => {
    expect(canarySplit(4, 0)).toEqual({ stable: 4, canary: 0 });
    expect(canarySplit(4, 100)).toEqual({ stable: 0, canary: 4 });
  });

  it('rounds to the nearest replica', () => {
    expect(canarySplit(10, 25)).toEqual({ stable: 7, canary: 3 }); // 2.5 rounds up
    expect(canarySplit(10, 24)).toEqual({ stable: 8, canary: 2 });
    expect(canarySplit(3, 50)).toEqual({ stable: 1, canary: 2 });
    expect(canarySplit(7, 33)).toEqual({ stable: 5, canary: 2 });
  });

  it('keeps a pod on each side for a weight strictly between 0 and 100', () => {
    expect(canarySplit(10, 1)).toEqual({ stable: 9, canary: 1 });
    expect(canarySplit(10, 99)).toEqual({ stable: 1, canary: 9 });
    expect(canarySplit(2, 10)).toEqual({ stable: 1, canary: 1 });
  });

  it('one replica goes wholly to one side', () => {
    expect(canarySplit(1, 49)).toEqual({ stable: 1, canary: 0 });
    expect(canarySplit(1, 50)).toEqual({ stable: 0, canary: 1 });
  });

  it('the share of a split gives that split back, so an undo restores it exactly', () => {
    for (const before of [
      { stable: 5, canary: 2 },
      { stable: 2, canary: 1 },
      { stable: 0, canary: 3 },
      { stable: 97, canary: 3 },
    ]) {
      expect(canarySplit(before.stable + before.canary, canaryShare(before)!)).toEqual(before);
    }
  });

  it('no share when neither side has replicas', () => {
    expect(canaryShare({ stable: 0, canary: 0 })).toBeUndefined();
    expect(canaryShare({ stable: 3, canary: 1 })).toBe(25);
  });
});

describe('slotNotAvailable', () => {
  const side = (more: Partial<PairSide> = {}): PairSide => ({ deployment: 'web-green', value: 'green', images: [], replicas: 3, ready: 3, available: 3, paused: false, generation: 2, rollout: { state: 'complete', message: '3 of 3 updated, 3 ready, 3 available' }, ...more });

  it('lets traffic go to a slot whose rollout is complete', () => {
    expect(slotNotAvailable(side())).toBeUndefined();
  });

  it('says why not: paused, no replicas, a rollout under way or stalled (every old pod still available does not make it ready)', () => {
    expect(slotNotAvailable(side({ paused: true }))).toContain('is paused');
    expect(slotNotAvailable(side({ replicas: 0, available: 0 }))).toContain('runs no replicas');
    expect(slotNotAvailable(side({ rollout: { state: 'waiting', message: '1 of 3 updated, 3 ready, 3 available' } }))).toBe(
      'Deployment web-green is still rolling out (1 of 3 updated, 3 ready, 3 available): wait until it is complete',
    );
    expect(slotNotAvailable(side({ rollout: { state: 'stalled', message: 'exceeded its progress deadline: ReplicaSet "web-green-2" has timed out progressing.' } }))).toBe(
      'Deployment web-green\'s rollout is stuck (exceeded its progress deadline: ReplicaSet "web-green-2" has timed out progressing.): fix it or roll it back first',
    );
  });
});
