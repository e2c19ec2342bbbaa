import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { containerStateText, containersOf, LAST_APPLIED, nodeFactsOf, OPENSHIFT_TOKEN, toDetail, type DetailObject } from './objectDetail';

const SECRET_VALUE = 'hunter2-correct-horse-battery';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function secret(): DetailObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'db',
      namespace: 'team-a',
      uid: 'u-secret',
      resourceVersion: '42',
      annotations: { [LAST_APPLIED]: JSON.stringify({ stringData: { password: SECRET_VALUE } }), team: 'a' },
      managedFields: [{ manager: 'kubectl' }],
    },
    type: 'Opaque',
    data: { password: b64(SECRET_VALUE), empty: '', binary: Buffer.from([0xff, 0x00, 0x01]).toString('base64') },
  };
}

describe('a Secret in the detail view', () => {
  it('shows no value anywhere, only keys, sizes and placeholders', () => {
    const detail = toDetail(secret(), { group: '', resource: 'secrets' }, []);
    const everything = JSON.stringify(detail);
    expect(everything).not.toContain(SECRET_VALUE);
    expect(everything).not.toContain(b64(SECRET_VALUE));
    expect(detail.secretKeys).toEqual([
      { key: 'binary', bytes: 3 },
      { key: 'empty', bytes: 0 },
      { key: 'password', bytes: SECRET_VALUE.length },
    ]);
    const yaml = parse(detail.yaml) as { data: Record<string, string>; metadata: { annotations: Record<string, string> } };
    expect(yaml.data).toEqual({ password: `<hidden: ${SECRET_VALUE.length} bytes>`, empty: '<hidden: 0 bytes>', binary: '<hidden: 3 bytes>' });
    expect(yaml.metadata.annotations[LAST_APPLIED]).toMatch(/^<hidden/);
    expect(detail.annotations[LAST_APPLIED]).toMatch(/^<hidden/);
    expect(detail.annotations.team).toBe('a');
  });

  it('masks stringData too, and leaves the object it was given alone', () => {
    const s: DetailObject = { ...secret(), stringData: { token: SECRET_VALUE } };
    const detail = toDetail(s, { group: '', resource: 'secrets' }, []);
    expect(detail.yaml).not.toContain(SECRET_VALUE);
    expect(detail.secretKeys?.find((k) => k.key === 'token')).toEqual({ key: 'token', bytes: SECRET_VALUE.length });
    expect((s.data as Record<string, string>).password).toBe(b64(SECRET_VALUE));
  });

  it('hides every annotation that repeats a value (as text, base64 or JSON-escaped), and OpenShift’s token annotation', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const s = secret();
    s.data = { ...(s.data as Record<string, string>), 'tls.crt': b64(pem), short: b64('on') };
    s.metadata!.annotations = {
      [OPENSHIFT_TOKEN]: 'opaque-to-us',
      'example.com/copy': `token=${SECRET_VALUE}`,
      'example.com/encoded': b64(SECRET_VALUE),
      'example.com/json': JSON.stringify({ cert: pem }),
      'example.com/mode': 'on',
      team: 'a',
    };
    const detail = toDetail(s, { group: '', resource: 'secrets' }, []);
    const yaml = parse(detail.yaml) as { metadata: { annotations: Record<string, string> } };
    for (const annotations of [detail.annotations, yaml.metadata.annotations]) {
      for (const key of [OPENSHIFT_TOKEN, 'example.com/copy', 'example.com/encoded', 'example.com/json']) expect(annotations[key]).toMatch(/^<hidden/);
      // A value of under 4 characters is not looked for, or "on" would hide every annotation saying "on".
      expect(annotations['example.com/mode']).toBe('on');
      expect(annotations.team).toBe('a');
    }
    expect(JSON.stringify(detail)).not.toContain('opaque-to-us');
  });

  it('looks for stringData values too, and their base64 form', () => {
    const s: DetailObject = { ...secret(), stringData: { apiKey: 'sk-live-0123456789' } };
    s.metadata!.annotations = { note: `key ${b64('sk-live-0123456789')}` };
    expect(toDetail(s, { group: '', resource: 'secrets' }, []).annotations.note).toMatch(/^<hidden/);
  });

  it('leaves other kinds’ data as it is', () => {
    const cm: DetailObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', uid: 'u' }, data: { a: 'visible' } };
    const detail = toDetail(cm, { group: '', resource: 'configmaps' }, []);
    expect(detail.yaml).toContain('visible');
    expect(detail.secretKeys).toBeUndefined();
  });
});

describe('the detail of other objects', () => {
  it('drops managedFields from the YAML and keeps long lines whole', () => {
    const long = 'x'.repeat(300);
    const detail = toDetail(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team-a', uid: 'u', resourceVersion: '7', managedFields: [{ manager: 'kubectl' }], annotations: { note: long } }, spec: { replicas: 3 } },
      { group: 'apps', resource: 'deployments' },
      [],
    );
    expect(detail.yaml).not.toContain('managedFields');
    expect(detail.yaml).toContain(`note: ${long}\n`);
    expect(detail).toMatchObject({ kind: 'Deployment', apiVersion: 'apps/v1', name: 'web', namespace: 'team-a', resourceVersion: '7', replicas: 3, labels: {} });
    expect(detail.containers).toBeUndefined();
  });

  it('tells whether a node is cordoned', () => {
    expect(toDetail({ kind: 'Node', metadata: { name: 'gpu-1' }, spec: { unschedulable: true } }, { group: '', resource: 'nodes' }, []).unschedulable).toBe(true);
    expect(toDetail({ kind: 'Node', metadata: { name: 'gpu-1' }, spec: {} }, { group: '', resource: 'nodes' }, []).unschedulable).toBe(false);
  });

  it('lists a node’s resources (cpu, memory, pods, GPUs and MIG first), conditions and taints', () => {
    const node = {
      kind: 'Node',
      metadata: { name: 'gpu-1' },
      spec: { taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] },
      status: {
        capacity: { 'nvidia.com/mig-1g.18gb': '7', 'example.com/fpga': '1', pods: '110', 'nvidia.com/gpu': '8', memory: '2Ti', cpu: '192' },
        allocatable: { 'nvidia.com/gpu': '7', cpu: '191500m', memory: '2047Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: '2026-11-27T10:00:00Z' }],
      },
    };
    const facts = nodeFactsOf(node, { assigned: 14, unfinished: 12 });
    expect(facts.resources.map((r) => r.name)).toEqual(['cpu', 'memory', 'pods', 'nvidia.com/gpu', 'nvidia.com/mig-1g.18gb', 'example.com/fpga']);
    expect(facts.resources[3]).toEqual({ name: 'nvidia.com/gpu', capacity: '8', allocatable: '7' });
    expect(facts.resources[4]).toEqual({ name: 'nvidia.com/mig-1g.18gb', capacity: '7' });
    expect(facts.conditions).toEqual([{ type: 'Ready', status: 'True', reason: 'KubeletReady', since: '2026-11-27T10:00:00Z' }]);
    expect(facts.taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
    expect(facts.pods).toEqual({ assigned: 14, unfinished: 12 });
    expect(nodeFactsOf(node).pods).toBeUndefined();
    expect(nodeFactsOf(node, { problem: 'no access to list pods' })).toMatchObject({ podsProblem: 'no access to list pods' });
    expect(toDetail(node, { group: '', resource: 'nodes' }, [], { assigned: 14, unfinished: 12 }).node).toEqual(facts);
  });
});

describe('containers of a pod', () => {
  const pod: DetailObject = {
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u' },
    spec: {
      nodeName: 'gpu-h200-1',
      initContainers: [{ name: 'migrate', image: 'migrate:1' }],
      containers: [
        { name: 'app', image: 'app:2', ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 9000, protocol: 'UDP' }] },
        { name: 'proxy', image: 'envoy:1' },
      ],
      ephemeralContainers: [{ name: 'debugger', image: 'busybox' }],
    },
    status: {
      initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } }],
      containerStatuses: [
        { name: 'app', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'Error', exitCode: 1 } } },
        { name: 'proxy', ready: true, restartCount: 0, state: { running: { startedAt: '2026-01-10T08:00:00Z' } } },
      ],
    },
  };

  it('lists init, main and ephemeral containers with their state as kubectl words it', () => {
    expect(containersOf(pod)).toEqual([
      { name: 'migrate', kind: 'init', image: 'migrate:1', ready: false, restartCount: 0, state: 'terminated: Completed (exit 0)', hasPrevious: false, ports: [] },
      {
        name: 'app',
        kind: 'main',
        image: 'app:2',
        ready: false,
        restartCount: 5,
        state: 'waiting: CrashLoopBackOff',
        hasPrevious: true,
        ports: [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { containerPort: 9000, protocol: 'UDP' },
        ],
      },
      { name: 'proxy', kind: 'main', image: 'envoy:1', ready: true, restartCount: 0, state: 'running', hasPrevious: false, ports: [] },
      { name: 'debugger', kind: 'ephemeral', image: 'busybox', ready: false, restartCount: 0, state: 'waiting', hasPrevious: false, ports: [] },
    ]);
    expect(toDetail(pod, { group: '', resource: 'pods' }, []).nodeName).toBe('gpu-h200-1');
  });

  it('words every state', () => {
    expect(containerStateText({ terminated: { reason: 'Error', exitCode: 1 } })).toBe('terminated: Error (exit 1)');
    expect(containerStateText({ terminated: { exitCode: 137, signal: 9 } })).toBe('terminated (exit 137, signal 9)');
    expect(containerStateText({ waiting: {} })).toBe('waiting');
    expect(containerStateText(undefined)).toBe('waiting');
  });
});
