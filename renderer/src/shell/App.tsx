import { appRegistry } from '../features';
import { useLoadAppInfo } from './appInfoStore';
import { CommandPalette } from './CommandPalette';
import type { Registry } from './feature';
import { Nav } from './Nav';
import { RegistryContext, useRegistry } from './registryContext';
import { useCurrentPage } from './routes';
import { useApplyTheme } from './theme';
import { Toasts } from './Toasts';
import { TopBar } from './TopBar';
import { useUi } from './uiStore';
import { useAppCommands, usePaletteShortcut } from './useAppCommands';

function AppOverlays() {
  const registry = useRegistry();
  const dialog = useUi((s) => s.dialog);
  const paletteOpen = useUi((s) => s.paletteOpen);
  const closeDialog = useUi((s) => s.closeDialog);
  const Dialog = dialog === null ? undefined : registry.dialog(dialog);
  return (
    <>
      {Dialog && <Dialog key={dialog} onClose={closeDialog} />}
      {paletteOpen && <CommandPalette />}
    </>
  );
}

function Frame() {
  const registry = useRegistry();
  useApplyTheme();
  useLoadAppInfo();
  // The registry is fixed while the app runs, so these are the same hooks in the same order on every render.
  for (const f of registry.features) f.useAppEffects?.();
  useAppCommands(registry);
  usePaletteShortcut();
  const page = useCurrentPage(registry);
  const Page = page.component;
  return (
    <div className="app">
      <TopBar />
      <Nav current={page.route} />
      <main className="content">
        <Page key={page.route} />
      </main>
      <AppOverlays />
      <Toasts />
    </div>
  );
}

/**
 * The app frame: top bar, navigation, the current page, app-wide dialogs and
 * toasts, all made up of the features `registry` lists.
 */
export function App({ registry = appRegistry }: { registry?: Registry }) {
  return (
    <RegistryContext.Provider value={registry}>
      <Frame />
    </RegistryContext.Provider>
  );
}
