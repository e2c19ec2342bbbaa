import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/result';
import { madeTempDir } from '../../../test/support/tempDirs';
import { openDatabase } from '../store/database';
import { parseRunbook } from './frontMatter';
import { createRunbookStore, MAX_USES } from './runbookStore';

function setup() {
  const db = openDatabase({ file: join(madeTempDir('ph-runbooks-'), 'pilothouse.db') });
  return { db, store: createRunbookStore(db) };
}

const rb = (title: string, body: string, fm = '') => `---\ntitle: ${title}\n${fm}---\n${body}`;
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return 'no error';
};

describe('runbook store', () => {
  it('saves versions: a new runbook is version 1, a changed source the next, an unchanged one no version', () => {
    const { store } = setup();
    const first = store.save({ source: rb('Drain a node', 'cordon first') }, 'ann');
    expect(first.changed).toBe(true);
    expect(first.meta).toMatchObject({ title: 'Drain a node', version: 1, updatedBy: 'ann', tags: [], resources: [] });
    expect(first.meta.id).toMatch(/^rb-[a-z0-9]{20}$/);
    const same = store.save({ id: first.meta.id, source: rb('Drain a node', 'cordon first'), baseVersion: 1 }, 'bob');
    expect(same).toEqual({ meta: first.meta, changed: false });
    const second = store.save({ id: first.meta.id, source: rb('Drain a GPU node', 'cordon, then drain'), baseVersion: 1 }, 'bob');
    expect(second.meta).toMatchObject({ title: 'Drain a GPU node', version: 2, updatedBy: 'bob' });
    expect(store.versions(first.meta.id).map((v) => [v.version, v.title, v.savedBy])).toEqual([
      [2, 'Drain a GPU node', 'bob'],
      [1, 'Drain a node', 'ann'],
    ]);
    expect(store.versions(first.meta.id)[1].bytes).toBe(Buffer.byteLength(rb('Drain a node', 'cordon first')));
    expect(store.version(first.meta.id, 1).source).toBe(rb('Drain a node', 'cordon first'));
    expect(store.get(first.meta.id)).toMatchObject({ body: 'cordon, then drain', source: rb('Drain a GPU node', 'cordon, then drain') });
    expect(codeOf(() => store.version(first.meta.id, 3))).toBe('NOT_FOUND');
    expect(codeOf(() => store.get('rb-nothere'))).toBe('NOT_FOUND');
  });

  it('refuses a save over a stale version with CONFLICT, saying who saved meanwhile, and keeps theirs', () => {
    const { store } = setup();
    const { meta } = store.save({ source: rb('A', 'one') }, 'ann');
    store.save({ id: meta.id, source: rb('A', 'two'), baseVersion: 1 }, 'bob');
    let error: AppError | undefined;
    try {
      store.save({ id: meta.id, source: rb('A', 'three'), baseVersion: 1 }, 'carol');
    } catch (err) {
      error = err as AppError;
    }
    expect(error?.code).toBe('CONFLICT');
    expect(error?.message).toMatch(/"A" was saved by bob at .* \(version 2\) after you opened version 1; reload it/);
    expect(store.get(meta.id).body).toBe('two');
  });

  it('refuses invalid front matter and leaves nothing saved', () => {
    const { db, store } = setup();
    expect(codeOf(() => store.save({ source: '---\ntags: nope\n---\n' }, 'ann'))).toBe('VALIDATION');
    expect(db.prepare(`SELECT count(*) AS n FROM runbooks`).get()).toEqual({ n: 0 });
    expect(db.prepare(`SELECT count(*) AS n FROM runbooks_fts`).get()).toEqual({ n: 0 });
  });

  it('rolls a whole import back when one write fails', () => {
    const { db, store } = setup();
    const file = (path: string, title: string) => ({ path, source: rb(title, 'x'), parsed: parseRunbook(rb(title, 'x')) });
    // The second file's severity fails the runbooks table's CHECK after the first was written in the same transaction.
    expect(() => store.importFiles('/f', [file('a.md', 'A'), { ...file('b.md', 'B'), parsed: { ...parseRunbook(rb('B', 'x')), severity: 'urgent' as never } }], 'ann')).toThrow(/CHECK/);
    for (const table of ['runbooks', 'runbook_versions', 'runbook_tags', 'runbooks_fts']) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
    }
  });

  it('imports a file read as held that changed in the library before the store phase, parsing it then', () => {
    const { store } = setup();
    const source = rb('Stored', 'one');
    store.importFiles('/f', [{ path: 'a.md', source, parsed: parseRunbook(source) }], 'ann');
    expect(store.holds('/f', 'a.md', source)).toBe(true);
    expect(store.holds('/f', 'a.md', rb('Stored', 'two'))).toBe(false);
    expect(store.holds('/f', 'b.md', source)).toBe(false);
    expect(store.holds('/g', 'a.md', source)).toBe(false);
    const [id] = store.search({ query: '', tags: [], limit: 1 }).hits.map((h) => h.id);
    // The app holds what the folder's file now reads (no parse), then is saved back to the imported text before the
    // store phase: only the folder changed since the import, so its text is the next version, parsed then.
    const edited = rb('Edited', 'in the folder');
    store.save({ id, source: edited }, 'bob');
    expect(store.holds('/f', 'a.md', edited)).toBe(true);
    store.save({ id, source }, 'bob');
    expect(store.importFiles('/f', [{ path: 'a.md', source: edited }, { path: 'b.md', source: rb('New', 'x') }], 'ann')).toMatchObject({ updated: [id], unchanged: 0, conflicts: [] });
    expect(store.get(id)).toMatchObject({ title: 'Edited', version: 4 });
    // Then changed in both places: left as the app has it, and named.
    store.save({ id, source: rb('Edited', 'in the app') }, 'bob');
    expect(store.importFiles('/f', [{ path: 'a.md', source: rb('Edited', 'in the folder again') }], 'ann')).toMatchObject({ updated: [], conflicts: ['a.md'] });
    expect(store.get(id)).toMatchObject({ body: 'in the app', version: 5 });
  });

  it('ranks a title hit above a tag hit above a body hit, and matches prefixes and phrases', () => {
    const { store } = setup();
    const body = store.save({ source: rb('Node maintenance', 'Before the window, check the GPU driver version.') }, 'ann').meta;
    const tag = store.save({ source: rb('Node pools', 'Nothing about it here.', 'tags: [gpu]\n') }, 'ann').meta;
    const title = store.save({ source: rb('GPU driver upgrade', 'Upgrade steps.') }, 'ann').meta;
    const hits = store.search({ query: 'gpu', tags: [], limit: 10 });
    expect(hits.hits.map((h) => h.id)).toEqual([title.id, tag.id, body.id]);
    expect(hits.total).toBe(3);
    expect(store.search({ query: 'upgr', tags: [], limit: 10 }).hits.map((h) => h.id)).toEqual([title.id]);
    expect(store.search({ query: 'mainten node', tags: [], limit: 10 }).hits.map((h) => h.id)).toEqual([body.id]);
    expect(store.search({ query: '"driver version"', tags: [], limit: 10 }).hits.map((h) => h.id)).toEqual([body.id]);
    expect(store.search({ query: '"version driver"', tags: [], limit: 10 }).total).toBe(0);
    expect(store.search({ query: 'GPU', tags: [], limit: 1 })).toMatchObject({ total: 3, hits: [{ id: title.id }] });
  });

  it('matches the first letters typed as prefixes of titles and tags, and from three letters on of bodies too', () => {
    const { store } = setup();
    const titled = store.save({ source: rb('Drain a node', 'steps') }, 'ann').meta;
    const tagged = store.save({ source: rb('Maintenance', 'steps', 'tags: [draining]\n') }, 'ann').meta;
    const body = store.save({ source: rb('Other', 'then drain it') }, 'ann').meta;
    const ids = (query: string) => store.search({ query, tags: [], limit: 10 }).hits.map((h) => h.id).sort();
    expect(ids('d')).toEqual([]);
    expect(ids('a')).toEqual([titled.id]);
    expect(ids('dr')).toEqual([titled.id, tagged.id].sort());
    expect(ids('dra')).toEqual([titled.id, tagged.id, body.id].sort());
    expect(ids('then dr')).toEqual([]);
    expect(ids('then dra')).toEqual([body.id]);
  });

  it('marks matches in the title and a snippet around the best match in the body', () => {
    const { store } = setup();
    const long = `${'Intro words. '.repeat(60)}Then run kubectl drain on the node. ${'Outro words. '.repeat(60)}`;
    store.save({ source: rb('Drain procedure', long) }, 'ann');
    const [hit] = store.search({ query: 'drain', tags: [], limit: 5 }).hits;
    expect(hit.titleHighlight).toEqual([
      { text: 'Drain', hit: true },
      { text: ' procedure', hit: false },
    ]);
    expect(hit.snippet.filter((s) => s.hit).map((s) => s.text)).toEqual(['drain']);
    expect(hit.snippet[0].text.startsWith('…')).toBe(true);
    expect(hit.snippet.at(-1)!.text.endsWith('…')).toBe(true);
    expect(hit.snippet.map((s) => s.text).join('')).toMatch(/run kubectl drain on the node/);
  });

  it('gives the start of the body as the snippet when only the title matched', () => {
    const { store } = setup();
    store.save({ source: rb('Velero restore', 'First check the backup location.\n\nThen more.') }, 'ann');
    const [hit] = store.search({ query: 'velero', tags: [], limit: 5 }).hits;
    expect(hit.titleHighlight).toEqual([
      { text: 'Velero', hit: true },
      { text: ' restore', hit: false },
    ]);
    expect(hit.snippet).toEqual([{ text: 'First check the backup location. Then more.', hit: false }]);
  });

  it('never confuses text with the match markers', () => {
    const { store } = setup();
    store.save({ source: rb('Markers', 'a \u0001 b \u0002 gpu c') }, 'ann');
    const [hit] = store.search({ query: 'gpu', tags: [], limit: 5 }).hits;
    expect(hit.snippet.filter((s) => s.hit).map((s) => s.text)).toEqual(['gpu']);
  });

  it('takes hostile query strings as words without throwing', () => {
    const { store } = setup();
    store.save({ source: rb('NEAR the title', 'body with AND OR NOT words') }, 'ann');
    const hostile = ['"', '""', '"""', '(', ')', 'NEAR(', 'title:x', '{title}:x', '*', '^', '-', 'a -b', 'AND', 'OR', 'NOT', 'a OR', '"unbalanced', '\u0000', '\u0001x\u0002', "'; DROP TABLE runbooks; --", 'x'.repeat(500), '🙂', 'Ω≈ç√', '+', ':', 'rowid:1', 'runbooks_fts:x', '\\'];
    for (const query of hostile) expect(() => store.search({ query, tags: [], limit: 5 }), query).not.toThrow();
    expect(store.search({ query: 'NEAR', tags: [], limit: 5 }).total).toBe(1);
    expect(store.search({ query: 'title:near', tags: [], limit: 5 }).total).toBe(0);
    expect(store.search({ query: 'AND OR', tags: [], limit: 5 }).total).toBe(1);
  });

  it('filters by every tag and by resource, lists newest first without a query, and counts tags', () => {
    const { store } = setup();
    const a = store.save({ source: rb('A', 'gpu text', 'tags: [gpu, serving]\nresources: [deployment/payments]\n') }, 'ann').meta;
    const b = store.save({ source: rb('B', 'gpu text', 'tags: [gpu]\nresources: [deploy/ml/payments]\n') }, 'ann').meta;
    const c = store.save({ source: rb('C', 'other', 'tags: [serving]\n') }, 'ann').meta;
    const ids = (r: { hits: { id: string }[] }) => r.hits.map((h) => h.id);
    expect(ids(store.search({ query: '', tags: [], limit: 10 }))).toEqual([c.id, b.id, a.id]);
    expect(ids(store.search({ query: '', tags: ['GPU', 'serving'], limit: 10 }))).toEqual([a.id]);
    expect(ids(store.search({ query: 'gpu', tags: ['gpu'], limit: 10 })).sort()).toEqual([a.id, b.id].sort());
    expect(store.search({ query: 'gpu', tags: ['serving'], limit: 10 })).toMatchObject({ total: 1, hits: [{ id: a.id }] });
    expect(ids(store.search({ query: '', tags: [], resource: 'deployment/payments', limit: 10 }))).toEqual([a.id]);
    expect(ids(store.search({ query: 'gpu', tags: [], resource: 'deployment/ml/payments', limit: 10 }))).toEqual([b.id]);
    expect(store.search({ query: '', tags: ['nothing'], limit: 10 }).total).toBe(0);
    const listed = store.search({ query: '', tags: [], limit: 1 });
    expect(listed.total).toBe(3);
    expect(listed.hits[0].snippet).toEqual([{ text: 'other', hit: false }]);
    expect(listed.tags).toEqual([
      { tag: 'gpu', count: 2 },
      { tag: 'serving', count: 2 },
    ]);
    store.delete(c.id);
    expect(store.search({ query: '', tags: [], limit: 10 }).tags).toEqual([
      { tag: 'gpu', count: 2 },
      { tag: 'serving', count: 1 },
    ]);
  });

  it('finds the runbooks that name an object, its kind in any namespace, or its namespace', () => {
    const { store } = setup();
    const any = store.save({ source: rb('Any payments', 'x', 'resources: [deployment/payments]\n') }, 'ann').meta;
    const inMl = store.save({ source: rb('ML payments', 'x', 'resources: [deployments.apps/ml/payments]\n') }, 'ann').meta;
    const ns = store.save({ source: rb('ML namespace', 'x', 'resources: [ns/ml]\n') }, 'ann').meta;
    store.save({ source: rb('Other', 'x', 'resources: [statefulset/payments, deployment/ml/other]\n') }, 'ann');
    const ids = (kind: string, namespace: string | undefined, name: string) => store.forResource({ kind, namespace, name }).map((m) => m.title);
    expect(ids('Deployment', 'ml', 'payments')).toEqual(['Any payments', 'ML namespace', 'ML payments']);
    expect(ids('deploy', 'shop', 'payments')).toEqual(['Any payments']);
    expect(ids('Pod', 'ml', 'payments-abc')).toEqual(['ML namespace']);
    expect(ids('Namespace', undefined, 'ml')).toEqual(['ML namespace']);
    expect(ids('Service', 'shop', 'payments')).toEqual([]);
    expect([any.resources, inMl.resources, ns.resources]).toEqual([['deployment/payments'], ['deployment/ml/payments'], ['namespace/ml']]);
  });

  it('keeps checklist state per use, bounded by the runbook\'s items', () => {
    const { store } = setup();
    const { meta } = store.save({ source: rb('Checklist', '- [ ] one\n- [ ] two\n- [ ] three\n') }, 'ann');
    const first = store.startUse(meta.id, '  incident\u0007 4711 ', 'ann');
    expect(first).toMatchObject({ runbookId: meta.id, label: 'incident 4711', startedBy: 'ann', checked: [] });
    const second = store.startUse(meta.id, undefined, 'bob');
    expect(second.label).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(store.check(first.id, 2, true).checked).toEqual([2]);
    expect(store.check(first.id, 0, true).checked).toEqual([0, 2]);
    expect(store.check(first.id, 2, false).checked).toEqual([0]);
    expect(store.check(first.id, 0, true).checked).toEqual([0]);
    expect(codeOf(() => store.check(first.id, 3, true))).toBe('VALIDATION');
    expect(codeOf(() => store.check('use-nothere', 0, true))).toBe('NOT_FOUND');
    expect(store.uses(meta.id).map((u) => [u.id, u.checked])).toEqual([
      [second.id, []],
      [first.id, [0]],
    ]);
    for (let i = 0; i < MAX_USES + 5; i++) store.startUse(meta.id, `use ${i}`, 'ann');
    const uses = store.uses(meta.id);
    expect(uses).toHaveLength(MAX_USES);
    expect(uses[0].label).toBe(`use ${MAX_USES + 4}`);
  });

  it('ties a use to the version it started on: ticks count that version\'s items, whatever is saved since', () => {
    const { store } = setup();
    const { meta } = store.save({ source: rb('Checklist', '- [ ] one\n- [ ] two\n- [ ] three\n') }, 'ann');
    const use = store.startUse(meta.id, 'incident', 'ann');
    expect(use.version).toBe(1);
    store.save({ id: meta.id, source: rb('Checklist', '- [ ] only one\n') }, 'bob');
    expect(store.check(use.id, 2, true)).toMatchObject({ version: 1, checked: [2] });
    const later = store.startUse(meta.id, 'later', 'ann');
    expect(later.version).toBe(2);
    expect(codeOf(() => store.check(later.id, 1, true))).toBe('VALIDATION');
    expect(store.uses(meta.id).map((u) => [u.label, u.version])).toEqual([
      ['later', 2],
      ['incident', 1],
    ]);
  });

  it('deletes a runbook with its versions, uses and index rows', () => {
    const { db, store } = setup();
    const { meta } = store.save({ source: rb('Gone', '- [ ] a', 'tags: [x]\nresources: [pod/p]\n') }, 'ann');
    store.save({ id: meta.id, source: rb('Gone', '- [ ] b', 'tags: [x]\nresources: [pod/p]\n') }, 'ann');
    store.startUse(meta.id, 'x', 'ann');
    expect(store.delete(meta.id)).toMatchObject({ id: meta.id, title: 'Gone', version: 2 });
    for (const table of ['runbooks', 'runbook_versions', 'runbook_tags', 'runbook_resources', 'runbook_uses', 'runbooks_fts']) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    }
    expect(codeOf(() => store.delete(meta.id))).toBe('NOT_FOUND');
  });

  it('adds only the starters missing, by key', () => {
    const { store } = setup();
    const starters = [
      { key: 'a.md', source: rb('Starter A', 'a') },
      { key: 'b.md', source: rb('Starter B', 'b') },
    ];
    expect(store.addStarters(starters, 'Pilothouse')).toHaveLength(2);
    expect(store.addStarters(starters, 'Pilothouse')).toHaveLength(0);
    const a = store.search({ query: 'starter a', tags: [], limit: 5 }).hits[0];
    store.delete(a.id);
    expect(store.addStarters(starters, 'ann')).toHaveLength(1);
    expect(store.search({ query: '', tags: [], limit: 5 }).total).toBe(2);
  });
});
