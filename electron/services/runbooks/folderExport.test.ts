import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { madeTempDir } from '../../../test/support/tempDirs';
import { createAuditService } from '../audit/auditService';
import { createLogger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { createTaskRunner } from '../tasks/taskRunner';
import Database from 'better-sqlite3';
import { safeSegments, slugOf, startFolderExport } from './folderExport';

describe('runbook export', () => {
  it('makes file names from titles', () => {
    expect(slugOf('Roll back a model server (v2)!')).toBe('roll-back-a-model-server-v2');
    expect(slugOf('Café — GPU/Spend')).toBe('cafe-gpu-spend');
    expect(slugOf('../../etc/passwd')).toBe('etc-passwd');
    expect(slugOf('🙂🙂')).toBe('runbook');
    expect(slugOf('x'.repeat(200))).toHaveLength(80);
  });

  it('writes a stored path only when it stays inside the folder', () => {
    expect(safeSegments('gpu/nodes/drain.md')).toEqual(['gpu', 'nodes', 'drain.md']);
    expect(safeSegments('a..b.md')).toEqual(['a..b.md']);
    for (const bad of ['../x.md', 'a/../../x.md', '/etc/x.md', 'a//b.md', './x.md', '.git/x.md', 'a\\..\\x.md', 'a\0.md', `${'x'.repeat(121)}.md`]) {
      expect(safeSegments(bad), bad).toBeUndefined();
    }
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
    };
    const task = await startFolderExport({ runner, store }, out, undefined, 'ann').done;
    expect(task.result).toEqual({ written: 1, unchanged: 0, refused: 1 });
    expect(runner.get(task.id).report!.summary).toContain('- `gone.md`: it was deleted while the export ran');
    expect(readdirSync(out)).toEqual(['kept.md']);
  });
});
