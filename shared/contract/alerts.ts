import { z } from 'zod';
import { defineArea, Empty, method } from './area';

const ConnectionId = z.string({ error: 'Choose a connection' }).trim().min(1, 'Choose a connection').max(64, 'A connection id is at most 64 characters');

/** Most rules kept: each is evaluated every few minutes, some with a Prometheus query over a day of samples. */
export const MAX_ALERT_RULES = 100;

/** What a rule watches. */
export const AlertRuleKind = z.enum(['idle-gpu-cost', 'daily-spend', 'gpu-node-not-ready', 'drill-overdue']);
export type AlertRuleKind = z.infer<typeof AlertRuleKind>;

/** How each kind of rule is named in the UI. */
export const ALERT_RULE_KINDS: Record<AlertRuleKind, { label: string; description: string }> = {
  'idle-gpu-cost': { label: 'Idle GPU cost', description: 'A pod holds GPUs that stay below a utilisation over a window and cost more than an amount per hour' },
  'daily-spend': { label: 'Daily spend over budget', description: "An AWS account's cost for a day (Cost Explorer, UTC) is over a budget" },
  'gpu-node-not-ready': { label: 'GPU node not Ready', description: 'A node with GPUs whose Ready condition is not True' },
  'drill-overdue': { label: 'DR drill overdue', description: 'A namespace with drill targets whose last passing drill is older than its interval (or that never passed one)' },
};

const money = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .min(0, `${what} cannot be negative`)
    .max(max, `${what} is at most ${max.toLocaleString('en')}`);

/** Idle GPU cost: fires per pod whose idle GPUs cost more than `maxUsdPerHour`. */
export const IdleGpuCostParams = z
  .object({
    clusterConnectionId: ConnectionId,
    prometheusConnectionId: ConnectionId,
    /** A held GPU averaging below this utilisation over the window is idle. */
    utilPct: z.number({ error: 'The utilisation must be a number' }).min(0, 'The utilisation is 0–100 %').max(100, 'The utilisation is 0–100 %'),
    /** Hours back from each evaluation. */
    windowHours: z.number({ error: 'The window must be a number of hours' }).int('The window is whole hours').min(1, 'The window is 1–168 hours').max(168, 'The window is 1–168 hours'),
    /** A pod's idle GPUs costing more than this per hour fire. 0 fires on any priced idle GPU. */
    maxUsdPerHour: money('The hourly amount', 1_000_000),
  })
  .strict();
export type IdleGpuCostParams = z.infer<typeof IdleGpuCostParams>;

/** Daily spend: fires per UTC day (yesterday and today) whose unblended cost is over `budgetUsd`. */
export const DailySpendParams = z
  .object({
    awsConnectionId: ConnectionId,
    budgetUsd: money('The budget', 1_000_000_000),
  })
  .strict();
export type DailySpendParams = z.infer<typeof DailySpendParams>;

/** A GPU node not Ready: fires per node with GPUs whose Ready condition is not True. */
export const GpuNodeNotReadyParams = z.object({ clusterConnectionId: ConnectionId }).strict();
export type GpuNodeNotReadyParams = z.infer<typeof GpuNodeNotReadyParams>;

/**
 * A DR drill overdue: fires per namespace with drill targets (#21) whose last
 * passing drill is older than the target's interval, or that never passed
 * one; on one cluster connection, or on every stored one when none is named.
 * A warning; critical once more than twice the interval has gone by since the
 * last pass, or when drills were run and none ever passed.
 */
export const DrillOverdueParams = z.object({ clusterConnectionId: ConnectionId.optional() }).strict();
export type DrillOverdueParams = z.infer<typeof DrillOverdueParams>;

/** A rule's kind with its params, checked together. */
export const AlertRuleSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('idle-gpu-cost'), params: IdleGpuCostParams }).strict(),
  z.object({ kind: z.literal('daily-spend'), params: DailySpendParams }).strict(),
  z.object({ kind: z.literal('gpu-node-not-ready'), params: GpuNodeNotReadyParams }).strict(),
  z.object({ kind: z.literal('drill-overdue'), params: DrillOverdueParams }).strict(),
]);
export type AlertRuleSpec = z.infer<typeof AlertRuleSpec>;

/** A rule's name: one line a person reads in a notification. */
export const AlertRuleName = z
  .string()
  .trim()
  .min(1, 'Name the rule')
  .max(100, 'A name is at most 100 characters')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/.test(s), 'A name cannot hold control or invisible characters');

const RuleId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const AlertId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A new rule (no `id`) or the new settings of an existing one. */
export const AlertRuleSave = z
  .object({
    id: RuleId.optional(),
    name: AlertRuleName,
    enabled: z.boolean().default(true),
    rule: AlertRuleSpec,
  })
  .strict();
export type AlertRuleSave = z.input<typeof AlertRuleSave>;

/** A rule as kept, with how its last evaluation went. */
export const AlertRule = z.object({
  id: z.number().int(),
  name: z.string(),
  enabled: z.boolean(),
  rule: AlertRuleSpec,
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** When it was last evaluated (ISO); null before the first evaluation. */
  lastEvaluatedAt: z.string().nullable(),
  /**
   * "could not evaluate: <reason>" when its last evaluation failed: a data source that failed leaves its
   * alerts as they were; a connection it reads that was deleted resolves them, and the reason names that connection.
   */
  lastError: z.string().nullable(),
});
export type AlertRule = z.infer<typeof AlertRule>;

/** A kept rule whose settings no longer pass the checks (written by another build): it is not evaluated until saved again. */
export const BrokenAlertRule = z.object({ id: z.number().int(), name: z.string(), enabled: z.boolean(), problem: z.string() });
export type BrokenAlertRule = z.infer<typeof BrokenAlertRule>;

export const AlertState = z.enum(['firing', 'resolved']);
export type AlertState = z.infer<typeof AlertState>;

export const AlertSeverity = z.enum(['warning', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

/** One alert: a rule's condition held for one subject from `firstSeen` (to `resolvedAt`). */
export const Alert = z.object({
  id: z.number().int(),
  ruleId: z.number().int(),
  ruleName: z.string(),
  kind: AlertRuleKind,
  /** What it is about: "team-a/research-notebook", a node, a day. */
  subject: z.string(),
  state: AlertState,
  severity: AlertSeverity,
  title: z.string(),
  detail: z.string(),
  /** The figure the rule compares, when there is one: USD per hour, USD, days since a drill passed. */
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  /** The unit of `value` and `threshold`: "USD/h", "USD", "days". */
  unit: z.string().nullable(),
  firstSeen: z.string(),
  /** The last evaluation that found the condition holding. */
  lastSeen: z.string(),
  resolvedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
});
export type Alert = z.infer<typeof Alert>;

/** Most alerts one list returns, newest first. */
export const MAX_ALERTS_LISTED = 2_000;

/** What one evaluation of every enabled rule did. */
export const AlertEvaluation = z.object({
  /** Enabled rules evaluated. */
  rules: z.number().int(),
  /** Rules whose data source failed (see each rule's `lastError`). */
  failed: z.number().int(),
  opened: z.number().int(),
  resolved: z.number().int(),
  /** Firing alerts after it. */
  firing: z.number().int(),
  at: z.string(),
});
export type AlertEvaluation = z.infer<typeof AlertEvaluation>;

/** Alerts or rules changed: lists refetch; `opened` are new firing alerts, for a toast where no OS notification shows. */
export const AlertsChanged = z.object({
  opened: z.array(Alert),
  /** Firing alerts nobody acknowledged, for a count in the shell. */
  firingUnacknowledged: z.number().int(),
});
export type AlertsChanged = z.infer<typeof AlertsChanged>;

/** Minutes between two evaluations when the user has not chosen. */
export const DEFAULT_ALERT_INTERVAL_MINUTES = 5;

/** How often rules are evaluated while the app runs. */
export const AlertSettings = z
  .object({
    intervalMinutes: z
      .number({ error: 'The interval must be a number of minutes' })
      .int('The interval is whole minutes')
      .min(1, 'The interval is 1–1,440 minutes')
      .max(1440, 'The interval is 1–1,440 minutes'),
  })
  .strict();
export type AlertSettings = z.infer<typeof AlertSettings>;

/** The Alerts area: rules evaluated while the app runs, and the alerts they open and resolve (#19). */
export const alertsContract = defineArea('alerts', {
  methods: {
    /** Every rule, by name; `broken` are kept rules whose settings can no longer be read. */
    'alerts.rules.list': method(Empty, z.object({ rules: z.array(AlertRule), broken: z.array(BrokenAlertRule) })),
    /** Adds a rule, or changes one (`id`); its connections must exist and be of the right kind. Audited. */
    'alerts.rules.save': method(AlertRuleSave, AlertRule),
    /** Removes a rule and its alerts. Audited. */
    'alerts.rules.remove': method(z.object({ id: RuleId }).strict(), Empty),
    /** Alerts newest first, all or of one state; `firingUnacknowledged` counts firing alerts nobody acknowledged. */
    'alerts.list': method(
      z.object({ state: AlertState.optional() }).strict(),
      z.object({ alerts: z.array(Alert), firingUnacknowledged: z.number().int(), truncated: z.boolean() }),
    ),
    /** Marks an alert seen, by whom and when; audited. Refused when it already is. */
    'alerts.acknowledge': method(z.object({ id: AlertId }).strict(), Alert),
    /** How often rules are evaluated. */
    'alerts.settings.get': method(Empty, AlertSettings),
    /** Changes how often rules are evaluated; the next evaluation is that long from now. */
    'alerts.settings.save': method(AlertSettings, AlertSettings),
    /** Evaluates every enabled rule now (or after the evaluation under way), rather than at the next tick. */
    'alerts.evaluateNow': method(Empty, AlertEvaluation),
  },
  events: {
    'alerts.changed': AlertsChanged,
  },
});
