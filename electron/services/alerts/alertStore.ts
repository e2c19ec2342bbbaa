/**
 * The alerts area's SQLite tables (migration 012): rules with their params as
 * JSON (checked against the contract's schema on the way in and again on the
 * way out), and alerts, at most one firing per rule and subject.
 */
import { AlertRuleSpec, MAX_ALERTS_LISTED, type Alert, type AlertRule, type AlertRuleKind, type AlertSeverity, type AlertState } from '../../../shared/contract/alerts';
import { AppError } from '../../../shared/result';
import type { Database } from '../store/database';

/** A rule's condition holding for one subject, as an evaluation found it. */
export interface Finding {
  /** Stable per subject within a rule: the same subject gives the same fingerprint at every evaluation. */
  fingerprint: string;
  subject: string;
  severity: AlertSeverity;
  title: string;
  detail: string;
  value: number | null;
  threshold: number | null;
  unit: string | null;
}

/** What reconciling a rule's findings with its open alerts did. */
export interface Reconciled {
  /** New alerts: each is worth a notification. */
  opened: Alert[];
  /** Alerts resolved moments ago whose condition came back: firing again, without a new alert or notification. */
  reopened: number;
  resolved: number;
}

/** A kept rule whose params no longer pass the schema (written by another build, or edited by hand). */
export interface BrokenRule {
  id: number;
  name: string;
  enabled: boolean;
  problem: string;
}

/** Reads and writes rules and alerts. */
export interface AlertStore {
  rules(): (AlertRule | BrokenRule)[];
  rule(id: number): AlertRule | BrokenRule | undefined;
  countRules(): number;
  insertRule(rule: { name: string; enabled: boolean; spec: AlertRuleSpec; actor: string; at: string }): AlertRule;
  updateRule(id: number, rule: { name: string; enabled: boolean; spec: AlertRuleSpec; at: string }): AlertRule;
  removeRule(id: number): boolean;
  /** Records how an evaluation of the rule went: `error` null when it succeeded. */
  evaluated(id: number, at: string, error: string | null): void;
  /**
   * Opens an alert for each finding without a firing one, refreshes those
   * with one, and resolves the rule's firing alerts no finding matches; in one
   * transaction. A finding whose subject's alert resolved at or after
   * `reopenSince` (ISO) fires that alert again instead of opening a new one,
   * so a flapping condition is one alert; alerts the rule's own edit resolved
   * are not reopened.
   */
  reconcile(ruleId: number, findings: readonly Finding[], at: string, reopenSince: string): Reconciled;
  /**
   * A connection the rule reads is gone: resolves its firing alerts, saying
   * `why` at the end of each one's detail, and records `error` on the rule;
   * returns how many resolved.
   */
  orphaned(ruleId: number, at: string, why: string, error: string): number;
  /** Forgets alerts resolved before `before` (ISO); returns how many. */
  prune(before: string): number;
  alerts(state?: AlertState): { alerts: Alert[]; truncated: boolean };
  alert(id: number): Alert | undefined;
  acknowledge(id: number, actor: string, at: string): Alert;
  firing(): number;
  firingUnacknowledged(): number;
}

interface RuleRow {
  id: number;
  kind: AlertRuleKind;
  name: string;
  params: string;
  enabled: 0 | 1;
  created_by: string;
  created_at: string;
  updated_at: string;
  last_evaluated_at: string | null;
  last_error: string | null;
}

interface AlertRow {
  id: number;
  rule_id: number;
  rule_name: string;
  kind: AlertRuleKind;
  fingerprint: string;
  subject: string;
  state: AlertState;
  severity: AlertSeverity;
  title: string;
  detail: string;
  value: number | null;
  threshold: number | null;
  unit: string | null;
  first_seen: string;
  last_seen: string;
  resolved_at: string | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
}

function toRule(r: RuleRow): AlertRule | BrokenRule {
  let params: unknown;
  try {
    params = JSON.parse(r.params);
  } catch {
    params = undefined;
  }
  const spec = AlertRuleSpec.safeParse({ kind: r.kind, params });
  if (!spec.success) {
    const issue = spec.error.issues[0];
    return { id: r.id, name: r.name, enabled: r.enabled === 1, problem: `its stored settings are not valid (${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'unreadable'}); edit and save it again` };
  }
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled === 1,
    rule: spec.data,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastEvaluatedAt: r.last_evaluated_at,
    lastError: r.last_error,
  };
}

/** A rule read back, which the schema accepted on the way in. */
function wellFormed(rule: AlertRule | BrokenRule | undefined): AlertRule {
  if (!rule || 'problem' in rule) throw new AppError('INTERNAL', 'The rule just saved could not be read back');
  return rule;
}

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    kind: r.kind,
    subject: r.subject,
    state: r.state,
    severity: r.severity,
    title: r.title,
    detail: r.detail,
    value: r.value,
    threshold: r.threshold,
    unit: r.unit,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    resolvedAt: r.resolved_at,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: r.acknowledged_at,
  };
}

const ALERT_COLUMNS = 'a.*, r.name AS rule_name, r.kind AS kind';

/** The store on `db`, which must have migration 012 applied. */
export function createAlertStore(db: Database): AlertStore {
  const allRules = db.prepare<[], RuleRow>('SELECT * FROM alert_rules ORDER BY name COLLATE NOCASE, id');
  const ruleById = db.prepare<[number], RuleRow>('SELECT * FROM alert_rules WHERE id = ?');
  const countRules = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM alert_rules');
  const insertRule = db.prepare(
    `INSERT INTO alert_rules (kind, name, params, enabled, created_by, created_at, updated_at) VALUES (@kind, @name, @params, @enabled, @actor, @at, @at)`,
  );
  const updateRule = db.prepare(`UPDATE alert_rules SET kind = @kind, name = @name, params = @params, enabled = @enabled, updated_at = @at WHERE id = @id`);
  const removeRule = db.prepare('DELETE FROM alert_rules WHERE id = ?');
  const evaluated = db.prepare('UPDATE alert_rules SET last_evaluated_at = ?, last_error = ? WHERE id = ?');
  const firingOf = db.prepare<[number], { id: number; fingerprint: string }>(`SELECT id, fingerprint FROM alerts WHERE rule_id = ? AND state = 'firing'`);
  const insertAlert = db.prepare(
    `INSERT INTO alerts (rule_id, fingerprint, subject, state, severity, title, detail, value, threshold, unit, first_seen, last_seen)
     VALUES (@ruleId, @fingerprint, @subject, 'firing', @severity, @title, @detail, @value, @threshold, @unit, @at, @at)`,
  );
  const refresh = db.prepare(
    `UPDATE alerts SET subject = @subject, severity = @severity, title = @title, detail = @detail, value = @value, threshold = @threshold, unit = @unit, last_seen = @at WHERE id = @id`,
  );
  const resolve = db.prepare(`UPDATE alerts SET state = 'resolved', resolved_at = ? WHERE id = ? AND state = 'firing'`);
  const resolveAll = db.prepare(`UPDATE alerts SET state = 'resolved', resolved_at = ? WHERE rule_id = ? AND state = 'firing'`);
  const resolveAllSaying = db.prepare(`UPDATE alerts SET state = 'resolved', resolved_at = ?, detail = detail || ? WHERE rule_id = ? AND state = 'firing'`);
  // Newest first, so the latest alert of a subject is the one that fires again; not one the rule's edit ended (resolved at its updated_at),
  // and not one someone acknowledged: that recurrence is news, and opens (and notifies) afresh.
  const recentlyResolved = db.prepare<[number, string], { id: number; fingerprint: string }>(
    `SELECT a.id, a.fingerprint FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
     WHERE a.rule_id = ? AND a.state = 'resolved' AND a.resolved_at >= ? AND a.resolved_at > r.updated_at AND a.acknowledged_at IS NULL
     ORDER BY a.resolved_at DESC, a.id DESC`,
  );
  const reopen = db.prepare(
    `UPDATE alerts SET state = 'firing', resolved_at = NULL, subject = @subject, severity = @severity, title = @title, detail = @detail, value = @value, threshold = @threshold, unit = @unit, last_seen = @at WHERE id = @id`,
  );
  const alertById = db.prepare<[number], AlertRow>(`SELECT ${ALERT_COLUMNS} FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE a.id = ?`);
  // Firing first, then newest: what needs a look leads whatever the history holds.
  const listAll = db.prepare<[number], AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM alerts a JOIN alert_rules r ON r.id = a.rule_id ORDER BY a.state = 'firing' DESC, a.first_seen DESC, a.id DESC LIMIT ?`,
  );
  const listState = db.prepare<[AlertState, number], AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE a.state = ? ORDER BY a.first_seen DESC, a.id DESC LIMIT ?`,
  );
  const prune = db.prepare(`DELETE FROM alerts WHERE state = 'resolved' AND resolved_at < ?`);
  const acknowledge = db.prepare('UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL');
  const firing = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM alerts WHERE state = 'firing'`);
  const firingUnacknowledged = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM alerts WHERE state = 'firing' AND acknowledged_at IS NULL`);

  const reconcile = db.transaction((ruleId: number, findings: readonly Finding[], at: string, reopenSince: string): Reconciled => {
    const open = new Map(firingOf.all(ruleId).map((a) => [a.fingerprint, a.id]));
    const recent = new Map<string, number>();
    for (const a of recentlyResolved.all(ruleId, reopenSince)) if (!recent.has(a.fingerprint)) recent.set(a.fingerprint, a.id);
    const openedIds: number[] = [];
    let reopened = 0;
    const seen = new Set<string>();
    for (const f of findings) {
      // Two findings for one subject: the first stands (the sources list worst first).
      if (seen.has(f.fingerprint)) continue;
      seen.add(f.fingerprint);
      const fields = { subject: f.subject, severity: f.severity, title: f.title, detail: f.detail, value: f.value, threshold: f.threshold, unit: f.unit, at };
      const id = open.get(f.fingerprint);
      const again = recent.get(f.fingerprint);
      if (id !== undefined) refresh.run({ ...fields, id });
      else if (again !== undefined) reopened += reopen.run({ ...fields, id: again }).changes;
      else openedIds.push(Number(insertAlert.run({ ...fields, ruleId, fingerprint: f.fingerprint }).lastInsertRowid));
    }
    let resolved = 0;
    for (const [fingerprint, id] of open) if (!seen.has(fingerprint)) resolved += resolve.run(at, id).changes;
    return { opened: openedIds.map((id) => toAlert(alertById.get(id)!)), reopened, resolved };
  });

  const orphaned = db.transaction((ruleId: number, at: string, why: string, error: string): number => {
    const resolved = resolveAllSaying.run(at, `. ${why}`, ruleId).changes;
    evaluated.run(at, error, ruleId);
    return resolved;
  });

  return {
    rules: () => allRules.all().map(toRule),
    rule: (id) => {
      const row = ruleById.get(id);
      return row && toRule(row);
    },
    countRules: () => countRules.get()!.n,
    insertRule({ name, enabled, spec, actor, at }) {
      const id = Number(insertRule.run({ kind: spec.kind, name, params: JSON.stringify(spec.params), enabled: enabled ? 1 : 0, actor, at }).lastInsertRowid);
      return wellFormed(toRule(ruleById.get(id)!));
    },
    updateRule: db.transaction((id: number, { name, enabled, spec, at }: { name: string; enabled: boolean; spec: AlertRuleSpec; at: string }) => {
      const before = ruleById.get(id);
      if (!before) throw new AppError('NOT_FOUND', `Alert rule ${id} is not there (any more)`);
      updateRule.run({ id, kind: spec.kind, name, params: JSON.stringify(spec.params), enabled: enabled ? 1 : 0, at });
      const changed = before.kind !== spec.kind || before.params !== JSON.stringify(spec.params);
      // Alerts of the old settings (or of a rule switched off) end, rather than be matched against what is no longer asked.
      if (changed || !enabled) resolveAll.run(at, id);
      // New settings have not been evaluated yet.
      if (changed) evaluated.run(null, null, id);
      return wellFormed(toRule(ruleById.get(id)!));
    }),
    removeRule: (id) => removeRule.run(id).changes > 0,
    evaluated: (id, at, error) => void evaluated.run(at, error, id),
    reconcile: (ruleId, findings, at, reopenSince) => reconcile(ruleId, findings, at, reopenSince),
    orphaned: (ruleId, at, why, error) => orphaned(ruleId, at, why, error),
    prune: (before) => prune.run(before).changes,
    alerts(state) {
      const rows = state ? listState.all(state, MAX_ALERTS_LISTED + 1) : listAll.all(MAX_ALERTS_LISTED + 1);
      return { alerts: rows.slice(0, MAX_ALERTS_LISTED).map(toAlert), truncated: rows.length > MAX_ALERTS_LISTED };
    },
    alert: (id) => {
      const row = alertById.get(id);
      return row && toAlert(row);
    },
    acknowledge(id, actor, at) {
      const row = alertById.get(id);
      if (!row) throw new AppError('NOT_FOUND', `Alert ${id} is not there (any more): its rule may have been removed`);
      if (row.acknowledged_at) throw new AppError('CONFLICT', `Alert ${id} was already acknowledged by ${row.acknowledged_by} at ${row.acknowledged_at}`);
      acknowledge.run(actor, at, id);
      return toAlert(alertById.get(id)!);
    },
    firing: () => firing.get()!.n,
    firingUnacknowledged: () => firingUnacknowledged.get()!.n,
  };
}
