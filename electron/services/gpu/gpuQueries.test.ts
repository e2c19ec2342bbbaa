import { describe, expect, it } from 'vitest';
import { GPU_MAX_POINTS } from '../../../shared/contract';
import { alignRange, chooseStep, heatmapQuery, holdersQuery, hourlyUtilisationQuery, promString, selector, seriesKey, utilisationQuery } from './gpuQueries';
import { recorded } from './testKit';

describe('chooseStep', () => {
  it('picks the smallest readable step that keeps a preset under 1,500 points per series', () => {
    expect(chooseStep(0, 3600)).toBe(5);
    expect(chooseStep(0, 86_400)).toBe(60);
    expect(chooseStep(0, 7 * 86_400)).toBe(600);
    expect(chooseStep(0, 60)).toBe(1);
  });

  it('never gives more points than asked, whatever the range', () => {
    for (const span of [1, 59, 61, 1499, 1500, 1501, 3599, 40_000, 86_399, 604_800, 2_678_400, 31_536_000]) {
      const step = chooseStep(1_000, 1_000 + span);
      expect(Math.floor(span / step) + 1, `span ${span}`).toBeLessThanOrEqual(GPU_MAX_POINTS);
      expect(Math.floor(span / chooseStep(0, span, 1440)) + 1).toBeLessThanOrEqual(1440);
    }
  });
});

describe('alignRange', () => {
  it('puts start and end on multiples of the step, so a zoom hits the instants of the wider view', () => {
    expect(alignRange(1_000_123, 1_003_725, 60)).toEqual({ start: 1_000_080, end: 1_003_680, step: 60 });
    expect(alignRange(120, 150, 60)).toEqual({ start: 120, end: 120, step: 60 });
  });
});

describe('promString and selector', () => {
  it('quotes label values so they cannot end the matcher or add to the query', () => {
    expect(promString('gpu-h200-0')).toBe('"gpu-h200-0"');
    expect(promString('a"} or vector(1) #')).toBe('"a\\"} or vector(1) #"');
    expect(promString('back\\slash\nnew\rline')).toBe('"back\\\\slash\\nnew\\rline"');
    expect(selector('DCGM_FI_DEV_GPU_UTIL', { Hostname: 'x"}', pod: undefined }, ['pod'])).toBe('DCGM_FI_DEV_GPU_UTIL{Hostname="x\\"}",pod!=""}');
  });
});

describe('utilisationQuery', () => {
  it('asks exactly what the recorded answers were recorded for', () => {
    const q = (name: string) => recorded.queries[name].params.query;
    expect(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', 'gpu')).toBe(q('range-gpu'));
    expect(heatmapQuery('DCGM_FI_DEV_GPU_UTIL')).toBe(q('range-gpu'));
    expect(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', 'gpu', { node: 'gpu-h200-2' })).toBe(q('range-gpu-of-node'));
    expect(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', 'node')).toBe(q('range-node'));
    expect(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', 'pod')).toBe(q('range-pod'));
    expect(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', 'namespace')).toBe(q('range-namespace'));
    expect(utilisationQuery('DCGM_FI_PROF_GR_ENGINE_ACTIVE', 'node')).toBe(q('range-engine-node'));
    expect(holdersQuery()).toBe(q('holders'));
    expect(hourlyUtilisationQuery()).toBe(q('hourly'));
  });

  it('adds memory and power up, and takes the hottest temperature', () => {
    expect(utilisationQuery('DCGM_FI_DEV_FB_USED', 'node')).toBe('sum by (Hostname) (DCGM_FI_DEV_FB_USED{})');
    expect(utilisationQuery('DCGM_FI_DEV_POWER_USAGE', 'namespace')).toBe('sum by (namespace) (DCGM_FI_DEV_POWER_USAGE{namespace!=""})');
    expect(utilisationQuery('DCGM_FI_DEV_GPU_TEMP', 'pod', { node: 'gpu-h200-1' })).toBe('max by (namespace, pod) (DCGM_FI_DEV_GPU_TEMP{Hostname="gpu-h200-1",pod!=""})');
  });

  it('narrows to a node, namespace and pod', () => {
    expect(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', 'gpu', { node: 'n', namespace: 'ns', pod: 'p' })).toBe('max by (Hostname, gpu, UUID, modelName) (DCGM_FI_DEV_GPU_UTIL{Hostname="n",namespace="ns",pod="p",GPU_I_ID=""})');
  });
});

describe('MIG instances', () => {
  // dcgm-exporter reports DCGM_FI_DEV_GPU_UTIL as 0 for every MIG instance (GPU_I_ID set): such rows would read as idle GPUs.
  it('leaves them out of utilisation rows and the heatmap, where their value is always 0', () => {
    for (const groupBy of ['gpu', 'node', 'pod', 'namespace'] as const) expect(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', groupBy)).toContain('GPU_I_ID=""');
    expect(heatmapQuery('DCGM_FI_DEV_GPU_UTIL')).toContain('GPU_I_ID=""');
  });

  it('keeps them where they are measured per instance (graphics engine activity)', () => {
    expect(heatmapQuery('DCGM_FI_PROF_GR_ENGINE_ACTIVE')).not.toContain('GPU_I_ID');
    expect(utilisationQuery('DCGM_FI_PROF_GR_ENGINE_ACTIVE', 'pod')).not.toContain('GPU_I_ID');
  });

  it('keeps them apart in the hourly idle query so the report can skip and count them (review #19: MIG slices priced as whole GPUs)', () => {
    expect(hourlyUtilisationQuery()).toContain('GPU_I_ID');
    expect(hourlyUtilisationQuery()).toMatch(/avg by \([^)]*GPU_I_ID[^)]*\)/);
  });
});

describe('seriesKey', () => {
  it('is unique per group', () => {
    const l = { Hostname: 'gpu-h200-0', gpu: '3', namespace: 'ml', pod: 'p-0' };
    expect(seriesKey('gpu', l)).toBe('gpu-h200-0/3');
    expect(seriesKey('node', l)).toBe('gpu-h200-0');
    expect(seriesKey('pod', l)).toBe('ml/p-0');
    expect(seriesKey('namespace', l)).toBe('ml');
    expect(seriesKey('gpu', {})).toBe('/');
  });
});
