import type { ConnectionSummary, ImportTaskResult, RejectedEntry } from '../../../shared/contract';
import type { StartedTask, TaskContext, TaskRunner } from '../tasks/taskRunner';

/** A connection an import will save: what the file gave, under the name the user chose. */
export interface ImportItem {
  kind: ConnectionSummary['kind'];
  name: string;
  onConflict: 'fail' | 'replace';
  /** Where it came from, shown with the connection. */
  source: string;
  details: ConnectionSummary['kube'] | ConnectionSummary['aws'] | ConnectionSummary['prometheus'];
  /** The credentials (a single-context kubeconfig, AWS material or a Prometheus token or password as JSON); sealed before anything is saved. */
  secret: string;
}

/** An {@link ImportItem} with its secret sealed, ready for the one transaction that saves the import. */
export type SealedItem = Omit<ImportItem, 'secret'> & { sealed: Buffer };

/** What an import does with the data file: the connections service's, so SQL stays there. */
export interface ImportStore {
  /** Throws NAME_CONFLICT for two items with one name, or a taken name whose item does not replace. */
  checkNames(items: readonly Pick<ImportItem, 'name' | 'onConflict'>[]): void;
  seal(item: ImportItem): SealedItem;
  /** Saves every item in one transaction, checking the names again inside it; all or nothing. */
  saveAll(items: readonly SealedItem[]): { ids: string[]; replaced: string[] };
  /** Tells windows and live views what was saved. */
  announce(saved: { ids: string[]; replaced: string[] }): void;
}

/** One kind of import: what it reads, and how it turns what was read into items. */
export interface ImportPlan<P> {
  /** "contexts" or "profiles": what progress counts. */
  unit: 'contexts' | 'profiles';
  /** Chosen entries; known before the file is read. */
  count: number;
  /** The source as the user knows it: "~/.kube/config", "pasted text". */
  target: string;
  actor: string;
  /** Reads and parses the source off the event loop. */
  read(signal: AbortSignal): Promise<P>;
  /** Matches the selections to what was read; throws (VALIDATION) for a selection that can't be imported as asked. */
  check(read: P): { sourceLabel: string; items: ImportItem[]; rejected: RejectedEntry[] };
}

/** The phases of every import, in order. */
export const IMPORT_PHASES = ['read', 'check', 'seal', 'save'] as const;

/** Longest stretch the seal phase holds the event loop before letting other calls run. */
const SEAL_SLICE_MS = 8;
/** Rejected entries named in an import's report; the preview lists them all. */
const REPORT_REJECTED = 20;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
const nounOf = (unit: ImportPlan<unknown>['unit']) => (unit === 'contexts' ? 'context' : 'AWS profile');

interface ImportDone extends ImportTaskResult {
  sourceLabel: string;
  unit: ImportPlan<unknown>['unit'];
  rejectedEntries: RejectedEntry[];
}

/** The report of a succeeded import: what was saved and, by name, what the file held that could not be. */
function reportOf(done: ImportDone): string {
  const lines = [`Imported ${count(done.imported, nounOf(done.unit))} from ${done.sourceLabel}${done.replaced ? ` (${count(done.replaced, 'replaced an existing connection', 'replaced existing connections')})` : ''}.`];
  if (done.rejected) {
    lines.push(`${count(done.rejected, 'entry', 'entries')} in the file could not be imported:`);
    for (const r of done.rejectedEntries.slice(0, REPORT_REJECTED)) lines.push(`- "${r.name}" (${r.source}${r.line ? `, line ${r.line}` : ''}): ${r.reason}`);
    if (done.rejected > REPORT_REJECTED) lines.push(`- and ${done.rejected - REPORT_REJECTED} more; the preview lists them all.`);
  }
  return lines.join('\n');
}

/**
 * Starts an import as a task: read (in a parse worker), check the
 * selections, seal the credentials, save. Nothing is written before
 * 'save', so a cancel up to then leaves no trace; 'save' is one transaction
 * that can't be cancelled, so a failure there leaves nothing half-saved.
 * The task's audit entry records the counts.
 */
export function startImport<P>(runner: Pick<TaskRunner, 'start'>, store: ImportStore, plan: ImportPlan<P>): StartedTask {
  const { unit, target } = plan;
  return runner.start(
    {
      kind: 'connections.import',
      title: `Import ${count(plan.count, nounOf(unit))} from ${target}`,
      target,
      actor: plan.actor,
      phases: [...IMPORT_PHASES],
      unit,
    },
    async (ctx: TaskContext): Promise<ImportDone> => {
      ctx.progress(0, 0, `Reading ${target}`);
      const read = await plan.read(ctx.signal);

      ctx.phase('check');
      const { sourceLabel, items, rejected } = plan.check(read);
      store.checkNames(items);
      ctx.progress(items.length, items.length);
      ctx.log(`Read ${sourceLabel}: ${count(items.length, nounOf(unit))} to import, ${count(rejected.length, 'entry', 'entries')} refused`);

      ctx.phase('seal');
      const sealed: SealedItem[] = [];
      let slice = performance.now();
      for (const item of items) {
        ctx.throwIfCancelled();
        sealed.push(store.seal(item));
        ctx.progress(sealed.length, items.length);
        // Sealing thousands of credentials must not hold up other calls (or the cancel that would stop it).
        if (performance.now() - slice > SEAL_SLICE_MS) {
          await yieldToEventLoop();
          slice = performance.now();
        }
      }

      // The point of no return: one transaction, all or nothing.
      ctx.phase('save', { cancellable: false });
      const saved = store.saveAll(sealed);
      ctx.progress(saved.ids.length, saved.ids.length);
      store.announce(saved);
      ctx.log(`Saved ${count(saved.ids.length, 'connection')}`);
      return { imported: saved.ids.length, replaced: saved.replaced.length, rejected: rejected.length, rejectedEntries: rejected, sourceLabel, unit };
    },
    {
      describe: (done) => ({ result: { imported: done.imported, replaced: done.replaced, rejected: done.rejected } satisfies ImportTaskResult, report: reportOf(done) }),
    },
  );
}
