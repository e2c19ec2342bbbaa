/**
 * The alerts area's work: rules kept and checked (their connections must
 * exist and be of the right kind), alerts listed and acknowledged (audited:
 * who, when, which alert), and the evaluator that opens and resolves them.
 */
import { AlertSettings, DEFAULT_ALERT_INTERVAL_MINUTES, MAX_ALERT_RULES, type Alert, type AlertEvaluation, type AlertRule, type AlertRuleSave, type AlertRuleSpec, type AlertState } from '../../../shared/contract/alerts';
import type { ConnectionSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { AuditService } from '../audit/auditService';
import type { Database } from '../store/database';
import { createAlertEvaluator, type AlertEvaluatorDeps } from './alertEvaluator';
import { referencesOf } from './alertRules';
import { createAlertStore, type BrokenRule } from './alertStore';

/** What the area does. */
export interface AlertsService {
  rules(): { rules: AlertRule[]; broken: BrokenRule[] };
  save(params: SavedRule, actor: string): Promise<AlertRule>;
  remove(id: number, actor: string): Promise<void>;
  list(state?: AlertState): { alerts: Alert[]; firingUnacknowledged: number; truncated: boolean };
  acknowledge(id: number, actor: string): Promise<Alert>;
  evaluateNow(): Promise<AlertEvaluation>;
  settings(): AlertSettings;
  saveSettings(settings: AlertSettings): AlertSettings;
  close(): void;
}

/** Where the chosen interval is kept (migration 005's settings). */
const INTERVAL_KEY = 'alerts.intervalMinutes';

/** A save as the handler receives it (defaults applied). */
export type SavedRule = Omit<AlertRuleSave, 'enabled'> & { enabled: boolean };

/** The evaluator's needs (its store is made here; `intervalMs` applies when the user has chosen none), plus the file and the audit log. */
export interface AlertsServiceDeps extends Omit<AlertEvaluatorDeps, 'store'> {
  db: Database;
  audit: Pick<AuditService, 'record'>;
}

const KIND_NAMES: Record<ConnectionSummary['kind'], string> = { kubernetes: 'a Kubernetes cluster', aws: 'an AWS account', prometheus: 'a Prometheus endpoint' };

const describeRule = (name: string, enabled: boolean, spec: AlertRuleSpec) => `${name} (${spec.kind}${enabled ? '' : ', disabled'}): ${JSON.stringify(spec.params)}`;

/** Builds the store and starts the evaluator's timer. */
export function createAlertsService(deps: AlertsServiceDeps): AlertsService {
  const store = createAlertStore(deps.db);
  const now = deps.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();
  const readSetting = deps.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const writeSetting = deps.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  /** The interval the user chose, if it still passes the checks. */
  const chosen = (): AlertSettings | undefined => {
    const parsed = AlertSettings.safeParse({ intervalMinutes: Number(readSetting.get(INTERVAL_KEY)?.value) });
    return parsed.success ? parsed.data : undefined;
  };
  const intervalMinutes = chosen()?.intervalMinutes;
  const { db: _db, audit: _audit, ...evaluatorDeps } = deps;
  const evaluator = createAlertEvaluator({ ...evaluatorDeps, store, now, ...(intervalMinutes !== undefined ? { intervalMs: intervalMinutes * 60_000 } : {}) });

  const checkReferences = (spec: AlertRuleSpec) => {
    const connections = new Map(deps.connections.list().map((c) => [c.id, c]));
    for (const ref of referencesOf(spec)) {
      const found = connections.get(ref.id);
      if (!found) throw new AppError('VALIDATION', `${ref.field}: no connection has the id "${ref.id.slice(0, 64)}"; choose one of the stored connections`);
      if (found.kind !== ref.kind) throw new AppError('VALIDATION', `${ref.field}: "${found.name}" is ${KIND_NAMES[found.kind]}, not ${KIND_NAMES[ref.kind]}`);
    }
  };

  return {
    rules() {
      const all = store.rules();
      return { rules: all.filter((r): r is AlertRule => !('problem' in r)), broken: all.filter((r): r is BrokenRule => 'problem' in r) };
    },

    async save({ id, name, enabled, rule: spec }, actor) {
      checkReferences(spec);
      const before = id === undefined ? undefined : store.rule(id);
      if (id !== undefined && !before) throw new AppError('NOT_FOUND', `Alert rule ${id} is not there (any more)`);
      if (id === undefined && store.countRules() >= MAX_ALERT_RULES) throw new AppError('VALIDATION', `At most ${MAX_ALERT_RULES} alert rules can be kept: remove one first`);
      const saved = await deps.audit.record(
        {
          actor,
          action: id === undefined ? 'alerts.addRule' : 'alerts.editRule',
          target: `alert rule "${name}"`,
          ...(before ? { before: 'problem' in before ? `${before.name}: unreadable settings` : describeRule(before.name, before.enabled, before.rule) } : {}),
        },
        () => (id === undefined ? store.insertRule({ name, enabled, spec, actor, at: iso() }) : store.updateRule(id, { name, enabled, spec, at: iso() })),
        (r) => ({ after: describeRule(r.name, r.enabled, r.rule) }),
      );
      evaluator.changed();
      return saved;
    },

    async remove(id, actor) {
      const rule = store.rule(id);
      if (!rule) throw new AppError('NOT_FOUND', `Alert rule ${id} is not there (any more)`);
      await deps.audit.record(
        { actor, action: 'alerts.removeRule', target: `alert rule "${rule.name}"`, before: 'problem' in rule ? `${rule.name}: unreadable settings` : describeRule(rule.name, rule.enabled, rule.rule) },
        () => store.removeRule(id),
      );
      evaluator.changed();
    },

    list(state) {
      return { ...store.alerts(state), firingUnacknowledged: store.firingUnacknowledged() };
    },

    async acknowledge(id, actor) {
      const alert = store.alert(id);
      if (!alert) throw new AppError('NOT_FOUND', `Alert ${id} is not there (any more): its rule may have been removed`);
      const acknowledged = await deps.audit.record(
        {
          actor,
          action: 'alerts.acknowledge',
          target: `alert #${alert.id}: ${alert.title}`,
          before: `${alert.state} since ${alert.firstSeen}${alert.resolvedAt ? `, resolved ${alert.resolvedAt}` : ''}`,
          detail: `rule "${alert.ruleName}", ${alert.subject}`,
        },
        () => store.acknowledge(id, actor, iso()),
        (a) => ({ after: `acknowledged by ${a.acknowledgedBy} at ${a.acknowledgedAt}` }),
      );
      evaluator.changed();
      return acknowledged;
    },

    evaluateNow: () => evaluator.evaluateNow(),
    settings: () => chosen() ?? { intervalMinutes: deps.intervalMs !== undefined ? Math.max(1, Math.round(deps.intervalMs / 60_000)) : DEFAULT_ALERT_INTERVAL_MINUTES },
    saveSettings(settings) {
      writeSetting.run(INTERVAL_KEY, String(settings.intervalMinutes));
      evaluator.evaluateEvery(settings.intervalMinutes * 60_000);
      deps.log.info('alert evaluation interval changed', { minutes: settings.intervalMinutes });
      return settings;
    },
    close: () => evaluator.close(),
  };
}
