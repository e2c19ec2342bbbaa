import { describe, expect, it } from 'vitest';
import { canonicalKind, parseResourceRef } from './resourceRefs';

describe('canonicalKind', () => {
  it.each([
    ['priorityclasses', 'priorityclass'],
    ['priorityclass', 'priorityclass'],
    ['ingressclasses.networking.k8s.io', 'ingressclass'],
    ['policies', 'policy'],
    ['podsecuritypolicies', 'podsecuritypolicy'],
    ['prometheuses', 'prometheus'],
    ['prometheuses.monitoring.coreos.com', 'prometheus'],
    ['prometheus', 'prometheus'],
    ['alertmanagers', 'alertmanager'],
    ['patches', 'patch'],
    ['meshes', 'mesh'],
    ['mailboxes', 'mailbox'],
    ['certificates', 'certificate'],
    ['Deployments.apps', 'deployment'],
    ['ingresses', 'ingress'],
    ['pods', 'pod'],
    ['ns', 'namespace'],
  ])('%s is %s', (kind, canonical) => {
    expect(canonicalKind(kind)).toBe(canonical);
  });

  it('names a custom kind the same however a runbook writes it', () => {
    expect(parseResourceRef('priorityclasses/high')).toEqual(parseResourceRef('priorityclass/high'));
    expect(parseResourceRef('prometheuses/monitoring/k8s')).toEqual({ kind: 'prometheus', namespace: 'monitoring', name: 'k8s' });
  });
});
