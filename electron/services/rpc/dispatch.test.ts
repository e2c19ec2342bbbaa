import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/result';
import { createLogger } from '../logging/logger';
import { dispatch, type Handlers } from './dispatch';

const ctx = { transport: 'test' as const, actor: 'tester', session: 'test' };

function handlersWith(overrides: Partial<Handlers>): Handlers {
  return overrides as Handlers;
}

describe('dispatch', () => {
  it('refuses a method the contract does not name', async () => {
    const r = await dispatch(handlersWith({}), 'fs.readFile', {}, ctx, createLogger());
    expect(r).toEqual({ ok: false, error: { code: 'VALIDATION', message: 'Unknown method "fs.readFile"' } });
  });

  it('fails a contract method that no handler serves, with a code and no exception', async () => {
    const r = await dispatch(handlersWith({}), 'connections.list', {}, ctx, createLogger());
    expect(r).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', message: expect.stringContaining('connections.list') } });
  });

  it('refuses invalid params without calling the handler, naming the field', async () => {
    let called = false;
    const handlers = handlersWith({ 'connections.rename': () => ((called = true), undefined as never) });
    const r = await dispatch(handlers, 'connections.rename', { id: 'x', name: '' }, ctx, createLogger());
    expect(called).toBe(false);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('name') });
  });

  it('refuses unknown extra params (strict objects)', async () => {
    const r = await dispatch(handlersWith({ 'connections.delete': async () => ({ deleted: true }) }), 'connections.delete', { id: 'a', sql: 'drop' }, ctx, createLogger());
    expect(r.ok).toBe(false);
  });

  it('refuses object addresses that would reach another object than the one named', async () => {
    let called = 0;
    const handlers = handlersWith({ 'kube.get': () => (called++, undefined as never), 'kube.delete': () => (called++, {}) });
    const pods = { group: '', version: 'v1', resource: 'pods' };
    const hostile = [
      // A version that adds path segments would read a Secret as if it were a ConfigMap.
      ['kube.get', { connectionId: 'c', resource: { group: '', version: 'v1/namespaces/kube-system/secrets/tls#', resource: 'configmaps' }, namespace: 'a', name: 'x' }],
      // ".." climbs from a pod to its namespace.
      ['kube.delete', { connectionId: 'c', resource: pods, namespace: 'team-a', name: '..' }],
      ['kube.delete', { connectionId: 'c', resource: pods, namespace: '..', name: 'x' }],
      ['kube.get', { connectionId: 'c', resource: pods, namespace: 'team-a', name: 'a/b' }],
      ['kube.get', { connectionId: 'c', resource: { group: 'apps/v1', version: 'v1', resource: 'deployments' }, name: 'x' }],
      ['kube.get', { connectionId: 'c', resource: { group: '', version: 'v1', resource: 'pods/log' }, namespace: 'a', name: 'x' }],
    ] as const;
    for (const [method, params] of hostile) {
      const r = await dispatch(handlers, method, params, ctx, createLogger());
      expect(r.ok, JSON.stringify(params)).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('VALIDATION');
    }
    expect(called).toBe(0);
    // Names Kubernetes allows still pass: dots inside, colons (RBAC), upper case in some kinds.
    const fine = await dispatch(handlers, 'kube.delete', { connectionId: 'c', resource: pods, namespace: 'team-a', name: 'web-1.v2:Canary' }, ctx, createLogger());
    expect(fine.ok).toBe(true);
    // CRD versions may be any DNS label.
    const crd = { group: 'resources.azure.com', version: 'v1api20200601', resource: 'resourcegroups' };
    expect((await dispatch(handlers, 'kube.delete', { connectionId: 'c', resource: crd, namespace: 'a', name: 'rg' }, ctx, createLogger())).ok).toBe(true);
  });

  it('applies defaults and returns the validated value', async () => {
    let seen: unknown;
    const handlers = handlersWith({ 'audit.list': (q) => ((seen = q), { entries: [], hasMore: false }) });
    const r = await dispatch(handlers, 'audit.list', {}, ctx, createLogger());
    expect(seen).toEqual({ limit: 100 });
    expect(r).toEqual({ ok: true, value: { entries: [], hasMore: false } });
  });

  it('turns an AppError into an error value with its code and location', async () => {
    const handlers = handlersWith({
      'connections.previewKubeconfig': () => {
        throw new AppError('YAML_INVALID', 'bad yaml', { file: 'a', line: 3 });
      },
    });
    const r = await dispatch(handlers, 'connections.previewKubeconfig', { source: { kind: 'default' } }, ctx, createLogger());
    expect(r).toEqual({ ok: false, error: { code: 'YAML_INVALID', message: 'bad yaml', location: { file: 'a', line: 3 } } });
  });

  it('hides unexpected errors behind INTERNAL and logs them redacted', async () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) });
    const handlers = handlersWith({
      'connections.list': () => {
        throw new Error('boom token=s3cr3t-canary-value');
      },
    });
    const r = await dispatch(handlers, 'connections.list', {}, ctx, log);
    expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('connections.list failed') } });
    expect(lines.join('\n')).not.toContain('s3cr3t-canary-value');
  });

  it('refuses a result outside the contract', async () => {
    const handlers = handlersWith({ 'connections.delete': async () => ({ deleted: 'yes' }) as never });
    const r = await dispatch(handlers, 'connections.delete', { id: 'a' }, ctx, createLogger());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('INTERNAL');
  });
});
