import * as fs from 'node:fs';
import { mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { madeTempDir } from '../../../test/support/tempDirs';
import { createAuditService } from '../audit/auditService';
import { createLogger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { createTaskRunner } from '../tasks/taskRunner';
import { planSpecExport, specFileName, specNameOf, startSpecExport, startSpecImport } from './specFolder';
import { createSpecStore } from './specStore';

// The seam: runs just before the import opens a file, where someone could swap a folder on its way.
const hook = vi.hoisted(() => ({ beforeOpen: undefined as ((path: string) => void) | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  return {
    ...real,
    openSync: (path: fs.PathLike, ...rest: unknown[]) => {
      hook.beforeOpen?.(String(path));
      return (real.openSync as (...a: unknown[]) => number)(path, ...rest);
    },
  };
});

const JOB = (name: string) => `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\n`;

function setup() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  const log = createLogger({ sink: () => {} });
  const hub = { publish: () => {} } as unknown as EventHub;
  const runner = createTaskRunner({ db, audit: createAuditService(db, hub, log), hub, log });
  const store = createSpecStore(db);
  const announced: string[][] = [];
  return { db, runner, store, announced, deps: { runner, store, announce: (ids: string[]) => announced.push(ids) } };
}

function write(root: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('spec names from files', () => {
  it('joins folders with "." and drops the extension', () => {
    expect(specNameOf('train/resnet.yaml')).toBe('train.resnet');
    expect(specNameOf('a.YML')).toBe('a');
    expect(specNameOf('deep/er/x.y.yaml')).toBe('deep.er.x.y');
    expect(() => specNameOf('a\\b.yaml')).toThrow(/not allowed/);
    expect(() => specNameOf(`${'d/'.repeat(70)}x.yaml`)).toThrow(/not allowed/);
  });

  it('makes file names bounded in bytes, neither hidden nor colliding when cut', () => {
    const emoji = '🙂'.repeat(75);
    const a = specFileName(emoji);
    const b = specFileName(`${'🙂'.repeat(74)}🙃`);
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(255);
    expect(a).toMatch(/^🙂{50}-[0-9a-f]{8}\.yaml$/u);
    expect(a).not.toBe(b);
    expect(Buffer.from(a).toString()).toBe(a);
    expect(specFileName('.git')).toBe('_git.yaml');
    expect(specFileName('a\nb')).toBe('a_b.yaml');
    expect(specFileName('train')).toBe('train.yaml');
  });

  it('exports at a stored path only when it stays inside the folder, else at a unique name', async () => {
    const planned = planSpecExport([
      { id: 'sp-1', name: 'a', path: 'train/a.yaml' },
      { id: 'sp-2', name: 'escape', path: '../../etc/escape.yaml' },
      { id: 'sp-3', name: 'A' },
      { id: 'sp-4', name: 'a' },
      { id: 'sp-5', name: 'md', path: 'notes/readme.md' },
    ]);
    expect(planned.map((p) => p.segments.join('/'))).toEqual(['train/a.yaml', 'escape.yaml', 'A.yaml', 'a-2.yaml', 'md.yaml']);
  });
});

describe('spec import', () => {
  it('imports a folder: nested files by name, problems refused with their line, links and other files skipped', async () => {
    const { runner, store, deps, announced } = setup();
    const base = madeTempDir('ph-specs-import-');
    const root = join(base, 'specs');
    write(root, {
      'train/resnet.yaml': JOB('resnet'),
      'eval.yml': JOB('eval'),
      'broken.yaml': `${JOB('x')}  bad: [\n`,
      'notes.md': '# not a spec\n',
      '.hidden/x.yaml': JOB('hidden'),
      'twice.yaml': JOB('one'),
      'twice.yml': JOB('two'),
    });
    write(base, { 'outside.yaml': JOB('outside') });
    symlinkSync(join(base, 'outside.yaml'), join(root, 'link.yaml'));
    const task = await startSpecImport(deps, root, 'ann').done;
    expect(task.status).toBe('succeeded');
    expect(task.result).toMatchObject({ added: 3, updated: 0, refused: 2, skipped: 1 });
    expect(store.list().map((m) => [m.name, m.path])).toEqual([
      ['eval', 'eval.yml'],
      ['train.resnet', 'train/resnet.yaml'],
      ['twice', 'twice.yaml'],
    ]);
    const report = runner.get(task.id).report!.summary!;
    expect(report).toMatch(/- `broken\.yaml`: broken\.yaml, line \d+:/);
    expect(report).toContain('- `twice.yml`: its spec name "twice" is also that of twice.yaml in this import');
    expect(report).toContain('- `link.yaml`: a symbolic link');
    expect(announced.flat()).toHaveLength(3);

    // Again, unchanged: nothing new.
    const again = await startSpecImport(deps, root, 'ann').done;
    expect(again.result).toMatchObject({ added: 0, updated: 0, unchanged: 3 });
  });

  it('imports one file, and refuses a link picked as the file', async () => {
    const { store, deps, runner } = setup();
    const dir = madeTempDir('ph-specs-file-');
    write(dir, { 'one.yaml': JOB('one'), 'other.yaml': JOB('other') });
    symlinkSync(join(dir, 'one.yaml'), join(dir, 'alias.yaml'));
    expect((await startSpecImport(deps, join(dir, 'one.yaml'), 'ann').done).result).toMatchObject({ added: 1 });
    expect(store.list().map((m) => m.name)).toEqual(['one']);
    const link = await startSpecImport(deps, join(dir, 'alias.yaml'), 'ann').done;
    expect(link.status).toBe('failed');
    expect(runner.get(link.id).error?.message).toMatch(/symbolic link/);
    const relative = await startSpecImport(deps, 'one.yaml', 'ann').done;
    expect(runner.get(relative.id).error?.message).toMatch(/not an absolute path/);
  });

  it('reads nothing from outside when a folder is swapped for a link between two of its files', async () => {
    const { store, deps, runner } = setup();
    const base = madeTempDir('ph-specs-toctou-');
    const root = join(base, 'specs');
    write(root, { 'sub/a.yaml': JOB('a'), 'sub/b.yaml': JOB('b') });
    write(base, { 'outside/b.yaml': JOB('secret') });
    hook.beforeOpen = (path) => {
      if (!path.endsWith(join('sub', 'b.yaml'))) return;
      hook.beforeOpen = undefined;
      renameSync(join(root, 'sub'), join(base, 'moved'));
      symlinkSync(join(base, 'outside'), join(root, 'sub'));
    };
    try {
      const task = await startSpecImport(deps, root, 'ann').done;
      expect(task.result).toMatchObject({ added: 1, refused: 1 });
      expect(runner.get(task.id).report!.summary).toContain('- `sub/b.yaml`: its folder is now reached through a symbolic link');
      expect(store.list().map((m) => m.name)).toEqual(['sub.a']);
    } finally {
      hook.beforeOpen = undefined;
    }
  });

  it('stores nothing when cancelled while it reads', async () => {
    const { store, deps, runner } = setup();
    const root = madeTempDir('ph-specs-cancel-');
    write(root, { 'a.yaml': JOB('a'), 'b.yaml': JOB('b'), 'c.yaml': JOB('c') });
    let taskId = '';
    hook.beforeOpen = (path) => {
      if (!path.endsWith('b.yaml')) return;
      hook.beforeOpen = undefined;
      runner.cancel(taskId, 'ann');
    };
    try {
      const started = startSpecImport(deps, root, 'ann');
      taskId = started.id;
      const task = await started.done;
      expect(task.status).toBe('cancelled');
      expect(store.list()).toEqual([]);
    } finally {
      hook.beforeOpen = undefined;
    }
  });
});

describe('spec export', () => {
  it('writes each spec at its path or name, and an import of the folder finds them unchanged', async () => {
    const { store, deps, runner } = setup();
    const src = madeTempDir('ph-specs-src-');
    write(src, { 'train/resnet.yaml': JOB('resnet') });
    await startSpecImport(deps, src, 'ann').done;
    const emoji = '🙂'.repeat(75);
    const made = (await store.save({ name: emoji, text: JOB('emoji'), message: '' }, 'ann')).meta;
    const out = madeTempDir('ph-specs-out-');
    const task = await startSpecExport(deps, out, undefined, 'ann').done;
    expect(task.result).toMatchObject({ written: 2, unchanged: 0, refused: 0 });
    expect(readFileSync(join(out, 'train', 'resnet.yaml'), 'utf8')).toBe(JOB('resnet'));
    const emojiFile = readdirSync(out).find((f) => f.startsWith('🙂'))!;
    expect(Buffer.byteLength(emojiFile)).toBeLessThanOrEqual(255);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The spec made in the app now has its file: importing the folder back adds nothing. The imported
    // one stays the spec of the folder it came from: its copy here is a clash, not that spec's file.
    expect(store.get(made.id).path).toBe(emojiFile);
    const back = await startSpecImport(deps, out, 'ann').done;
    expect(back.result).toMatchObject({ added: 0, updated: 0, unchanged: 1, refused: 1 });
    expect(runner.get(back.id).report!.summary).toContain(`"train.resnet" is the spec imported from ${join(realpathSync(src), 'train/resnet.yaml')}`);
    expect((await startSpecExport(deps, out, [made.id], 'ann').done).result).toMatchObject({ written: 0, unchanged: 1 });
    expect(() => startSpecExport(deps, out, ['sp-nope'], 'ann')).toThrow(/no spec sp-nope/);
    expect(runner.get(task.id).report!.summary).toContain('2 files written');
  });

  it('takes back a file edited after its export as a new version, and one edited in both places as a conflict', async () => {
    const { store, deps } = setup();
    const a = (await store.save({ name: 'a', text: JOB('a'), message: '' }, 'ann')).meta;
    const b = (await store.save({ name: 'b', text: JOB('b'), message: '' }, 'ann')).meta;
    const out = madeTempDir('ph-specs-roundtrip-');
    await startSpecExport(deps, out, undefined, 'ann').done;
    writeFileSync(join(out, 'a.yaml'), JOB('a2'));
    writeFileSync(join(out, 'b.yaml'), JOB('b2'));
    await store.save({ id: b.id, name: 'b', text: JOB('b-app'), message: 'app', baseVersion: 1 }, 'bob');
    const task = await startSpecImport(deps, out, 'ann').done;
    expect(task.result).toMatchObject({ added: 0, updated: 1, conflicts: 1 });
    expect(store.get(a.id)).toMatchObject({ version: 2, text: JOB('a2') });
    expect(store.get(b.id)).toMatchObject({ version: 2, text: JOB('b-app') });
  });

  it('never writes through a link in the folder', async () => {
    const { store, deps, runner } = setup();
    const base = madeTempDir('ph-specs-outlink-');
    const out = join(base, 'out');
    mkdirSync(join(base, 'elsewhere'), { recursive: true });
    mkdirSync(out);
    symlinkSync(join(base, 'elsewhere'), join(out, 'train'));
    const src = madeTempDir('ph-specs-src2-');
    write(src, { 'train/a.yaml': JOB('a') });
    await startSpecImport(deps, src, 'ann').done;
    expect(store.list()).toHaveLength(1);
    const task = await startSpecExport(deps, out, undefined, 'ann').done;
    expect(task.result).toMatchObject({ written: 0, refused: 1 });
    expect(runner.get(task.id).report!.summary).toContain('train is a symbolic link');
    expect(readdirSync(join(base, 'elsewhere'))).toEqual([]);
  });
});
