import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ALERT_RULE_KINDS, AlertRuleKind, AlertSettings, type Alert, type AlertRule, type AlertState, type BrokenAlertRule, type ConnectionSummary } from '../../../../shared/contract';
import { call, getBridge } from '../../api/client';
import { CsvButton } from '../../shell/charts/CsvButton';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { FieldError } from '../../shell/FieldError';
import { Modal } from '../../shell/Modal';
import { readSetting, writeSetting } from '../../shell/storage';
import { notifyError, notifySuccess } from '../../shell/toastStore';
import { TabList } from '../../ui/TabList';
import { useQuery } from '../../ui/useQuery';
import { Age } from '../clusters/CellValue';
import { CallProblem } from '../clusters/detail/CallProblem';
import { useConnections } from '../connections/connectionsStore';
import { ALERT_CSV_COLUMNS, formOf, newRuleForm, ruleSaveOf, valueVersusThreshold, type RuleField, type RuleForm } from './alertsView';
import './alerts.css';

type Tab = 'alerts' | 'rules';
const TABS = [
  { id: 'alerts', label: 'Alerts' },
  { id: 'rules', label: 'Rules' },
] as const satisfies readonly { id: Tab; label: string }[];
const TAB_KEY = 'alerts.tab';

/** A number that changes with every `alerts.changed`, so the lists ask again. */
function useAlertsVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => getBridge().events['alerts.changed'](() => setVersion((v) => v + 1)), []);
  return version;
}

/** The Alerts page: what fired and what resolved, acknowledged from here; the rules that decide it on the other tab. */
export function AlertsPage() {
  const [tab, setTab] = useState<Tab>(() => (readSetting(TAB_KEY) === 'rules' ? 'rules' : 'alerts'));
  const version = useAlertsVersion();
  const [evaluating, setEvaluating] = useState(false);
  const choose = (id: Tab) => {
    setTab(id);
    writeSetting(TAB_KEY, id);
  };
  const evaluate = async () => {
    setEvaluating(true);
    try {
      const e = await call('alerts.evaluateNow', {});
      notifySuccess(
        `Evaluated ${e.rules} rule${e.rules === 1 ? '' : 's'}`,
        `${e.opened} opened, ${e.resolved} resolved, ${e.firing} firing${e.failed ? `; ${e.failed} could not be evaluated (see Rules)` : ''}.`,
      );
    } catch (err) {
      notifyError(err);
    } finally {
      setEvaluating(false);
    }
  };

  return (
    <section className="page-body alerts-page" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Alerts</h1>
        <button type="button" onClick={() => void evaluate()} disabled={evaluating} title="Evaluate every enabled rule now rather than at the next check (every few minutes)">
          {evaluating ? 'Evaluating…' : 'Evaluate now'}
        </button>
      </div>
      <TabList<Tab> label="Alerts views" tabs={TABS} current={tab} onChoose={choose} tabId={(id) => `alerts-tab-${id}`} panelId="alerts-panel" />
      <div role="tabpanel" id="alerts-panel" aria-labelledby={`alerts-tab-${tab}`} className="alerts-panel">
        {tab === 'alerts' ? <AlertList version={version} /> : <RulesView version={version} />}
      </div>
    </section>
  );
}

const STATE_CHOICES: { id: AlertState | 'all'; label: string }[] = [
  { id: 'firing', label: 'Firing' },
  { id: 'resolved', label: 'Resolved' },
  { id: 'all', label: 'All' },
];

function AlertList({ version }: { version: number }) {
  const [state, setState] = useState<AlertState | 'all'>('firing');
  const query = useQuery('alerts.list', state === 'all' ? {} : { state }, { refreshKey: String(version), keepPrevious: true });
  const alerts = query.value?.alerts;
  const unacknowledged = query.value?.firingUnacknowledged;

  return (
    <div className="alerts-list">
      <div className="alerts-controls">
        <label className="field inline">
          <span>Show</span>
          <select value={state} onChange={(e) => setState(e.target.value as AlertState | 'all')}>
            {STATE_CHOICES.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        {/* A count not known yet is no count: "…" while the first answer comes, nothing when the list failed (the problem shows below). */}
        {query.error === undefined && (
          <span className={unacknowledged ? 'badge tone-bad' : 'badge'} role="status" aria-busy={unacknowledged === undefined || undefined}>
            {unacknowledged === undefined ? '…' : `${unacknowledged} firing, not acknowledged`}
          </span>
        )}
        <span className="alerts-spacer" />
        <CsvButton title="Alerts" columns={ALERT_CSV_COLUMNS} rows={alerts ?? []} />
      </div>
      {query.error !== undefined && <CallProblem error={query.error} what="the alerts" onRetry={query.refetch} />}
      {query.value?.truncated && <p className="muted">Showing the newest {alerts?.length.toLocaleString()} alerts.</p>}
      {alerts && alerts.length > 0 && (
        <div className="alerts-table-wrap">
          <table className="related-pods alerts-table" aria-label="Alerts">
            <thead>
              <tr>
                <th>Severity</th>
                <th>Alert</th>
                <th>Subject</th>
                <th>Value</th>
                <th>Since</th>
                <th>State</th>
                <th>
                  <span className="visually-hidden">Acknowledge</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <AlertRow key={a.id} alert={a} onAcknowledged={query.refetch} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {alerts && !alerts.length && <p className="muted">{state === 'firing' ? 'Nothing is firing.' : state === 'resolved' ? 'No alert has resolved yet.' : 'No alert has fired yet.'}</p>}
    </div>
  );
}

function AlertRow({ alert: a, onAcknowledged }: { alert: Alert; onAcknowledged(): void }) {
  const [busy, setBusy] = useState(false);
  const acknowledge = async () => {
    setBusy(true);
    try {
      await call('alerts.acknowledge', { id: a.id });
      onAcknowledged();
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr className={a.state === 'firing' && !a.acknowledgedAt ? 'alert-unacknowledged' : undefined}>
      <td>
        <span className={`badge ${a.severity === 'critical' ? 'tone-bad' : 'tone-warn'}`}>{a.severity}</span>
      </td>
      <td>
        <div>{a.title}</div>
        <div className="muted alert-detail">
          {a.ruleName}: {a.detail}
        </div>
      </td>
      <td>{a.subject}</td>
      <td className="alert-figure">{valueVersusThreshold(a)}</td>
      <td>
        <Age iso={a.firstSeen} suffix=" ago" />
      </td>
      <td>
        {a.state === 'firing' ? (
          <span className="tone-bad">firing</span>
        ) : (
          <span className="tone-ok">
            resolved {a.resolvedAt && <Age iso={a.resolvedAt} suffix=" ago" />}
          </span>
        )}
      </td>
      <td>
        {a.acknowledgedAt ? (
          <span className="muted" title={a.acknowledgedAt}>
            acknowledged by {a.acknowledgedBy}
          </span>
        ) : (
          <button type="button" disabled={busy} onClick={() => void acknowledge()} aria-label={`Acknowledge ${a.title}`}>
            {busy ? 'Acknowledging…' : 'Acknowledge'}
          </button>
        )}
      </td>
    </tr>
  );
}

/** "prod, idle below 10 % over 24 h, over $20.00/h", from the rule's own settings and the connections' names. */
function ruleSummary(rule: AlertRule, names: Map<string, string>): string {
  const name = (id: string) => names.get(id) ?? `missing connection ${id}`;
  const r = rule.rule;
  switch (r.kind) {
    case 'idle-gpu-cost':
      return `${name(r.params.clusterConnectionId)} with ${name(r.params.prometheusConnectionId)}: GPUs below ${r.params.utilPct} % over ${r.params.windowHours} h costing over $${r.params.maxUsdPerHour.toFixed(2)}/h per pod`;
    case 'daily-spend':
      return `${name(r.params.awsConnectionId)}: a day over $${r.params.budgetUsd.toFixed(2)}`;
    case 'gpu-node-not-ready':
      return `${name(r.params.clusterConnectionId)}: any GPU node not Ready`;
    case 'drill-overdue':
      return `${r.params.clusterConnectionId ? name(r.params.clusterConnectionId) : 'Every connection'}: any namespace with drill targets whose DR drill is overdue`;
  }
}

function RulesView({ version }: { version: number }) {
  const query = useQuery('alerts.rules.list', {}, { refreshKey: String(version) });
  const connections = useConnections((s) => s.connections);
  const names = useMemo(() => new Map(connections.map((c) => [c.id, c.name])), [connections]);
  const [editing, setEditing] = useState<RuleForm>();
  const [removing, setRemoving] = useState<AlertRule | BrokenAlertRule>();

  const setEnabled = async (rule: AlertRule, enabled: boolean) => {
    try {
      await call('alerts.rules.save', { id: rule.id, name: rule.name, enabled, rule: rule.rule });
      query.refetch();
    } catch (err) {
      notifyError(err);
    }
  };

  return (
    <div className="alerts-rules">
      <div className="alerts-controls">
        <IntervalForm />
        <span className="alerts-spacer" />
        <button type="button" className="primary" onClick={() => setEditing(newRuleForm())}>
          Add rule…
        </button>
      </div>
      {query.error !== undefined && <CallProblem error={query.error} what="the alert rules" onRetry={query.refetch} />}
      {query.value && (query.value.rules.length > 0 || query.value.broken.length > 0) && (
        <table className="related-pods alerts-table" aria-label="Alert rules">
          <thead>
            <tr>
              <th>On</th>
              <th>Rule</th>
              <th>Watches</th>
              <th>Last evaluated</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {query.value.rules.map((r) => (
              <tr key={r.id}>
                <td>
                  <input type="checkbox" checked={r.enabled} aria-label={`${r.enabled ? 'Disable' : 'Enable'} ${r.name}`} onChange={(e) => void setEnabled(r, e.target.checked)} />
                </td>
                <td>
                  <div>{r.name}</div>
                  <div className="muted">{ALERT_RULE_KINDS[r.rule.kind].label}</div>
                </td>
                <td>{ruleSummary(r, names)}</td>
                <td>
                  {r.lastEvaluatedAt ? <Age iso={r.lastEvaluatedAt} suffix=" ago" /> : <span className="muted">{r.enabled ? 'not yet' : 'disabled'}</span>}
                  {r.lastError && <div className="tone-bad alert-rule-error">{r.lastError}</div>}
                </td>
                <td className="alerts-actions">
                  <button type="button" onClick={() => setEditing(formOf(r))} aria-label={`Edit ${r.name}`}>
                    Edit
                  </button>
                  <button type="button" onClick={() => setRemoving(r)} aria-label={`Remove ${r.name}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
            {query.value.broken.map((r) => (
              <tr key={r.id}>
                <td />
                <td>{r.name}</td>
                <td className="tone-bad">{r.problem}</td>
                <td />
                <td className="alerts-actions">
                  <button type="button" onClick={() => setRemoving(r)} aria-label={`Remove ${r.name}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {query.value && !query.value.rules.length && !query.value.broken.length && <p className="muted">No rule yet: add one to be told when idle GPUs cost too much, a day's spend passes a budget, a GPU node is not Ready, or a DR drill is overdue.</p>}
      {editing && <RuleDialog initial={editing} connections={connections} onSaved={query.refetch} onClose={() => setEditing(undefined)} />}
      {removing && <RemoveRuleDialog rule={removing} onRemoved={query.refetch} onClose={() => setRemoving(undefined)} />}
    </div>
  );
}

/** How often the services evaluate the rules; a rule whose data cannot be read says so in its row and leaves its alerts as they were (unless its connection was deleted: they resolve). */
function IntervalForm() {
  const query = useQuery('alerts.settings.get', {});
  const [typed, setTyped] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const shown = typed ?? (query.value ? String(query.value.intervalMinutes) : '');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = shown.trim();
    // Number() also reads "0x10", "1e1", "1.0" and "": only plain digits are minutes.
    if (!/^\d+$/.test(text)) return setProblem('Type the interval as whole minutes, digits only (1–1,440)');
    const parsed = AlertSettings.safeParse({ intervalMinutes: Number(text) });
    if (!parsed.success) return setProblem(parsed.error.issues[0]?.message);
    setProblem(undefined);
    setBusy(true);
    try {
      await call('alerts.settings.save', parsed.data);
      setTyped(undefined);
      query.refetch();
      notifySuccess(`Rules are evaluated every ${parsed.data.intervalMinutes} minute${parsed.data.intervalMinutes === 1 ? '' : 's'}`);
    } catch (err) {
      setProblem(describeError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="alerts-interval" aria-label="Evaluation interval" onSubmit={(e) => void submit(e)} noValidate>
      <label className="field inline">
        <span>Evaluate rules every</span>
        <input
          value={shown}
          inputMode="numeric"
          size={5}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'alerts-interval-error' : undefined}
          onChange={(e) => setTyped(e.target.value)}
        />
        <span>minutes</span>
      </label>
      <button type="submit" disabled={busy || typed === undefined}>
        {busy ? 'Saving…' : 'Save'}
      </button>
      <FieldError id="alerts-interval-error" problem={problem} />
    </form>
  );
}

const KIND_OF_CONNECTION: Record<'clusterConnectionId' | 'prometheusConnectionId' | 'awsConnectionId', { kind: ConnectionSummary['kind']; label: string }> = {
  clusterConnectionId: { kind: 'kubernetes', label: 'Cluster' },
  prometheusConnectionId: { kind: 'prometheus', label: 'Prometheus' },
  awsConnectionId: { kind: 'aws', label: 'AWS account' },
};

/** Adds or edits a rule: fields per kind, each problem shown by its field before anything is sent. */
function RuleDialog({ initial, connections, onSaved, onClose }: { initial: RuleForm; connections: readonly ConnectionSummary[]; onSaved(): void; onClose(): void }) {
  const [form, setForm] = useState(initial);
  const [problems, setProblems] = useState<Partial<Record<RuleField, string>>>({});
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const title = initial.id === undefined ? 'Add an alert rule' : `Edit ${initial.name}`;
  const set = (field: keyof RuleForm, value: string | boolean) => setForm((f) => ({ ...f, [field]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const checked = ruleSaveOf(form);
    if ('problems' in checked) return setProblems(checked.problems);
    setProblems({});
    setBusy(true);
    try {
      const saved = await call('alerts.rules.save', checked.save);
      onSaved();
      onClose();
      notifySuccess(`Saved ${saved.name}`, saved.enabled ? 'It is evaluated now, then every few minutes.' : 'It is disabled: nothing is evaluated until it is enabled.');
      // The new settings are evaluated at once rather than at the next check.
      if (saved.enabled) call('alerts.evaluateNow', {}).catch(notifyError);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  /** What describes a field: its hint, and its problem when it has one. */
  const describedBy = (field: RuleField, hint?: string) => [hint ? `rule-${field}-hint` : '', problems[field] ? `rule-${field}-error` : ''].filter(Boolean).join(' ') || undefined;

  const text = (field: RuleField, label: string, props: { inputMode?: 'decimal' | 'numeric'; hint?: string } = {}) => (
    <div className="field">
      <label className="field">
        <span>{label}</span>
        <input
          value={form[field] as string}
          inputMode={props.inputMode}
          autoComplete="off"
          aria-invalid={problems[field] ? true : undefined}
          aria-describedby={describedBy(field, props.hint)}
          onChange={(e) => set(field, e.target.value)}
        />
      </label>
      {props.hint && (
        <span id={`rule-${field}-hint`} className="muted">
          {props.hint}
        </span>
      )}
      <FieldError id={`rule-${field}-error`} problem={problems[field]} />
    </div>
  );

  /** A connection of the field's kind; `anyLabel` names the empty choice when choosing none is allowed (every connection). */
  const connection = (field: keyof typeof KIND_OF_CONNECTION, anyLabel?: string) => {
    const { kind, label } = KIND_OF_CONNECTION[field];
    const choices = connections.filter((c) => c.kind === kind);
    return (
      <div className="field">
        <label className="field">
          <span>{label}</span>
          <select value={form[field]} aria-invalid={problems[field] ? true : undefined} aria-describedby={describedBy(field)} onChange={(e) => set(field, e.target.value)}>
            <option value="">{anyLabel ?? (choices.length ? 'Choose…' : `No ${label} connection: add one first`)}</option>
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <FieldError id={`rule-${field}-error`} problem={problems[field]} />
      </div>
    );
  };

  return (
    <Modal label={title} onClose={onClose}>
      <h2>{title}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label className="field">
          <span>Kind</span>
          <select value={form.kind} aria-describedby="rule-kind-hint" onChange={(e) => set('kind', AlertRuleKind.parse(e.target.value))}>
            {AlertRuleKind.options.map((k) => (
              <option key={k} value={k}>
                {ALERT_RULE_KINDS[k].label}
              </option>
            ))}
          </select>
        </label>
        <p id="rule-kind-hint" className="muted">
          {ALERT_RULE_KINDS[form.kind].description}
        </p>
        {text('name', 'Name')}
        {form.kind === 'idle-gpu-cost' && (
          <>
            {connection('clusterConnectionId')}
            {connection('prometheusConnectionId')}
            {text('utilPct', 'Idle below (% utilisation)', { inputMode: 'decimal' })}
            {text('windowHours', 'Over the last (hours)', { inputMode: 'numeric' })}
            {text('maxUsdPerHour', 'Fire when a pod’s idle GPUs cost over (USD per hour)', { inputMode: 'decimal', hint: 'Priced from the GPU price table; GPUs without a price are not counted.' })}
          </>
        )}
        {form.kind === 'daily-spend' && (
          <>
            {connection('awsConnectionId')}
            {text('budgetUsd', 'Daily budget (USD, unblended)', { inputMode: 'decimal', hint: 'Read through the spend cache: at most one billed Cost Explorer request an hour.' })}
          </>
        )}
        {form.kind === 'gpu-node-not-ready' && connection('clusterConnectionId')}
        {form.kind === 'drill-overdue' && connection('clusterConnectionId', 'All connections')}
        <label className="field inline checkbox">
          <input type="checkbox" checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} />
          <span>Enabled</span>
        </label>
        <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose }} action={{ label: 'Save', busyLabel: 'Saving…', busy }} />
      </form>
    </Modal>
  );
}

function RemoveRuleDialog({ rule, onRemoved, onClose }: { rule: AlertRule | BrokenAlertRule; onRemoved(): void; onClose(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const remove = async () => {
    setBusy(true);
    try {
      await call('alerts.rules.remove', { id: rule.id });
      onRemoved();
      onClose();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal label={`Remove ${rule.name}`} onClose={onClose}>
      <h2>Remove {rule.name}?</h2>
      <p>Its alerts, firing and resolved, go with it. The audit log keeps who acknowledged them.</p>
      <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose, autoFocus: true }} action={{ label: 'Remove', busyLabel: 'Removing…', busy, danger: true, onClick: () => void remove() }} />
    </Modal>
  );
}
