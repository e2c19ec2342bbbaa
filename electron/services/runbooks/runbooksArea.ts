import type { z } from 'zod';
import { runbooksContract, type RunbookTaskStarted } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { ServiceArea } from '../app/serviceArea';
import type { AuditService } from '../audit/auditService';
import type { Logger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import type { Database } from '../store/database';
import type { StartedTask, TaskRunner } from '../tasks/taskRunner';
import { startFolderExport } from './folderExport';
import { startFolderImport } from './folderImport';
import { createRunbookStore, type RunbookStore, type StarterRunbook } from './runbookStore';
import { bundledStarters } from './starters';

/** The settings key that says the starters were put into this data file once (a user who deletes them keeps them deleted). */
export const STARTERS_SEEDED_KEY = 'runbooks.startersSeeded';
/** Who the starters are saved by. */
const APP_ACTOR = 'Pilothouse';
/** Ids named in one `runbooks.changed` event; more, and windows refetch everything. */
const EVENT_IDS = 1_000;

/** What the runbooks area is built from. */
export interface RunbooksAreaDeps {
  db: Database;
  /** Deleting a runbook is recorded. */
  audit: Pick<AuditService, 'record'>;
  hub: Pick<EventHub, 'publish'>;
  /** Runs imports and exports. */
  runner: Pick<TaskRunner, 'start' | 'get'>;
  log: Logger;
  /** Native folder picker (desktop); absent in browser mode. */
  chooseFolder?: (title: string) => Promise<string | undefined>;
  /** The starter set; the one bundled into the build by default. */
  starters?: readonly StarterRunbook[];
}

/**
 * The runbooks area: a Markdown library in the data file, searchable offline
 * (FTS5), versioned on every save, imported from and exported to folders as
 * tasks. The first start of a data file puts the starter runbooks in it.
 */
export function createRunbooksArea(deps: RunbooksAreaDeps): ServiceArea<typeof runbooksContract> & { store: RunbookStore } {
  const { db, hub, runner } = deps;
  const store = createRunbookStore(db);
  const starters = () => deps.starters ?? bundledStarters();
  const changed = (ids: string[]) => {
    if (ids.length) hub.publish('runbooks.changed', ids.length <= EVENT_IDS ? { ids } : {});
  };
  const started = ({ id }: StartedTask): z.infer<typeof RunbookTaskStarted> => {
    const { report: _report, ...task } = runner.get(id);
    return { taskId: id, task };
  };

  const seeded = db.prepare<[string], { value: string }>(`SELECT value FROM settings WHERE key = ?`);
  if (!seeded.get(STARTERS_SEEDED_KEY)) {
    try {
      const ids = db.transaction(() => {
        const added = store.addStarters(starters(), APP_ACTOR);
        db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?)`).run(STARTERS_SEEDED_KEY, new Date().toISOString());
        return added;
      })();
      deps.log.info('put the starter runbooks into the library', { count: ids.length });
    } catch (error) {
      // The library works without them; the next start tries again, and "Add starter runbooks" says what failed.
      deps.log.error('could not put the starter runbooks into the library', { error });
    }
  }

  return {
    contract: runbooksContract,
    store,
    handlers: {
      'runbooks.search': (params) => store.search(params),
      'runbooks.get': ({ id }) => store.get(id),
      'runbooks.save': (params, ctx) => {
        const { meta, changed: saved } = store.save(params, ctx.actor);
        if (saved) changed([meta.id]);
        return meta;
      },
      'runbooks.delete': async ({ id }, ctx) => {
        const { title, version } = store.get(id);
        await deps.audit.record(
          {
            actor: ctx.actor,
            action: 'runbooks.delete',
            target: `runbook "${title}"`,
            before: `version ${version}`,
            detail: `Deletes the runbook with its ${version} saved version${version === 1 ? '' : 's'} and the record of its uses`,
          },
          () => store.delete(id),
          (gone) => ({ after: `deleted (${gone.bytes.toLocaleString('en')} bytes${gone.path ? `, imported from ${gone.path}` : ''})` }),
        );
        changed([id]);
        return {};
      },
      'runbooks.versions': ({ id }) => store.versions(id),
      'runbooks.version': ({ id, version }) => store.version(id, version),
      'runbooks.import': async ({ folder }, ctx) => {
        let chosen = folder;
        if (chosen === undefined) {
          if (!deps.chooseFolder) throw new AppError('UNSUPPORTED', 'There is no folder picker here (browser mode): type the full path of the folder to import');
          chosen = await deps.chooseFolder('Choose a folder of runbooks to import');
          if (chosen === undefined) throw new AppError('VALIDATION', 'No folder was chosen, so nothing was imported');
        }
        return started(startFolderImport({ runner, store, announce: changed }, chosen, ctx.actor));
      },
      'runbooks.export': ({ folder, ids }, ctx) => started(startFolderExport({ runner, store }, folder, ids, ctx.actor)),
      'runbooks.forResource': (ref) => store.forResource(ref),
      'runbooks.uses': ({ id }) => store.uses(id),
      'runbooks.startUse': ({ id, label }, ctx) => store.startUse(id, label, ctx.actor),
      'runbooks.check': ({ useId, item, checked }) => store.check(useId, item, checked),
      'runbooks.addStarters': (_params, ctx) => {
        let bundled: readonly StarterRunbook[];
        try {
          bundled = starters();
        } catch (error) {
          deps.log.error('could not read the starter runbooks', { error });
          throw new AppError('INTERNAL', 'The starter runbooks that ship with Pilothouse could not be read; reinstall Pilothouse to get them back');
        }
        const ids = store.addStarters(bundled, ctx.actor);
        changed(ids);
        return { added: ids.length };
      },
    },
    endSession: () => {},
    // Imports and exports are tasks: the tasks area, closing first, cancels them.
    close: () => {},
  };
}
