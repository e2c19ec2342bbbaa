import { describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../../shared/contract';
import { DEFAULT_CONTAINER_ANNOTATION, podShellProblem, podStatusShellProblem, shellContainers } from './containerChoice';

const c = (name: string, kind: ContainerInfo['kind'] = 'main', state = 'running'): ContainerInfo => ({ name, kind, image: 'img', ready: true, restartCount: 0, state, hasPrevious: false, ports: [] });

describe('shell container choice', () => {
  it('picks the default-container annotation, else the first running main container', () => {
    const containers = [c('istio-proxy'), c('app'), c('debugger', 'ephemeral')];
    expect(shellContainers(containers, { [DEFAULT_CONTAINER_ANNOTATION]: 'app' }).preferred).toBe('app');
    expect(shellContainers(containers, {}).preferred).toBe('istio-proxy');
    // An annotation naming no container, or one not running, is passed over.
    expect(shellContainers(containers, { [DEFAULT_CONTAINER_ANNOTATION]: 'nope' }).preferred).toBe('istio-proxy');
    expect(shellContainers([c('app', 'main', 'waiting: CrashLoopBackOff'), c('side')], { [DEFAULT_CONTAINER_ANNOTATION]: 'app' }).preferred).toBe('side');
  });

  it('offers init containers only while they run, lists ephemeral ones, and says why one cannot be chosen', () => {
    const { options } = shellContainers([c('migrate', 'init', 'terminated: Completed (exit 0)'), c('setup', 'init'), c('app', 'main', 'waiting: CrashLoopBackOff'), c('dbg', 'ephemeral', 'terminated: Error (exit 1)')], {});
    expect(options.map((o) => [o.name, o.kind, o.problem])).toEqual([
      ['setup', 'init', undefined],
      ['app', 'main', 'It is not running (waiting: CrashLoopBackOff).'],
      ['dbg', 'ephemeral', 'It is not running (terminated: Error (exit 1)).'],
    ]);
  });

  it('chooses nothing when nothing runs', () => {
    expect(shellContainers([c('app', 'main', 'waiting: ContainerCreating')], {}).preferred).toBeUndefined();
    expect(shellContainers([], {})).toEqual({ options: [] });
  });

  it('tells why a pod cannot take a shell', () => {
    expect(podShellProblem(undefined)).toBeUndefined();
    expect(podShellProblem([c('app'), c('side', 'main', 'waiting')])).toBeUndefined();
    expect(podShellProblem([c('app', 'main', 'terminated: Completed (exit 0)')])).toBe('No container is running (app terminated: Completed (exit 0)): a shell needs a running container.');
    expect(podStatusShellProblem('Running')).toBeUndefined();
    expect(podStatusShellProblem('Completed')).toBe('The pod is Completed: a shell needs a running container.');
    expect(podStatusShellProblem(null)).toBe('The pod’s status is not known yet.');
  });
});
