import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MAX_SPEC_BYTES } from '../../../shared/contract/pipelines';
import { AppError } from '../../../shared/result';
import { thrownBy } from '../../../test/support/errors';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { parseSpec, type ParsedSpec } from './specDocuments';
import { INLINE_SPEC_CHARS } from './specParsePool';
import { createSpecStore } from './specStore';

const JOB = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: train\n';
const TWO = `${JOB}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: eval\n`;

function library() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  return { db, store: createSpecStore(db) };
}

const failure = (fn: () => unknown) => thrownBy(AppError, fn);

/** The AppError `promise` rejects with; fails when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('spec library', () => {
  it('saves a spec with its kinds and documents, and lists by name', async () => {
    const { store } = library();
    const b = await store.save({ name: 'train', text: TWO, message: 'first', connectionId: 'c1', namespace: 'ml' }, 'ann');
    await store.save({ name: 'Alpha', text: JOB, message: '' }, 'bob');
    expect(b.changed).toBe(true);
    expect(b.meta).toMatchObject({ name: 'train', connectionId: 'c1', namespace: 'ml', kinds: ['batch/v1 Job', 'v1 ConfigMap'], documents: 3, version: 1, updatedBy: 'ann' });
    expect(b.meta.id).toMatch(/^sp-[a-z0-9]{20}$/);
    expect(store.list().map((m) => m.name)).toEqual(['Alpha', 'train']);
    expect(store.get(b.meta.id)).toMatchObject({ name: 'train', text: TWO });
  });

  it('makes each change a version, and a save that changes nothing none', async () => {
    const { store } = library();
    const { meta } = await store.save({ name: 'train', text: JOB, message: 'v1' }, 'ann');
    expect(await store.save({ id: meta.id, name: 'train', text: JOB, message: 'again', baseVersion: 1 }, 'ann')).toMatchObject({ changed: false, meta: { version: 1 } });
    // The target alone is a change.
    expect((await store.save({ id: meta.id, name: 'train', text: JOB, message: 'target', connectionId: 'c2', baseVersion: 1 }, 'bob')).meta.version).toBe(2);
    expect((await store.save({ id: meta.id, name: 'train', text: TWO, message: 'more', connectionId: 'c2', baseVersion: 2 }, 'bob')).meta).toMatchObject({ version: 3, documents: 3 });
    expect(store.versions(meta.id).map((v) => [v.version, v.message, v.savedBy])).toEqual([
      [3, 'more', 'bob'],
      [2, 'target', 'bob'],
      [1, 'v1', 'ann'],
    ]);
    expect(store.versions(meta.id)[0]!.bytes).toBe(Buffer.byteLength(TWO));
    expect(store.version(meta.id, 1).text).toBe(JOB);
  });

  it('refuses a save on a stale version, keeping what is stored', async () => {
    const { store } = library();
    const { meta } = await store.save({ name: 'train', text: JOB, message: '' }, 'ann');
    await store.save({ id: meta.id, name: 'train', text: TWO, message: 'bob was first', baseVersion: 1 }, 'bob');
    const err = await rejection(store.save({ id: meta.id, name: 'train', text: `${JOB}# mine\n`, message: 'mine', baseVersion: 1 }, 'ann'));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/saved by bob .*version 2.* after you opened version 1/);
    expect(store.get(meta.id)).toMatchObject({ version: 2, text: TWO });
    expect((await rejection(store.save({ id: 'sp-gone', name: 'train', text: JOB, message: '' }, 'ann'))).code).toBe('NOT_FOUND');
  });

  it('refuses a name another spec has, and names the contract refuses', async () => {
    const { store } = library();
    await store.save({ name: 'train', text: JOB, message: '' }, 'ann');
    const other = (await store.save({ name: 'eval', text: JOB, message: '' }, 'ann')).meta;
    expect((await rejection(store.save({ name: 'train', text: JOB, message: '' }, 'ann'))).code).toBe('CONFLICT');
    expect((await rejection(store.save({ id: other.id, name: 'train', text: JOB, message: '' }, 'ann'))).code).toBe('CONFLICT');
    for (const bad of ['a/b', '..', '', '  ', 'x\\y', 'a\0b', '🙂'.repeat(121)]) expect((await rejection(store.save({ name: bad, text: JOB, message: '' }, 'ann'))).code, bad).toBe('VALIDATION');
    // 300 bytes of emoji is a name (the file name made of it is cut in bytes: see specFolder).
    expect((await store.save({ name: '🙂'.repeat(75), text: JOB, message: '' }, 'ann')).meta.name).toBe('🙂'.repeat(75));
    expect((await store.save({ name: '  padded  ', text: JOB, message: '' }, 'ann')).meta.name).toBe('padded');
    expect(store.list()).toHaveLength(4);
  });

  it('refuses text with YAML problems, naming the first line', async () => {
    const { store } = library();
    const bad = `${JOB}---\nkind: [unclosed\n`;
    const problems = parseSpec(bad, 'x').problems;
    expect(problems.length).toBeGreaterThan(0);
    const err = await rejection(store.save({ name: 'train', text: bad, message: '' }, 'ann'));
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toContain(`train, line ${problems[0]!.line}:`);
    expect(err.location).toMatchObject({ file: 'train', line: problems[0]!.line });
    expect(store.list()).toEqual([]);
  });

  it('reads a large spec off the event loop, refusing its problems with their lines as a small one', { timeout: 60_000 }, async () => {
    const { store } = library();
    const many = Array.from({ length: 3_000 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-${i}\ndata:\n  shard: "${i}"\n`).join('---\n');
    expect(many.length).toBeGreaterThan(INLINE_SPEC_CHARS);
    const { meta } = await store.save({ name: 'many', text: many, message: '' }, 'ann');
    expect(meta).toMatchObject({ kinds: ['v1 ConfigMap'], documents: 3_000 });
    const bad = `${many}---\nkind: [unclosed\n`;
    const err = await rejection(store.save({ name: 'bad', text: bad, message: '' }, 'ann'));
    expect(err).toMatchObject({ code: 'VALIDATION', location: { file: 'bad', line: parseSpec(bad, 'x').problems[0]!.line } });
  });

  it('refuses a spec over the size limit in UTF-8 bytes', async () => {
    const { store } = library();
    // Under the limit in UTF-16 units, over it in bytes.
    const text = `# ${'é'.repeat(MAX_SPEC_BYTES / 2)}\n${JOB}`;
    expect(text.length).toBeLessThan(MAX_SPEC_BYTES);
    expect((await rejection(store.save({ name: 'big', text, message: '' }, 'ann'))).code).toBe('FILE_TOO_LARGE');
  });

  it('reverts to an earlier version as a new one, and refuses one that does not exist', async () => {
    const { store } = library();
    const { meta } = await store.save({ name: 'train', text: JOB, message: 'one', namespace: 'ml' }, 'ann');
    await store.save({ id: meta.id, name: 'train', text: TWO, message: 'two', namespace: 'ml', baseVersion: 1 }, 'ann');
    const missing = await rejection(store.revert(meta.id, 7, 2, 'bob'));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('versions are 1 to 2');
    expect((await rejection(store.revert(meta.id, 1, 1, 'bob'))).code).toBe('CONFLICT');
    const reverted = await store.revert(meta.id, 1, 2, 'bob');
    expect(reverted).toMatchObject({ changed: true, meta: { version: 3, namespace: 'ml', documents: 1, updatedBy: 'bob' } });
    expect(store.versions(meta.id)[0]!.message).toBe('Revert to v1');
    expect(store.get(meta.id).text).toBe(JOB);
    expect((await store.revert(meta.id, 1, 3, 'bob')).changed).toBe(false);
    expect((await rejection(store.revert('sp-nope', 1, 1, 'bob'))).code).toBe('NOT_FOUND');
  });

  it('records applies and lists them newest first, and a delete takes everything', async () => {
    const { db, store } = library();
    const { meta } = await store.save({ name: 'train', text: JOB, message: '' }, 'ann');
    const first = store.recordApplyStart({ specId: meta.id, version: 1, connectionId: 'c1', namespace: 'ml', taskId: 't1', actor: 'ann' });
    store.recordApplyEnd(first, { outcome: 'partial', applied: 1, failed: 1, notAttempted: 1 });
    // A second end (a late cancel) does not rewrite the first.
    store.recordApplyEnd(first, { outcome: 'cancelled', applied: 0, failed: 0, notAttempted: 3 });
    store.recordApplyStart({ specId: meta.id, version: 1, connectionId: 'c2', taskId: 't2', actor: 'bob' });
    const applies = store.applies(meta.id);
    expect(applies.map((a) => [a.taskId, a.outcome])).toEqual([
      ['t2', 'running'],
      ['t1', 'partial'],
    ]);
    expect(applies[1]).toMatchObject({ namespace: 'ml', applied: 1, failed: 1, notAttempted: 1 });
    expect(applies[1]!.finishedAt).toBeDefined();
    expect(applies[0]!.namespace).toBeUndefined();
    expect(failure(() => store.recordApplyStart({ specId: 'sp-gone', version: 1, connectionId: 'c', taskId: 't', actor: 'a' })).code).toBe('NOT_FOUND');

    // The app stopped while t2 ran: at the next start, its apply is interrupted, not running for ever.
    const restarted = createSpecStore(db);
    expect(restarted.applies(meta.id).map((a) => [a.taskId, a.outcome, a.finishedAt !== undefined])).toEqual([
      ['t2', 'interrupted', true],
      ['t1', 'partial', true],
    ]);
    expect(restarted.applies(meta.id)[1]).toEqual(applies[1]);

    expect(store.delete(meta.id).name).toBe('train');
    expect(db.prepare(`SELECT (SELECT count(*) FROM pipeline_spec_versions) + (SELECT count(*) FROM pipeline_spec_applies) AS n`).get()).toEqual({ n: 0 });
    expect(failure(() => store.get(meta.id)).code).toBe('NOT_FOUND');
    expect(failure(() => store.delete(meta.id)).code).toBe('NOT_FOUND');
  });

  it('keeps the commit of a version', async () => {
    const { store } = library();
    const { meta } = await store.save({ name: 'train', text: JOB, message: '' }, 'ann');
    expect(store.versions(meta.id)[0]!.gitCommit).toBeUndefined();
    store.setGitCommit(meta.id, 1, 'a'.repeat(40));
    expect(store.versions(meta.id)[0]!.gitCommit).toBe('a'.repeat(40));
  });
});

describe('spec import into the library', () => {
  const file = (path: string, name: string, text: string) => ({ path, name, text, parsed: parseSpec(text, path) });

  it('adds new files, leaves unchanged ones, and updates a file changed only in the folder', () => {
    const { store } = library();
    const first = store.importFiles('/f', [file('train/a.yaml', 'train.a', JOB)], 'ann');
    expect(first.added).toHaveLength(1);
    const id = first.added[0]!;
    expect(store.get(id)).toMatchObject({ name: 'train.a', path: 'train/a.yaml' });
    expect(store.versions(id)[0]!.message).toBe('Imported from train/a.yaml');
    expect(store.importFiles('/f', [file('train/a.yaml', 'train.a', JOB)], 'ann')).toMatchObject({ added: [], updated: [], unchanged: 1 });
    expect(store.importFiles('/f', [file('train/a.yaml', 'train.a', TWO)], 'ann')).toMatchObject({ updated: [id], conflicts: [] });
    expect(store.get(id)).toMatchObject({ version: 2, text: TWO, documents: 3 });
  });

  it('keeps in-app edits over an unchanged file, and lists a file changed in both places', async () => {
    const { store } = library();
    const id = store.importFiles('/f', [file('a.yaml', 'a', JOB)], 'ann').added[0]!;
    await store.save({ id, name: 'a', text: `${JOB}# edited in the app\n`, message: 'app', baseVersion: 1 }, 'bob');
    expect(store.importFiles('/f', [file('a.yaml', 'a', JOB)], 'ann')).toMatchObject({ unchanged: 1, updated: [], conflicts: [] });
    expect(store.importFiles('/f', [file('a.yaml', 'a', TWO)], 'ann')).toMatchObject({ unchanged: 0, updated: [], conflicts: ['a.yaml'] });
    expect(store.get(id)).toMatchObject({ version: 2, text: `${JOB}# edited in the app\n` });
  });

  it('does not take a name another spec has', async () => {
    const { store } = library();
    await store.save({ name: 'a', text: TWO, message: '' }, 'ann');
    const same = (await store.save({ name: 'b', text: JOB, message: '' }, 'ann')).meta;
    const out = store.importFiles('/f', [file('a.yaml', 'a', JOB), file('b.yml', 'b', JOB), file('x/a.yaml', 'x.a', JOB)], 'ann');
    expect(out.clashes.map((c) => c.path)).toEqual(['a.yaml']);
    expect(out.clashes[0]!.reason).toContain('made in the app');
    // A spec made in the app with the file's very text takes the file's path.
    expect(out.unchanged).toBe(1);
    expect(store.get(same.id).path).toBe('b.yml');
    expect(store.importFiles('/f', [file('a.yml', 'x.a', TWO)], 'ann').clashes[0]!.reason).toContain('imported from x/a.yaml');
  });

  it('takes a file of the same path in another folder for no spec of the first folder: its name is a clash', async () => {
    const { store } = library();
    const id = store.importFiles('/repos/a', [file('jobs/nightly.yaml', 'jobs.nightly', JOB)], 'ann').added[0]!;
    const other = store.importFiles('/repos/b', [file('jobs/nightly.yaml', 'jobs.nightly', TWO)], 'ann');
    expect(other).toMatchObject({ added: [], updated: [], unchanged: 0, conflicts: [] });
    expect(other.clashes).toEqual([{ path: 'jobs/nightly.yaml', reason: 'its name "jobs.nightly" is the spec imported from /repos/a/jobs/nightly.yaml; rename the file' }]);
    // Its very text, too: that folder's file is still not this spec's.
    expect(store.importFiles('/repos/b', [file('jobs/nightly.yaml', 'jobs.nightly', JOB)], 'ann').clashes).toHaveLength(1);
    expect(store.get(id)).toMatchObject({ version: 1, text: JOB });
    // A file of another name there is a spec of its own; the first folder still updates its spec.
    expect(store.importFiles('/repos/b', [file('jobs/weekly.yaml', 'jobs.weekly', TWO)], 'ann').added).toHaveLength(1);
    expect(store.importFiles('/repos/a', [file('jobs/nightly.yaml', 'jobs.nightly', TWO)], 'ann').updated).toEqual([id]);
  });

  it('takes an export\'s file for the spec only in the folder it was written to', () => {
    const { store } = library();
    const id = store.importFiles('/repos/a', [file('a.yaml', 'a', JOB)], 'ann').added[0]!;
    store.recordExport(id, '/backup', 'a.yaml', JOB);
    // Exported elsewhere: the spec still belongs to /repos/a, whose file it was last in step with.
    expect(store.importFiles('/backup', [file('a.yaml', 'a', TWO)], 'ann').clashes).toHaveLength(1);
    expect(store.importFiles('/repos/a', [file('a.yaml', 'a', TWO)], 'ann').updated).toEqual([id]);
  });

  it('stores nothing when a file fails to store', () => {
    const { store } = library();
    const broken = { ...file('z.yaml', 'z', JOB), parsed: undefined as unknown as ParsedSpec };
    expect(() => store.importFiles('/f', [file('y.yaml', 'y', JOB), broken], 'ann')).toThrow();
    expect(store.list()).toEqual([]);
  });
});
