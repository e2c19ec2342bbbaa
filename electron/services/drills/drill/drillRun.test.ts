import { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DrillCheckResult } from '../../../../shared/contract/drills';
import { AppError } from '../../../../shared/result';
import type { TaskContext } from '../../tasks/taskRunner';
import type { VerifiedArchive } from '../archive/archiveTypes';
import { cleanupDrill } from './cleanup';
import type { CreatedRef } from './drillObjects';
import { DrillFailed, drillTask, judgeDrill, READY_CHECK, rpoOf, type DrillPlan, type DrillRecorder, type DrillResultFields } from './drillRun';
import { restoreArchive, RestoreStopped } from './restore';
import { verifyRestore } from './verify';
import { waitReady, type ReadyResult } from './waitReady';

vi.mock('./restore', async (original) => ({ ...(await original<typeof import('./restore')>()), restoreArchive: vi.fn() }));
vi.mock('./waitReady', async (original) => ({ ...(await original<typeof import('./waitReady')>()), waitReady: vi.fn() }));
vi.mock('./verify', async (original) => ({ ...(await original<typeof import('./verify')>()), verifyRestore: vi.fn() }));
vi.mock('./cleanup', () => ({ cleanupDrill: vi.fn() }));

const pass = (name: string): DrillCheckResult => ({ name, passed: true, detail: 'ok' });
const fail = (name: string): DrillCheckResult => ({ name, passed: false, detail: 'missing' });

describe('judgeDrill', () => {
  const base = { checks: [pass('Kinds and counts')], rtoMs: 60_000, rpoMs: 3_600_000, rtoTargetMs: 120_000, rpoTargetMs: 7_200_000 };

  it('passes when every check passed within both targets', () => {
    expect(judgeDrill(base)).toEqual({ outcome: 'passed', reasons: [] });
    expect(judgeDrill({ ...base, rtoMs: 120_000, rpoMs: 7_200_000 }).outcome).toBe('passed');
    expect(judgeDrill({ checks: base.checks, rtoMs: 9e9, rpoMs: 9e9 }).outcome).toBe('passed');
  });

  it('fails an RTO over its target, or never reached', () => {
    expect(judgeDrill({ ...base, rtoMs: 120_001 })).toEqual({ outcome: 'failed', reasons: ['RTO 2 min is over its target of 2 min'] });
    expect(judgeDrill({ ...base, rtoMs: undefined }).reasons).toEqual(['the workloads never were all ready, so the RTO target of 2 min was missed']);
  });

  it('fails an RPO over its target', () => {
    expect(judgeDrill({ ...base, rpoMs: 7_200_001 }).outcome).toBe('failed');
  });

  it('fails on any failed check, naming it', () => {
    expect(judgeDrill({ ...base, checks: [pass('a'), fail('Secret data')] })).toEqual({ outcome: 'failed', reasons: ['1 check failed (Secret data)'] });
  });
});

describe('rpoOf', () => {
  it('is drill start − backup taken, never negative', () => {
    expect(rpoOf(Date.parse('2026-12-04T12:00:00Z'), '2026-12-04T10:00:00Z')).toBe(7_200_000);
    expect(rpoOf(Date.parse('2026-12-04T09:59:59Z'), '2026-12-04T10:00:00Z')).toBe(0);
  });
});

describe('drillTask', () => {
  const NS: CreatedRef = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', name: 'drill-a', uid: 'u1' };
  const CM: CreatedRef = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespace: 'drill-a', name: 'settings', uid: 'u2' };
  const archive: VerifiedArchive = {
    manifest: { format: 'pilothouse.backup/v1', id: 'b1', name: 'pilothouse-team-a-x', takenAt: '2026-12-04T10:00:00Z', finishedAt: '2026-12-04T10:00:01Z', source: { connectionName: 'prod' }, namespaces: ['team-a'], counts: [], skipped: [], objects: [] },
    manifestSha256: 'm',
    objects: [],
  };

  let clock: number;
  let events: string[];
  let results: DrillResultFields[];
  let createdCalls: { refs: CreatedRef[]; leftovers: number }[];
  let recorder: DrillRecorder;
  let controller: AbortController;
  let ctx: TaskContext;
  const last = () => Object.assign({}, ...results) as DrillResultFields;

  const plan = (over: Partial<DrillPlan> = {}): DrillPlan => ({
    drillId: 'd1',
    loadArchive: async () => archive,
    kc: new KubeConfig(),
    sourceNamespace: 'team-a',
    targetNamespace: 'drill-a',
    allowExistingNamespace: false,
    keep: false,
    checks: [],
    readyTimeoutMs: 60_000,
    rtoTargetMs: 120_000,
    rpoTargetMs: 4 * 3_600_000,
    backupTakenAt: '2026-12-04T10:00:00Z',
    now: () => clock,
    ...over,
  });

  const ready = (after: number): ReadyResult => ({ allReady: true, allReadyAt: clock + after, workloads: [], notReady: [], summary: 'All 1 workload ready' });

  beforeEach(() => {
    vi.clearAllMocks();
    clock = Date.parse('2026-12-04T12:00:00Z');
    events = [];
    results = [];
    createdCalls = [];
    recorder = {
      event: (phase, message) => events.push(`${phase}: ${message}`),
      created: (refs, leftovers) => createdCalls.push({ refs, leftovers }),
      result: (fields) => results.push(fields),
    };
    controller = new AbortController();
    ctx = {
      id: 't1',
      signal: controller.signal,
      phase: vi.fn(),
      progress: vi.fn(),
      throwIfCancelled: () => controller.signal.throwIfAborted(),
      log: vi.fn(),
      record: vi.fn(),
    };
    vi.mocked(restoreArchive).mockImplementation(async (_kc, _a, options) => {
      options.onCreated(NS);
      options.onCreated(CM);
      return { created: [NS, CM], namespaceCreated: true, existing: [], crdsPresent: [], leftToCluster: [], failed: [] };
    });
    vi.mocked(waitReady).mockImplementation(async () => ready(90_000));
    vi.mocked(verifyRestore).mockResolvedValue([pass('Kinds and counts'), pass('ConfigMap data'), pass('Secret data')]);
    vi.mocked(cleanupDrill).mockResolvedValue({ removed: [NS, CM], left: [], summary: 'Removed all 2 created objects' });
  });

  it('passes within its targets, persisting each created object as it comes, and cleans up', async () => {
    const task = drillTask({ recorder }, plan());
    const result = await task.run(ctx);
    expect(result).toEqual({ outcome: 'passed', rtoMs: 90_000, rpoMs: 7_200_000, checksPassed: 4, checksFailed: 0, kept: false, leftovers: 0 });
    expect(createdCalls).toEqual([
      { refs: [NS], leftovers: 1 },
      { refs: [NS, CM], leftovers: 2 },
      { refs: [NS, CM], leftovers: 0 },
    ]);
    expect(vi.mocked(cleanupDrill).mock.calls[0][1]).toEqual([NS, CM]);
    expect(last()).toMatchObject({ outcome: 'passed', rtoMs: 90_000, rpoMs: 7_200_000, kept: false, leftovers: 0 });
    expect(last().checks?.map((c) => c.name)).toEqual([READY_CHECK, 'Kinds and counts', 'ConfigMap data', 'Secret data']);
    expect(vi.mocked(ctx.phase).mock.calls.map((c) => c[0])).toEqual(['Check', 'Restore', 'Wait ready', 'Verify', 'Clean up', 'Report']);
    expect(events.at(-1)).toBe('Report: The drill passed');
  });

  it('fails an RTO over its target even with every check passed', async () => {
    vi.mocked(waitReady).mockImplementation(async () => ready(150_000));
    // The task fails with the drill, after its cleanup: the tray and the audit log never say succeeded.
    const err = await drillTask({ recorder }, plan()).run(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrillFailed);
    expect(err).toMatchObject({ code: 'DRILL_FAILED', message: 'RTO 2 min 30 s is over its target of 2 min', result: { outcome: 'failed', rtoMs: 150_000, leftovers: 0 } });
    expect(last()).toMatchObject({ outcome: 'failed', rtoMs: 150_000, error: 'RTO 2 min 30 s is over its target of 2 min', leftovers: 0 });
  });

  it('fails a failed check, and workloads never ready as a failed check with no RTO', async () => {
    vi.mocked(waitReady).mockResolvedValue({ allReady: false, workloads: [], notReady: [{ kind: 'Deployment', name: 'web', ready: false, reason: '0/2 ready' }], summary: '1 of 1 workloads not ready after 60 s: Deployment web (0/2 ready)' });
    vi.mocked(verifyRestore).mockResolvedValue([pass('Kinds and counts'), fail('Secret data')]);
    const { result } = (await drillTask({ recorder }, plan({ rtoTargetMs: undefined })).run(ctx).catch((e: unknown) => e)) as DrillFailed;
    expect(result).toMatchObject({ outcome: 'failed', checksFailed: 2 });
    expect(result.rtoMs).toBeUndefined();
    expect(last().error).toBe(`2 checks failed (${READY_CHECK}, Secret data)`);
  });

  it('a cancelled drill is recorded cancelled, never passed, and its cleanup deletes what was created', async () => {
    vi.mocked(waitReady).mockImplementation(async () => {
      controller.abort(new Error('Cancelled by ana'));
      throw controller.signal.reason;
    });
    const task = drillTask({ recorder }, plan());
    await expect(task.run(ctx)).rejects.toThrow('Cancelled by ana');
    expect(last()).toMatchObject({ outcome: 'cancelled', error: 'Cancelled by ana', leftovers: 2 });
    expect(results.some((r) => r.outcome === 'passed')).toBe(false);
    expect(cleanupDrill).not.toHaveBeenCalled();

    await task.cleanup(ctx);
    expect(vi.mocked(cleanupDrill).mock.calls[0][1]).toEqual([NS, CM]);
    expect(last()).toMatchObject({ outcome: 'cancelled', kept: false, leftovers: 0 });
  });

  it('a restore stopped by the apiserver going away fails the drill, saying what was created, for the cleanup', async () => {
    vi.mocked(restoreArchive).mockImplementation(async (_kc, _a, options) => {
      options.onCreated(NS);
      throw new RestoreStopped('The restore stopped at ConfigMap drill-a/settings, after creating 1 object: refused', [NS]);
    });
    const task = drillTask({ recorder }, plan());
    await expect(task.run(ctx)).rejects.toBeInstanceOf(RestoreStopped);
    expect(last()).toMatchObject({ outcome: 'failed', error: 'The restore stopped at ConfigMap drill-a/settings, after creating 1 object: refused', leftovers: 1 });
    expect(events.at(-1)).toContain('Created so far: Namespace drill-a.');
    await task.cleanup(ctx);
    expect(vi.mocked(cleanupDrill).mock.calls[0][1]).toEqual([NS]);
  });

  it('an archive that fails its check stops the drill in Check, before anything is restored', async () => {
    const task = drillTask({ recorder }, plan({ loadArchive: async () => Promise.reject(new AppError('VALIDATION', 'objects/team-a/core/configmaps/a.yaml does not match its sha256')) }));
    await expect(task.run(ctx)).rejects.toThrow('does not match its sha256');
    expect(restoreArchive).not.toHaveBeenCalled();
    expect(last()).toMatchObject({ outcome: 'failed', error: 'objects/team-a/core/configmaps/a.yaml does not match its sha256' });
    await task.cleanup(ctx);
    expect(cleanupDrill).not.toHaveBeenCalled();
    expect(last()).toMatchObject({ kept: false, leftovers: 0 });
  });

  it('objects that were in an allowed existing namespace already are not counted as restored: Kinds and counts fails naming them', async () => {
    vi.mocked(restoreArchive).mockImplementation(async (_kc, _a, options) => {
      options.onCreated(CM);
      return { created: [CM], namespaceCreated: false, existing: ['Deployment drill-a/web', 'Secret drill-a/db'], crdsPresent: [], leftToCluster: [], failed: [] };
    });
    const { result } = (await drillTask({ recorder }, plan({ allowExistingNamespace: true })).run(ctx).catch((e: unknown) => e)) as DrillFailed;
    expect(result.outcome).toBe('failed');
    const kinds = last().checks?.find((c) => c.name === 'Kinds and counts');
    expect(kinds?.passed).toBe(false);
    expect(kinds?.detail).toContain('2 were there before the drill and were not restored by it: Deployment drill-a/web, Secret drill-a/db');
    expect(last().error).toContain('Kinds and counts');

    // In a namespace the drill made, a name taken during the restore was taken by the cluster: not held against it.
    vi.mocked(restoreArchive).mockImplementation(async (_kc, _a, options) => {
      options.onCreated(NS);
      return { created: [NS], namespaceCreated: true, existing: ['ConfigMap drill-a/made-by-operator'], crdsPresent: [], leftToCluster: [], failed: [] };
    });
    expect((await drillTask({ recorder }, plan()).run(ctx)).outcome).toBe('passed');
  });

  it('names at most 20 refused objects in the timeline, so a mass refusal cannot push the start of the drill out of it', async () => {
    const failed = Array.from({ length: 600 }, (_, i) => ({ object: `ConfigMap drill-a/c${i}`, message: 'refused' }));
    vi.mocked(restoreArchive).mockImplementation(async (_kc, _a, options) => {
      options.onCreated(NS);
      return { created: [NS], namespaceCreated: true, existing: [], crdsPresent: [], leftToCluster: [], failed };
    });
    await drillTask({ recorder }, plan()).run(ctx);
    const notRestored = events.filter((e) => e.startsWith('Restore: Not restored'));
    expect(notRestored).toHaveLength(21);
    expect(notRestored.at(-1)).toBe('Restore: Not restored: 580 more objects, each refused by the target (see Kinds and counts)');
  });

  it('keep leaves everything in place, on success and after a failure', async () => {
    const kept = await drillTask({ recorder }, plan({ keep: true })).run(ctx);
    expect(kept).toMatchObject({ outcome: 'passed', kept: true, leftovers: 2 });
    vi.mocked(waitReady).mockRejectedValue(new AppError('UNREACHABLE', 'gone'));
    const task = drillTask({ recorder }, plan({ keep: true }));
    await expect(task.run(ctx)).rejects.toThrow('gone');
    await task.cleanup(ctx);
    expect(cleanupDrill).not.toHaveBeenCalled();
    expect(last()).toMatchObject({ outcome: 'failed', kept: true, leftovers: 2 });
  });
});
