import { describe, expect, it } from 'vitest';
import type { AuditEntry, RecentChange } from '../../../shared/contract';
import { attributeChanges, lastChange, workloadState, type Workload } from './recentChanges';

const since = '2026-12-03T04:00:00Z';
const withFields = (fields: object[], creationTimestamp = '2026-11-01T00:00:00Z'): Workload => ({ metadata: { name: 'web', creationTimestamp, managedFields: fields } });

describe('when a workload last changed, and who changed it', () => {
  it('is the newest write by someone other than its controller, as the apiserver recorded it (kubectl set image on a Deployment)', () => {
    // What the apiserver keeps after kubectl create, set image and scale (the scale entry carries no time).
    const change = lastChange(
      withFields([
        { manager: 'kubectl', operation: 'Update', subresource: 'scale' },
        { manager: 'kubectl-create', operation: 'Update', time: '2026-12-03T09:00:00Z' },
        { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', time: '2026-12-04T04:00:00Z' },
        { manager: 'kubectl-set', operation: 'Update', time: '2026-12-04T03:00:00Z' },
        { manager: 'kube-controller-manager', operation: 'Update', time: '2026-12-04T03:30:00Z' },
      ]),
      since,
    );
    expect(change).toEqual({ at: '2026-12-04T03:00:00Z', by: 'kubectl-set', created: false });
  });

  it('counts a creation within the window, saying so, and names the writer of a later change', () => {
    expect(lastChange(withFields([], '2026-12-03T10:00:00Z'), since)).toEqual({ at: '2026-12-03T10:00:00Z', created: true });
    expect(lastChange(withFields([{ manager: 'helm', operation: 'Update', time: '2026-12-03T11:00:00Z' }], '2026-12-03T10:00:00Z'), since)).toEqual({ at: '2026-12-03T11:00:00Z', by: 'helm', created: true });
  });

  it('leaves out a workload only its controller wrote to within the window, or nobody', () => {
    expect(lastChange(withFields([{ manager: 'kubectl-set', time: '2026-12-01T00:00:00Z' }, { manager: 'kube-controller-manager', subresource: 'status', time: '2026-12-04T00:00:00Z' }]), since)).toBeUndefined();
    expect(lastChange({ metadata: {} }, since)).toBeUndefined();
    expect(lastChange(withFields([{ time: '2026-12-04T00:00:00Z' }]), since)).toEqual({ at: '2026-12-04T00:00:00Z', created: false });
  });
});

describe('how a changed workload\'s rollout stands', () => {
  const deployment = (status: object, spec: object = { replicas: 3 }): Workload => ({ metadata: { generation: 2 }, spec, status: { observedGeneration: 2, ...status } });

  it('judges a Deployment as kubectl rollout status does: complete, progressing, failed past its deadline, paused', () => {
    expect(workloadState('Deployment', deployment({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }))).toEqual({ state: 'complete', replicas: { desired: 3, updated: 3, ready: 3, available: 3 } });
    expect(workloadState('Deployment', deployment({ replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 })).state).toBe('progressing');
    const stalled = { updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] };
    expect(workloadState('Deployment', deployment(stalled)).state).toBe('failed');
    expect(workloadState('Deployment', deployment({}, { replicas: 3, paused: true })).state).toBe('paused');
  });

  it('judges a StatefulSet complete once every replica is updated and ready and the update revision is current', () => {
    const sts = (status: object): Workload => ({ metadata: { generation: 1 }, spec: { replicas: 2 }, status: { observedGeneration: 1, ...status } });
    expect(workloadState('StatefulSet', sts({ updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, currentRevision: 'a', updateRevision: 'a' })).state).toBe('complete');
    expect(workloadState('StatefulSet', sts({ updatedReplicas: 2, readyReplicas: 2, currentRevision: 'a', updateRevision: 'b' })).state).toBe('progressing');
    expect(workloadState('StatefulSet', { metadata: { generation: 2 }, spec: { replicas: 2 }, status: { observedGeneration: 1, updatedReplicas: 2, readyReplicas: 2 } }).state).toBe('progressing');
  });

  it('calls a StatefulSet or DaemonSet that updates on delete manual: it has no rollout to follow', () => {
    expect(workloadState('StatefulSet', { metadata: { generation: 1 }, spec: { replicas: 2, updateStrategy: { type: 'OnDelete' } }, status: { observedGeneration: 1 } }).state).toBe('manual');
    expect(workloadState('DaemonSet', { metadata: { generation: 1 }, spec: { updateStrategy: { type: 'OnDelete' } }, status: { observedGeneration: 1, desiredNumberScheduled: 3 } }).state).toBe('manual');
  });

  it('judges a DaemonSet by its scheduled pods: updated and available on every node it should run on', () => {
    const ds = (status: object): Workload => ({ metadata: { generation: 1 }, status: { observedGeneration: 1, desiredNumberScheduled: 3, ...status } });
    expect(workloadState('DaemonSet', ds({ updatedNumberScheduled: 3, numberReady: 3, numberAvailable: 3 }))).toEqual({ state: 'complete', replicas: { desired: 3, updated: 3, ready: 3, available: 3 } });
    expect(workloadState('DaemonSet', ds({ updatedNumberScheduled: 2, numberReady: 3, numberAvailable: 3 })).state).toBe('progressing');
  });
});

describe('who made a change, when Pilothouse made it', () => {
  const change = (by: string, changedAt: string): RecentChange => ({
    connectionId: 'c1',
    kind: 'Deployment',
    namespace: 'ml',
    name: 'web',
    changedAt,
    by,
    created: false,
    revisions: 2,
    images: [],
    state: 'complete',
    replicas: { desired: 1, updated: 1, ready: 1, available: 1 },
  });
  const entry = (id: number, actor: string, at: string, finishedAt?: string, more: Partial<AuditEntry> = {}): AuditEntry => ({
    id,
    actor,
    at,
    ...(finishedAt ? { finishedAt } : {}),
    connectionId: 'c1',
    action: 'rollouts.rollback',
    target: 'prod (renamed since)/ml/deployments/web',
    status: 'succeeded',
    ...more,
  });
  // Newest first, as the audit log lists them.
  const log = [entry(3, 'bob', '2026-12-04T03:00:00.000Z', '2026-12-04T03:00:01.000Z', { action: 'rollouts.addGuard' }), entry(1, 'alice', '2026-12-04T01:00:00.400Z', '2026-12-04T01:00:03.000Z')];

  it('names the user and entry whose action was running when Pilothouse wrote, whatever the connection is called now', () => {
    const changes = [change('pilothouse', '2026-12-04T01:00:02Z')];
    attributeChanges(changes, log);
    expect(changes[0]).toMatchObject({ by: 'alice', auditId: 1 });
  });

  it('leaves a change someone else wrote after Pilothouse to its field manager, and a Pilothouse write no entry covers unattributed', () => {
    const ci = [change('argocd-controller', '2026-12-04T03:00:00Z')];
    attributeChanges(ci, log);
    expect(ci[0]).toMatchObject({ by: 'argocd-controller' });
    expect(ci[0].auditId).toBeUndefined();
    // Pilothouse wrote at 02:00, when no action of this workload was running (another instance, another data file).
    const unknown = [change('pilothouse', '2026-12-04T02:00:00Z')];
    attributeChanges(unknown, log);
    expect(unknown[0]).toMatchObject({ by: 'pilothouse' });
    expect(unknown[0].auditId).toBeUndefined();
  });

  it('matches only the same workload on the same connection, and a running entry covers a write made since it began', () => {
    const running = entry(5, 'carol', '2026-12-04T04:00:00.000Z', undefined, { status: 'pending' });
    const elsewhere = entry(6, 'dan', '2026-12-04T04:00:00.000Z', undefined, { connectionId: 'c2' });
    const other = entry(7, 'erin', '2026-12-04T04:00:00.000Z', undefined, { target: 'prod/ml/deployments/web-2' });
    const changes = [change('pilothouse', '2026-12-04T04:05:00Z')];
    attributeChanges(changes, [other, elsewhere, running]);
    expect(changes[0]).toMatchObject({ by: 'carol', auditId: 5 });
  });
});
