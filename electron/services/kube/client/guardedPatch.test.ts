import type { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { scriptKubeRequest, type KubeRoute } from '../../../../test/support/scriptedKube';
import { changedMeanwhile, pointerValue, sameJson, type JsonPatchOp } from './guardedPatch';
import { kubeRequest } from './kubeHttp';

vi.mock('./kubeHttp', () => ({ kubeRequest: vi.fn() }));

const kc = {} as KubeConfig;
const PATH = '/apis/apps/v1/namespaces/shop/deployments/web/scale';
/** What the apiserver (v1.34) answers a JSON patch whose `test` failed, and an invalid change, alike. */
const bare422 = { status: 422, body: { kind: 'Status', status: 'Failure', message: 'the server rejected our request due to an error in our request', reason: 'Invalid', code: 422 } };
const guarded: JsonPatchOp[] = [
  { op: 'test', path: '/metadata/uid', value: 'u1' },
  { op: 'test', path: '/spec/replicas', value: 3 },
  { op: 'replace', path: '/spec/replicas', value: 5 },
];

let routes: Record<string, KubeRoute>;
beforeEach(() => void ({ routes } = scriptKubeRequest(vi.mocked(kubeRequest))));

describe('a guarded patch refused', () => {
  it('is a change meanwhile when a tested value moved, the object was replaced or is gone, or the server says 409', async () => {
    routes[`GET ${PATH}`] = () => ({ status: 200, body: { metadata: { uid: 'u1' }, spec: { replicas: 4 } } });
    expect(await changedMeanwhile(kc, PATH, guarded, bare422)).toBe(true);
    routes[`GET ${PATH}`] = () => ({ status: 200, body: { metadata: { uid: 'u2' }, spec: { replicas: 3 } } });
    expect(await changedMeanwhile(kc, PATH, guarded, bare422)).toBe(true);
    routes[`GET ${PATH}`] = () => ({ status: 404, body: {} });
    expect(await changedMeanwhile(kc, PATH, guarded, bare422)).toBe(true);
    expect(await changedMeanwhile(kc, PATH, guarded, { status: 409, body: {} })).toBe(true);
  });

  it('is the server refusing the change when every test still holds, or when the object cannot be read again to tell', async () => {
    routes[`GET ${PATH}`] = () => ({ status: 200, body: { metadata: { uid: 'u1' }, spec: { replicas: 3 } } });
    expect(await changedMeanwhile(kc, PATH, guarded, bare422)).toBe(false);
    routes[`GET ${PATH}`] = () => ({ status: 403, body: {} });
    expect(await changedMeanwhile(kc, PATH, guarded, bare422)).toBe(false);
    expect(await changedMeanwhile(kc, PATH, guarded, { status: 500, body: {} })).toBe(false);
  });

  it('tests a Scale at 0 replicas, which has no replicas field, by its empty spec', async () => {
    const atZero: JsonPatchOp[] = [{ op: 'test', path: '/spec', value: {} }, { op: 'add', path: '/spec/replicas', value: 1 }];
    routes[`GET ${PATH}`] = () => ({ status: 200, body: { spec: {} } });
    expect(await changedMeanwhile(kc, PATH, atZero, bare422)).toBe(false);
    routes[`GET ${PATH}`] = () => ({ status: 200, body: { spec: { replicas: 2 } } });
    expect(await changedMeanwhile(kc, PATH, atZero, bare422)).toBe(true);
  });
});

describe('JSON pointers and values', () => {
  it('reads escaped tokens (label keys with "/" and "~"), array indexes, and nothing past a missing step', () => {
    const doc = { spec: { selector: { 'pilothouse.dev/slot': 'blue', 'a~b': 1 }, list: [{ x: 1 }] } };
    expect(pointerValue(doc, '/spec/selector/pilothouse.dev~1slot')).toBe('blue');
    expect(pointerValue(doc, '/spec/selector/a~0b')).toBe(1);
    expect(pointerValue(doc, '/spec/list/0/x')).toBe(1);
    expect(pointerValue(doc, '/spec/missing/x')).toBeUndefined();
    expect(pointerValue(doc, '/spec/selector/constructor')).toBeUndefined();
    expect(pointerValue(doc, '')).toBe(doc);
  });

  it('compares JSON whatever the key order, and tells arrays from objects', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson([1, 2], { 0: 1, 1: 2 })).toBe(false);
  });
});
