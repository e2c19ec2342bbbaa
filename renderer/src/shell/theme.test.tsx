import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeBridge } from '../test/fakeBridge';
import { renderApp } from '../test/renderApp';
import { initialThemeState, useTheme } from './theme';

function systemPrefersDark(dark: boolean) {
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: dark && query.includes('dark'),
    media: query,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  }));
}

afterEach(() => vi.unstubAllGlobals());

describe('theme', () => {
  it('follows the system until toggled, then keeps the choice across launches', async () => {
    systemPrefersDark(true);
    const user = userEvent.setup();
    const { unmount } = renderApp();
    expect(document.documentElement.dataset.theme).toBe('dark');

    await user.click(screen.getByRole('button', { name: 'Switch to light theme' }));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(localStorage.getItem('pilothouse.theme')).toBe('light');

    unmount();
    // A new launch reads the stored choice, although the system still prefers dark.
    useTheme.setState(initialThemeState());
    expect(useTheme.getState().chosen).toBe('light');
  });

  it('toggles from the application menu', async () => {
    systemPrefersDark(false);
    const fake = createFakeBridge();
    renderApp(fake);
    expect(document.documentElement.dataset.theme).toBe('light');
    fake.emit('app.command', { command: 'toggle-theme' });
    await screen.findByRole('button', { name: 'Switch to light theme' });
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('pilothouse.theme')).toBe('dark');
  });
});
