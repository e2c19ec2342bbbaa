/**
 * What the Alerts page shows and sends, apart from React: figures as a person
 * reads them, the CSV export's columns, and the rule form turned into a save
 * (checked by the contract's own schema, each problem put by its field).
 */
import { AlertRuleSave, type Alert, type AlertRule, type AlertRuleKind } from '../../../../shared/contract';
import type { CsvColumn } from '../../shell/charts/csv';

/** "$40.00/h", "$1,234.50", "8 GPUs", or "—" when there is no figure. */
export function formatFigure(value: number | null, unit: string | null): string {
  if (value === null) return '—';
  if (unit === 'USD/h') return `$${money(value)}/h`;
  if (unit === 'USD') return `$${money(value)}`;
  return `${value.toLocaleString('en')}${unit ? ` ${unit}` : ''}`;
}

const money = (n: number) => n.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$40.00/h over $15.00/h", or nothing when the rule compares no figure. */
export function valueVersusThreshold(a: Pick<Alert, 'value' | 'threshold' | 'unit'>): string {
  if (a.value === null) return '—';
  return a.threshold === null ? formatFigure(a.value, a.unit) : `${formatFigure(a.value, a.unit)} over ${formatFigure(a.threshold, a.unit)}`;
}

/** The CSV export: every column the list has, and the detail it only shows on hover. */
export const ALERT_CSV_COLUMNS: readonly CsvColumn<Alert>[] = [
  { title: 'Id', value: (a) => a.id },
  { title: 'State', value: (a) => a.state },
  { title: 'Severity', value: (a) => a.severity },
  { title: 'Rule', value: (a) => a.ruleName },
  { title: 'Kind', value: (a) => a.kind },
  { title: 'Subject', value: (a) => a.subject },
  { title: 'Title', value: (a) => a.title },
  { title: 'Detail', value: (a) => a.detail },
  { title: 'Value', value: (a) => a.value },
  { title: 'Threshold', value: (a) => a.threshold },
  { title: 'Unit', value: (a) => a.unit },
  { title: 'First seen', value: (a) => a.firstSeen },
  { title: 'Last seen', value: (a) => a.lastSeen },
  { title: 'Resolved at', value: (a) => a.resolvedAt },
  { title: 'Acknowledged by', value: (a) => a.acknowledgedBy },
  { title: 'Acknowledged at', value: (a) => a.acknowledgedAt },
];

/** The rule form as typed: numbers are text until saved. */
export interface RuleForm {
  id?: number;
  name: string;
  enabled: boolean;
  kind: AlertRuleKind;
  clusterConnectionId: string;
  prometheusConnectionId: string;
  awsConnectionId: string;
  utilPct: string;
  windowHours: string;
  maxUsdPerHour: string;
  budgetUsd: string;
}

/** The fields of the form a problem can be put by. */
export type RuleField = Exclude<keyof RuleForm, 'id' | 'enabled'>;

/** A new rule's form: the usual idle threshold and a day's window. */
export function newRuleForm(kind: AlertRuleKind = 'idle-gpu-cost'): RuleForm {
  return { name: '', enabled: true, kind, clusterConnectionId: '', prometheusConnectionId: '', awsConnectionId: '', utilPct: '10', windowHours: '24', maxUsdPerHour: '20', budgetUsd: '1000' };
}

/** The form of a kept rule, to edit it. */
export function formOf(rule: AlertRule): RuleForm {
  const form: RuleForm = { ...newRuleForm(rule.rule.kind), id: rule.id, name: rule.name, enabled: rule.enabled };
  const p = rule.rule.params as Record<string, string | number>;
  for (const key of Object.keys(p) as (keyof typeof p)[]) (form as unknown as Record<string, string>)[key] = String(p[key]);
  return form;
}

/** Empty text is no number (Number('') would be 0). */
const numberOf = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

/** The fields the form's kind of rule takes, as typed (the contract's schema checks them). */
function paramsOf(form: RuleForm): Record<string, unknown> {
  switch (form.kind) {
    case 'idle-gpu-cost':
      return {
        clusterConnectionId: form.clusterConnectionId,
        prometheusConnectionId: form.prometheusConnectionId,
        utilPct: numberOf(form.utilPct),
        windowHours: numberOf(form.windowHours),
        maxUsdPerHour: numberOf(form.maxUsdPerHour),
      };
    case 'daily-spend':
      return { awsConnectionId: form.awsConnectionId, budgetUsd: numberOf(form.budgetUsd) };
    case 'gpu-node-not-ready':
      return { clusterConnectionId: form.clusterConnectionId };
    case 'drill-overdue':
      // No connection chosen is every connection.
      return form.clusterConnectionId ? { clusterConnectionId: form.clusterConnectionId } : {};
  }
}

/** The save the form asks for, or each field's first problem. */
export function ruleSaveOf(form: RuleForm): { save: AlertRuleSave } | { problems: Partial<Record<RuleField, string>> } {
  const params = paramsOf(form);
  const parsed = AlertRuleSave.safeParse({ ...(form.id !== undefined ? { id: form.id } : {}), name: form.name, enabled: form.enabled, rule: { kind: form.kind, params } });
  if (parsed.success) return { save: parsed.data };
  const problems: Partial<Record<RuleField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path.at(-1)) as RuleField;
    problems[field] ??= issue.message;
  }
  return { problems };
}
