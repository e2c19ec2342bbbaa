import { expect, it } from 'vitest';
import { jobSummary } from './workloads';

const at = '2026-01-10T08:00:00Z';

it('jobs: complete with duration, failed, running, suspended', () => {
  const complete = { spec: { completions: 1 }, status: { succeeded: 1, startTime: '2026-01-10T08:00:00Z', completionTime: '2026-01-10T08:02:15Z', conditions: [{ type: 'Complete', status: 'True' }] } };
  expect(jobSummary(complete)).toEqual({ status: 'Complete', completions: '1/1', duration: '2m15s' });
  const failed = {
    spec: { completions: 3 },
    status: { succeeded: 1, startTime: '2026-01-10T08:00:00Z', conditions: [{ type: 'Failed', status: 'True', lastTransitionTime: '2026-01-10T09:00:00Z' }] },
  };
  expect(jobSummary(failed)).toEqual({ status: 'Failed', completions: '1/3', duration: '60m' });
  expect(jobSummary({ spec: { parallelism: 4 }, status: { startTime: at } })).toEqual({ status: 'Running', completions: '0/1 of 4', duration: null });
  expect(jobSummary({ spec: { suspend: true, completions: 2 } }).status).toBe('Suspended');
});
