import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { errorCodes } from '../../../shared/result';
import { CallError } from '../api/client';
import { createFakeBridge, fail, kubeConnection, ok } from '../test/fakeBridge';
import { renderApp, resetStores } from '../test/renderApp';
import { describeError, errorAdvice } from './errorActions';
import { notifyError } from './toastStore';
import { Toasts } from './Toasts';

describe('error advice', () => {
  it('has a title for every error code', () => {
    for (const code of errorCodes) expect(errorAdvice[code].title).toBeTruthy();
  });

  it('offers a fix only when the caller can perform it', () => {
    const err = new CallError({ code: 'NAME_CONFLICT', message: '"prod" is already used' });
    expect(describeError(err).action).toBeUndefined();
    expect(describeError(err, { rename: () => undefined }).action?.label).toBe('Choose another name');
  });

  it('treats anything but a CallError as a UI bug', () => {
    expect(describeError(new TypeError('x is undefined'))).toMatchObject({ code: 'INTERNAL', title: 'Something went wrong', message: 'x is undefined' });
  });
});

describe('error toasts', () => {
  it('shows where an input error is and runs its fix', async () => {
    resetStores();
    const user = userEvent.setup();
    const chooseFile = vi.fn();
    render(<Toasts />);
    notifyError(new CallError({ code: 'KUBECONFIG_INVALID', message: 'user "ci" has no credentials', location: { file: '~/.kube/config', line: 14, field: 'users[2].user' } }), {
      chooseFile,
    });
    const toast = await screen.findByRole('alert');
    expect(toast.textContent).toContain('Invalid kubeconfig');
    expect(toast.textContent).toContain('~/.kube/config, line 14, field users[2].user');
    await user.click(within(toast).getByRole('button', { name: 'Choose another file' }));
    expect(chooseFile).toHaveBeenCalledOnce();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('offers "Test again" when a Test cannot reach the services, and it tests again', async () => {
    const user = userEvent.setup();
    const fake = createFakeBridge({
      'connections.list': () => ok([kubeConnection()]),
      'connections.test': () => fail('TIMEOUT', 'connections.test took longer than 120 s'),
    });
    renderApp(fake);
    await user.click(await screen.findByRole('button', { name: 'Test prod-eu' }));
    const toast = await screen.findByRole('alert');
    expect(toast.textContent).toContain('Timed out');

    fake.handle('connections.test', () => ok({ status: 'ok', checkedAt: '2025-01-01T00:00:00Z' }));
    await user.click(within(toast).getByRole('button', { name: 'Test again' }));
    await waitFor(() => expect(fake.method('connections.test')).toHaveBeenCalledTimes(2));
    expect(await screen.findByText('ok', { selector: '.badge' })).toBeTruthy();
  });

  it('offers to re-import credentials when they are rejected', async () => {
    const user = userEvent.setup();
    renderApp(
      createFakeBridge({
        'connections.list': () => ok([kubeConnection()]),
        'connections.test': () => fail('UNAUTHORIZED', 'The cluster rejected the client certificate'),
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Test prod-eu' }));
    await user.click(within(await screen.findByRole('alert')).getByRole('button', { name: 'Re-import credentials' }));
    expect(screen.getByRole('dialog', { name: 'Import kubeconfig' })).toBeTruthy();
  });
});
