import { pipelinesContract, type SpecMeta, type SpecSaved, type SpecTaskStarted } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { ServiceArea } from '../app/serviceArea';
import type { AuditService } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import type { Logger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import type { Database } from '../store/database';
import type { StartedTask, TaskRunner } from '../tasks/taskRunner';
import { startSpecApply } from './applyTask';
import { createSchemaService } from './schemas/schemaService';
import { diffSpec, dryRunSpec, editableObject } from './serverApply';
import { startSpecExport, startSpecImport } from './specFolder';
import { createSpecGit } from './specGit';
import { openSpecParsing } from './specParsePool';
import { createSpecStore, type SpecStore } from './specStore';

/** Ids named in one `pipelines.changed` event; more, and windows refetch everything. */
const EVENT_IDS = 1_000;

/** What the pipelines area is built from. */
export interface PipelinesAreaDeps {
  db: Database;
  /** The kube area's shared access: one client and discovery per connection. */
  access: KubeAccess;
  connections: Pick<ConnectionService, 'list' | 'onCredentialsGone'>;
  audit: Pick<AuditService, 'record'>;
  hub: Pick<EventHub, 'publish'>;
  /** Runs applies, imports and exports. */
  runner: Pick<TaskRunner, 'start' | 'get'>;
  log: Logger;
  /** Native file or folder picker (desktop); absent in browser mode. */
  chooseFile?: (title: string, folder?: boolean) => Promise<string | undefined>;
}

/**
 * The pipelines area: the spec library (versions, import and export), the
 * editor's schemas from each cluster's OpenAPI documents, and dry-run, diff
 * and server-side apply of a spec or of any object edited in the inspector.
 */
export function createPipelinesArea(deps: PipelinesAreaDeps): ServiceArea<typeof pipelinesContract> & { store: SpecStore } {
  const { db, access, hub, runner, log } = deps;
  const store = createSpecStore(db);
  const specParsing = openSpecParsing(log);
  const schemas = createSchemaService({ db, access, log });
  const git = createSpecGit({ db, store, log });
  const changed = (ids: string[]) => {
    if (ids.length) hub.publish('pipelines.changed', ids.length <= EVENT_IDS ? { ids } : {});
  };
  /** Commits the new version into the spec repository, when one is set; its failure is said, never thrown: the version is saved. */
  const committed = async (meta: SpecMeta, saved: boolean): Promise<SpecSaved> => {
    if (!saved) return meta;
    changed([meta.id]);
    const { problem } = await git.commit(meta.id, meta.version);
    return problem ? { ...meta, gitProblem: problem } : meta;
  };
  /** An import's new and changed specs: announced, and their new versions committed (a failed commit is logged by the repository). */
  const imported = (ids: string[]) => {
    changed(ids);
    for (const id of ids) void git.commit(id, store.get(id).version, { background: true });
  };
  const started = ({ id }: StartedTask): SpecTaskStarted => {
    const { report: _report, ...task } = runner.get(id);
    return { taskId: id, task };
  };
  // A deleted connection's cached documents are its cluster's; replaced credentials may point at another cluster.
  const stopForgetting = deps.connections.onCredentialsGone((id) => schemas.forget(id));

  return {
    contract: pipelinesContract,
    store,
    handlers: {
      'pipelines.specs': () => store.list(),
      'pipelines.spec': ({ id }) => store.get(id),
      'pipelines.save': async (params, ctx) => {
        const { meta, changed: saved } = await store.save(params, ctx.actor);
        return committed(meta, saved);
      },
      'pipelines.delete': ({ id }, ctx) => {
        // Its file leaves the spec repository too (a failure is logged by the repository).
        void git.remove(store.delete(id), ctx.actor);
        changed([id]);
        return {};
      },
      'pipelines.versions': ({ id }) => store.versions(id),
      'pipelines.version': ({ id, version }) => ({ text: store.version(id, version).text }),
      'pipelines.revert': async ({ id, version, baseVersion }, ctx) => {
        const { meta, changed: saved } = await store.revert(id, version, baseVersion, ctx.actor);
        return committed(meta, saved);
      },
      'pipelines.applies': ({ id }) => store.applies(id),
      'pipelines.import': async ({ path }, ctx) => {
        const chosen = path ?? (await deps.chooseFile?.('Import pipeline specs', true));
        if (!chosen) throw new AppError('VALIDATION', 'Give the file or folder to import the specs from');
        return started(startSpecImport({ runner, store, announce: imported }, chosen, ctx.actor));
      },
      'pipelines.export': ({ folder, ids }, ctx) => started(startSpecExport({ runner, store, announce: changed }, folder, ids, ctx.actor)),
      'pipelines.gitRepository': () => git.repository(),
      'pipelines.setGitRepository': ({ path }) => git.setRepository(path),
      'pipelines.schema': ({ connectionId, kinds }) => schemas.schemaFor(connectionId, kinds),
      'pipelines.refreshSchemas': ({ connectionId }) => schemas.refresh(connectionId),
      'pipelines.dryRun': (params) => dryRunSpec(access, params),
      'pipelines.diff': (params) => diffSpec(access, params),
      'pipelines.apply': (params, ctx) => {
        const spec = params.specId === undefined ? undefined : store.get(params.specId);
        if (spec && params.specVersion !== undefined && spec.version !== params.specVersion) {
          // What the history records must be what was sent.
          const text = store.version(spec.id, params.specVersion).text;
          if (text !== params.text) throw new AppError('CONFLICT', `The text sent is not version ${params.specVersion} of "${spec.name}": save it first, so the spec's history says what was applied`);
        } else if (spec && spec.text !== params.text) {
          throw new AppError('CONFLICT', `The text sent is not the saved text of "${spec.name}": save it first, so the spec's history says what was applied`);
        }
        let applyId: number | undefined;
        const task = startSpecApply(
          {
            access,
            audit: deps.audit,
            connections: deps.connections,
            runner,
            log,
            onFinished: (outcome) => {
              if (applyId === undefined) return;
              store.recordApplyEnd(applyId, outcome);
              if (spec) changed([spec.id]);
            },
          },
          { ...params, specName: spec?.name },
          ctx.actor,
        );
        if (spec) {
          applyId = store.recordApplyStart({
            specId: spec.id,
            version: params.specVersion ?? spec.version,
            connectionId: params.connectionId,
            namespace: params.namespace,
            taskId: task.id,
            actor: ctx.actor,
          });
          changed([spec.id]);
        }
        return started(task);
      },
      'pipelines.editable': (ref) => editableObject(access, ref),
    },
    endSession: () => undefined,
    close: () => {
      stopForgetting();
      return Promise.all([schemas.close(), specParsing.close()]).then(() => undefined);
    },
  };
}
