import type { Runbook, RunbookHit, RunbookMeta, RunbookUse } from '../../../../shared/contract';

/** A runbook as the library lists it. */
export function runbookMeta(overrides: Partial<RunbookMeta> = {}): RunbookMeta {
  return {
    id: 'rb-drain',
    title: 'Drain a GPU node',
    tags: ['gpu', 'nodes'],
    resources: ['node/gpu-1'],
    severity: 'high',
    version: 3,
    updatedAt: '2026-12-01T10:00:00Z',
    updatedBy: 'me@laptop',
    ...overrides,
  };
}

export const DRAIN_BODY = ['# Drain a GPU node', '', '- [ ] Cordon it', '- [ ] Drain it', '', '```bash', 'kubectl cordon gpu-1', 'kubectl drain gpu-1 --ignore-daemonsets', '```', '', 'See [the docs](https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/).', ''].join('\n');

/** A whole runbook; its source is front matter plus `body`. */
export function runbook(overrides: Partial<Runbook> = {}): Runbook {
  const meta = runbookMeta(overrides);
  const body = overrides.body ?? DRAIN_BODY;
  return { ...meta, body, source: overrides.source ?? `---\ntitle: ${meta.title}\ntags: [${meta.tags.join(', ')}]\n---\n${body}`, ...overrides };
}

/** A search hit with its title's and snippet's matches marked. */
export function hit(overrides: Partial<RunbookHit> = {}): RunbookHit {
  const meta = runbookMeta(overrides);
  return { ...meta, titleHighlight: [{ text: meta.title, hit: false }], snippet: [], ...overrides };
}

/** One use of a runbook's checklist. */
export function use(overrides: Partial<RunbookUse> = {}): RunbookUse {
  return { id: 'use-1', runbookId: 'rb-drain', version: 3, label: 'incident 4711', startedAt: '2026-12-02T03:00:00Z', startedBy: 'me@laptop', checked: [], ...overrides };
}
