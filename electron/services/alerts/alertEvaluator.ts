/**
 * Evaluates every enabled rule every few minutes while the app runs (and on
 * demand), one evaluation at a time: opens an alert when a rule's condition
 * holds for a subject, keeps it open (no duplicate) while it holds, resolves
 * it when it no longer does; a subject that comes back within two intervals
 * of resolving fires its alert again rather than a new one (a flapping node
 * is one alert, one notification). A rule whose data source fails records
 * why on the rule and leaves its alerts as they were: missing data neither
 * fires nor resolves anything. A rule whose connection is gone is not asked
 * at all: its alerts resolve, saying so, and the rule says which connection
 * to replace.
 */
import { DEFAULT_ALERT_INTERVAL_MINUTES, type AlertEvaluation, type AlertRule, type AlertsChanged } from '../../../shared/contract/alerts';
import { AppError } from '../../../shared/result';
import type { ConnectionService } from '../connections/connectionService';
import type { Logger } from '../logging/logger';
import type { Notify } from '../rollouts/rolloutGuards';
import { dailySpendFindings, drillOverdueFindings, gpuNodeNotReadyFindings, idleGpuCostFindings, referencesOf, type AlertSources } from './alertRules';
import type { AlertStore, Finding } from './alertStore';

/** The first evaluation after start: late enough not to slow the start, soon enough to say what fired while the app was closed. */
export const DEFAULT_FIRST_DELAY_MS = 30_000;
/** A rule whose source has not answered by then could not be evaluated. */
export const RULE_TIMEOUT_MS = 90_000;
/** Rules evaluated at once: each may be a Prometheus query over a day of samples. */
const CONCURRENCY = 4;
/** More alerts opened by one evaluation than this make one summary notification, not a burst. */
const MAX_NOTIFICATIONS = 3;
/** Resolved alerts are kept this long as history (the audit log keeps their acknowledgements for good). */
export const RESOLVED_KEEP_MS = 90 * 86_400_000;
/** An alert resolved within this many intervals fires again, rather than a new one opening, when its condition comes back. */
export const REOPEN_INTERVALS = 2;
/** However long the interval, a condition back after this long is a new incident, not a flap. */
export const REOPEN_MAX_MS = 15 * 60_000;

export interface AlertEvaluatorDeps {
  store: AlertStore;
  sources: AlertSources;
  /** The stored connections: a rule reading one that is gone is not evaluated. */
  connections: Pick<ConnectionService, 'list'>;
  log: Logger;
  /** OS notifications (desktop); absent in browser mode, where the UI toasts `alerts.changed`'s `opened`. */
  notify?: Notify;
  /** Tells every window (the hub's `alerts.changed`). */
  announce(changed: AlertsChanged): void;
  intervalMs?: number;
  firstDelayMs?: number;
  ruleTimeoutMs?: number;
  now?: () => number;
}

/** The running evaluator. */
export interface AlertEvaluator {
  /** Evaluates now, or once more after the evaluation under way ends (callers arriving meanwhile share that one). */
  evaluateNow(): Promise<AlertEvaluation>;
  /** Tells every window that alerts or rules changed outside an evaluation (an acknowledgement, a rule saved). */
  changed(): void;
  /** Evaluates every `ms` from now on; the next evaluation is `ms` from now (unless one is under way). */
  evaluateEvery(ms: number): void;
  /** Stops the timer; an evaluation under way is aborted and writes nothing more. */
  close(): void;
}

/** Why a source failed, in words that carry no secret: an AppError's own message, else a pointer to the log. */
function reasonOf(err: unknown): string {
  if (err instanceof AppError) return err.message;
  return 'an unexpected error (details in the log)';
}

/** Starts evaluating on a timer (unref'd: it never keeps the process alive). */
export function createAlertEvaluator(deps: AlertEvaluatorDeps): AlertEvaluator {
  const { store, sources, log, notify } = deps;
  const now = deps.now ?? Date.now;
  let intervalMs = deps.intervalMs ?? DEFAULT_ALERT_INTERVAL_MINUTES * 60_000;
  const ruleTimeoutMs = deps.ruleTimeoutMs ?? RULE_TIMEOUT_MS;
  const stopped = new AbortController();
  let running: Promise<AlertEvaluation> | undefined;
  let queued: Promise<AlertEvaluation> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const announce = (opened: AlertsChanged['opened']) => deps.announce({ opened, firingUnacknowledged: store.firingUnacknowledged() });

  const findingsOf = (rule: AlertRule, signal: AbortSignal): Promise<Finding[]> => {
    switch (rule.rule.kind) {
      case 'idle-gpu-cost':
        return idleGpuCostFindings(rule.rule.params, sources, signal);
      case 'daily-spend':
        return dailySpendFindings(rule.rule.params, sources, signal, now());
      case 'gpu-node-not-ready':
        return gpuNodeNotReadyFindings(rule.rule.params, sources, signal);
      case 'drill-overdue':
        return drillOverdueFindings(rule.rule.params, sources, now());
    }
  };

  /** The rule's findings, or why there are none; bounded in time, and cut short by close. */
  async function attempt(rule: AlertRule): Promise<{ findings: Finding[] } | { error: string }> {
    const abort = new AbortController();
    const onStop = () => abort.abort();
    stopped.signal.addEventListener('abort', onStop);
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timeout = setTimeout(() => {
        abort.abort();
        reject(new AppError('TIMEOUT', `its data source did not answer within ${ruleTimeoutMs / 1000} s`));
      }, ruleTimeoutMs);
      timeout.unref?.();
    });
    try {
      return { findings: await Promise.race([findingsOf(rule, abort.signal), timedOut]) };
    } catch (err) {
      if (!(err instanceof AppError)) log.warn('an alert rule could not be evaluated', { ruleId: rule.id, kind: rule.rule.kind, error: err });
      return { error: `could not evaluate: ${reasonOf(err)}` };
    } finally {
      clearTimeout(timeout);
      stopped.signal.removeEventListener('abort', onStop);
    }
  }

  async function run(): Promise<AlertEvaluation> {
    const rules = store.rules().filter((r) => r.enabled);
    // However a connection went (removed in the UI, the data file edited), a rule reading it can never be evaluated again.
    const present = new Set(deps.connections.list().map((c) => c.id));
    const opened: AlertsChanged['opened'] = [];
    let failed = 0;
    let resolved = 0;
    let reopened = 0;
    let next = 0;
    const worker = async () => {
      while (next < rules.length && !stopped.signal.aborted) {
        const rule = rules[next++];
        if ('problem' in rule) {
          failed++;
          store.evaluated(rule.id, new Date(now()).toISOString(), `could not evaluate: ${rule.problem}`);
          continue;
        }
        const gone = referencesOf(rule.rule).filter((ref) => !present.has(ref.id));
        if (gone.length) {
          failed++;
          const which = `${gone.map((ref) => `connection "${ref.id}" (${ref.field})`).join(' and ')} ${gone.length === 1 ? 'was' : 'were'} deleted`;
          resolved += store.orphaned(
            rule.id,
            new Date(now()).toISOString(),
            `Resolved: ${which}`,
            `could not evaluate: ${which}, so its alerts were resolved; edit the rule to choose another connection, or remove it`,
          );
          continue;
        }
        const outcome = await attempt(rule);
        // Closed meanwhile: the data file may be closing too.
        if (stopped.signal.aborted) return;
        const at = new Date(now()).toISOString();
        // Removed or changed while its source was read: what was found answers settings that are gone.
        const current = store.rule(rule.id);
        if (!current || 'problem' in current || !current.enabled || current.updatedAt !== rule.updatedAt) continue;
        if ('error' in outcome) {
          failed++;
          store.evaluated(rule.id, at, outcome.error);
          continue;
        }
        const done = store.reconcile(rule.id, outcome.findings, at, new Date(now() - Math.min(REOPEN_INTERVALS * intervalMs, REOPEN_MAX_MS)).toISOString());
        store.evaluated(rule.id, at, null);
        opened.push(...done.opened);
        resolved += done.resolved;
        reopened += done.reopened;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rules.length) }, worker));
    if (stopped.signal.aborted) throw new AppError('INTERNAL', 'Pilothouse is closing: the evaluation was stopped');
    store.prune(new Date(now() - RESOLVED_KEEP_MS).toISOString());
    const evaluation = { rules: rules.length, failed, opened: opened.length, resolved, firing: store.firing(), at: new Date(now()).toISOString() };
    if (opened.length || resolved || reopened) log.info('alerts evaluated', { ...evaluation, reopened });
    announce(opened);
    tell(opened);
    return evaluation;
  }

  /** An OS notification per new alert, or one for them all when many fire at once. */
  function tell(opened: AlertsChanged['opened']): void {
    if (!notify || !opened.length) return;
    try {
      if (opened.length <= MAX_NOTIFICATIONS) for (const a of opened) notify({ title: a.title, body: `${a.ruleName}: ${a.detail}` });
      else notify({ title: `${opened.length} alerts fired`, body: opened.slice(0, MAX_NOTIFICATIONS).map((a) => a.title).join('\n') + `\n… and ${opened.length - MAX_NOTIFICATIONS} more: see Alerts` });
    } catch (err) {
      log.warn('an alert notification could not be shown', { error: err });
    }
  }

  function evaluateNow(): Promise<AlertEvaluation> {
    if (stopped.signal.aborted) return Promise.reject(new AppError('INTERNAL', 'Pilothouse is closing: alerts are no longer evaluated'));
    if (!running) {
      running = run().finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return evaluateNow();
      });
    return queued;
  }

  const schedule = (delay: number) => {
    if (stopped.signal.aborted) return;
    timer = setTimeout(() => {
      timer = undefined;
      evaluateNow()
        .catch((err: unknown) => {
          if (!stopped.signal.aborted) log.error('alert evaluation failed', { error: err });
        })
        .finally(() => schedule(intervalMs));
    }, delay);
    timer.unref?.();
  };
  schedule(deps.firstDelayMs ?? DEFAULT_FIRST_DELAY_MS);

  return {
    evaluateNow,
    changed: () => announce([]),
    evaluateEvery(ms) {
      intervalMs = ms;
      // A timer pending is for the old interval; one under way schedules the next when it ends.
      if (timer) {
        clearTimeout(timer);
        schedule(ms);
      }
    },
    close() {
      stopped.abort();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
