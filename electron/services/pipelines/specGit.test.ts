import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { madeTempDir } from '../../../test/support/tempDirs';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { authorOf, createSpecGit, GIT_REPOSITORY_KEY } from './specGit';
import { createSpecStore } from './specStore';

const JOB = (name: string) => `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\n`;
const gitIn = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined } }).trim();

function setup() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  const store = createSpecStore(db);
  const warn = vi.fn();
  const git = createSpecGit({ db, store, log: { warn } });
  const repo = madeTempDir('ph-specs-git-');
  gitIn(repo, 'init', '-q');
  return { db, store, git, warn, repo };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('spec repository', () => {
  it('takes only the top folder of a git work tree', async () => {
    const { git, db, repo } = setup();
    const plain = madeTempDir('ph-specs-nogit-');
    mkdirSync(join(repo, 'sub'));
    await expect(git.setRepository(plain)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('is not a git repository') });
    await expect(git.setRepository(join(repo, 'sub'))).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining(`inside the repository ${repo}`) });
    await expect(git.setRepository('relative/repo')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(git.setRepository(join(plain, 'missing'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(git.repository()).resolves.toEqual({});
    await expect(git.setRepository(repo)).resolves.toEqual({ path: repo });
    expect(db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(GIT_REPOSITORY_KEY)).toBe(repo);
    await expect(git.repository()).resolves.toEqual({ path: repo });
    rmSync(join(repo, '.git'), { recursive: true });
    await expect(git.repository()).resolves.toMatchObject({ path: repo, problem: expect.stringContaining('not a git repository') });
    await expect(git.setRepository()).resolves.toEqual({});
    await expect(git.repository()).resolves.toEqual({});
  });

  it('commits each version as <name>.yaml with its message and author, whatever GIT_* the environment holds', async () => {
    const { git, store, repo } = setup();
    await git.setRepository(repo);
    // Each of these would send git elsewhere, or sign as someone else.
    const decoy = madeTempDir('ph-specs-decoy-');
    vi.stubEnv('GIT_DIR', join(decoy, '.git'));
    vi.stubEnv('GIT_WORK_TREE', decoy);
    vi.stubEnv('GIT_INDEX_FILE', join(decoy, 'index'));
    vi.stubEnv('GIT_AUTHOR_NAME', 'Mallory');
    vi.stubEnv('GIT_COMMITTER_EMAIL', 'mallory@example.com');
    const { meta } = await store.save({ name: 'train', text: JOB('a'), message: 'First cut\n\n# not a comment' }, 'ann@example.com');
    const first = await git.commit(meta.id, 1);
    expect(first.problem).toBeUndefined();
    expect(first.commit).toMatch(/^[0-9a-f]{40}$/);
    await store.save({ id: meta.id, name: 'train', text: JOB('b'), message: '', baseVersion: 1 }, 'bob <x>');
    const second = await git.commit(meta.id, 2);
    vi.unstubAllEnvs();
    expect(readFileSync(join(repo, 'train.yaml'), 'utf8')).toBe(JOB('b'));
    expect(gitIn(repo, 'log', '--format=%H|%an|%ae|%cn|%B', '--')).toBe(
      [`${second.commit}|bob x|bob.x@pilothouse.invalid|bob x|Save train (version 2)`, '', `${first.commit}|ann@example.com|ann@example.com|ann@example.com|First cut`, '', '# not a comment'].join('\n'),
    );
    expect(store.versions(meta.id).map((v) => v.gitCommit)).toEqual([second.commit, first.commit]);
    expect(readdirSync(decoy)).toEqual([]);

    // A version that changes only the target holds the same text: still a commit of its own.
    await store.save({ id: meta.id, name: 'train', text: JOB('b'), message: 'to c2', connectionId: 'c2', baseVersion: 2 }, 'bob');
    const third = await git.commit(meta.id, 3);
    expect(third.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(third.commit).not.toBe(second.commit);
  });

  it('commits versions asked at once one after the other, and a 300-byte emoji name within the file name limit', async () => {
    const { git, store, repo } = setup();
    await git.setRepository(repo);
    const emoji = (await store.save({ name: '🙂'.repeat(75), text: JOB('e'), message: 'emoji' }, 'ann')).meta;
    const other = (await store.save({ name: 'other', text: JOB('o'), message: 'other' }, 'ann')).meta;
    const [a, b] = await Promise.all([git.commit(emoji.id, 1), git.commit(other.id, 1)]);
    expect([a.problem, b.problem]).toEqual([undefined, undefined]);
    expect(gitIn(repo, 'log', '--format=%s')).toBe('other\nemoji');
    expect(gitIn(repo, 'ls-files')).toContain('other.yaml');
  });

  it('keeps the version when the commit fails, and says why', async () => {
    const { git, store, repo, warn } = setup();
    await git.setRepository(repo);
    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho "commits are frozen today" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const { meta } = await store.save({ name: 'train', text: JOB('a'), message: 'first' }, 'ann');
    const outcome = await git.commit(meta.id, 1);
    expect(outcome.commit).toBeUndefined();
    expect(outcome.problem).toContain('commits are frozen today');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('not committed'), expect.objectContaining({ specId: meta.id, version: 1 }));
    expect(store.get(meta.id).version).toBe(1);
    expect(store.versions(meta.id)[0]!.gitCommit).toBeUndefined();

    // The repository gone: the same.
    rmSync(join(repo, '.git'), { recursive: true });
    expect((await git.commit(meta.id, 1)).problem).toContain('not a git repository');
  });

  it('never writes through a link at the spec file', async () => {
    const { git, store, repo } = setup();
    await git.setRepository(repo);
    const outside = join(madeTempDir('ph-specs-git-out-'), 'target.yaml');
    writeFileSync(outside, 'untouched\n');
    symlinkSync(outside, join(repo, 'train.yaml'));
    const { meta } = await store.save({ name: 'train', text: JOB('a'), message: 'first' }, 'ann');
    expect((await git.commit(meta.id, 1)).problem).toContain('symbolic link');
    expect(readFileSync(outside, 'utf8')).toBe('untouched\n');
  });

  it('gives each spec a file of its own, moves it on a rename and removes it on a delete', async () => {
    const { git, store, repo } = setup();
    await git.setRepository(repo);
    const save = async (name: string) => (await store.save({ name, text: JOB(name.replace(/\W/g, 'x').toLowerCase()), message: name }, 'ann')).meta;
    // Each pair makes one `<name>.yaml`: "." and a tab are replaced, and case is one file on macOS and Windows.
    const specs = [await save('.train'), await save('_train'), await save('a\tb'), await save('a_b'), await save('Eval'), await save('eval')];
    for (const s of specs) expect((await git.commit(s.id, 1)).problem).toBeUndefined();
    const files = specs.map((s) => store.gitFile(s.id)!);
    expect(new Set(files.map((f) => f.toLowerCase())).size).toBe(6);
    expect(files.filter((f, i) => f === ['_train.yaml', '', 'a_b.yaml', '', 'Eval.yaml', ''][i])).toHaveLength(3);
    specs.forEach((s, i) => expect(readFileSync(join(repo, files[i]!), 'utf8')).toBe(store.get(s.id).text));
    // A later version keeps its file.
    await store.save({ id: specs[1]!.id, name: '_train', text: JOB('again'), message: 'again', baseVersion: 1 }, 'ann');
    await git.commit(specs[1]!.id, 2);
    expect(store.gitFile(specs[1]!.id)).toBe(files[1]);
    expect(readFileSync(join(repo, files[1]!), 'utf8')).toBe(JOB('again'));

    // Renamed: one commit moves the file; the old name is no longer in the repository.
    const eval2 = specs[4]!;
    await store.save({ id: eval2.id, name: 'evaluate', text: JOB('eval'), message: 'renamed', baseVersion: 1 }, 'ann');
    await git.commit(eval2.id, 2);
    expect(store.gitFile(eval2.id)).toBe('evaluate.yaml');
    expect(gitIn(repo, 'show', '--name-status', '--format=', 'HEAD')).toBe('R100\tEval.yaml\tevaluate.yaml');

    // Deleted: removed in a commit of its own, by whoever deleted it.
    const gone = store.delete(eval2.id);
    expect(gone.gitFile).toBe('evaluate.yaml');
    expect((await git.remove(gone, 'bob')).commit).toMatch(/^[0-9a-f]{40}$/);
    expect(gitIn(repo, 'log', '-1', '--format=%an|%s', '--name-status')).toBe('bob|Delete evaluate\n\nD\tevaluate.yaml');
    expect(gitIn(repo, 'ls-files').split('\n').sort()).toEqual([...files.slice(0, 4), files[5]!].sort());
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');
    // A spec never committed has nothing to remove.
    await expect(git.remove(store.delete((await save('never')).id), 'bob')).resolves.toEqual({});
  });

  it('bounds a commit, its wait for the one before included, by the timeout', async () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    const store = createSpecStore(db);
    const git = createSpecGit({ db, store, log: { warn: vi.fn() }, timeoutMs: 1_500 });
    const repo = madeTempDir('ph-specs-git-slow-');
    gitIn(repo, 'init', '-q');
    await git.setRepository(repo);
    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    // b's commit hangs (a hook waiting on something); a's takes a second.
    writeFileSync(hook, '#!/bin/sh\nif git diff --cached --name-only | grep -q b.yaml; then sleep 20; else sleep 1; fi\n');
    chmodSync(hook, 0o755);
    const a = (await store.save({ name: 'a', text: JOB('a'), message: 'a' }, 'ann')).meta;
    const b = (await store.save({ name: 'b', text: JOB('b'), message: 'b' }, 'ann')).meta;
    const t0 = Date.now();
    const [first, second] = await Promise.all([git.commit(a.id, 1), git.commit(b.id, 1)]);
    expect(first.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(second.problem).toBe('git did not finish within 1.5 s (a hook or a signing prompt waiting?)');
    expect(Date.now() - t0).toBeLessThan(2_500);
    // Nor does a commit cut off leave git's index.lock behind; and no one waits for an import's commits: the timeout counts from each one's start.
    writeFileSync(hook, '#!/bin/sh\nsleep 1\n');
    const [c, d] = await Promise.all([git.commit(a.id, 1, { background: true }), git.commit(b.id, 1, { background: true })]);
    expect([c.problem, d.problem]).toEqual([undefined, undefined]);
  });

  it('does nothing without a repository', async () => {
    const { git, store } = setup();
    const { meta } = await store.save({ name: 'train', text: JOB('a'), message: '' }, 'ann');
    await expect(git.commit(meta.id, 1)).resolves.toEqual({});
  });

  it('makes an author git takes', () => {
    expect(authorOf('ann')).toEqual({ name: 'ann', email: 'ann@pilothouse.invalid' });
    expect(authorOf('ann@corp.example')).toEqual({ name: 'ann@corp.example', email: 'ann@corp.example' });
    expect(authorOf('Évé <x>\nEvil: y')).toEqual({ name: 'Évé x Evil: y', email: 'Eve.x.Evil.y@pilothouse.invalid' });
    expect(authorOf('')).toEqual({ name: 'Pilothouse', email: 'Pilothouse@pilothouse.invalid' });
  });
});
