import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { appCommandIds } from '../../../shared/appCommands';
import { appRegistry, features, type DialogId } from '../features';
import { useConnections } from '../features/connections/connectionsStore';
import { createFakeBridge, kubeConnection, ok } from '../test/fakeBridge';
import { renderApp } from '../test/renderApp';
import { createRegistry, type AnyFeature, type Feature } from './feature';
import { useUi } from './uiStore';

const navLinks = () => within(screen.getByRole('navigation', { name: 'Main' })).getAllByRole('link');
const options = () => within(screen.getByRole('listbox', { name: 'Commands' })).getAllByRole('option');

function ProbePage() {
  return <h1>Probe page</h1>;
}

function ProbeDialog({ onClose }: { onClose(): void }) {
  return (
    <div role="dialog" aria-label="Probe dialog">
      <button type="button" onClick={onClose}>
        Close probe
      </button>
    </div>
  );
}

/** A feature only this test registers, through the same function as the app's. */
const probeFeature: Feature<'probe', 'probe-dialog'> = {
  id: 'probe',
  page: { route: 'probe', label: 'Probe', navOrder: 25, component: ProbePage },
  dialogs: { 'probe-dialog': ProbeDialog },
  // The app's DialogId does not know the probe's dialog: this registry is the test's own.
  usePaletteCommands: () => [{ id: 'probe:open', title: 'Open the probe dialog', run: () => useUi.getState().openDialog('probe-dialog' as DialogId) }],
};

describe('feature registry', () => {
  it('puts every registered page in the navigation, in nav order, at its own hash', async () => {
    const user = userEvent.setup();
    renderApp();
    expect(navLinks().map((a) => [a.textContent, a.getAttribute('href')])).toEqual(appRegistry.pages.map((p) => [p.label, `#/${p.route}`]));
    expect(appRegistry.pages.map((p) => p.route)).toEqual(['connections', 'clusters', 'rollouts', 'pipelines', 'drills', 'gpus', 'alerts', 'spend', 'terminal', 'runbooks', 'audit']);

    for (const page of appRegistry.pages) {
      await user.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: page.label }));
      await waitFor(() => expect(location.hash).toBe(`#/${page.route}`));
      expect(navLinks().find((a) => a.getAttribute('aria-current') === 'page')?.textContent).toBe(page.label);
    }
  });

  it('opens every registered dialog', async () => {
    renderApp();
    for (const feature of features as readonly AnyFeature[]) {
      for (const id of Object.keys(feature.dialogs ?? {})) {
        act(() => useUi.getState().openDialog(id as DialogId));
        expect(await screen.findByRole('dialog')).toBeTruthy();
        act(() => useUi.getState().closeDialog());
        await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      }
    }
  });

  it('lists the palette commands by section before any text is typed: actions, pages, then connections', async () => {
    const user = userEvent.setup();
    renderApp(createFakeBridge({ 'connections.list': () => ok([kubeConnection()]) }));
    await waitFor(() => expect(useConnections.getState().status).toBe('ready'));
    await user.keyboard('{Control>}k{/Control}');
    expect(options().map((o) => o.querySelector('.palette-title')?.textContent)).toEqual([
      'Import kubeconfig…',
      'Add AWS account…',
      'Add Prometheus endpoint…',
      'New pipeline spec',
      'Import pipeline specs…',
      'New terminal',
      'Terminal settings…',
      'New runbook',
      'Import runbooks…',
      'Toggle theme',
      ...appRegistry.pages.map((p) => `Go to ${p.label}`),
      'Where are the free GPUs?',
      'Idle GPUs and what they cost',
      'Edit GPU prices',
      "This machine's GPUs",
      'Switch to prod-eu',
      'New terminal on prod-eu',
    ]);
  });

  it('shows a feature registered through createRegistry in the navigation, at its hash, in the palette and with its dialog', async () => {
    const user = userEvent.setup();
    renderApp(createFakeBridge(), '#/probe', createRegistry([...features, probeFeature]));
    expect(screen.getByRole('heading', { name: 'Probe page' })).toBeTruthy();
    expect(navLinks().map((a) => a.textContent)).toEqual(['Connections', 'Clusters', 'Probe', 'Rollouts', 'Pipelines', 'DR drills', 'GPUs', 'Alerts', 'Spend', 'Terminal', 'Runbooks', 'Audit']);
    expect(navLinks()[2].getAttribute('aria-current')).toBe('page');

    await user.keyboard('{Control>}k{/Control}');
    await user.type(screen.getByRole('combobox', { name: 'Search commands' }), 'probe');
    expect(options().map((o) => o.textContent)).toEqual(expect.arrayContaining(['Go to Probe', 'Open the probe dialog']));
    await user.click(options().find((o) => o.textContent === 'Open the probe dialog')!);
    const dialog = screen.getByRole('dialog', { name: 'Probe dialog' });
    await user.click(within(dialog).getByRole('button', { name: 'Close probe' }));
    expect(screen.queryByRole('dialog', { name: 'Probe dialog' })).toBeNull();
  });

  it('is not in the app’s registry unless listed', () => {
    renderApp(createFakeBridge(), '#/probe');
    // An unknown hash shows the home page.
    expect(screen.getByRole('heading', { name: 'Connections' })).toBeTruthy();
    expect(navLinks().map((a) => a.textContent)).not.toContain('Probe');
  });

  it('has a handler for every menu command', () => {
    expect(Object.keys(appRegistry.appCommands).sort()).toEqual([...appCommandIds].sort());
  });

  it('refuses a route, dialog or menu command two features register', () => {
    const again = (f: Partial<AnyFeature>): AnyFeature => ({ id: 'again', ...f });
    expect(() => createRegistry([...features, again({ page: { route: 'audit', label: 'Audit 2', navOrder: 1, component: ProbePage } })])).toThrow(
      'Route "audit" is registered by both audit and again',
    );
    expect(() => createRegistry([...features, again({ dialogs: { 'add-aws': ProbeDialog } })])).toThrow('Dialog "add-aws" is registered by both connections and again');
    expect(() => createRegistry([...features, again({ appCommands: { 'go-audit': () => undefined } })])).toThrow('Menu command "go-audit" is registered by both audit and again');
    expect(() => createRegistry([...features, again({ id: 'clusters' })])).toThrow('Feature "clusters" is registered twice');
  });
});
