import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PortForward } from '../../../../../shared/contract';
import { setBridge } from '../../../api/client';
import { Toasts } from '../../../shell/Toasts';
import { useToasts } from '../../../shell/toastStore';
import { createFakeBridge, fail, ok } from '../../../test/fakeBridge';
import { PortForwardsButton } from './PortForwardsButton';
import { formatBytes } from '../../../shell/format';
import { usePortForwards } from './portForwardsStore';

function forward(id: string, overrides: Partial<PortForward> = {}): PortForward {
  return {
    id,
    connectionId: 'k-prod',
    connectionName: 'prod-eu',
    namespace: 'shop',
    target: 'service/web',
    pod: 'web-7d9f-abcde',
    remotePort: 8080,
    localPort: 18080,
    startedAt: '2025-01-01T10:00:00Z',
    activeConnections: 2,
    bytesIn: 1_500_000,
    bytesOut: 2_048,
    ...overrides,
  };
}

function renderButton(handlers: Parameters<typeof createFakeBridge>[0] = {}) {
  const fake = createFakeBridge({ 'portForwards.list': () => ok([]), ...handlers });
  setBridge(fake.bridge);
  render(
    <>
      <PortForwardsButton />
      <Toasts />
    </>,
  );
  return fake;
}

const panel = () => screen.getByRole('group', { name: 'Active port-forwards' });

beforeEach(() => {
  usePortForwards.setState({ forwards: [], error: undefined });
  useToasts.setState({ toasts: [] });
});

describe('port-forwards button', () => {
  it('stays findable with no forwards, and says how to start one', async () => {
    const user = userEvent.setup();
    const fake = renderButton();
    await waitFor(() => expect(fake.method('portForwards.list')).toHaveBeenCalledTimes(1));
    const button = screen.getByRole('button', { name: 'Port-forwards' });
    await user.click(button);
    expect(panel().textContent).toContain('No active port-forwards');
  });

  it('lists every forward from the list, then follows portForwards.changed', async () => {
    const user = userEvent.setup();
    const fake = renderButton({ 'portForwards.list': () => ok([forward('pf1', { lastError: 'pod web-7d9f-abcde is gone' })]) });
    const button = await screen.findByRole('button', { name: 'Port-forwards · 1' });
    await user.click(button);
    const item = within(panel()).getByRole('listitem');
    expect(item.textContent).toContain('127.0.0.1:18080 → 8080');
    expect(item.textContent).toContain('prod-eu · shop · service/web');
    expect(item.textContent).toContain('pod web-7d9f-abcde · 2 connections · 1.5 MB in · 2.0 kB out');
    expect(item.textContent).toContain('Last error: pod web-7d9f-abcde is gone');
    expect(within(item).getByRole('link', { name: 'Open http://127.0.0.1:18080' }).getAttribute('href')).toBe('http://127.0.0.1:18080');

    act(() => fake.emit('portForwards.changed', { forwards: [forward('pf1', { activeConnections: 1 }), forward('pf2', { connectionName: 'dev', target: 'pod/api', localPort: 5432, remotePort: 5432 })] }));
    expect(button.textContent).toContain('Port-forwards · 2');
    const items = within(panel()).getAllByRole('listitem');
    expect(items.map((i) => i.querySelector('.forward-address')?.textContent)).toEqual(['127.0.0.1:18080 → 8080', '127.0.0.1:5432 → 5432']);
    expect(items[0].textContent).not.toContain('Last error');
    expect(items[1].textContent).toContain('dev · shop · pod/api');

    act(() => fake.emit('portForwards.changed', { forwards: [] }));
    expect(screen.getByRole('button', { name: 'Port-forwards' })).toBe(button);
  });

  it('stops a forward with portForwards.stop and drops it from the list', async () => {
    const user = userEvent.setup();
    const fake = renderButton({ 'portForwards.list': () => ok([forward('pf1'), forward('pf2', { localPort: 5432 })]), 'portForwards.stop': () => ok({}) });
    await user.click(await screen.findByRole('button', { name: 'Port-forwards · 2' }));
    await user.click(within(panel()).getByRole('button', { name: 'Stop forwarding 127.0.0.1:18080' }));
    expect(fake.method('portForwards.stop')).toHaveBeenCalledWith({ id: 'pf1' });
    await waitFor(() => expect(within(panel()).getAllByRole('listitem')).toHaveLength(1));
    expect(screen.getByRole('button', { name: 'Port-forwards · 1' })).toBeTruthy();
    // Focus stays in the panel (Esc still closes it), not lost to the page.
    expect(panel().contains(document.activeElement)).toBe(true);
    expect(screen.getByText('Stopped forwarding 127.0.0.1:18080 → service/web:8080').closest('li')?.textContent).toContain('Recorded in the audit log.');
  });

  it('keeps a forward whose stop failed, and says why', async () => {
    const user = userEvent.setup();
    renderButton({ 'portForwards.list': () => ok([forward('pf1')]), 'portForwards.stop': () => fail('NOT_FOUND', 'No port-forward pf1') });
    await user.click(await screen.findByRole('button', { name: 'Port-forwards · 1' }));
    await user.click(within(panel()).getByRole('button', { name: 'Stop forwarding 127.0.0.1:18080' }));
    expect((await screen.findByRole('alert')).textContent).toContain('No port-forward pf1');
    expect(within(panel()).getAllByRole('listitem')).toHaveLength(1);
  });

  it('shows a failed list in the panel with a retry', async () => {
    const user = userEvent.setup();
    const fake = renderButton({ 'portForwards.list': () => fail('INTERNAL', 'services not ready') });
    await waitFor(() => expect(fake.method('portForwards.list')).toHaveBeenCalled());
    await user.click(screen.getByRole('button', { name: 'Port-forwards' }));
    expect(within(panel()).getByRole('alert').textContent).toContain('Could not list port-forwards');
    fake.handle('portForwards.list', () => ok([forward('pf1')]));
    await user.click(within(panel()).getByRole('button', { name: 'Try again' }));
    expect(await within(panel()).findByRole('listitem')).toBeTruthy();
    expect(within(panel()).queryByRole('alert')).toBeNull();
  });

  it('formats byte counters in decimal units', () => {
    expect([0, 999, 1000, 15_300, 2_500_000_000].map(formatBytes)).toEqual(['0 B', '999 B', '1.0 kB', '15 kB', '2.5 GB']);
  });
});
