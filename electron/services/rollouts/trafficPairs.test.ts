import { describe, expect, it, vi } from 'vitest';
import type { LabelSelector, ServiceObject } from '../kube/model';
import { findTrafficPairs, pointerToken, type PairDeployment } from './trafficPairs';

// Counted, not replaced: how many selectors the pair search evaluates is its cost (a plain counter, as a scan would make millions of calls).
const evaluated = vi.hoisted(() => ({ selectors: 0 }));
vi.mock('../kube/model', async (actual) => {
  const model = await actual<typeof import('../kube/model')>();
  return {
    ...model,
    matchesLabelSelector: (...args: Parameters<typeof model.matchesLabelSelector>) => {
      evaluated.selectors++;
      return model.matchesLabelSelector(...args);
    },
  };
});

const NS = 'shop';

function service(name: string, selector: Record<string, string> | undefined, annotations?: Record<string, string>, namespace = NS): ServiceObject {
  return { metadata: { name, namespace, ...(annotations ? { annotations } : {}) }, spec: { ...(selector ? { selector } : {}) } };
}

function deployment(name: string, labels: Record<string, string>, more: { selector?: LabelSelector; replicas?: number; ready?: number; namespace?: string } = {}): PairDeployment {
  const replicas = more.replicas ?? 2;
  return {
    metadata: { name, namespace: more.namespace ?? NS, generation: 3 },
    spec: {
      replicas,
      selector: more.selector ?? { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `${name}:1` }] } },
    },
    status: { observedGeneration: 3, replicas, updatedReplicas: replicas, readyReplicas: more.ready ?? replicas, availableReplicas: more.ready ?? replicas },
  };
}

const blue = deployment('web-blue', { app: 'web', slot: 'blue' });
const green = deployment('web-green', { app: 'web', slot: 'green' }, { ready: 1 });

describe('blue/green pairs', () => {
  it('a Service selecting a slot, and two Deployments in different slots: the live slot, each slot with its images and replicas', () => {
    const found = findTrafficPairs([service('web', { app: 'web', slot: 'green' })], [green, blue]);
    expect(found).toEqual({
      problems: [],
      pairs: [
        {
          kind: 'blueGreen',
          namespace: NS,
          service: 'web',
          slotKey: 'slot',
          live: 'green',
          slots: [
            { deployment: 'web-blue', value: 'blue', images: ['app=web-blue:1'], replicas: 2, ready: 2, available: 2, paused: false, generation: 3, rollout: { state: 'complete', message: '2 of 2 updated, 2 ready, 2 available' } },
            { deployment: 'web-green', value: 'green', images: ['app=web-green:1'], replicas: 2, ready: 1, available: 1, paused: false, generation: 3, rollout: { state: 'waiting', message: '2 of 2 updated, 1 ready, 1 available' } },
          ],
        },
      ],
    });
  });

  it('color works as well as slot, and an annotation names any other key (with a slash)', () => {
    const byColor = findTrafficPairs([service('api', { app: 'api', color: 'blue' })], [deployment('a', { app: 'api', color: 'blue' }), deployment('b', { app: 'api', color: 'green' })]);
    expect(byColor.pairs[0]).toMatchObject({ slotKey: 'color', live: 'blue' });
    const key = 'example.com/side';
    const named = findTrafficPairs([service('api', { app: 'api', [key]: 'left' }, { 'pilothouse.dev/slot-key': key })], [deployment('l', { app: 'api', [key]: 'left' }), deployment('r', { app: 'api', [key]: 'right' })]);
    expect(named.pairs[0]).toMatchObject({ slotKey: key, live: 'left', slots: [{ deployment: 'l' }, { deployment: 'r' }] });
  });

  it('a selector value neither slot has: the pair, with no live slot', () => {
    expect(findTrafficPairs([service('web', { app: 'web', slot: 'purple' })], [blue, green]).pairs[0]).not.toHaveProperty('live');
  });

  it('a Service with no selector is no pair; with the annotation it says why', () => {
    expect(findTrafficPairs([service('web', undefined)], [blue, green])).toEqual({ pairs: [], problems: [] });
    expect(findTrafficPairs([service('web', undefined, { 'pilothouse.dev/slot-key': 'slot' })], [blue, green]).problems).toEqual([
      { namespace: NS, service: 'web', message: expect.stringContaining('It has no selector') },
    ]);
  });

  it('an annotation naming a key the selector lacks is a problem', () => {
    expect(findTrafficPairs([service('web', { app: 'web' }, { 'pilothouse.dev/slot-key': 'slot' })], [blue, green]).problems[0].message).toContain('which its selector does not include');
  });

  it('a selector matching three slotted Deployments is no pair, and says which', () => {
    const third = deployment('web-purple', { app: 'web', slot: 'purple' });
    const found = findTrafficPairs([service('web', { app: 'web', slot: 'blue' })], [blue, green, third]);
    expect(found.pairs).toEqual([]);
    expect(found.problems[0].message).toBe('3 Deployments carry "slot" under this Service (web-blue, web-green, web-purple); a blue/green pair is two');
  });

  it('one slot only, or both Deployments in the same slot, are problems', () => {
    expect(findTrafficPairs([service('web', { app: 'web', slot: 'blue' })], [blue]).problems[0].message).toContain('found web-blue');
    const twin = deployment('web-blue-2', { app: 'web', slot: 'blue', copy: '2' }, { selector: { matchLabels: { app: 'web', slot: 'blue', copy: '2' } } });
    const alone = deployment('web-blue-1', { app: 'web', slot: 'blue', copy: '1' }, { selector: { matchLabels: { app: 'web', slot: 'blue', copy: '1' } } });
    expect(findTrafficPairs([service('web', { app: 'web', slot: 'blue' })], [alone, twin]).problems[0].message).toBe('web-blue-1, web-blue-2 are both in slot "blue": the slots must differ');
  });

  it('Deployments with matchExpressions: fine when each selects its own slot, a problem when one selects the other’s pods', () => {
    const exprBlue = deployment('web-blue', { app: 'web', slot: 'blue' }, { selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'slot', operator: 'In', values: ['blue'] }] } });
    expect(findTrafficPairs([service('web', { app: 'web', slot: 'blue' })], [exprBlue, green]).pairs).toHaveLength(1);
    const greedy = deployment('web-blue', { app: 'web', slot: 'blue' }, { selector: { matchExpressions: [{ key: 'slot', operator: 'Exists' }] } });
    expect(findTrafficPairs([service('web', { app: 'web', slot: 'blue' })], [greedy, green]).problems[0].message).toBe(
      "Deployment web-blue's selector also matches web-green's pods: their controllers would fight over them",
    );
  });

  it('matches Deployments of the Service’s own namespace only', () => {
    const elsewhere = deployment('web-green', { app: 'web', slot: 'green' }, { namespace: 'other' });
    expect(findTrafficPairs([service('web', { app: 'web', slot: 'blue' })], [blue, elsewhere]).problems[0].message).toContain('found web-blue');
  });

  it('ExternalName Services are skipped', () => {
    const external: ServiceObject = { ...service('web', { app: 'web', slot: 'blue' }), spec: { type: 'ExternalName', selector: { app: 'web', slot: 'blue' } } };
    expect(findTrafficPairs([external], [blue, green])).toEqual({ pairs: [], problems: [] });
  });
});

describe('canary pairs', () => {
  const stable = deployment('web', { app: 'web', track: 'stable' }, { replicas: 3 });
  const canary = deployment('web-canary', { app: 'web', track: 'canary' }, { replicas: 1 });

  it('a Service selecting a stable and a canary Deployment: the weight is the canary’s share of ready pods', () => {
    const found = findTrafficPairs([service('web', { app: 'web' })], [stable, canary]);
    expect(found.pairs).toEqual([
      expect.objectContaining({ kind: 'canary', service: 'web', trackKey: 'track', weight: 25, stable: expect.objectContaining({ deployment: 'web', value: 'stable', ready: 3 }), canary: expect.objectContaining({ deployment: 'web-canary', ready: 1 }) }),
    ]);
  });

  it('no weight when no pod is ready', () => {
    const none = [deployment('web', { app: 'web', track: 'stable' }, { ready: 0 }), deployment('web-canary', { app: 'web', track: 'canary' }, { ready: 0 })];
    expect(findTrafficPairs([service('web', { app: 'web' })], none).pairs[0]).not.toHaveProperty('weight');
  });

  it('the track key can be renamed by annotation', () => {
    const s = deployment('s', { app: 'web', stage: 'stable' });
    const c = deployment('c', { app: 'web', stage: 'canary' });
    expect(findTrafficPairs([service('web', { app: 'web' }, { 'pilothouse.dev/track-key': 'stage' })], [s, c]).pairs[0]).toMatchObject({ trackKey: 'stage' });
  });

  it('a Deployment behind it without a track label is a problem, named', () => {
    const unlabelled = deployment('web-old', { app: 'web' });
    expect(findTrafficPairs([service('web', { app: 'web' })], [stable, canary, unlabelled]).problems[0].message).toBe(
      'It also selects web-old, which has no "track" label: label every Deployment behind it stable or canary',
    );
  });

  it('a Service whose Deployments carry no track label is no pair and no problem', () => {
    expect(findTrafficPairs([service('web', { app: 'web' })], [deployment('a', { app: 'web' }), deployment('b', { app: 'web', tier: 'x' })])).toEqual({ pairs: [], problems: [] });
  });

  it('two stables, a missing canary, or another track value are problems', () => {
    const second = deployment('web-2', { app: 'web', track: 'stable', n: '2' }, { selector: { matchLabels: { app: 'web', track: 'stable', n: '2' } } });
    const first = deployment('web-1', { app: 'web', track: 'stable', n: '1' }, { selector: { matchLabels: { app: 'web', track: 'stable', n: '1' } } });
    expect(findTrafficPairs([service('web', { app: 'web' })], [first, second, canary]).problems[0].message).toBe(
      'A canary pair is one stable and one canary Deployment; it selects 2 stable (web-1, web-2) and 1 canary (web-canary)',
    );
    expect(findTrafficPairs([service('web', { app: 'web' })], [stable]).problems[0].message).toContain('0 canary (none)');
    const beta = deployment('web-beta', { app: 'web', track: 'beta' });
    expect(findTrafficPairs([service('web', { app: 'web' })], [stable, beta]).problems[0].message).toBe('web-beta: "track" is neither stable nor canary');
  });

  it('a Service selecting one track is not a canary Service', () => {
    expect(findTrafficPairs([service('web-stable', { app: 'web', track: 'stable' })], [stable, canary])).toEqual({ pairs: [], problems: [] });
  });

  it('pairs and problems come sorted by namespace and Service', () => {
    const found = findTrafficPairs(
      [service('z', { app: 'web' }), service('a', { app: 'web' }, undefined, 'b-ns'), service('m', { app: 'web' }, undefined, 'a-ns')],
      [stable, canary, deployment('s', { app: 'web', track: 'stable' }, { namespace: 'a-ns' }), deployment('c', { app: 'web', track: 'canary' }, { namespace: 'a-ns' })],
    );
    expect(found.pairs.map((p) => `${p.namespace}/${p.service}`)).toEqual(['a-ns/m', 'shop/z']);
  });
});

it('looks at each Service’s candidate Deployments only: 5,000 Services over 5,000 Deployments take a few selector evaluations each', () => {
  // 1,250 blue/green and 1,250 canary pairs, every pod template also labelled tier=web, and 2,500 Services selecting nothing.
  const deployments: PairDeployment[] = [];
  const services: ServiceObject[] = [];
  for (let i = 0; i < 1250; i++) {
    for (const slot of ['blue', 'green']) deployments.push(deployment(`b${i}-${slot}`, { app: `b${i}`, tier: 'web', slot }));
    for (const track of ['stable', 'canary']) deployments.push(deployment(`c${i}-${track}`, { app: `c${i}`, tier: 'web', track }));
    services.push(service(`b${i}`, { app: `b${i}`, tier: 'web', slot: 'blue' }), service(`c${i}`, { app: `c${i}`, tier: 'web' }));
    services.push(service(`idle${i}`, { app: `idle${i}`, tier: 'web' }), service(`gone${i}`, { app: `gone${i}`, slot: 'blue' }, { 'pilothouse.dev/slot-key': 'slot' }));
  }
  evaluated.selectors = 0;
  const found = findTrafficPairs(services, deployments);
  expect(found.pairs.filter((p) => p.kind === 'blueGreen')).toHaveLength(1250);
  expect(found.pairs.filter((p) => p.kind === 'canary')).toHaveLength(1250);
  expect(found.problems).toHaveLength(1250);
  // Two candidates and the two-way overlap check per pair; a scan of every Deployment per Service would be 25,000,000.
  expect(evaluated.selectors).toBeLessThanOrEqual(4 * services.length);
});

it('escapes label keys as JSON pointer tokens', () => {
  expect(pointerToken('pilothouse.dev/slot')).toBe('pilothouse.dev~1slot');
  expect(pointerToken('a~b')).toBe('a~0b');
});
