import { describe, expect, it } from 'vitest';
import { promotedTemplate, promotePatch, scalePatch } from './canary';
import type { PairDeployment } from './trafficPairs';

const stable: PairDeployment = {
  metadata: { name: 'web', uid: 's1', generation: 7 },
  spec: {
    selector: { matchLabels: { app: 'web', track: 'stable' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
    template: { metadata: { labels: { app: 'web', track: 'stable', tier: 'front', 'pod-template-hash': 'aaa' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
  },
};
const canary: PairDeployment = {
  metadata: { name: 'web-canary', uid: 'c1', generation: 2 },
  spec: {
    selector: { matchLabels: { app: 'web', track: 'canary' } },
    template: { metadata: { labels: { app: 'web', track: 'canary', tier: 'edge', feature: 'new-cart', 'pod-template-hash': 'bbb' } }, spec: { containers: [{ name: 'web', image: 'web:2' }] } },
  },
};

describe('promotedTemplate', () => {
  it('is the canary’s template with stable’s own selector and track labels (matchExpressions keys too), without the hash', () => {
    expect(promotedTemplate(stable, canary, 'track')).toEqual({
      metadata: { labels: { app: 'web', track: 'stable', tier: 'front', feature: 'new-cart' } },
      spec: { containers: [{ name: 'web', image: 'web:2' }] },
    });
  });

  it('drops a canary label on a key stable’s selector says must not exist', () => {
    const strict: PairDeployment = { ...stable, spec: { ...stable.spec, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'feature', operator: 'DoesNotExist' }] } } };
    expect(promotedTemplate(strict, canary, 'track').metadata?.labels).not.toHaveProperty('feature');
  });
});

describe('patches', () => {
  it('a scale tests the object and its replicas before replacing them', () => {
    expect(scalePatch('c1', 1, 0)).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'c1' },
      { op: 'test', path: '/spec/replicas', value: 1 },
      { op: 'replace', path: '/spec/replicas', value: 0 },
    ]);
    // At 0 the Scale has no replicas field (`spec: {}`): that is tested, and the count added.
    expect(scalePatch('c1', 0, 2)).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'c1' },
      { op: 'test', path: '/spec', value: {} },
      { op: 'add', path: '/spec/replicas', value: 2 },
    ]);
  });

  it('a promotion tests stable’s generation, so a spec change meanwhile fails it while status updates do not', () => {
    const template = promotedTemplate(stable, canary, 'track');
    expect(promotePatch(stable, template, 4)).toEqual([
      { op: 'test', path: '/metadata/uid', value: 's1' },
      { op: 'test', path: '/metadata/generation', value: 7 },
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/spec/replicas', value: 4 },
    ]);
  });
});
