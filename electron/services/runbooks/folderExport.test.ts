import type * as fsp from 'node:fs/promises';
import { mkdirSync, readdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { madeTempDir } from '../../../test/support/tempDirs';
import { createAuditService } from '../audit/auditService';
import { createLogger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { createTaskRunner } from '../tasks/taskRunner';
import Database from 'better-sqlite3';
import { safeSegments } from '../files/folderWrite';
import { slugOf, startFolderExport } from './folderExport';

// The seam: runs just before the export opens a file, after its folders were checked.
const hook = vi.hoisted(() => ({ beforeOpen: undefined as ((path: string) => void) | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fsp>();
  return {
    ...real,
    open: (path: string, ...rest: unknown[]) => {
      hook.beforeOpen?.(path);
      return (real.open as (...a: unknown[]) => Promise<fsp.FileHandle>)(path, ...rest);
    },
  };
});

describe('runbook export', () => {
  it('makes file names from titles', () => {
    expect(slugOf('Roll back a model server (v2)!')).toBe('roll-back-a-model-server-v2');
    expect(slugOf('Café — GPU/Spend')).toBe('cafe-gpu-spend');
    expect(slugOf('../../etc/passwd')).toBe('etc-passwd');
    expect(slugOf('🙂🙂')).toBe('runbook');
    expect(slugOf('x'.repeat(200))).toHaveLength(80);
  });

  it('refuses a runbook deleted while the export ran, and writes the others', async () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    const log = createLogger({ sink: () => {} });
    const hub = { publish: () => {} } as unknown as EventHub;
    const runner = createTaskRunner({ db, audit: createAuditService(db, hub, log), hub, log });
    const out = madeTempDir('ph-runbooks-export-');
    const store = {
      exportItems: () => [
        { id: 'rb-kept', title: 'Kept' },
        { id: 'rb-gone', title: 'Gone', path: '../escape.md' },
      ],
      sourceOf: (id: string) => (id === 'rb-kept' ? '# Kept\n' : undefined),
      recordExport: () => {},
    };
    const task = await startFolderExport({ runner, store }, out, undefined, 'ann').done;
    expect(task.result).toEqual({ written: 1, unchanged: 0, refused: 1 });
    expect(runner.get(task.id).report!.summary).toContain('- `gone.md`: it was deleted while the export ran');
    expect(readdirSync(out)).toEqual(['kept.md']);
  });
});

describe('runbook export through a swapped folder', () => {
  it('writes nothing outside when a folder is swapped for a link after it was checked', async () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    const log = createLogger({ sink: () => {} });
    const hub = { publish: () => {} } as unknown as EventHub;
    const runner = createTaskRunner({ db, audit: createAuditService(db, hub, log), hub, log });
    const base = madeTempDir('ph-runbooks-export-swap-');
    const out = join(base, 'out');
    const outside = join(base, 'outside');
    mkdirSync(join(out, 'sub'), { recursive: true });
    mkdirSync(outside);
    const store = {
      exportItems: () => [
        { id: 'rb-a', title: 'A', path: 'sub/a.md' },
        { id: 'rb-b', title: 'B', path: 'sub/b.md' },
      ],
      sourceOf: (id: string) => `# ${id}\n`,
      recordExport: () => {},
    };
    hook.beforeOpen = (path) => {
      if (path.startsWith(join(out, 'sub')) && readdirSync(join(out, 'sub')).includes('a.md')) {
        hook.beforeOpen = undefined;
        renameSync(join(out, 'sub'), join(base, 'moved'));
        symlinkSync(outside, join(out, 'sub'));
      }
    };
    try {
      const task = await startFolderExport({ runner, store }, out, undefined, 'ann').done;
      expect(task.result).toEqual({ written: 1, unchanged: 0, refused: 1 });
      expect(runner.get(task.id).report!.summary).toContain('- `sub/b.md`: its folder was replaced by a symbolic link');
      expect(readdirSync(outside)).toEqual([]);
      expect(readdirSync(join(base, 'moved'))).toEqual(['a.md']);
    } finally {
      hook.beforeOpen = undefined;
    }
  });
});

describe('runbook export file names', () => {
  it('keeps names within the file system limit in bytes, whatever the script', async () => {
    const cjk = '漢'.repeat(80);
    expect(Buffer.byteLength(`${slugOf(cjk)}-99999.md`)).toBeLessThanOrEqual(200);
    expect(slugOf(cjk)).toMatch(/^漢+$/);
    // A cut never splits a character: 2-, 3- and 4-byte ones.
    for (const c of ['ж', '漢', '𠀀']) {
      const slug = slugOf(c.repeat(200));
      expect(slug.startsWith(c) && Buffer.from(slug).toString() === slug && Buffer.byteLength(slug) <= 188).toBe(true);
    }
    expect(safeSegments(`${'漢'.repeat(84)}.md`)).toEqual([`${'漢'.repeat(84)}.md`]);
    expect(safeSegments(`${'漢'.repeat(85)}.md`)).toBeUndefined();

    const db = new Database(':memory:');
    migrate(db, migrations);
    const log = createLogger({ sink: () => {} });
    const hub = { publish: () => {} } as unknown as EventHub;
    const runner = createTaskRunner({ db, audit: createAuditService(db, hub, log), hub, log });
    const out = madeTempDir('ph-runbooks-export-cjk-');
    const store = {
      exportItems: () => [
        { id: 'rb-a', title: cjk },
        { id: 'rb-b', title: cjk },
        { id: 'rb-c', title: 'x', path: `${'漢'.repeat(84)}.md` },
      ],
      sourceOf: (id: string) => `# ${id}\n`,
      recordExport: () => {},
    };
    const task = await startFolderExport({ runner, store }, out, undefined, 'ann').done;
    expect(task.result).toEqual({ written: 3, unchanged: 0, refused: 0 });
    expect(readdirSync(out).sort()).toEqual([`${slugOf(cjk)}-2.md`, `${slugOf(cjk)}.md`, `${'漢'.repeat(84)}.md`].sort());
  });
});
