/**
 * Applying a spec as a task: Check (parse, and dry-run every document: a
 * problem or a field conflict stops the apply before anything changed),
 * Apply (each document in order, one at a time, each its own audit entry),
 * Verify (each applied object read back). A failure stops at that document;
 * a cancel stops between documents. Nothing applied is rolled back: the
 * report lists each document as applied, failed or not attempted.
 */
import type { ParamsOf } from '../../../shared/contract';
import { productionLabel } from '../../../shared/production';
import { AppError } from '../../../shared/result';
import { audited } from '../audit/audited';
import type { AuditService } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import { auditTarget, connectionNameOf } from '../kube/actions/kubeActionTarget';
import type { KubeAccess } from '../kube/client/kubeAccess';
import { kubeRequest } from '../kube/client/kubeHttp';
import type { Logger } from '../logging/logger';
import type { StartedTask, TaskContext, TaskRunner } from '../tasks/taskRunner';
import { applyDocument, checkSpec, documentLabel, editedVersion, planAfterCrd, planSpec, type PlannedDocument, type PlannedEntry } from './serverApply';

/** A spec apply's phases, in order. */
export const APPLY_PHASES = ['Check', 'Apply', 'Verify'] as const;

/** Documents and problems named one by one in the report; the counts cover all. */
const REPORT_ITEMS = 200;

/** How an apply ended, for the spec's history. */
export interface SpecApplyOutcome {
  outcome: 'applied' | 'partial' | 'failed' | 'cancelled';
  applied: number;
  failed: number;
  notAttempted: number;
}

export interface SpecApplyDeps {
  access: KubeAccess;
  audit: Pick<AuditService, 'record'>;
  connections: Pick<ConnectionService, 'list'>;
  runner: Pick<TaskRunner, 'start'>;
  log: Logger;
  /** Called once when the task has ended, however it ended (not when it was refused before it started). */
  onFinished?: (outcome: SpecApplyOutcome, taskId: string) => void;
}

/** What `pipelines.apply` takes, and the spec's name for titles and messages. */
export type SpecApplyParams = Pick<ParamsOf<'pipelines.apply'>, 'connectionId' | 'namespace' | 'text' | 'force' | 'confirmName'> & { specName?: string };

/** One document's fate, as the report lists it. */
type Fate = { state: 'pending' } | { state: 'applied'; detail: string } | { state: 'failed'; message: string } | { state: 'not attempted' };

/** What the report says of each document, built up as the apply goes. */
class ApplyRecord {
  readonly fates: Fate[];
  closing = '';
  verified: string[] = [];

  constructor(readonly labels: string[]) {
    this.fates = labels.map(() => ({ state: 'pending' }));
  }

  count(state: Fate['state']): number {
    return this.fates.filter((f) => f.state === state).length;
  }

  /** Everything not applied nor failed was not attempted. */
  stop(): void {
    this.fates.forEach((f, i) => {
      if (f.state === 'pending') this.fates[i] = { state: 'not attempted' };
    });
  }

  summary(): string {
    const line = (fate: Fate, i: number) => {
      const label = this.labels[i];
      if (fate.state === 'applied') return `- ${label}: applied (${fate.detail})`;
      if (fate.state === 'failed') return `- ${label}: **failed**: ${fate.message}`;
      return `- ${label}: ${fate.state}`;
    };
    const lines = this.fates.slice(0, REPORT_ITEMS).map(line);
    if (this.fates.length > REPORT_ITEMS) lines.push(`- … and ${this.fates.length - REPORT_ITEMS} more documents`);
    const counts = `Applied ${this.count('applied')}, failed ${this.count('failed')}, not attempted ${this.count('not attempted')} of ${this.fates.length} document${this.fates.length === 1 ? '' : 's'}.`;
    return [counts, ...lines, ...this.verified.map((v) => `- ${v}`), this.closing].filter(Boolean).join('\n');
  }
}

/** "resourceVersion 8, generation 3" of an object the server answered with. */
function versionOf(object: Record<string, unknown> | undefined): string {
  const metadata = (object?.metadata ?? {}) as { resourceVersion?: string; generation?: number; uid?: string };
  return [`resourceVersion ${metadata.resourceVersion ?? '?'}`, ...(metadata.generation !== undefined ? [`generation ${metadata.generation}`] : [])].join(', ');
}

/** What a typed confirmation guards, for its refusals: "apply", "Nothing was applied". */
export interface ConfirmedAction {
  /** "apply", "restore a drill into it". */
  verb: string;
  /** "Nothing was applied". */
  nothingDone: string;
}

const APPLY_ACTION: ConfirmedAction = { verb: 'apply', nothingDone: 'Nothing was applied' };

/**
 * Refuses the action before anything is recorded: an unknown or
 * non-Kubernetes connection, or a production connection (by its labels,
 * shared/production.ts) whose name was not typed exactly. A name typed for
 * another connection is refused too, whatever the labels say.
 *
 * @returns the connection's name.
 */
export function checkConfirmation(
  connections: Pick<ConnectionService, 'list'>,
  params: Pick<SpecApplyParams, 'connectionId' | 'confirmName'>,
  action: ConfirmedAction = APPLY_ACTION,
): string {
  const name = connectionNameOf(connections, params.connectionId);
  const connection = connections.list().find((c) => c.id === params.connectionId);
  const production = connection && productionLabel(connection.labels);
  if (params.confirmName !== undefined && params.confirmName !== name) {
    throw new AppError('VALIDATION', `The name typed is not "${name}": type the connection's name exactly to ${action.verb}. ${action.nothingDone}`);
  }
  if (production && params.confirmName === undefined) {
    throw new AppError('VALIDATION', `${name} is a production connection (${production}): type its name to confirm the ${action.verb}. ${action.nothingDone}`);
  }
  return name;
}

/**
 * Starts applying a spec as a task (see the module's comment) and answers at
 * once. Refused with VALIDATION before anything is recorded when the
 * production confirmation is missing or wrong.
 */
export function startSpecApply(deps: SpecApplyDeps, params: SpecApplyParams, actor: string): StartedTask {
  const connectionName = checkConfirmation(deps.connections, params);
  const what = params.specName ? `spec "${params.specName}"` : 'a spec';
  /** The counts as they stand, however the run ends. */
  let counts = { applied: 0, failed: 0, notAttempted: 0 };
  const started = deps.runner.start(
    {
      kind: 'pipelines.apply',
      title: `Apply ${what} to ${connectionName}${params.force ? ' (force)' : ''}`,
      target: params.namespace ? `${connectionName}/${params.namespace}` : connectionName,
      connectionId: params.connectionId,
      connectionName,
      actor,
      phases: [...APPLY_PHASES],
      unit: 'documents',
    },
    run,
    { describe: (done) => ({ result: done }) },
  );
  void started.done.then((summary) => {
    const ended = summary.status === 'succeeded' ? 'applied' : summary.status === 'cancelled' ? 'cancelled' : counts.applied ? 'partial' : 'failed';
    const final: SpecApplyOutcome = { outcome: ended, ...counts };
    try {
      deps.onFinished?.(final, started.id);
    } catch (err) {
      deps.log.error('recording the end of a spec apply failed', { task: started.id, error: err });
    }
  });
  deps.log.info('spec apply started', { connectionId: params.connectionId, task: started.id, force: params.force });
  return started;

  async function run(ctx: TaskContext): Promise<typeof counts> {
    ctx.progress(0, 0, 'Reading the spec and asking the server for a dry run');
    const plan = await planSpec(deps.access, params, params.specName ?? 'the spec');
    if (plan.problems.length) {
      const first = plan.problems[0];
      ctx.record({ summary: `Nothing was applied: the spec has ${plan.problems.length} problem${plan.problems.length === 1 ? '' : 's'}, the first on line ${first.line}: ${first.message}` });
      throw new AppError('VALIDATION', `Nothing was applied: line ${first.line}: ${first.message}`);
    }
    const total = plan.entries.length;
    if (!total) throw new AppError('VALIDATION', 'Nothing was applied: the spec holds no document');
    const labels = plan.entries.map((e) => (e.planned ? documentLabel(e.planned) : `${e.ref.kind} ${e.ref.name ?? ''}`.trim()) + ` (line ${e.ref.line})`);
    const record = new ApplyRecord(labels);
    const keep = () => {
      counts = { applied: record.count('applied'), failed: record.count('failed'), notAttempted: record.count('not attempted') + record.count('pending') };
      ctx.record({ summary: record.summary(), audit: { after: `applied ${record.count('applied')} of ${total} documents` } });
    };

    const checks = await checkSpec(plan, { force: params.force, signal: ctx.signal, onChecked: (done) => ctx.progress(done, total, `Dry run: ${done} of ${total} checked`) });
    const refused = checks.filter((c) => c.outcome === 'error' || c.outcome === 'conflict');
    if (refused.length) {
      for (const check of checks) {
        const errors = check.problems.filter((p) => p.severity === 'error');
        record.fates[check.index] = errors.length ? { state: 'failed', message: `line ${errors[0].line}: ${errors[0].message}` } : { state: 'not attempted' };
      }
      const conflicts = refused.filter((c) => c.outcome === 'conflict').length;
      record.closing = `The dry run refused ${refused.length} document${refused.length === 1 ? '' : 's'}${conflicts ? ` (${conflicts} with field conflicts: apply with force to take those fields)` : ''}, so nothing was applied.`;
      keep();
      const stale = refused.find((c) => c.stale);
      // An edited object changed since it was opened: the one thing to say is to open it again.
      if (stale) throw new AppError('CONFLICT', `Nothing was applied: ${stale.problems[0]?.message ?? 'the object changed since it was opened'}`);
      throw new AppError(conflicts === refused.length ? 'CONFLICT' : 'VALIDATION', `Nothing was applied: ${record.closing.replace(/, so nothing was applied\.$/, '')}. See the task's report for each document.`);
    }
    for (const check of checks) for (const warning of check.problems) ctx.log(`line ${warning.line}: ${warning.message}`);
    keep();
    ctx.throwIfCancelled();

    ctx.phase('Apply');
    const applied: { index: number; planned: PlannedDocument; object: Record<string, unknown> }[] = [];
    /** A document whose kind a CRD applied before it brings: planned once the CRD is served, refused as a dry run would refuse it. */
    const planAwaited = async (entry: PlannedEntry, i: number): Promise<PlannedDocument> => {
      const awaits = entry.awaits!;
      ctx.progress(i, total, `Waiting for CustomResourceDefinition ${awaits.crd.name} to be served before document ${i + 1}`);
      const later = await planAfterCrd(deps.access, params.connectionId, awaits, { signal: ctx.signal });
      if (later.planned) {
        // Named as planned documents are, now that its resource is known.
        labels[i] = `${documentLabel(later.planned)} (line ${entry.ref.line})`;
        return later.planned;
      }
      const first = later.problems[0];
      throw new AppError('VALIDATION', `line ${first.line}: ${first.message}`);
    };
    const cancelled = (i: number) => {
      record.stop();
      record.closing = `Cancelled before document ${i + 1}; the ${applied.length} applied stay applied (nothing is rolled back).`;
      keep();
      ctx.throwIfCancelled();
    };
    for (const [i, entry] of plan.entries.entries()) {
      let planned = entry.planned;
      if (ctx.signal.aborted) cancelled(i);
      try {
        planned ??= await planAwaited(entry, i);
        ctx.progress(i, total, `Applying ${labels[i]}`);
        const object = await applyOne(planned);
        applied.push({ index: i, planned, object });
        record.fates[i] = { state: 'applied', detail: versionOf(object) };
        ctx.log(`${labels[i]}: applied`);
        keep();
      } catch (err) {
        if (!planned && ctx.signal.aborted) cancelled(i);
        const said = err instanceof AppError ? err.message : 'failed unexpectedly; see the log';
        // The report's line names the document already.
        const named = planned && `${documentLabel(planned)}: `;
        const message = named && said.startsWith(named) ? said.slice(named.length) : said;
        record.fates[i] = { state: 'failed', message };
        record.stop();
        record.closing = `The apply stopped at document ${i + 1} of ${total}; ${applied.length ? `the ${applied.length} applied before it stay applied (nothing is rolled back)` : 'nothing was applied'}.`;
        keep();
        throw err instanceof AppError ? new AppError(err.code, `Stopped at document ${i + 1} of ${total}: ${err.message}`) : err;
      }
    }
    ctx.progress(total, total);

    ctx.phase('Verify');
    for (const [n, { index, planned, object }] of applied.entries()) {
      ctx.progress(n, applied.length, `Reading back ${labels[index]}`);
      // A read that fails is said in the report: the apply itself is done.
      record.verified.push(await verify(planned, object, labels[index]).catch((err: unknown) => `${labels[index]}: could not be read back (${err instanceof AppError ? err.message : 'the server did not answer'})`));
    }
    ctx.progress(applied.length, applied.length);
    record.closing = `All ${total} document${total === 1 ? '' : 's'} applied.`;
    keep();
    return counts;
  }

  /** One document, audited on its own: what it was before, what it is after. */
  async function applyOne(planned: PlannedDocument): Promise<Record<string, unknown>> {
    const { api, ref, doc } = planned;
    const target = auditTarget(connectionName, ref.namespace, api.resource, ref.name ?? `${doc.generateName ?? ''}*`);
    const kc = await deps.access.config(params.connectionId);
    return audited(
      deps.audit,
      { actor, action: 'pipelines.applyDocument', target, connectionId: params.connectionId, connectionName, detail: `${ref.apiVersion} ${ref.kind}, ${editedVersion(planned) ? `an edit (merge patch at resourceVersion ${editedVersion(planned)})` : `server-side apply${params.force ? ' with force' : ''}`}` },
      {
        async prepare() {
          if (planned.objectUrl === undefined) return { before: 'absent (generateName: a new object is created)', state: undefined };
          const res = await kubeRequest<Record<string, unknown>>(kc, planned.objectUrl, { deadlineMs: 30_000, timeoutMs: 30_000 });
          return { before: res.status === 404 ? 'absent' : res.status === 200 ? versionOf(res.body) : `unknown (HTTP ${res.status} reading it)`, state: undefined };
        },
        async act() {
          // No signal: a request cut off mid-way may have landed all the same; a cancel waits for the answer.
          const done = await applyDocument(kc, planned, { force: params.force });
          if (!done.ok) throw done.error ?? new AppError(done.conflicts.length ? 'CONFLICT' : 'VALIDATION', done.message);
          return done.object;
        },
        after: (object) => versionOf(object),
      },
    );
  }

  /** Reads an applied object back: there, the same object, at the version applied or newer. */
  async function verify(planned: PlannedDocument, applied: Record<string, unknown>, label: string): Promise<string> {
    const kc = await deps.access.config(params.connectionId);
    const name = (applied.metadata as { name?: string } | undefined)?.name;
    const url = planned.objectUrl ?? (name ? `${planned.collectionUrl}/${encodeURIComponent(name)}` : undefined);
    if (!url) return `${label}: the server gave the created object no name; not verified`;
    const res = await kubeRequest<Record<string, unknown>>(kc, url, { deadlineMs: 30_000, timeoutMs: 30_000 });
    if (res.status === 404) return `${label}: **gone** since it was applied (deleted by a controller or someone else?)`;
    if (res.status !== 200) return `${label}: could not be read back (HTTP ${res.status})`;
    const was = applied.metadata as { uid?: string } | undefined;
    const now = res.body.metadata as { uid?: string; generation?: number } | undefined;
    if (was?.uid && now?.uid !== was.uid) return `${label}: **replaced** since it was applied (another object of that name now)`;
    const observed = (res.body.status as { observedGeneration?: number } | undefined)?.observedGeneration;
    const seen = observed === undefined || now?.generation === undefined ? '' : observed >= now.generation ? ', seen by its controller' : ', not yet seen by its controller';
    return `${label}: verified at ${versionOf(res.body)}${seen}`;
  }
}
