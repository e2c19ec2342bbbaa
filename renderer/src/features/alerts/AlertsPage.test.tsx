import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert, AlertRule, ResultOf } from '../../../../shared/contract';
import type { Result } from '../../../../shared/result';
import { useAppInfo } from '../../shell/appInfoStore';
import { useToasts } from '../../shell/toastStore';
import { awsConnection, browserInfo, createFakeBridge, fail, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';

const { saved } = vi.hoisted(() => ({ saved: [] as { name: string; blob: Blob }[] }));
vi.mock('../../shell/charts/download', async (original) => ({
  ...(await original<typeof import('../../shell/charts/download')>()),
  saveBlob: (name: string, blob: Blob) => saved.push({ name, blob }),
}));

const prometheus = kubeConnection({ id: 'p-prod', kind: 'prometheus', name: 'prod metrics', kube: undefined });
const CONNECTIONS = [kubeConnection(), prometheus, awsConnection()];

function alert(over: Partial<Alert> = {}): Alert {
  return {
    id: 7,
    ruleId: 1,
    ruleName: 'Idle H200s',
    kind: 'idle-gpu-cost',
    subject: 'team-a/research-notebook-0',
    state: 'firing',
    severity: 'warning',
    title: 'team-a/research-notebook-0 holds 4 idle GPUs costing $40.00/h',
    detail: '4 GPUs on gpu-h200-2 averaged 0.4% (below 10%) over the last 24 h',
    value: 40,
    threshold: 15,
    unit: 'USD/h',
    firstSeen: new Date(Date.now() - 3_600_000).toISOString(),
    lastSeen: new Date().toISOString(),
    resolvedAt: null,
    acknowledgedBy: null,
    acknowledgedAt: null,
    ...over,
  };
}

const rule: AlertRule = {
  id: 1,
  name: 'Idle H200s',
  enabled: true,
  rule: { kind: 'idle-gpu-cost', params: { clusterConnectionId: 'k-prod', prometheusConnectionId: 'p-prod', utilPct: 10, windowHours: 24, maxUsdPerHour: 15 } },
  createdBy: 'me',
  createdAt: '2026-12-04T12:00:00Z',
  updatedAt: '2026-12-04T12:00:00Z',
  lastEvaluatedAt: '2026-12-04T12:00:00Z',
  lastError: 'could not evaluate: Prometheus at http://prom:9090 refused the connection',
};

function setup(handlers: Parameters<typeof createFakeBridge>[0] = {}) {
  const fake = createFakeBridge({
    'connections.list': () => ok(CONNECTIONS),
    'alerts.list': () => ok({ alerts: [alert()], firingUnacknowledged: 1, truncated: false }),
    'alerts.rules.list': () => ok({ rules: [rule], broken: [] }),
    'alerts.settings.get': () => ok({ intervalMinutes: 5 }),
    'alerts.evaluateNow': () => ok({ rules: 1, failed: 0, opened: 0, resolved: 0, firing: 1, at: '2026-12-04T12:00:00Z' }),
    ...handlers,
  });
  return renderApp(fake, '#/alerts');
}

beforeEach(() => {
  saved.length = 0;
});

describe('the Alerts page', () => {
  it('is in the navigation, and lists firing alerts with severity, subject, value against threshold and since', async () => {
    setup();
    expect((await screen.findByRole('link', { name: 'Alerts, 1 firing alert not acknowledged' })).getAttribute('aria-current')).toBe('page');
    const table = await screen.findByRole('table', { name: 'Alerts' });
    const row = within(table).getAllByRole('row')[1];
    expect(row.textContent).toContain('warning');
    expect(row.textContent).toContain('team-a/research-notebook-0 holds 4 idle GPUs costing $40.00/h');
    expect(row.textContent).toContain('$40.00/h over $15.00/h');
    expect(row.textContent).toContain('1h ago');
    expect(screen.getByRole('status').textContent).toContain('1 firing, not acknowledged');
  });

  it('shows no count of unacknowledged alerts before the list answers ("…"), nor when it fails', async () => {
    // The page and the navigation badge both ask: each waits until the test answers.
    type Listed = Result<ResultOf<'alerts.list'>>;
    const waiting: ((r: Listed) => void)[] = [];
    const { fake } = setup({ 'alerts.list': () => new Promise<Listed>((resolve) => waiting.push(resolve)) });
    await waitFor(() => expect(fake.method('alerts.list')).toHaveBeenCalled());
    const status = await screen.findByRole('status');
    expect(status.textContent).toBe('…');
    expect(screen.queryByText(/firing, not acknowledged/)).toBeNull();
    for (const answer of waiting) answer(ok({ alerts: [], firingUnacknowledged: 0, truncated: false }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('0 firing, not acknowledged'));

    fake.handle('alerts.list', () => fail('UNREACHABLE', 'The services are restarting'));
    fake.emit('alerts.changed', { opened: [], firingUnacknowledged: 3 });
    expect(await screen.findByText(/The services are restarting/)).toBeTruthy();
    expect(screen.queryByText(/firing, not acknowledged/)).toBeNull();
    expect(screen.queryByText('…')).toBeNull();
  });

  it('acknowledges an alert and shows who did', async () => {
    const { fake } = setup();
    const button = await screen.findByRole('button', { name: /^Acknowledge team-a/ });
    fake.handle('alerts.acknowledge', () => ok(alert({ acknowledgedBy: 'me@laptop', acknowledgedAt: '2026-12-04T12:01:00Z' })));
    fake.handle('alerts.list', () => ok({ alerts: [alert({ acknowledgedBy: 'me@laptop', acknowledgedAt: '2026-12-04T12:01:00Z' })], firingUnacknowledged: 0, truncated: false }));
    await userEvent.click(button);
    expect(fake.method('alerts.acknowledge')).toHaveBeenCalledWith({ id: 7 });
    expect(await screen.findByText('acknowledged by me@laptop')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('0 firing, not acknowledged');
  });

  it('asks again when alerts change, and toasts new ones in browser mode', async () => {
    const { fake } = setup();
    await screen.findByRole('table', { name: 'Alerts' });
    await waitFor(() => expect(useAppInfo.getState().info).toEqual(browserInfo));
    const opened = alert({ id: 8, subject: 'gpu-h200-3', severity: 'critical', title: 'GPU node gpu-h200-3 is not Ready', value: null, threshold: null, unit: null });
    fake.handle('alerts.list', () => ok({ alerts: [opened, alert()], firingUnacknowledged: 2, truncated: false }));
    fake.emit('alerts.changed', { opened: [opened], firingUnacknowledged: 2 });
    expect(await screen.findByText('GPU node gpu-h200-3 is not Ready', { selector: 'td div' })).toBeTruthy();
    expect(useToasts.getState().toasts).toEqual([expect.objectContaining({ tone: 'error', title: 'GPU node gpu-h200-3 is not Ready' })]);
  });

  it('counts firing unacknowledged alerts beside its navigation link, and follows the services', async () => {
    const { fake } = setup({ 'alerts.list': () => ok({ alerts: [alert(), alert({ id: 8 })], firingUnacknowledged: 2, truncated: false }) });
    const link = await screen.findByRole('link', { name: 'Alerts, 2 firing alerts not acknowledged' });
    expect(link.querySelector('.nav-badge')?.textContent).toBe('2');
    fake.emit('alerts.changed', { opened: [], firingUnacknowledged: 0 });
    expect(await screen.findByRole('link', { name: 'Alerts' })).toBe(link);
    expect(link.querySelector('.nav-badge')).toBeNull();
  });

  it('shows no toast in the desktop app, where the OS notification says it', async () => {
    const { fake } = setup({ 'app.info': () => ok({ ...browserInfo, mode: 'desktop' }) });
    await screen.findByRole('table', { name: 'Alerts' });
    await waitFor(() => expect(useAppInfo.getState().info?.mode).toBe('desktop'));
    fake.emit('alerts.changed', { opened: [alert({ id: 9 })], firingUnacknowledged: 2 });
    await waitFor(() => expect(fake.method('alerts.list')).toHaveBeenCalledTimes(2));
    expect(useToasts.getState().toasts).toEqual([]);
  });

  it('exports the list as CSV, formulas defused', async () => {
    setup({ 'alerts.list': () => ok({ alerts: [alert({ subject: '=HYPERLINK("x")' })], firingUnacknowledged: 1, truncated: false }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Export Alerts as CSV' }));
    expect(saved).toHaveLength(1);
    expect(saved[0].name).toMatch(/^Alerts-.*\.csv$/);
    const text = await saved[0].blob.text();
    expect(text).toContain('Id,State,Severity,Rule,Kind,Subject,Title');
    expect(text).toContain(`7,firing,warning,Idle H200s,idle-gpu-cost,"'=HYPERLINK(""x"")"`);
  });
});

describe('the rules tab', () => {
  it('shows each rule with what it watches and why it could not be evaluated', async () => {
    setup();
    await userEvent.click(await screen.findByRole('tab', { name: 'Rules' }));
    const table = await screen.findByRole('table', { name: 'Alert rules' });
    expect(table.textContent).toContain('prod-eu with prod metrics: GPUs below 10 % over 24 h costing over $15.00/h per pod');
    expect(table.textContent).toContain('could not evaluate: Prometheus at http://prom:9090 refused the connection');
  });

  it('puts each problem by its field and sends nothing until the rule is valid, then saves and evaluates', async () => {
    const { fake } = setup({ 'alerts.rules.save': (p) => ok({ ...rule, id: 2, name: String(p.name) }) });
    await userEvent.click(await screen.findByRole('tab', { name: 'Rules' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Add rule…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add an alert rule' });
    const field = (name: RegExp) => within(dialog).getByRole('textbox', { name });
    await userEvent.clear(field(/Idle below/));
    await userEvent.type(field(/Idle below/), '150');
    await userEvent.clear(field(/Over the last/));
    await userEvent.type(field(/Over the last/), '1.5');
    await userEvent.clear(field(/cost over/));
    await userEvent.type(field(/cost over/), 'lots');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByText('Name the rule')).toBeTruthy();
    expect(within(dialog).getByText('The utilisation is 0–100 %')).toBeTruthy();
    expect(within(dialog).getByText('The window is whole hours')).toBeTruthy();
    expect(within(dialog).getByText('The hourly amount must be a number')).toBeTruthy();
    expect(within(dialog).getAllByText('Choose a connection')).toHaveLength(2);
    expect(field(/Idle below/).getAttribute('aria-invalid')).toBe('true');
    expect(fake.method('alerts.rules.save')).not.toHaveBeenCalled();

    await userEvent.type(field(/^Name/), 'Idle notebooks');
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'Cluster' }), 'k-prod');
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'Prometheus' }), 'p-prod');
    await userEvent.clear(field(/Idle below/));
    await userEvent.type(field(/Idle below/), '5');
    await userEvent.clear(field(/Over the last/));
    await userEvent.type(field(/Over the last/), '12');
    await userEvent.clear(field(/cost over/));
    await userEvent.type(field(/cost over/), '0');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.method('alerts.rules.save')).toHaveBeenCalledWith({
      name: 'Idle notebooks',
      enabled: true,
      rule: { kind: 'idle-gpu-cost', params: { clusterConnectionId: 'k-prod', prometheusConnectionId: 'p-prod', utilPct: 5, windowHours: 12, maxUsdPerHour: 0 } },
    });
    expect(fake.method('alerts.evaluateNow')).toHaveBeenCalled();
  });

  it("shows the services' refusal in the dialog", async () => {
    setup({ 'alerts.rules.save': () => fail('VALIDATION', 'awsConnectionId: "prod-eu" is a Kubernetes cluster, not an AWS account') });
    await userEvent.click(await screen.findByRole('tab', { name: 'Rules' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Edit Idle H200s' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Idle H200s' });
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'Kind' }), 'daily-spend');
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'AWS account' }), 'a-ml');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText(/is a Kubernetes cluster, not an AWS account/)).toBeTruthy();
  });

  it('changes how often rules are evaluated, refusing what is not 1–1,440 whole minutes', async () => {
    const { fake } = setup({ 'alerts.settings.save': (p) => ok({ intervalMinutes: Number(p.intervalMinutes) }) });
    await userEvent.click(await screen.findByRole('tab', { name: 'Rules' }));
    const form = await screen.findByRole('form', { name: 'Evaluation interval' });
    const input = within(form).getByRole('textbox', { name: /Evaluate rules every/ });
    await waitFor(() => expect((input as HTMLInputElement).value).toBe('5'));
    await userEvent.clear(input);
    await userEvent.type(input, '0');
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(within(form).getByText('The interval is 1–1,440 minutes')).toBeTruthy();
    expect(fake.method('alerts.settings.save')).not.toHaveBeenCalled();
    await userEvent.clear(input);
    await userEvent.type(input, '15');
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(fake.method('alerts.settings.save')).toHaveBeenCalledWith({ intervalMinutes: 15 });
    await waitFor(() => expect(within(form).queryByText('The interval is 1–1,440 minutes')).toBeNull());
  });

  it('takes the interval as digits only: no hex, exponent, fraction, sign or blank', async () => {
    const { fake } = setup({ 'alerts.settings.save': (p) => ok({ intervalMinutes: Number(p.intervalMinutes) }) });
    await userEvent.click(await screen.findByRole('tab', { name: 'Rules' }));
    const form = await screen.findByRole('form', { name: 'Evaluation interval' });
    const input = within(form).getByRole('textbox', { name: /Evaluate rules every/ });
    await waitFor(() => expect((input as HTMLInputElement).value).toBe('5'));
    for (const typed of ['0x10', '1e1', '10.0', '+10', '-1', '1 0', '١٠', 'Infinity']) {
      await userEvent.clear(input);
      await userEvent.type(input, typed);
      await userEvent.click(within(form).getByRole('button', { name: 'Save' }));
      expect(within(form).getByText('Type the interval as whole minutes, digits only (1–1,440)')).toBeTruthy();
      expect(input.getAttribute('aria-invalid')).toBe('true');
    }
    await userEvent.clear(input);
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(within(form).getByText('Type the interval as whole minutes, digits only (1–1,440)')).toBeTruthy();
    expect(fake.method('alerts.settings.save')).not.toHaveBeenCalled();
    await userEvent.type(input, ' 10 ');
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(fake.method('alerts.settings.save')).toHaveBeenCalledWith({ intervalMinutes: 10 });
  });

  it('disables a rule from its checkbox', async () => {
    const { fake } = setup({ 'alerts.rules.save': () => ok({ ...rule, enabled: false }) });
    await userEvent.click(await screen.findByRole('tab', { name: 'Rules' }));
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Disable Idle H200s' }));
    expect(fake.method('alerts.rules.save')).toHaveBeenCalledWith({ id: 1, name: 'Idle H200s', enabled: false, rule: rule.rule });
  });

  it('adds a DR drill overdue rule over every connection by default, or over the cluster chosen, and lists what it watches', async () => {
    const drillRule: AlertRule = { ...rule, id: 2, name: 'DR drills', rule: { kind: 'drill-overdue', params: {} }, lastError: null };
    const { fake } = setup({
      'alerts.rules.list': () => ok({ rules: [drillRule, { ...drillRule, id: 3, name: 'DR drills on prod', rule: { kind: 'drill-overdue', params: { clusterConnectionId: 'k-prod' } } }], broken: [] }),
      'alerts.rules.save': (p) => ok({ ...drillRule, id: 4, name: String(p.name) }),
    });
    await userEvent.click(await screen.findByRole('tab', { name: 'Rules' }));
    const table = await screen.findByRole('table', { name: 'Alert rules' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1].textContent).toContain('DR drill overdue');
    expect(rows[1].textContent).toContain('Every connection: any namespace with drill targets whose DR drill is overdue');
    expect(rows[2].textContent).toContain('prod-eu: any namespace with drill targets whose DR drill is overdue');

    await userEvent.click(screen.getByRole('button', { name: 'Add rule…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add an alert rule' });
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'Kind' }), 'drill-overdue');
    expect(within(dialog).getByText(/whose last passing drill is older than its interval/)).toBeTruthy();
    const cluster = within(dialog).getByRole('combobox', { name: 'Cluster' }) as HTMLSelectElement;
    expect(cluster.selectedOptions[0].textContent).toBe('All connections');
    // A cluster only: neither Prometheus nor AWS connections are offered.
    expect([...cluster.options].map((o) => o.value)).toEqual(['', 'k-prod']);
    expect(within(dialog).queryByRole('combobox', { name: 'Prometheus' })).toBeNull();
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'Late drills');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.method('alerts.rules.save')).toHaveBeenLastCalledWith({ name: 'Late drills', enabled: true, rule: { kind: 'drill-overdue', params: {} } });

    await userEvent.click(screen.getByRole('button', { name: 'Edit DR drills' }));
    const edit = await screen.findByRole('dialog', { name: 'Edit DR drills' });
    await userEvent.selectOptions(within(edit).getByRole('combobox', { name: 'Cluster' }), 'k-prod');
    await userEvent.click(within(edit).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.method('alerts.rules.save')).toHaveBeenLastCalledWith({ id: 2, name: 'DR drills', enabled: true, rule: { kind: 'drill-overdue', params: { clusterConnectionId: 'k-prod' } } });
  });
});
