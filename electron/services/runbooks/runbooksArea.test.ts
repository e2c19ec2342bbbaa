import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { events as contractEvents, type TaskSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { madeTempDir } from '../../../test/support/tempDirs';
import { createAuditService } from '../audit/auditService';
import { createLogger } from '../logging/logger';
import type { CallContext } from '../rpc/dispatch';
import type { EventHub } from '../rpc/eventHub';
import { openDatabase } from '../store/database';
import { createTaskRunner, type StartedTask } from '../tasks/taskRunner';
import { MAX_IMPORT_DEPTH } from './folderImport';
import { createRunbooksArea, STARTERS_SEEDED_KEY, type RunbooksAreaDeps } from './runbooksArea';

const ctx: CallContext = { transport: 'test', actor: 'ann@laptop', session: 's1' };
const rb = (title: string, body = 'text', fm = '') => `---\ntitle: ${title}\n${fm}---\n${body}\n`;

function setup(options: { starters?: RunbooksAreaDeps['starters'] | 'bundled'; chooseFolder?: RunbooksAreaDeps['chooseFolder']; file?: string } = {}) {
  const db = openDatabase({ file: options.file ?? join(madeTempDir('ph-runbooks-area-'), 'pilothouse.db') });
  const log = createLogger({ sink: () => {} });
  const changed: (string[] | undefined)[] = [];
  const hub = {
    publish(name: string, payload: unknown) {
      const checked = contractEvents[name as keyof typeof contractEvents].parse(payload);
      if (name === 'runbooks.changed') changed.push((checked as { ids?: string[] }).ids);
    },
  } as unknown as EventHub;
  const audit = createAuditService(db, hub, log);
  const runner = createTaskRunner({ db, audit, hub, log });
  const started: StartedTask[] = [];
  const area = createRunbooksArea({
    db,
    audit,
    hub,
    log,
    runner: { start: (...args: Parameters<typeof runner.start>) => started[started.push(runner.start(...args)) - 1], get: (id) => runner.get(id) },
    chooseFolder: options.chooseFolder,
    ...(options.starters === 'bundled' ? {} : { starters: options.starters ?? [] }),
  });
  const h = area.handlers;
  /** Runs a task-starting call and waits for the task's end, with its report. */
  const task = async (begin: Promise<{ taskId: string }> | { taskId: string }): Promise<TaskSummary> => {
    const { taskId } = await begin;
    await started.find((s) => s.id === taskId)!.done;
    return runner.get(taskId);
  };
  const all = async () => (await h['runbooks.search']({ query: '', tags: [], limit: 500 }, ctx)).hits;
  return { db, area, h, runner, audit, changed, task, all };
}

/** The AppError a call throws or rejects with. */
async function errorOf(call: () => unknown): Promise<AppError> {
  try {
    await call();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

/** A folder of runbooks as people keep them, with the hostile cases beside them. */
function libraryFolder() {
  const base = madeTempDir('ph-runbooks-lib-');
  const root = join(base, 'runbooks');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'gpu', 'nodes'), { recursive: true });
  mkdirSync(join(root, '.git'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.md'), rb('Outside secret'));
  writeFileSync(join(root, 'rollback.md'), rb('Roll back a model server', 'kubectl rollout undo', 'tags: [serving]\nresources: [deployment/ml/model-server]\n'));
  writeFileSync(join(root, 'gpu', 'nodes', 'drain.markdown'), '# Drain a GPU node\n\n- [ ] cordon\n- [ ] drain\n');
  writeFileSync(join(root, 'gpu', 'a..b.md'), rb('Dots in a name'));
  writeFileSync(join(root, '.git', 'config.md'), rb('Hidden'));
  writeFileSync(join(root, 'notes.txt'), 'not markdown');
  writeFileSync(join(root, 'huge.md'), Buffer.alloc(5 * 1024 * 1024, 'x'));
  writeFileSync(join(root, 'latin1.md'), Buffer.from([0x23, 0x20, 0x43, 0x61, 0x66, 0xe9, 0x0a]));
  writeFileSync(join(root, 'bad-front-matter.md'), '---\ntags: gpu\n---\nbody');
  symlinkSync(join(outside, 'secret.md'), join(root, 'link-to-file.md'));
  symlinkSync(outside, join(root, 'link-to-dir'));
  return { root, outside, base };
}

describe('runbooks area', () => {
  it('imports a folder recursively as a task: links never followed, dot-folders and other files left out, refusals listed with the reason', async () => {
    const { root } = libraryFolder();
    const { h, task, all, changed } = setup();
    const done = await task(h['runbooks.import']({ folder: root }, ctx));
    expect(done.status).toBe('succeeded');
    expect(done.phases.map((p) => [p.name, p.state])).toEqual([
      ['scan', 'done'],
      ['read', 'done'],
      ['store', 'done'],
    ]);
    expect(done.result).toEqual({ added: 3, updated: 0, unchanged: 0, conflicts: 0, refused: 3, skipped: 2 });
    const summary = done.report!.summary!;
    expect(summary).toMatch(/`huge\.md`: huge\.md is 5\.0 MB; Pilothouse reads at most 1 MB/);
    expect(summary).toMatch(/`latin1\.md`: latin1\.md isn't UTF-8 text/);
    expect(summary).toMatch(/`bad-front-matter\.md`: front matter line 1: tags must be a list of words/);
    expect(summary).toMatch(/`link-to-file\.md`: a symbolic link; links are never followed/);
    expect(summary).toMatch(/`link-to-dir`: a symbolic link/);
    const listed = await all();
    expect(listed.map((m) => [m.path, m.title]).sort()).toEqual([
      ['gpu/a..b.md', 'Dots in a name'],
      ['gpu/nodes/drain.markdown', 'Drain a GPU node'],
      ['rollback.md', 'Roll back a model server'],
    ]);
    expect(listed.map((m) => m.updatedBy)).toEqual(['ann@laptop', 'ann@laptop', 'ann@laptop']);
    expect(changed.at(-1)?.sort()).toEqual(listed.map((m) => m.id).sort());
  });

  it('re-imports: unchanged files get no version, changed ones the next, and a path with ".." reads the same folder', async () => {
    const { root } = libraryFolder();
    const { h, task, all } = setup();
    await task(h['runbooks.import']({ folder: root }, ctx));
    const again = await task(h['runbooks.import']({ folder: `${root}/gpu/..` }, ctx));
    expect(again.result).toMatchObject({ added: 0, updated: 0, unchanged: 3 });
    writeFileSync(join(root, 'rollback.md'), rb('Roll back a model server', 'kubectl rollout undo --to-revision=3'));
    writeFileSync(join(root, 'new.md'), rb('New one'));
    const third = await task(h['runbooks.import']({ folder: root }, ctx));
    expect(third.result).toMatchObject({ added: 1, updated: 1, unchanged: 2 });
    const rollback = (await all()).find((m) => m.path === 'rollback.md')!;
    expect(rollback.version).toBe(2);
    expect((await h['runbooks.versions']({ id: rollback.id }, ctx)).map((v) => v.version)).toEqual([2, 1]);
  });

  it('skips folders nested too deep and names that are not UTF-8, and keeps hostile names from breaking the report', async () => {
    const root = madeTempDir('ph-runbooks-names-');
    let deep = root;
    for (let i = 0; i <= MAX_IMPORT_DEPTH; i++) deep = join(deep, `d${i}`);
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'too-deep.md'), rb('Too deep'));
    writeFileSync(join(root, 'tick`\nline.md'), '---\nseverity: dire\n---\n');
    writeFileSync(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.md')]), rb('Latin-1 name'));
    writeFileSync(join(root, 'ünïcødé 🙂.md'), rb('Unicode name'));
    const { h, task, all } = setup();
    const done = await task(h['runbooks.import']({ folder: root }, ctx));
    expect(done.result).toEqual({ added: 1, updated: 0, unchanged: 0, conflicts: 0, refused: 1, skipped: 2 });
    expect((await all()).map((m) => m.path)).toEqual(['ünïcødé 🙂.md']);
    const summary = done.report!.summary!;
    expect(summary).toMatch(/`d0\/d1\/.*\/d32`: nested more than 32 folders deep/);
    expect(summary).toMatch(/`bad-\uFFFD\uFFFD\.md`: its name isn't valid UTF-8; rename it to import it/);
    expect(summary).toContain('- `tick??line.md`: front matter line 1: severity must be one of');
  });

  it('a cancelled import leaves the library as it was', async () => {
    const root = madeTempDir('ph-runbooks-many-');
    for (let i = 0; i < 3000; i++) writeFileSync(join(root, `rb-${i}.md`), rb(`Runbook ${i}`, `body ${i}`));
    const { h, runner, task, all, db } = setup();
    const { taskId } = await h['runbooks.import']({ folder: root }, ctx);
    while (runner.get(taskId).phase !== 'read' && runner.get(taskId).status === 'running') await new Promise((r) => setImmediate(r));
    expect(runner.get(taskId).phase).toBe('read');
    runner.cancel(taskId, 'ann@laptop');
    const done = await task({ taskId });
    expect(done.status).toBe('cancelled');
    expect(await all()).toEqual([]);
    expect(db.prepare(`SELECT count(*) AS n FROM runbooks_fts`).get()).toEqual({ n: 0 });
  });

  it('refuses a folder that is not one, and an import without a folder where there is no picker', async () => {
    const { h, task } = setup();
    const file = join(madeTempDir('ph-runbooks-file-'), 'x.md');
    writeFileSync(file, '# x');
    expect((await task(h['runbooks.import']({ folder: file }, ctx))).error).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/is a file, not a folder/) });
    expect((await task(h['runbooks.import']({ folder: '/nonexistent/runbooks' }, ctx))).error).toMatchObject({ code: 'NOT_FOUND' });
    expect((await task(h['runbooks.import']({ folder: 'relative/path' }, ctx))).error).toMatchObject({ code: 'VALIDATION' });
    expect(await errorOf(() => h['runbooks.import']({}, ctx))).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/type the full path/) });
  });

  it('imports the folder the native picker gives, and nothing when the picker is closed', async () => {
    const { root } = libraryFolder();
    // The user closes the picker first, then picks the folder.
    const answers = [undefined, root];
    const titles: string[] = [];
    const { h, task } = setup({ chooseFolder: async (title) => (titles.push(title), answers.shift()) });
    expect(await errorOf(() => h['runbooks.import']({}, ctx))).toMatchObject({ code: 'VALIDATION', message: 'No folder was chosen, so nothing was imported' });
    expect((await task(h['runbooks.import']({}, ctx))).result).toMatchObject({ added: 3 });
    expect(titles).toEqual(['Choose a folder of runbooks to import', 'Choose a folder of runbooks to import']);
  });

  it('re-importing keeps edits made in the app, and lists a runbook changed in both places as a conflict', async () => {
    const { root } = libraryFolder();
    const { h, task, all } = setup();
    await task(h['runbooks.import']({ folder: root }, ctx));
    const rollback = (await all()).find((m) => m.path === 'rollback.md')!;
    await h['runbooks.save']({ id: rollback.id, source: rb('Roll back a model server', 'edited in the app') }, ctx);
    const again = await task(h['runbooks.import']({ folder: root }, ctx));
    expect(again.result).toMatchObject({ added: 0, updated: 0, unchanged: 3, conflicts: 0 });
    expect(await h['runbooks.get']({ id: rollback.id }, ctx)).toMatchObject({ version: 2, body: 'edited in the app\n' });

    writeFileSync(join(root, 'rollback.md'), rb('Roll back a model server', 'edited in the folder'));
    writeFileSync(join(root, 'gpu', 'a..b.md'), rb('Dots in a name', 'edited in the folder only'));
    const third = await task(h['runbooks.import']({ folder: root }, ctx));
    expect(third.result).toMatchObject({ added: 0, updated: 1, unchanged: 1, conflicts: 1 });
    expect(third.report!.summary).toContain('- `rollback.md`: changed both in the app and in the folder; export it or edit one');
    expect(await h['runbooks.get']({ id: rollback.id }, ctx)).toMatchObject({ version: 2, body: 'edited in the app\n' });
    expect((await all()).find((m) => m.path === 'gpu/a..b.md')!.version).toBe(2);
  });

  it('keys imports by folder and path: two folders\' README.md are two runbooks', async () => {
    const base = madeTempDir('ph-runbooks-teams-');
    for (const team of ['team-a', 'team-b']) {
      mkdirSync(join(base, team));
      writeFileSync(join(base, team, 'README.md'), rb(`${team} on call`));
    }
    const { h, task, all } = setup();
    await task(h['runbooks.import']({ folder: join(base, 'team-a') }, ctx));
    const second = await task(h['runbooks.import']({ folder: join(base, 'team-b') }, ctx));
    expect(second.result).toMatchObject({ added: 1, updated: 0 });
    expect((await all()).map((m) => [m.path, m.title, m.version]).sort()).toEqual([
      ['README.md', 'team-a on call', 1],
      ['README.md', 'team-b on call', 1],
    ]);
  });

  it('re-importing an export into the same library updates the exported runbooks rather than adding copies', async () => {
    const { h, task, all } = setup({ starters: [{ key: 'drain-node', source: rb('Drain a node') }] });
    await h['runbooks.save']({ source: rb('Made in the app') }, ctx);
    const before = await all();
    expect(before).toHaveLength(2);
    const out = madeTempDir('ph-runbooks-round-');
    await task(h['runbooks.export']({ folder: out }, ctx));
    const back = await task(h['runbooks.import']({ folder: out }, ctx));
    expect(back.result).toMatchObject({ added: 0, updated: 0, unchanged: 2, conflicts: 0 });
    const made = before.find((m) => m.title === 'Made in the app')!;
    writeFileSync(join(out, 'made-in-the-app.md'), rb('Made in the app', 'edited in the folder'));
    expect((await task(h['runbooks.import']({ folder: out }, ctx))).result).toMatchObject({ added: 0, updated: 1 });
    expect((await all()).map((m) => m.id).sort()).toEqual(before.map((m) => m.id).sort());
    expect(await h['runbooks.get']({ id: made.id }, ctx)).toMatchObject({ version: 2, body: 'edited in the folder\n' });
  });

  it('exports each runbook at its import path or a slug of its title, and imports the export back the same', async () => {
    const { root } = libraryFolder();
    const { h, task, all } = setup();
    await task(h['runbooks.import']({ folder: root }, ctx));
    await h['runbooks.save']({ source: rb('"Made in the app: GPU / Spend!"') }, ctx);
    await h['runbooks.save']({ source: rb('"Made in the app: GPU / Spend!"', 'another') }, ctx);
    const out = madeTempDir('ph-runbooks-out-');
    const exported = await task(h['runbooks.export']({ folder: out }, ctx));
    expect(exported.result).toEqual({ written: 5, unchanged: 0, refused: 0 });
    expect(readdirSync(out).sort()).toEqual(['gpu', 'made-in-the-app-gpu-spend-2.md', 'made-in-the-app-gpu-spend.md', 'rollback.md']);
    expect(readFileSync(join(out, 'gpu', 'nodes', 'drain.markdown'), 'utf8')).toBe('# Drain a GPU node\n\n- [ ] cordon\n- [ ] drain\n');
    expect((await task(h['runbooks.export']({ folder: out }, ctx))).result).toEqual({ written: 0, unchanged: 5, refused: 0 });

    const fresh = setup();
    await fresh.task(fresh.h['runbooks.import']({ folder: out }, ctx));
    const sources = async (s: ReturnType<typeof setup>) =>
      (await Promise.all((await s.all()).map((m) => s.h['runbooks.get']({ id: m.id }, ctx)))).map((r) => r.source).sort();
    expect(await sources(fresh)).toEqual(await sources({ ...fresh, h, all }));
  });

  it('never exports through a symbolic link or outside the folder', async () => {
    const { h, task } = setup();
    const { root, outside } = libraryFolder();
    await task(h['runbooks.import']({ folder: root }, ctx));
    const out = madeTempDir('ph-runbooks-out-');
    symlinkSync(outside, join(out, 'gpu'));
    symlinkSync(join(outside, 'secret.md'), join(out, 'rollback.md'));
    const done = await task(h['runbooks.export']({ folder: out }, ctx));
    expect(done.result).toEqual({ written: 0, unchanged: 0, refused: 3 });
    expect(done.report!.summary).toMatch(/`gpu\/nodes\/drain.markdown`: gpu is a symbolic link; Pilothouse never writes through one/);
    expect(done.report!.summary).toMatch(/`rollback\.md`: the file there is a symbolic link/);
    expect(readdirSync(outside)).toEqual(['secret.md']);
    expect(readFileSync(join(outside, 'secret.md'), 'utf8')).toBe(rb('Outside secret'));
    expect(readdirSync(out).sort()).toEqual(['gpu', 'rollback.md']);
    expect(await errorOf(() => h['runbooks.export']({ folder: out, ids: ['rb-nothere'] }, ctx))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('saves, refuses a stale save, and deletes with an audit entry, announcing each change', async () => {
    const { h, audit, changed } = setup();
    const meta = await h['runbooks.save']({ source: rb('A') }, ctx);
    expect(changed).toEqual([[meta.id]]);
    await h['runbooks.save']({ id: meta.id, source: rb('A'), baseVersion: 1 }, ctx);
    expect(changed).toHaveLength(1);
    await h['runbooks.save']({ id: meta.id, source: rb('A', 'v2'), baseVersion: 1 }, ctx);
    expect(await errorOf(() => h['runbooks.save']({ id: meta.id, source: rb('A', 'v3'), baseVersion: 1 }, ctx))).toMatchObject({ code: 'CONFLICT' });
    expect(await errorOf(() => h['runbooks.save']({ source: '---\nseverity: dire\n---\n' }, ctx))).toMatchObject({ code: 'VALIDATION' });
    await h['runbooks.delete']({ id: meta.id }, ctx);
    expect(changed.at(-1)).toEqual([meta.id]);
    const [entry] = audit.list({ limit: 5 }).entries;
    expect(entry).toMatchObject({ action: 'runbooks.delete', actor: 'ann@laptop', target: 'runbook "A"', before: 'version 2', status: 'succeeded' });
    expect(await errorOf(() => h['runbooks.get']({ id: meta.id }, ctx))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('seeds the bundled starters once per data file, and addStarters puts back only those missing', async () => {
    const file = join(madeTempDir('ph-runbooks-seed-'), 'pilothouse.db');
    const first = setup({ starters: 'bundled', file });
    const seeded = await first.all();
    expect(seeded.map((m) => m.title).sort()).toEqual([
      'Fix an expired kubeconfig credential',
      'Investigate a GPU cost spike',
      'Drain a GPU node',
      'Roll back a model server',
      'Run a DR drill with Velero',
    ].sort());
    expect(seeded.every((m) => m.updatedBy === 'Pilothouse' && m.severity && m.tags.length)).toBe(true);
    expect(first.db.prepare(`SELECT count(*) AS n FROM settings WHERE key = ?`).get(STARTERS_SEEDED_KEY)).toEqual({ n: 1 });
    for (const m of seeded) {
      const { body } = await first.h['runbooks.get']({ id: m.id }, ctx);
      expect(body, m.title).toMatch(/```sh\n/);
      expect(body, m.title).toMatch(/^- \[ \] /m);
    }
    await first.h['runbooks.delete']({ id: seeded[0].id }, ctx);
    first.db.close();

    // A second start of the same data file: what the user deleted stays deleted.
    const second = setup({ starters: 'bundled', file });
    expect(await second.all()).toHaveLength(4);
    expect(await second.h['runbooks.addStarters']({}, ctx)).toEqual({ added: 1 });
    expect(await second.h['runbooks.addStarters']({}, ctx)).toEqual({ added: 0 });
    expect(second.changed).toHaveLength(1);
  });

  it('starts without the starters when they cannot be stored, and tries again on the next start', async () => {
    const file = join(madeTempDir('ph-runbooks-seed-'), 'pilothouse.db');
    const broken = setup({ starters: [{ key: 'a.md', source: rb('Fine') }, { key: 'b.md', source: '---\nseverity: dire\n---\n' }], file });
    expect(await broken.all()).toEqual([]);
    expect(broken.db.prepare(`SELECT count(*) AS n FROM settings WHERE key = ?`).get(STARTERS_SEEDED_KEY)).toEqual({ n: 0 });
    broken.db.close();
    const fixed = setup({ starters: [{ key: 'a.md', source: rb('Fine') }], file });
    expect((await fixed.all()).map((m) => m.title)).toEqual(['Fine']);
  });

  it('serves uses, checks and forResource through the contract handlers', async () => {
    const { h } = setup();
    const meta = await h['runbooks.save']({ source: rb('Payments', '- [ ] a\n- [ ] b', 'resources: [deployment/payments]\n') }, ctx);
    const use = await h['runbooks.startUse']({ id: meta.id, label: 'incident 4711' }, ctx);
    expect(await h['runbooks.check']({ useId: use.id, item: 1, checked: true }, ctx)).toMatchObject({ checked: [1] });
    expect(await errorOf(() => h['runbooks.check']({ useId: use.id, item: 2, checked: true }, ctx))).toMatchObject({ code: 'VALIDATION' });
    expect((await h['runbooks.uses']({ id: meta.id }, ctx)).map((u) => u.label)).toEqual(['incident 4711']);
    expect((await h['runbooks.forResource']({ kind: 'Deployment', namespace: 'shop', name: 'payments' }, ctx)).map((m) => m.id)).toEqual([meta.id]);
  });
});
