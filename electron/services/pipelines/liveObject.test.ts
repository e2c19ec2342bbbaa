import { describe, expect, it } from 'vitest';
import { cleanObject, conflictManager, fieldConflicts, LAST_APPLIED, objectYaml, statusProblems } from './liveObject';
import { parseSpec } from './specDocuments';

const LIVE = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'team-a',
    uid: 'u-1',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2026-01-01T00:00:00Z',
    selfLink: '/apis/apps/v1/x',
    managedFields: [{ manager: 'kubectl' }],
    annotations: { [LAST_APPLIED]: '{"secret":"s3cr3t"}' },
    labels: { app: 'web' },
  },
  spec: { replicas: 2 },
  status: { readyReplicas: 2 },
};

describe('cleanObject', () => {
  it('leaves out what the server sets for itself, and an annotations map it emptied', () => {
    expect(cleanObject(LIVE)).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team-a', labels: { app: 'web' } }, spec: { replicas: 2 } });
    expect(LIVE.metadata.uid).toBe('u-1');
  });

  it('keeps the resourceVersion for an edit, and other annotations', () => {
    const cleaned = cleanObject({ ...LIVE, metadata: { ...LIVE.metadata, annotations: { [LAST_APPLIED]: '{}', owner: 'ml' } } }, { keepResourceVersion: true });
    expect(cleaned.metadata).toEqual({ name: 'web', namespace: 'team-a', resourceVersion: '42', annotations: { owner: 'ml' }, labels: { app: 'web' } });
  });

  it('prints YAML in the server\'s key order, a long value on one line', () => {
    const text = objectYaml(cleanObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { long: 'x'.repeat(200) } }));
    expect(text.split('\n').slice(0, 4)).toEqual(['kind: ConfigMap', 'apiVersion: v1', 'metadata:', '  name: c']);
    expect(text).toContain(`  long: ${'x'.repeat(200)}\n`);
  });
});

describe('conflicts', () => {
  it('reads the manager out of each form the apiserver words a conflict in', () => {
    expect(conflictManager('conflict with "kubectl-client-side-apply" using apps/v1')).toBe('kubectl-client-side-apply');
    expect(conflictManager('conflict with "kube-controller-manager" with subresource "scale" using apps/v1 at 2026-01-01T00:00:00Z')).toBe('kube-controller-manager');
    expect(conflictManager('conflict with "helm"')).toBe('helm');
    expect(conflictManager('conflict with "we\\"ird"')).toBe('we"ird');
    expect(conflictManager('something else')).toBeUndefined();
  });

  it('lists the fields of a 409 apply conflict, and none for any other answer', () => {
    const body = {
      kind: 'Status',
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
    };
    expect(fieldConflicts(409, body)).toEqual([{ field: '.spec.replicas', manager: 'kubectl-client-side-apply', message: 'conflict with "kubectl-client-side-apply" using apps/v1' }]);
    expect(fieldConflicts(422, body)).toEqual([]);
    // As kube-apiserver v1.34 answers a dry-run apply of the ConfigMap the controller manager keeps.
    const real = JSON.parse(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Apply failed with 1 conflict: conflict with \\"kube-controller-manager\\" using v1: .data.ca.crt","reason":"Conflict","details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \\"kube-controller-manager\\" using v1","field":".data.ca.crt"}]},"code":409}',
    ) as unknown;
    expect(fieldConflicts(409, real)).toEqual([{ field: '.data.ca.crt', manager: 'kube-controller-manager', message: 'conflict with "kube-controller-manager" using v1' }]);
    expect(fieldConflicts(409, { kind: 'Status', message: 'the object has been modified' })).toEqual([]);
  });
});

describe('statusProblems', () => {
  const doc = parseSpec('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: -1\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ""\n', 'x').documents[0];

  it('places each cause on its field, keeping the server\'s words', () => {
    const body = {
      kind: 'Status',
      code: 422,
      message: 'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.containers[0].image: Required value]',
      details: {
        causes: [
          { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' },
          { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers[0].image' },
        ],
      },
    };
    expect(statusProblems(doc, 422, body, 'refused')).toEqual([
      { line: 6, column: 3, field: 'spec.replicas', message: 'spec.replicas: Invalid value: -1: must be greater than or equal to 0', severity: 'error' },
      { line: 11, column: 11, field: 'spec.template.spec.containers[0].image', message: 'spec.template.spec.containers[0].image: Required value', severity: 'error' },
    ]);
  });

  it('places a field named only in the message (strict field validation), else the document\'s first line', () => {
    const strict = { kind: 'Status', code: 400, message: 'failed to create typed patch object (team-a/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string' };
    expect(statusProblems(doc, 400, strict, 'refused')).toEqual([{ line: 6, column: 3, field: '.spec.replicas', message: strict.message, severity: 'error' }]);
    const denied = { kind: 'Status', code: 403, message: 'admission webhook "policy.example.com" denied the request: images must come from registry.example.com' };
    expect(statusProblems(doc, 403, denied, 'refused')).toEqual([{ line: 1, message: denied.message, severity: 'error' }]);
    expect(statusProblems(doc, 500, 'proxy error', 'The server refused it')).toEqual([{ line: 1, message: 'The server refused it (HTTP 500)', severity: 'error' }]);
  });
});
