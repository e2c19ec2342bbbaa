import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildComponent, type BuildComponent } from './build';
import { checkPrerequisites, missingPrerequisites, type MissingPrerequisites } from './prereqs';
import { run } from './proc';
import { goRecentEnough, provisionPrerequisites } from './provision';

// The machine is not touched: what is missing is given, and every command and build is recorded instead of run.
vi.mock('./prereqs', async (original) => ({ ...(await original<typeof import('./prereqs')>()), missingPrerequisites: vi.fn(), checkPrerequisites: vi.fn() }));
vi.mock('./proc', async (original) => ({ ...(await original<typeof import('./proc')>()), run: vi.fn(() => Promise.resolve({ stdout: '', stderr: '' })) }));
vi.mock('./build', async (original) => ({ ...(await original<typeof import('./build')>()), buildComponent: vi.fn(() => Promise.resolve()) }));
vi.mock('node:child_process', async (original) => ({
  ...(await original<typeof import('node:child_process')>()),
  spawnSync: vi.fn(() => ({ status: 0, stdout: 'go1.26.8\n' })),
}));

const component = (name: string): BuildComponent => ({ name, outputs: [`/cache/${name}/bin/${name}`], cold: '~1 min', build: () => Promise.resolve() });
const everything: MissingPrerequisites = { apt: ['prometheus', 'chromium'], venv: true, builds: [component('kwok'), component('etcd')] };

afterEach(() => {
  vi.clearAllMocks();
  vi.restoreAllMocks();
});

describe('provisionPrerequisites', () => {
  it('without root and with Debian packages missing: fails at once with the command to run, before any build', async () => {
    vi.mocked(missingPrerequisites).mockReturnValue(everything);
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    await expect(provisionPrerequisites({ log: () => {} })).rejects.toThrow('sudo apt-get install -y --no-install-recommends prometheus chromium\n');
    expect(run).not.toHaveBeenCalled();
    expect(buildComponent).not.toHaveBeenCalled();
  });

  it('as root: packages, then the venv, then each build, numbered, and checks the result', async () => {
    vi.mocked(missingPrerequisites).mockReturnValue(everything);
    vi.spyOn(process, 'getuid').mockReturnValue(0);
    const lines: string[] = [];
    await provisionPrerequisites({ chromium: true, log: (l) => lines.push(l) });
    expect(lines.filter((l) => l.startsWith('('))).toEqual([
      '(1/4) apt-get install prometheus chromium …',
      expect.stringMatching(/^\(2\/4\) creating .*venv with moto\[server\]==5\.2\.5 …$/),
      '(3/4) building kwok: kwok (~1 min cold on 2 cores) …',
      '(4/4) building etcd: etcd (~1 min cold on 2 cores) …',
    ]);
    expect(vi.mocked(run).mock.calls.map(([cmd, args]) => [cmd, ...args].slice(0, 3).join(' '))).toEqual(['apt-get update -qq', 'apt-get install -y', 'python3 -m venv', expect.stringMatching(/venv\/bin\/pip install -q$/)]);
    expect(vi.mocked(buildComponent).mock.calls.map(([c]) => c.name)).toEqual(['kwok', 'etcd']);
    expect(checkPrerequisites).toHaveBeenCalledWith(expect.objectContaining({ chromium: true }));
  });

  it('with everything in place: does nothing but say so', async () => {
    vi.mocked(missingPrerequisites).mockReturnValue({ apt: [], venv: false, builds: [] });
    const lines: string[] = [];
    await provisionPrerequisites({ log: (l) => lines.push(l) });
    expect(lines).toEqual(['test bed prerequisites: all present']);
    expect(run).not.toHaveBeenCalled();
  });
});

describe('goRecentEnough', () => {
  it('takes Go from 1.26.1 on, release candidates of a newer minor included, and nothing that is not a Go version', () => {
    expect(['go1.26.1', 'go1.26.8', 'go1.27.3', 'go1.27rc1', 'go1.30.0 X:nocoverageredesign'].map(goRecentEnough)).toEqual([true, true, true, true, true]);
    expect(['go1.26.0', 'go1.26', 'go1.24.7', 'go1.9.9', 'devel go1.26', '', 'go2'].map(goRecentEnough)).toEqual([false, false, false, false, false, false, false]);
  });
});
