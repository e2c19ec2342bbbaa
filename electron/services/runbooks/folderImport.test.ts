import * as fs from 'node:fs';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
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
import { startFolderImport } from './folderImport';
import { createRunbookStore } from './runbookStore';

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

describe('runbook import', () => {
  it('reads nothing from outside when a folder is swapped for a link between two of its files', async () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    const log = createLogger({ sink: () => {} });
    const hub = { publish: () => {} } as unknown as EventHub;
    const runner = createTaskRunner({ db, audit: createAuditService(db, hub, log), hub, log });
    const store = createRunbookStore(db);
    const base = madeTempDir('ph-runbooks-toctou-');
    const root = join(base, 'runbooks');
    const outside = join(base, 'outside');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(root, 'sub', 'a.md'), '# Inside A\n');
    writeFileSync(join(root, 'sub', 'b.md'), '# Inside B\n');
    writeFileSync(join(outside, 'b.md'), '# Outside secret\n');
    hook.beforeOpen = (path) => {
      if (!path.endsWith(join('sub', 'b.md'))) return;
      hook.beforeOpen = undefined;
      renameSync(join(root, 'sub'), join(base, 'moved'));
      symlinkSync(outside, join(root, 'sub'));
    };
    try {
      const task = await startFolderImport({ runner, store, announce: () => {} }, root, 'ann').done;
      expect(task.result).toMatchObject({ added: 1, refused: 1 });
      expect(runner.get(task.id).report!.summary).toContain('- `sub/b.md`: its folder is now reached through a symbolic link');
      const titles = db.prepare(`SELECT title FROM runbooks ORDER BY title`).pluck().all();
      expect(titles).toEqual(['Inside A']);
    } finally {
      hook.beforeOpen = undefined;
    }
  });
});
