import { render } from '@testing-library/react';
import { setBridge } from '../api/client';
import { useConnections } from '../features/connections/connectionsStore';
import { resetTasks } from '../features/tasks/tasksStore';
import { useAppInfo } from '../shell/appInfoStore';
import { App } from '../shell/App';
import type { Registry } from '../shell/feature';
import { initialThemeState, useTheme } from '../shell/theme';
import { useToasts } from '../shell/toastStore';
import { useUi } from '../shell/uiStore';
import { createFakeBridge, type FakeBridge } from './fakeBridge';

/** Puts every app-wide store back to how a fresh launch finds it. */
export function resetStores(): void {
  useConnections.setState({ connections: [], status: 'idle', error: null, selectedId: null });
  useUi.setState({ dialog: null, paletteOpen: false });
  useToasts.setState({ toasts: [] });
  useAppInfo.setState({ info: null });
  useTheme.setState(initialThemeState());
  resetTasks();
}

/** Renders the whole app against a fake bridge, from a clean state, at `hash`; made of `registry`'s features when given. */
export function renderApp(fake: FakeBridge = createFakeBridge(), hash = '#/connections', registry?: Registry) {
  localStorage.clear();
  history.replaceState(null, '', hash);
  resetStores();
  setBridge(fake.bridge);
  return { fake, ...render(<App registry={registry} />) };
}
