import type { Spec, SpecApply, SpecMeta, SpecVersion } from '../../../../shared/contract';

/** A spec as the library lists it. */
export function specMeta(overrides: Partial<SpecMeta> = {}): SpecMeta {
  return {
    id: 'sp-train',
    name: 'nightly-train',
    connectionId: 'k-prod',
    namespace: 'ml-jobs',
    kinds: ['batch/v1 Job', 'batch/v1 CronJob'],
    documents: 2,
    version: 3,
    updatedAt: '2026-12-01T10:00:00Z',
    updatedBy: 'me@laptop',
    ...overrides,
  };
}

export const TRAIN_TEXT = ['apiVersion: batch/v1', 'kind: Job', 'metadata:', '  name: train', 'spec:', '  template:', '    spec:', '      restartPolicy: Never', '      containers:', '        - name: train', '          image: trainer:1.2', ''].join('\n');

/** A whole spec. */
export function spec(overrides: Partial<Spec> = {}): Spec {
  return { ...specMeta(overrides), text: TRAIN_TEXT, ...overrides };
}

/** One saved version. */
export function specVersion(version: number, overrides: Partial<SpecVersion> = {}): SpecVersion {
  return { version, message: `change ${version}`, savedAt: `2026-12-0${version}T10:00:00Z`, savedBy: 'me@laptop', bytes: 300 + version, ...overrides };
}

/** One apply of the spec. */
export function specApply(overrides: Partial<SpecApply> = {}): SpecApply {
  return { version: 2, connectionId: 'k-prod', namespace: 'ml-jobs', taskId: 't-apply', actor: 'me@laptop', startedAt: '2026-12-02T11:00:00Z', finishedAt: '2026-12-02T11:00:05Z', outcome: 'partial', applied: 1, failed: 1, notAttempted: 0, ...overrides };
}
