import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import {
  eventsSelector,
  groupVersionPath,
  isAboutNode,
  jobPodsText,
  objectText,
  onNodeFilter,
  ownedBy,
  ownerReadOutcome,
  podCountProblem,
  podPageQuery,
  subresourceNames,
} from './kubeObjects';

describe('owners', () => {
  it('follows an owner read back with its uid, and stops at one gone, replaced or hidden', () => {
    expect(ownerReadOutcome(200, 'u1', 'u1')).toBe('found');
    expect(ownerReadOutcome(404, undefined, 'u1')).toBe('missing');
    // Same name, another uid: a newer object, not the owner.
    expect(ownerReadOutcome(200, 'u2', 'u1')).toBe('missing');
    expect(ownerReadOutcome(403, undefined, 'u1')).toBe('forbidden');
    expect(ownerReadOutcome(500, undefined, 'u1')).toBe('failed');
  });

  it('finds what an object owns by uid', () => {
    const jobs = [
      { metadata: { name: 'a', ownerReferences: [{ uid: 'cron' }] } },
      { metadata: { name: 'b', ownerReferences: [{ uid: 'other' }] } },
      { metadata: { name: 'c' } },
    ];
    expect(ownedBy(jobs, 'cron').map((j) => j.metadata.name)).toEqual(['a']);
    expect(ownedBy(jobs, undefined)).toEqual([]);
  });

  it("words how a CronJob's pods are chosen", () => {
    expect(jobPodsText(['nightly-1'])).toBe('pods of job nightly-1');
    expect(jobPodsText(['nightly-1', 'nightly-2'])).toBe('pods of jobs nightly-1, nightly-2');
    expect(jobPodsText([])).toBe('pods of its jobs (none now)');
  });
});

describe('pods', () => {
  it('pages through the pods a filter selects, the continue token escaped', () => {
    expect(podPageQuery('', undefined)).toBe('?limit=500');
    expect(podPageQuery(onNodeFilter('gpu-1'), 'a+b/c=')).toBe('?fieldSelector=spec.nodeName%3Dgpu-1&limit=500&continue=a%2Bb%2Fc%3D');
  });

  it('says why a node has no pod count', () => {
    expect(podCountProblem(new AppError('FORBIDDEN', 'No access (403) while counting'))).toBe('no access to list pods');
    expect(podCountProblem(new AppError('TIMEOUT', 'https://k did not answer within 30 s'))).toBe('https://k did not answer within 30 s');
    expect(podCountProblem('odd')).toBe('odd');
  });
});

describe('events', () => {
  it("selects an object's events by uid, a node's by name", () => {
    expect(eventsSelector(false, 'web-1', 'u1')).toBe('involvedObject.uid=u1');
    expect(eventsSelector(true, 'gpu-1', 'n1')).toBe('involvedObject.kind=Node,involvedObject.name=gpu-1');
  });

  it("keeps a node's events whose uid is the node's, or its name as kubelets write it", () => {
    expect(isAboutNode({ involvedObject: { uid: 'n1' } }, 'gpu-1', 'n1')).toBe(true);
    expect(isAboutNode({ involvedObject: { uid: 'gpu-1' } }, 'gpu-1', 'n1')).toBe(true);
    // A node of the same name deleted and created again.
    expect(isAboutNode({ involvedObject: { uid: 'n0' } }, 'gpu-1', 'n1')).toBe(false);
  });
});

describe('discovery and messages', () => {
  it('reads the subresources a group version serves', () => {
    expect(groupVersionPath({ group: '', version: 'v1' })).toBe('/api/v1');
    expect(groupVersionPath({ group: 'ray.io', version: 'v1' })).toBe('/apis/ray.io/v1');
    expect(subresourceNames({ resources: [{ name: 'rayclusters' }, { name: 'rayclusters/status' }, { name: 'rayclusters/scale' }] })).toEqual(
      new Set(['rayclusters/status', 'rayclusters/scale']),
    );
    expect(subresourceNames({})).toEqual(new Set());
  });

  it('names objects with their namespace when they have one', () => {
    expect(objectText('pods', 'team-a', 'web-1')).toBe('pods team-a/web-1');
    expect(objectText('nodes', undefined, 'gpu-1')).toBe('nodes gpu-1');
  });
});
