/**
 * Argo Rollouts as the kubectl plugin (v1.10.1) reads and drives them. The
 * Rollout and ReplicaSet shapes are the plugin's own test data
 * (pkg/kubectl-argo-rollouts/info/testdata, trimmed), and the expected
 * figures are what its `get rollout` tests print for them. The actions run
 * against a scripted apiserver: the guarded JSON patches they send, where,
 * and what a change made meanwhile leaves.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { ArgoRollouts } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { scriptKubeRequest, type KubeRoute, type SentRequest } from '../../../test/support/scriptedKube';
import type { Outcome } from '../audit/auditService';
import { kubeRequest } from '../kube/client/kubeHttp';
import { createLogger } from '../logging/logger';
import type { TaskContext, TaskRecord, TaskRunner } from '../tasks/taskRunner';
import {
  abortPatch,
  argoRollout,
  createArgoRollouts,
  deepDerivative,
  promotePatches,
  runsTemplateOf,
  undoPatch,
  undoSource,
  undoTemplate,
  type RolloutObject,
  type RolloutReplicaSet,
} from './argoRollouts';

vi.mock('../kube/client/kubeHttp', () => ({ kubeRequest: vi.fn() }));

const OWNER = `  ownerReferences:
  - apiVersion: argoproj.io/v1alpha1
    controller: true
    kind: Rollout
    name: canary-demo
    uid: b350ba76-f6ed-11e9-a15b-42010aa80033`;

/** testdata/canary/canary-rollout.yaml, as the plugin's tests load it. */
const canaryDemo = (): RolloutObject =>
  parse(`
metadata:
  annotations:
    rollout.argoproj.io/revision: "31"
  generation: 429
  name: canary-demo
  namespace: jesse-test
  uid: b350ba76-f6ed-11e9-a15b-42010aa80033
spec:
  replicas: 5
  selector:
    matchLabels:
      app: canary-demo
  strategy:
    canary:
      canaryService: canary-demo-preview
      steps:
      - setWeight: 20
      - pause: {}
      - setWeight: 40
      - pause:
          duration: 10s
      - setWeight: 60
      - pause:
          duration: 10s
      - setWeight: 80
      - pause:
          duration: 10s
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: canary-demo
    spec:
      containers:
      - image: argoproj/rollouts-demo:does-not-exist
        imagePullPolicy: Always
        name: canary-demo
status:
  HPAReplicas: 6
  availableReplicas: 5
  blueGreen: {}
  canary: {}
  stableRS: 877894d5b
  conditions:
  - message: Rollout has minimum availability
    reason: AvailableReason
    status: "True"
    type: Available
  - message: ReplicaSet "canary-demo-65fb5ffc84" has timed out progressing.
    reason: ProgressDeadlineExceeded
    status: "False"
    type: Progressing
  currentPodHash: 65fb5ffc84
  currentStepHash: f64cdc9d
  currentStepIndex: 0
  observedGeneration: "429"
  readyReplicas: 5
  replicas: 6
  selector: app=canary-demo
  updatedReplicas: 1
`) as RolloutObject;

/** A ReplicaSet of canary-demo (testdata/canary/{stable,canary,old}-rs.yaml). */
const demoRs = (hash: string, revision: number, image: string, replicas: number, available: number): RolloutReplicaSet =>
  parse(`
metadata:
  annotations:
    rollout.argoproj.io/desired-replicas: "5"
    rollout.argoproj.io/revision: "${revision}"
  labels:
    app: canary-demo
    rollouts-pod-template-hash: ${hash}
  name: canary-demo-${hash}
  namespace: jesse-test
${OWNER}
spec:
  replicas: ${replicas}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: canary-demo
        rollouts-pod-template-hash: ${hash}
    spec:
      containers:
      - image: ${image}
        imagePullPolicy: Always
        name: canary-demo
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
status:
  availableReplicas: ${available}
  replicas: ${replicas}
`) as RolloutReplicaSet;

const demoReplicaSets = () => [
  demoRs('65fb5ffc84', 31, 'argoproj/rollouts-demo:does-not-exist', 1, 0),
  demoRs('877894d5b', 30, 'argoproj/rollouts-demo:green', 5, 5),
  demoRs('859c99b45c', 29, 'argoproj/rollouts-demo:asdf', 0, 0),
];

/** testdata/rollout-aborted/rollout.yaml. */
const abortedRollout = (): RolloutObject =>
  parse(`
metadata:
  generation: 15
  name: rollout-background-analysis
  namespace: default
  uid: aeddde25-f8bd-4a68-a4a1-523a559bdb83
spec:
  replicas: 1
  selector:
    matchLabels:
      app: rollout-background-analysis
  strategy:
    canary:
      analysis:
        templates:
        - templateName: web-background
      steps:
      - setWeight: 10
      - pause: {}
  template:
    metadata:
      labels:
        app: rollout-background-analysis
    spec:
      containers:
      - image: argoproj/rollouts-demo:yellow
        name: rollouts-demo
status:
  HPAReplicas: 1
  abort: true
  abortedAt: "2020-09-22T09:10:05Z"
  availableReplicas: 1
  conditions:
  - message: Rollout has minimum availability
    reason: AvailableReason
    status: "True"
    type: Available
  - message: metric "web" assessed Failed due to failed (1) > failureLimit (0)
    reason: RolloutAborted
    status: "False"
    type: Progressing
  currentPodHash: db976bc44
  currentStepIndex: 0
  observedGeneration: "15"
  readyReplicas: 1
  replicas: 1
  stableRS: 7d84d44bb8
`) as RolloutObject;

const abortedOwner = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'rollout-background-analysis', uid: 'aeddde25-f8bd-4a68-a4a1-523a559bdb83', controller: true };
const abortedRs = (hash: string, revision: number, image: string, replicas: number): RolloutReplicaSet => ({
  metadata: { name: `rollout-background-analysis-${hash}`, namespace: 'default', labels: { 'rollouts-pod-template-hash': hash }, annotations: { 'rollout.argoproj.io/revision': String(revision) }, ownerReferences: [abortedOwner] },
  spec: { replicas, template: { metadata: { labels: { app: 'rollout-background-analysis', 'rollouts-pod-template-hash': hash } }, spec: { containers: [{ name: 'rollouts-demo', image }] } } },
  status: { replicas, availableReplicas: replicas },
});

/**
 * A canary paused by its pause step (index 1 of setWeight 25, pause, setWeight 75, pause) on 4 replicas, one of them the canary:
 * what the controller writes at that point.
 */
function pausedCanary(): RolloutObject {
  return {
    metadata: { name: 'ranker', namespace: 'ml', uid: 'ro-1', generation: 2, annotations: { 'rollout.argoproj.io/revision': '2' } },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'ranker' } },
      strategy: { canary: { steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 75 }, { pause: {} }] } },
      template: { metadata: { labels: { app: 'ranker' } }, spec: { containers: [{ name: 'app', image: 'ranker:2' }] } },
    },
    status: {
      phase: 'Paused',
      message: 'CanaryPauseStep',
      controllerPause: true,
      pauseConditions: [{ reason: 'CanaryPauseStep' }],
      currentStepIndex: 1,
      currentPodHash: 'bbb',
      stableRS: 'aaa',
      observedGeneration: '2',
      replicas: 4,
      updatedReplicas: 1,
      readyReplicas: 4,
      availableReplicas: 4,
    },
  };
}
const rankerOwner = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'ranker', uid: 'ro-1', controller: true };
function rankerRs(hash: string, revision: number, image: string, replicas: number): RolloutReplicaSet {
  // Defaulted by the apiserver in the ReplicaSet, unset in the Rollout: undo's comparison must see past it.
  const container = { name: 'app', image, terminationMessagePolicy: 'File' };
  return {
  metadata: { name: `ranker-${hash}`, namespace: 'ml', labels: { app: 'ranker', 'rollouts-pod-template-hash': hash }, annotations: { 'rollout.argoproj.io/revision': String(revision) }, ownerReferences: [rankerOwner] },
  spec: { replicas, template: { metadata: { labels: { app: 'ranker', 'rollouts-pod-template-hash': hash } }, spec: { containers: [container] } } },
  status: { replicas, availableReplicas: replicas },
  };
}
const rankerReplicaSets = () => [rankerRs('aaa', 1, 'ranker:1', 3), rankerRs('bbb', 2, 'ranker:2', 1)];

/** testdata/blue-green: bluegreen-rollout.yaml (paused before promotion) and its active, preview and old ReplicaSets. */
function blueGreenDemo(): { ro: RolloutObject; replicaSets: RolloutReplicaSet[] } {
  const ro = parse(`
metadata:
  generation: 410
  name: bluegreen-demo
  namespace: jesse-test
  uid: bg-1
spec:
  replicas: 3
  selector:
    matchLabels:
      app: bluegreen-demo
  strategy:
    blueGreen:
      activeService: bluegreen-demo
      autoPromotionEnabled: false
      previewService: bluegreen-demo-preview
  template:
    metadata:
      labels:
        app: bluegreen-demo
    spec:
      containers:
      - image: argoproj/rollouts-demo:green
        name: bluegreen-demo
status:
  HPAReplicas: 3
  availableReplicas: 3
  blueGreen:
    activeSelector: 6cbccd9f99
    previewSelector: 74b948fccb
  canary: {}
  conditions:
  - message: Rollout has minimum availability
    reason: AvailableReason
    status: "True"
    type: Available
  - message: Rollout is paused
    reason: RolloutPaused
    status: Unknown
    type: Progressing
  controllerPause: true
  currentPodHash: 74b948fccb
  observedGeneration: "410"
  pauseConditions:
  - reason: BlueGreenPause
    startTime: "2019-10-28T04:50:20Z"
  readyReplicas: 6
  replicas: 6
  stableRS: 6cbccd9f99
  updatedReplicas: 3
`) as RolloutObject;
  const owner = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'bluegreen-demo', uid: 'bg-1', controller: true };
  const rs = (hash: string, revision: number, color: string, replicas: number): RolloutReplicaSet => ({
    metadata: { name: `bluegreen-demo-${hash}`, labels: { 'rollouts-pod-template-hash': hash }, annotations: { 'rollout.argoproj.io/revision': String(revision) }, ownerReferences: [owner] },
    spec: { replicas, template: { spec: { containers: [{ name: 'bluegreen-demo', image: `argoproj/rollouts-demo:${color}` }] } } },
    status: { replicas, availableReplicas: replicas },
  });
  return { ro, replicaSets: [rs('74b948fccb', 11, 'green', 3), rs('6cbccd9f99', 10, 'blue', 3), rs('746d5fddf6', 8, 'red', 0)] };
}

describe('reading a Rollout as `kubectl argo rollouts get rollout` does', () => {
  it('canary-demo: Degraded by its progress deadline, step 0/8, setWeight 20, actualWeight 0, canary and stable images, three revisions', () => {
    const shown = argoRollout(canaryDemo(), demoReplicaSets());
    expect(shown).toMatchObject({
      name: 'canary-demo',
      namespace: 'jesse-test',
      strategy: 'canary',
      phase: 'Degraded',
      message: 'ProgressDeadlineExceeded: ReplicaSet "canary-demo-65fb5ffc84" has timed out progressing.',
      currentStepIndex: 0,
      setWeight: 20,
      actualWeight: 0,
      aborted: false,
      replicas: { desired: 5, current: 6, updated: 1, ready: 5, available: 5 },
      images: { stable: ['canary-demo=argoproj/rollouts-demo:green'], canary: ['canary-demo=argoproj/rollouts-demo:does-not-exist'] },
      generation: 429,
    });
    expect(shown.steps).toEqual([
      { kind: 'setWeight', value: '20' },
      { kind: 'pause', value: 'indefinite' },
      { kind: 'setWeight', value: '40' },
      { kind: 'pause', value: '10s' },
      { kind: 'setWeight', value: '60' },
      { kind: 'pause', value: '10s' },
      { kind: 'setWeight', value: '80' },
      { kind: 'pause', value: '10s' },
    ]);
    expect(shown.revisions.map((r) => [r.revision, r.role])).toEqual([
      [31, 'canary'],
      [30, 'stable'],
      [29, undefined],
    ]);
  });

  it('the aborted Rollout: Degraded with RolloutAborted, setWeight 0, only the stable images (the canary runs no pod)', () => {
    const shown = argoRollout(abortedRollout(), [abortedRs('db976bc44', 2, 'argoproj/rollouts-demo:yellow', 0), abortedRs('7d84d44bb8', 1, 'argoproj/rollouts-demo:blue', 1)]);
    expect(shown).toMatchObject({
      phase: 'Degraded',
      message: 'RolloutAborted: metric "web" assessed Failed due to failed (1) > failureLimit (0)',
      currentStepIndex: 0,
      setWeight: 0,
      actualWeight: 0,
      aborted: true,
      images: { stable: ['rollouts-demo=argoproj/rollouts-demo:blue'], canary: [] },
    });
  });

  it('a canary paused at its pause step: the controller’s phase, setWeight from the step before, actualWeight from available pods', () => {
    expect(argoRollout(pausedCanary(), rankerReplicaSets())).toMatchObject({ phase: 'Paused', message: 'CanaryPauseStep', currentStepIndex: 1, setWeight: 25, actualWeight: 25 });
  });

  it('bluegreen-demo: Paused before promotion (BlueGreenPause), no weights, stable/active blue and preview green', () => {
    const { ro, replicaSets } = blueGreenDemo();
    const shown = argoRollout(ro, replicaSets);
    expect(shown).toMatchObject({ strategy: 'blueGreen', steps: [], phase: 'Paused', message: 'BlueGreenPause', images: { stable: ['bluegreen-demo=argoproj/rollouts-demo:blue'], canary: ['bluegreen-demo=argoproj/rollouts-demo:green'] } });
    expect(shown.setWeight).toBeUndefined();
    expect(shown.currentStepIndex).toBeUndefined();
    expect(shown.revisions.map((r) => [r.revision, r.role])).toEqual([
      [11, 'preview'],
      [10, 'active'],
      [8, undefined],
    ]);
    // Promote clears its pause conditions (as read); there is no step to hold it to.
    expect(promotePatches(ro, false).status).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'bg-1' },
      { op: 'test', path: '/metadata/generation', value: 410 },
      { op: 'test', path: '/status/pauseConditions', value: [{ reason: 'BlueGreenPause', startTime: '2019-10-28T04:50:20Z' }] },
      { op: 'remove', path: '/status/pauseConditions' },
    ]);
  });

  it('a spec the controller has not seen yet, or an unpause it has not acted on, is Progressing whatever status.phase says', () => {
    const unseen = pausedCanary();
    unseen.metadata!.generation = 3;
    expect(argoRollout(unseen, [])).toMatchObject({ phase: 'Progressing', message: 'waiting for rollout spec update to be observed' });
    const unpausing = pausedCanary();
    unpausing.status!.pauseConditions = null;
    expect(argoRollout(unpausing, [])).toMatchObject({ phase: 'Progressing', message: 'waiting for rollout to unpause' });
  });

  it('past the last step the weights are the maximum, and Healthy once stable is the current pod hash', () => {
    const done = pausedCanary();
    Object.assign(done.status!, { phase: undefined, controllerPause: false, pauseConditions: undefined, currentStepIndex: 4, stableRS: 'bbb', updatedReplicas: 4 });
    expect(argoRollout(done, rankerReplicaSets())).toMatchObject({ phase: 'Healthy', message: '', setWeight: 100, actualWeight: 100 });
  });
});

const uidAndGeneration = [
  { op: 'test', path: '/metadata/uid', value: 'ro-1' },
  { op: 'test', path: '/metadata/generation', value: 2 },
];

describe('the plugin’s patches, guarded', () => {
  it('promote at a pause step clears the pause conditions on the status, testing the step and the conditions read', () => {
    const clearPause = [
      { op: 'test', path: '/status/pauseConditions', value: [{ reason: 'CanaryPauseStep' }] },
      { op: 'remove', path: '/status/pauseConditions' },
    ];
    expect(promotePatches(pausedCanary(), false)).toEqual({
      status: [...uidAndGeneration, { op: 'test', path: '/status/currentStepIndex', value: 1 }, ...clearPause],
      unified: [...uidAndGeneration, { op: 'test', path: '/status/currentStepIndex', value: 1 }, { op: 'add', path: '/spec/paused', value: false }, ...clearPause],
    });
  });

  it('promote of a manually paused Rollout also unpauses its spec; of one with no pause, skips the current step', () => {
    const manual = pausedCanary();
    manual.spec!.paused = true;
    expect(promotePatches(manual, false).spec).toEqual([...uidAndGeneration, { op: 'add', path: '/spec/paused', value: false }]);
    const running = pausedCanary();
    running.status!.pauseConditions = undefined;
    expect(promotePatches(running, false).status).toEqual([...uidAndGeneration, { op: 'test', path: '/status/currentStepIndex', value: 1 }, { op: 'add', path: '/status/currentStepIndex', value: 2 }]);
  });

  it('promote --full sets status.promoteFull while the canary is not stable, and nothing once it is', () => {
    expect(promotePatches(pausedCanary(), true).status).toEqual([...uidAndGeneration, { op: 'test', path: '/status/currentStepIndex', value: 1 }, { op: 'add', path: '/status/promoteFull', value: true }]);
    const stable = pausedCanary();
    stable.status!.stableRS = 'bbb';
    expect(promotePatches(stable, true).status).toBeUndefined();
  });

  it('abort sets status.abort; retry unsets it only while it is still aborted', () => {
    expect(abortPatch(pausedCanary(), true)).toEqual([...uidAndGeneration, { op: 'add', path: '/status/abort', value: true }]);
    expect(abortPatch(pausedCanary(), false)).toEqual([...uidAndGeneration, { op: 'test', path: '/status/abort', value: true }, { op: 'add', path: '/status/abort', value: false }]);
  });

  it('undo takes the kept ReplicaSet’s template without the rollouts hash; 0 picks the second newest revision', () => {
    const sets = rankerReplicaSets();
    expect(undoSource('ranker', sets, 0)).toBe(sets[0]);
    expect(undoSource('ranker', sets, 2)).toBe(sets[1]);
    expect(() => undoSource('ranker', sets, 7)).toThrow(/no revision 7 kept: its ReplicaSets hold 1, 2/);
    expect(undoPatch(pausedCanary(), undoTemplate(sets[0]))).toEqual([
      ...uidAndGeneration,
      { op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'ranker' } }, spec: { containers: [{ name: 'app', image: 'ranker:1', terminationMessagePolicy: 'File' }] } } },
    ]);
  });

  it('undo compares as the plugin does: what the Rollout leaves unset may be defaulted in the ReplicaSet', () => {
    expect(runsTemplateOf(pausedCanary(), rankerReplicaSets()[1])).toBe(true);
    expect(runsTemplateOf(pausedCanary(), rankerReplicaSets()[0])).toBe(false);
    expect(deepDerivative({ a: '', b: [] , c: {} }, { a: 'x', b: [], c: { d: 1 } })).toBe(true);
    expect(deepDerivative({ b: [1] }, { b: [1, 2] })).toBe(false);
    // A Rollout's `env: []` is unset; the ReplicaSet, as the apiserver stores it, has no env at all.
    expect(deepDerivative({ env: [] }, {})).toBe(true);
  });
});

const ROLLOUT = '/apis/argoproj.io/v1alpha1/namespaces/ml/rollouts/ranker';
let sent: SentRequest[];
let routes: Record<string, KubeRoute>;
beforeEach(() => void ({ sent, routes } = scriptKubeRequest(vi.mocked(kubeRequest))));

function fakeRunner() {
  const ran: { done?: Promise<unknown>; audit?: Outcome } = {};
  const runner: Pick<TaskRunner, 'start'> = {
    start(_spec, run) {
      const ctx: TaskContext = {
        id: 't1',
        signal: new AbortController().signal,
        phase: () => {},
        progress: () => {},
        throwIfCancelled: () => {},
        log: () => {},
        record: (done: TaskRecord) => void (ran.audit = done.audit ?? ran.audit),
      };
      ran.done = run(ctx).then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      );
      return { id: 't1', done: new Promise(() => {}) };
    },
  };
  return { runner, ran };
}

const served = { config: async () => ({}) as KubeConfig, resolve: async () => ({ group: 'argoproj.io', version: 'v1alpha1', resource: 'rollouts', kind: 'Rollout', namespaced: true, verbs: [], builtin: false }) };
const deps = (runner: Pick<TaskRunner, 'start'>, access = served) => ({
  access,
  connections: { list: () => [{ id: 'c1', name: 'dev', kind: 'kubernetes' as const, labels: {} }] as never },
  runner,
  log: createLogger(),
  pollMs: 1,
});
const at = { connectionId: 'c1', namespace: 'ml', name: 'ranker' };

/** Serves the Rollout `reads` in turn (the last one from then on), and its ReplicaSets. */
function serve(...reads: RolloutObject[]) {
  let n = 0;
  routes[`GET ${ROLLOUT}`] = () => ({ status: 200, body: reads[Math.min(n++, reads.length - 1)] });
  routes['GET /apis/apps/v1/namespaces/ml/replicasets'] = () => ({ status: 200, body: { items: rankerReplicaSets() } });
}

describe('the actions against an apiserver', () => {
  it('lists nothing and says so when the cluster does not serve rollouts.argoproj.io', async () => {
    const absent = { ...served, resolve: async () => Promise.reject(new AppError('NOT_FOUND', 'not served')) };
    expect(await createArgoRollouts(deps(fakeRunner().runner, absent as never)).list({ connectionId: 'c1' })).toEqual({ available: false, rollouts: [] });
    expect(sent).toEqual([]);
  });

  it('promote patches the status subresource, then follows the Rollout to its next pause', async () => {
    const next = pausedCanary();
    Object.assign(next.status!, { currentStepIndex: 3 });
    serve(pausedCanary(), pausedCanary(), next);
    routes[`PATCH ${ROLLOUT}/status`] = () => ({ status: 200, body: pausedCanary() });
    const { runner, ran } = fakeRunner();
    createArgoRollouts(deps(runner)).promote({ ...at, full: false, ifCurrentStepIndex: 1, ifGeneration: 2 }, 'ana');
    expect(await ran.done).toEqual({ ok: true, value: { skipped: false, verdict: expect.stringContaining('at step 3/4, weight 75') as string } });
    expect(sent.filter((s) => s.method === 'PATCH')).toEqual([{ method: 'PATCH', path: `${ROLLOUT}/status`, body: promotePatches(pausedCanary(), false).status }]);
    expect(ran.audit).toMatchObject({ before: expect.stringContaining('Paused (CanaryPauseStep) at step 1/4, weight 25') as string, after: 'promoted (unpaused)' });
  });

  it('a Rollout without the status subresource (404 there) takes the plugin’s unified patch', async () => {
    const next = pausedCanary();
    Object.assign(next.status!, { currentStepIndex: 3 });
    serve(pausedCanary(), next);
    routes[`PATCH ${ROLLOUT}/status`] = () => ({ status: 404 });
    routes[`PATCH ${ROLLOUT}`] = () => ({ status: 200, body: pausedCanary() });
    const { runner, ran } = fakeRunner();
    createArgoRollouts(deps(runner)).promote({ ...at, full: false }, 'ana');
    expect(await ran.done).toMatchObject({ ok: true });
    expect(sent.filter((s) => s.method === 'PATCH').map((s) => [s.path, s.body])).toEqual([
      [`${ROLLOUT}/status`, promotePatches(pausedCanary(), false).status],
      [ROLLOUT, promotePatches(pausedCanary(), false).unified],
    ]);
  });

  it('the step moved between the look and the promotion: CONFLICT before any write', async () => {
    serve(pausedCanary());
    const { runner, ran } = fakeRunner();
    createArgoRollouts(deps(runner)).promote({ ...at, full: false, ifCurrentStepIndex: 0 }, 'ana');
    expect(await ran.done).toEqual({ ok: false, error: expect.objectContaining({ code: 'CONFLICT' }) as AppError });
    expect(sent.some((s) => s.method === 'PATCH')).toBe(false);
  });

  it('the controller moves the step between the read and the patch (a bare 422): CONFLICT, nothing more written', async () => {
    const moved = pausedCanary();
    moved.status!.currentStepIndex = 2;
    routes[`GET ${ROLLOUT}/status`] = () => ({ status: 200, body: moved });
    serve(pausedCanary());
    routes[`PATCH ${ROLLOUT}/status`] = () => ({ status: 422, body: { kind: 'Status', status: 'Failure', message: 'the server rejected our request due to an error in our request', reason: 'Invalid', code: 422 } });
    const { runner, ran } = fakeRunner();
    createArgoRollouts(deps(runner)).promote({ ...at, full: false }, 'ana');
    expect(await ran.done).toEqual({ ok: false, error: expect.objectContaining({ code: 'CONFLICT' }) as AppError });
    expect(sent.filter((s) => s.method === 'PATCH')).toHaveLength(1);
    expect(ran.audit).toEqual({ before: expect.stringContaining('Paused') as string });
  });

  it('abort sets status.abort, follows it to Degraded, and offers a retry held to the generation left', async () => {
    const aborted = pausedCanary();
    Object.assign(aborted.status!, { abort: true, abortedAt: '2026-12-04T05:00:00Z', phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 2', pauseConditions: undefined, controllerPause: false });
    serve(pausedCanary(), aborted);
    routes[`PATCH ${ROLLOUT}/status`] = () => ({ status: 200, body: pausedCanary() });
    const { runner, ran } = fakeRunner();
    createArgoRollouts(deps(runner)).abort({ ...at, ifGeneration: 2 }, 'ana');
    expect(await ran.done).toMatchObject({ ok: true });
    expect(sent.filter((s) => s.method === 'PATCH')).toEqual([{ method: 'PATCH', path: `${ROLLOUT}/status`, body: abortPatch(pausedCanary(), true) }]);
    expect(ran.audit?.undo).toEqual({ method: 'rollouts.argoRetry', params: { ...at, ifGeneration: 2 }, label: 'Retry ranker' });
  });

  it('undo replaces the template with revision 1’s, and its own undo goes back to the canary’s revision', async () => {
    serve(pausedCanary());
    routes[`PATCH ${ROLLOUT}`] = () => ({ status: 200, body: { ...pausedCanary(), metadata: { ...pausedCanary().metadata, generation: 3 } } });
    const { runner, ran } = fakeRunner();
    createArgoRollouts(deps(runner)).undo({ ...at, toRevision: 1 }, 'ana');
    expect(await ran.done).toMatchObject({ ok: true, value: { skipped: false } });
    expect(sent.filter((s) => s.method === 'PATCH')).toEqual([{ method: 'PATCH', path: ROLLOUT, body: undoPatch(pausedCanary(), undoTemplate(rankerReplicaSets()[0])) }]);
    expect(ran.audit?.undo).toEqual({ method: 'rollouts.argoUndo', params: { ...at, toRevision: 2, ifGeneration: 3 }, label: 'Undo ranker to revision 2' });
  });

  it('undo to the revision it already runs is skipped, nothing written', async () => {
    serve(pausedCanary());
    const { runner, ran } = fakeRunner();
    createArgoRollouts(deps(runner)).undo({ ...at, toRevision: 2 }, 'ana');
    expect(await ran.done).toMatchObject({ ok: true, value: { skipped: true } });
    expect(sent.some((s) => s.method === 'PATCH')).toBe(false);
  });
});

/** pausedCanary at `resourceVersion`, its status changed by `status`. */
function canaryAt(resourceVersion: string, status: NonNullable<RolloutObject['status']> = {}): RolloutObject {
  const ro = pausedCanary();
  ro.metadata!.resourceVersion = resourceVersion;
  Object.assign(ro.status!, status);
  return ro;
}
const abortedStatus = { abort: true, phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 2', pauseConditions: undefined, controllerPause: false };
const rolloutReads = () => sent.filter((s) => s.method === 'GET' && s.path === ROLLOUT).length;

describe('following what the controller does with an action', () => {
  it('promote --full of a Degraded Rollout: the patch’s own answer and a still-set promoteFull are not the controller’s verdict', async () => {
    const degraded = canaryAt('10', { ...abortedStatus, abortedAt: '2026-12-04T05:00:00Z' });
    const written = canaryAt('11', { ...abortedStatus, abortedAt: '2026-12-04T05:00:00Z', promoteFull: true });
    const progressing = canaryAt('12', { phase: 'Progressing', message: 'more replicas need to be updated', promoteFull: true, pauseConditions: undefined, controllerPause: false });
    const healthy = canaryAt('13', { phase: 'Healthy', message: '', pauseConditions: undefined, controllerPause: false, currentStepIndex: 4, stableRS: 'bbb', updatedReplicas: 4 });
    serve(degraded, written, progressing, healthy);
    routes[`PATCH ${ROLLOUT}/status`] = () => ({ status: 200, body: written });
    const { runner, ran } = fakeRunner();
    createArgoRollouts(deps(runner)).promote({ ...at, full: true }, 'ana');
    expect(await ran.done).toEqual({ ok: true, value: { skipped: false, verdict: expect.stringContaining('promoted fully: Healthy') as string } });
    expect(rolloutReads()).toBe(4);
  });

  it('abort of a fully promoted Rollout is refused (the controller would undo it), nothing written', async () => {
    serve(canaryAt('10', { phase: 'Healthy', pauseConditions: undefined, controllerPause: false, currentStepIndex: 4, stableRS: 'bbb' }));
    const { runner, ran } = fakeRunner();
    createArgoRollouts(deps(runner)).abort(at, 'ana');
    expect(await ran.done).toEqual({ ok: false, error: expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining('nothing to abort: it is fully promoted') as string }) as AppError });
    expect(sent.some((s) => s.method === 'PATCH')).toBe(false);
  });

  it('an abort is taken once the controller has set status.abortedAt, a retry once it has cleared it', async () => {
    serve(canaryAt('10'), canaryAt('12', abortedStatus), canaryAt('13', { ...abortedStatus, abortedAt: '2026-12-04T05:00:00Z' }));
    routes[`PATCH ${ROLLOUT}/status`] = () => ({ status: 200, body: canaryAt('11', { abort: true }) });
    const aborting = fakeRunner();
    createArgoRollouts(deps(aborting.runner)).abort(at, 'ana');
    expect(await aborting.ran.done).toMatchObject({ ok: true });
    expect(rolloutReads()).toBe(3);

    sent.length = 0;
    const abortedAt = { ...abortedStatus, abortedAt: '2026-12-04T05:00:00Z' };
    serve(canaryAt('20', abortedAt), canaryAt('22', { ...abortedAt, abort: false, phase: 'Progressing' }), canaryAt('23', { abort: false, abortedAt: null }));
    routes[`PATCH ${ROLLOUT}/status`] = () => ({ status: 200, body: canaryAt('21', { ...abortedAt, abort: false }) });
    const retrying = fakeRunner();
    createArgoRollouts(deps(retrying.runner)).retry(at, 'ana');
    expect(await retrying.ran.done).toMatchObject({ ok: true });
    expect(rolloutReads()).toBe(3);
  });

  it('a blip while following is read again; a cluster silent for 20 s says the promotion was applied and its outcome is unknown', async () => {
    const next = canaryAt('12', { currentStepIndex: 3 });
    let reads = 0;
    let silent = 1;
    routes[`GET ${ROLLOUT}`] = () => {
      if (++reads === 1) return { status: 200, body: canaryAt('10') };
      if (silent-- > 0) throw new AppError('UNREACHABLE', 'connect ECONNREFUSED');
      return { status: 200, body: next };
    };
    routes['GET /apis/apps/v1/namespaces/ml/replicasets'] = () => ({ status: 200, body: { items: rankerReplicaSets() } });
    routes[`PATCH ${ROLLOUT}/status`] = () => ({ status: 200, body: canaryAt('11') });
    const blip = fakeRunner();
    createArgoRollouts(deps(blip.runner)).promote({ ...at, full: false }, 'ana');
    expect(await blip.ran.done).toMatchObject({ ok: true, value: { skipped: false } });

    reads = 0;
    silent = Infinity;
    let clock = 0;
    const now = vi.spyOn(Date, 'now').mockImplementation(() => (clock += 5_000));
    try {
      const lost = fakeRunner();
      createArgoRollouts(deps(lost.runner)).promote({ ...at, full: false }, 'ana');
      expect(await lost.ran.done).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'UNREACHABLE', message: expect.stringMatching(/^Lost contact with the cluster while following the rollout \(connect ECONNREFUSED\): the promotion of Rollout ranker in ml was applied; whether it has .* is not known/) }) as AppError,
      });
      expect(lost.ran.audit).toMatchObject({ after: 'promoted (unpaused)' });
    } finally {
      now.mockRestore();
    }
  });

  it('promote’s spec patch refused after its status patch went through: CONFLICT, and the audit says what was written', async () => {
    const manual = canaryAt('10');
    manual.spec!.paused = true;
    serve(manual);
    routes[`PATCH ${ROLLOUT}/status`] = () => ({ status: 200, body: canaryAt('11') });
    routes[`PATCH ${ROLLOUT}`] = () => ({ status: 409, body: { kind: 'Status', code: 409 } });
    const { runner, ran } = fakeRunner();
    createArgoRollouts(deps(runner)).promote({ ...at, full: false }, 'ana');
    expect(await ran.done).toEqual({ ok: false, error: expect.objectContaining({ code: 'CONFLICT' }) as AppError });
    expect(ran.audit).toEqual({ before: expect.stringContaining('Paused') as string, after: expect.stringContaining('promoted (unpaused)') as string });
  });

  it('the controller clears the pause conditions between the read and the promotion (a bare 422): CONFLICT, not the server’s words', async () => {
    serve(pausedCanary());
    routes[`GET ${ROLLOUT}/status`] = () => ({ status: 200, body: canaryAt('11', { pauseConditions: undefined }) });
    routes[`PATCH ${ROLLOUT}/status`] = () => ({ status: 422, body: { kind: 'Status', status: 'Failure', message: 'the server rejected our request due to an error in our request', reason: 'Invalid', code: 422 } });
    const { runner, ran } = fakeRunner();
    createArgoRollouts(deps(runner)).promote({ ...at, full: false }, 'ana');
    expect(await ran.done).toEqual({ ok: false, error: expect.objectContaining({ code: 'CONFLICT' }) as AppError });
  });
});

describe('listing Rollouts', () => {
  const hostile = (): RolloutObject => {
    const ro = canaryAt('10', { currentStepIndex: -1, replicas: -1 });
    Object.assign(ro.metadata!, { name: 'hostile', uid: 'ro-2' });
    ro.spec!.replicas = -1;
    ro.spec!.strategy!.canary!.steps = [{ setWeight: -10 }, { pause: { duration: 'x'.repeat(300) } }];
    ro.spec!.strategy!.canary!.trafficRouting = { maxTrafficWeight: -1 };
    return ro;
  };

  it('reads the ReplicaSets once for all Rollouts; clamps a hostile Rollout’s figures, and shows one it cannot represent as a row saying why', async () => {
    const unrepresentable = canaryAt('10');
    Object.assign(unrepresentable.metadata!, { name: 42, uid: 'ro-3' });
    routes['GET /apis/argoproj.io/v1alpha1/namespaces/ml/rollouts'] = () => ({ status: 200, body: { items: [pausedCanary(), hostile(), unrepresentable] } });
    routes['GET /apis/apps/v1/namespaces/ml/replicasets'] = () => ({ status: 200, body: { items: rankerReplicaSets() } });
    const listed = await createArgoRollouts(deps(fakeRunner().runner)).list({ connectionId: 'c1', namespace: 'ml' });
    expect(ArgoRollouts.parse(listed)).toEqual(listed);
    expect(sent.filter((s) => s.path.startsWith('/apis/apps/v1/')).length).toBe(1);
    const [unreadable, bad, ranker] = listed.rollouts;
    expect(ranker).toMatchObject({ name: 'ranker', setWeight: 25, revisions: [{ revision: 2 }, { revision: 1 }] });
    expect(bad).toMatchObject({ name: 'hostile', currentStepIndex: 0, setWeight: 0, replicas: { desired: 0, current: 0 }, revisions: [] });
    expect(bad.steps[1].value).toHaveLength(256);
    expect(bad.unreadable).toBeUndefined();
    expect(unreadable).toMatchObject({ name: '42', unreadable: expect.stringContaining('cannot be shown') as string, revisions: [] });
  });
});
