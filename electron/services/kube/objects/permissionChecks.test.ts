import { describe, expect, it } from 'vitest';
import type { ApiResource, ObjectAction } from '../../../../shared/contract';
import { accessChecks, denialReason, permissionsOf } from './permissionChecks';

const ALL: ObjectAction[] = ['delete', 'scale', 'restart', 'rollback', 'cordon', 'drain', 'portForward', 'logs', 'reveal', 'exec'];
const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const api = (group: string, resource: string, kind: string, namespaced = true, verbs = VERBS): ApiResource => ({ group, version: 'v1', resource, kind, namespaced, verbs, builtin: true });

const PODS = api('', 'pods', 'Pod');
const DEPLOYMENTS = api('apps', 'deployments', 'Deployment');
const NODES = api('', 'nodes', 'Node', false);
const SECRETS = api('', 'secrets', 'Secret');

describe('which reviews apply', () => {
  it('a pod: delete, port-forward, logs and exec, each about that pod', () => {
    const checks = accessChecks(PODS, ALL, { namespace: 'team-a', name: 'web-1', hasScale: false });
    expect(Object.fromEntries(checks.map((c) => [c.action, c.attributes]))).toEqual({
      delete: { verb: 'delete', group: '', resource: 'pods', namespace: 'team-a', name: 'web-1' },
      portForward: { verb: 'create', group: '', resource: 'pods', subresource: 'portforward', namespace: 'team-a', name: 'web-1' },
      logs: { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'team-a', name: 'web-1' },
      exec: { verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: 'team-a', name: 'web-1' },
    });
  });

  it('a Deployment: delete, scale, restart, roll back, and port-forward to any of its namespace’s pods', () => {
    const checks = accessChecks(DEPLOYMENTS, ALL, { namespace: 'team-b', name: 'api-gateway', hasScale: true });
    expect(Object.fromEntries(checks.map((c) => [c.action, c.attributes]))).toEqual({
      delete: { verb: 'delete', group: 'apps', resource: 'deployments', namespace: 'team-b', name: 'api-gateway' },
      scale: { verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'team-b', name: 'api-gateway' },
      restart: { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'team-b', name: 'api-gateway' },
      rollback: { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'team-b', name: 'api-gateway' },
      portForward: { verb: 'create', group: '', resource: 'pods', subresource: 'portforward', namespace: 'team-b' },
    });
  });

  it('a node: cordon, drain (listing and evicting pods anywhere) and delete, without a namespace even when one is given', () => {
    const checks = accessChecks(NODES, ALL, { namespace: 'team-a', name: 'gpu-1', hasScale: false });
    expect(checks.map((c) => [c.action, c.attributes])).toEqual([
      ['delete', { verb: 'delete', group: '', resource: 'nodes', name: 'gpu-1' }],
      ['cordon', { verb: 'patch', group: '', resource: 'nodes', name: 'gpu-1' }],
      ['drain', { verb: 'list', group: '', resource: 'pods' }],
      ['drain', { verb: 'create', group: '', resource: 'pods', subresource: 'eviction' }],
    ]);
    expect(denialReason('prod', checks[2])).toBe('prod may not list pods in all namespaces');
    expect(denialReason('prod', checks[3])).toBe('prod may not evict pods in all namespaces');
    expect(accessChecks(PODS, ['drain'], { namespace: 'a', name: 'x', hasScale: false })).toEqual([]);
  });

  it("edit is patching the object itself, for any kind that can be patched", () => {
    expect(accessChecks(DEPLOYMENTS, ['edit'], { namespace: 'team-b', name: 'api', hasScale: true })).toEqual([
      { action: 'edit', attributes: { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'team-b', name: 'api' }, phrase: 'edit deployments.apps in team-b' },
    ]);
    expect(accessChecks(NODES, ['edit'], { name: 'gpu-1', hasScale: false }).map((c) => c.attributes)).toEqual([{ verb: 'patch', group: '', resource: 'nodes', name: 'gpu-1' }]);
    expect(accessChecks(api('', 'componentstatuses', 'ComponentStatus', false, ['get', 'list']), ['edit'], { name: 'etcd-0', hasScale: false })).toEqual([]);
  });

  it('a Secret: reveal is reading it', () => {
    const checks = accessChecks(SECRETS, ['reveal', 'logs', 'scale'], { namespace: 'team-a', name: 'db', hasScale: false });
    expect(checks).toEqual([{ action: 'reveal', attributes: { verb: 'get', group: '', resource: 'secrets', namespace: 'team-a', name: 'db' }, phrase: 'read secrets in team-a' }]);
  });

  it('leaves out what the resource cannot do: delete without the verb, scale without the subresource', () => {
    const crd = { ...api('ml.pilothouse.dev', 'trainingjobs', 'TrainingJob', true, ['get', 'list', 'watch']), builtin: false };
    expect(accessChecks(crd, ALL, { namespace: 'ml-training', name: 'llama', hasScale: false })).toEqual([]);
    expect(accessChecks(crd, ['scale'], { namespace: 'ml-training', name: 'llama', hasScale: true }).map((c) => c.phrase)).toEqual(['scale trainingjobs.ml.pilothouse.dev in ml-training']);
  });

  it('asks each action once', () => {
    expect(accessChecks(PODS, ['logs', 'logs', 'delete'], { namespace: 'a', hasScale: false }).map((c) => c.action)).toEqual(['logs', 'delete']);
  });
});

describe('why not', () => {
  it('names the connection, the action and where, plus the authorizer’s reason', () => {
    const [del] = accessChecks(PODS, ['delete'], { namespace: 'team-b', name: 'x', hasScale: false });
    expect(denialReason('kwok-restricted', del)).toBe('kwok-restricted may not delete pods in team-b');
    expect(denialReason('kwok-restricted', del, 'denied by policy freeze')).toBe('kwok-restricted may not delete pods in team-b: denied by policy freeze');
    const [cordon] = accessChecks(NODES, ['cordon'], { name: 'gpu-1', hasScale: false });
    expect(denialReason('prod', cordon)).toBe('prod may not cordon nodes');
    const [anywhere] = accessChecks(DEPLOYMENTS, ['restart'], { hasScale: false });
    expect(denialReason('prod', anywhere)).toBe('prod may not restart deployments.apps in all namespaces');
  });
});

describe('answers per action', () => {
  const drain = accessChecks(NODES, ['cordon', 'drain'], { name: 'gpu-1', hasScale: false });

  it('a drain is allowed only when pods may be both listed and evicted everywhere', () => {
    expect(permissionsOf('prod', drain, [{ allowed: true }, { allowed: true }, { allowed: true }])).toEqual({ cordon: { allowed: true }, drain: { allowed: true } });
    // May evict but not list: the drain would cordon the node and then fail at listing its pods.
    expect(permissionsOf('prod', drain, [{ allowed: true }, { allowed: false }, { allowed: true }])).toEqual({
      cordon: { allowed: true },
      drain: { allowed: false, reason: 'prod may not list pods in all namespaces' },
    });
    expect(permissionsOf('prod', drain, [{ allowed: true }, { allowed: true }, { allowed: false, reason: 'RBAC: no binding' }]).drain).toEqual({
      allowed: false,
      reason: 'prod may not evict pods in all namespaces: RBAC: no binding',
    });
  });
});
