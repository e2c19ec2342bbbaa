import { describe, expect, it } from 'vitest';
import type { DrainPod } from './contract/kubeObjects';
import { drainVerdict, podList, refusalMessage, sortForDrain } from './kubeDrain';

const pod = (name: string, facts: Partial<DrainPod> = {}): DrainPod => ({
  namespace: 'team-a',
  name,
  uid: `uid-${name}`,
  controller: 'ReplicaSet',
  mirror: false,
  emptyDir: false,
  finished: false,
  ...facts,
});
const DEFAULTS = { deleteEmptyDirData: false, force: false, ignoreDaemonSets: true };

describe('what a drain does with each pod, as kubectl drain', () => {
  it('evicts pods a controller recreates', () => {
    expect(drainVerdict(pod('web-1'), DEFAULTS)).toEqual({ action: 'evict' });
  });

  it('skips DaemonSet pods, or refuses them when they are not to be ignored; a finished one is removed', () => {
    const ds = pod('fluentd-x', { controller: 'DaemonSet', emptyDir: true });
    expect(drainVerdict(ds, DEFAULTS)).toEqual({ action: 'skip', reason: 'DaemonSet' });
    expect(drainVerdict(ds, { ...DEFAULTS, ignoreDaemonSets: false })).toMatchObject({ action: 'refuse', option: 'ignoreDaemonSets' });
    expect(drainVerdict({ ...ds, finished: true }, { ...DEFAULTS, ignoreDaemonSets: false })).toEqual({ action: 'evict' });
  });

  it('refuses a pod whose DaemonSet no longer exists unless forced, ignored DaemonSets or not; forced, it goes like any other pod', () => {
    const orphan = pod('fluentd-x', { controller: 'DaemonSet', orphanedDaemonSet: true });
    expect(drainVerdict(orphan, DEFAULTS)).toEqual({
      action: 'refuse',
      reason: 'belongs to a DaemonSet that no longer exists: nothing would recreate it',
      option: 'force',
      rule: 'orphanedDaemonSet',
    });
    expect(drainVerdict(orphan, { ...DEFAULTS, force: true })).toEqual({ action: 'evict', warning: 'its DaemonSet no longer exists: nothing recreates it' });
    // The later rules still judge it, as kubectl's filters run on.
    expect(drainVerdict({ ...orphan, emptyDir: true }, { ...DEFAULTS, force: true })).toMatchObject({ action: 'refuse', option: 'deleteEmptyDirData' });
    expect(drainVerdict({ ...orphan, finished: true }, DEFAULTS)).toEqual({ action: 'evict' });
  });

  it('skips static pods’ mirrors, whatever the options', () => {
    const mirror = pod('kube-apiserver-n1', { controller: 'Node', mirror: true, emptyDir: true });
    expect(drainVerdict(mirror, DEFAULTS)).toEqual({ action: 'skip', reason: 'mirror' });
    expect(drainVerdict(mirror, { deleteEmptyDirData: true, force: true, ignoreDaemonSets: false })).toEqual({ action: 'skip', reason: 'mirror' });
  });

  it('refuses emptyDir pods unless their data may go, and unmanaged pods unless forced', () => {
    const cache = pod('cache-0', { emptyDir: true });
    expect(drainVerdict(cache, DEFAULTS)).toEqual({ action: 'refuse', reason: 'has emptyDir data that would be lost', option: 'deleteEmptyDirData', rule: 'deleteEmptyDirData' });
    expect(drainVerdict(cache, { ...DEFAULTS, deleteEmptyDirData: true })).toEqual({ action: 'evict', warning: 'its emptyDir data is lost' });

    const bare = pod('debug', { controller: undefined });
    expect(drainVerdict(bare, DEFAULTS)).toMatchObject({ action: 'refuse', option: 'force' });
    expect(drainVerdict(bare, { ...DEFAULTS, force: true })).toEqual({ action: 'evict', warning: 'nothing recreates it' });
    // Both at once: emptyDir is judged first, as kubectl's filters run.
    expect(drainVerdict({ ...bare, emptyDir: true }, { ...DEFAULTS, deleteEmptyDirData: true })).toMatchObject({ action: 'refuse', option: 'force' });
    expect(drainVerdict({ ...bare, emptyDir: true }, { ...DEFAULTS, deleteEmptyDirData: true, force: true })).toEqual({
      action: 'evict',
      warning: 'its emptyDir data is lost; nothing recreates it',
    });
  });

  it('removes finished pods without fuss, whatever they hold or whoever owns them', () => {
    expect(drainVerdict(pod('job-x', { controller: undefined, emptyDir: true, finished: true }), DEFAULTS)).toEqual({ action: 'evict' });
  });
});

describe('sorting a node’s pods and saying why a drain stops', () => {
  it('sorts pods by verdict', () => {
    const sorted = sortForDrain(
      [pod('web-1'), pod('fluentd', { controller: 'DaemonSet' }), pod('etcd', { controller: 'Node', mirror: true }), pod('debug', { controller: undefined })],
      DEFAULTS,
    );
    expect(sorted.evict.map((e) => e.pod.name)).toEqual(['web-1']);
    expect(sorted.skipDaemonSet.map((p) => p.name)).toEqual(['fluentd']);
    expect(sorted.skipMirror.map((p) => p.name)).toEqual(['etcd']);
    expect(sorted.refused.map((r) => r.pod.name)).toEqual(['debug']);
  });

  it('names the refused pods and the option that lets each group go', () => {
    const { refused } = sortForDrain([pod('debug', { controller: undefined }), pod('cache-0', { emptyDir: true }), pod('cache-1', { emptyDir: true })], DEFAULTS);
    expect(refusalMessage(refused)).toBe(
      '1 pod has no controller: nothing would recreate it (team-a/debug): choose "Force" to drain anyway; ' +
        '2 pods have emptyDir data that would be lost (team-a/cache-0, team-a/cache-1): choose "Delete emptyDir data" to drain anyway',
    );
  });

  it('tells a pod whose DaemonSet is gone from one with no controller, though "Force" lets both go', () => {
    const { refused } = sortForDrain([pod('debug', { controller: undefined }), pod('a', { controller: 'DaemonSet', orphanedDaemonSet: true }), pod('b', { controller: 'DaemonSet', orphanedDaemonSet: true })], DEFAULTS);
    expect(refusalMessage(refused)).toBe(
      '1 pod has no controller: nothing would recreate it (team-a/debug): choose "Force" to drain anyway; ' +
        '2 pods belong to DaemonSets that no longer exist: nothing would recreate them (team-a/a, team-a/b): choose "Force" to drain anyway',
    );
  });

  it('counts the pods past the fifth instead of naming them', () => {
    expect(podList(Array.from({ length: 7 }, (_, i) => pod(`p${i}`)))).toBe('team-a/p0, team-a/p1, team-a/p2, team-a/p3, team-a/p4 and 2 more');
  });
});
