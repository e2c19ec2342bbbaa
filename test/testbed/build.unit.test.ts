import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildComponent, type BuildComponent } from './build';
import { madeTempDir } from '../support/tempDirs';

let dir = '';
beforeEach(() => {
  dir = madeTempDir('ph-build-');
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** A component whose build the test finishes, and drives through Go's phases by hand. */
function component(outputs: string[]) {
  let finish = () => {};
  const c: BuildComponent = {
    name: 'kubernetes v1.34.4',
    outputs,
    cold: '~7 min',
    build: (activity) => {
      Object.assign(activity, { doing: 'compiling', counted: 'packages compiled', lines: 812 });
      return new Promise<void>((resolve) => (finish = resolve));
    },
  };
  return { c, finish: () => finish() };
}

describe('buildComponent', () => {
  it('says every 30 s what the build is doing, and stops saying it when done', async () => {
    const output = join(dir, 'kube-apiserver');
    const { c, finish } = component([output]);
    const lines: string[] = [];
    const built = buildComponent(c, (l) => lines.push(l));
    vi.advanceTimersByTime(29_999);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(30_001);
    expect(lines).toEqual(['… kubernetes v1.34.4: compiling, 812 packages compiled, 30 s so far', '… kubernetes v1.34.4: compiling, 812 packages compiled, 1 min so far']);
    writeFileSync(output, '');
    finish();
    await built;
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(2);
  });

  it('fails naming a binary the build did not make', async () => {
    const { c, finish } = component([join(dir, 'kubectl')]);
    const built = buildComponent(c, () => {});
    finish();
    await expect(built).rejects.toThrow(`build of kubernetes v1.34.4 finished without ${join(dir, 'kubectl')}`);
  });
});
