import { expect, it } from 'vitest';
import { quotaUsage } from './policy';

it("a quota's requests and limits as kubectl prints them: by name, used/hard, limits.* apart", () => {
  const quota = {
    spec: { hard: { 'requests.nvidia.com/gpu': '16', pods: '50', 'limits.memory': '512Gi', 'requests.cpu': '64', 'limits.cpu': '128' } },
    status: {
      hard: { 'requests.nvidia.com/gpu': '16', pods: '50', 'limits.memory': '512Gi', 'requests.cpu': '64', 'limits.cpu': '128' },
      used: { 'requests.nvidia.com/gpu': '8', pods: '12', 'limits.memory': '96Gi', 'requests.cpu': '23500m', 'limits.cpu': '40' },
    },
  };
  expect(quotaUsage(quota)).toEqual({
    requests: 'pods: 12/50, requests.cpu: 23500m/64, requests.nvidia.com/gpu: 8/16',
    limits: 'limits.cpu: 40/128, limits.memory: 96Gi/512Gi',
  });
});

it('a quota the controller has not counted yet: nothing from the spec alone, zero for what is not used yet', () => {
  expect(quotaUsage({ spec: { hard: { pods: '10' } } })).toEqual({ requests: null, limits: null });
  expect(quotaUsage({ status: { hard: { pods: '10', 'limits.cpu': '4' }, used: {} } })).toEqual({ requests: 'pods: 0/10', limits: 'limits.cpu: 0/4' });
});
