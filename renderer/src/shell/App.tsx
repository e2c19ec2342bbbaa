import { AuditPage } from '../features/audit/AuditPage';
import { ClustersPage } from '../features/clusters/ClustersPage';
import { AddAwsDialog } from '../features/connections/AddAwsDialog';
import { ConnectionsPage } from '../features/connections/ConnectionsPage';
import { useLiveConnections } from '../features/connections/connectionsStore';
import { ImportKubeconfigDialog } from '../features/connections/ImportKubeconfigDialog';
import { useLoadAppInfo } from './appInfoStore';
import { CommandPalette } from './CommandPalette';
import { Nav } from './Nav';
import { PlaceholderPage } from './PlaceholderPage';
import { useRoute, type AppRoute } from './routes';
import { useApplyTheme } from './theme';
import { Toasts } from './Toasts';
import { TopBar } from './TopBar';
import { useUi } from './uiStore';
import { useAppCommands, usePaletteShortcut } from './useAppCommands';

function Page({ route }: { route: AppRoute }) {
  switch (route.id) {
    case 'connections':
      return <ConnectionsPage />;
    case 'clusters':
      return <ClustersPage />;
    case 'audit':
      return <AuditPage />;
    default:
      return <PlaceholderPage title={route.label} summary={route.summary} />;
  }
}

function AppOverlays() {
  const dialog = useUi((s) => s.dialog);
  const paletteOpen = useUi((s) => s.paletteOpen);
  const closeDialog = useUi((s) => s.closeDialog);
  return (
    <>
      {dialog === 'import-kubeconfig' && <ImportKubeconfigDialog onClose={closeDialog} />}
      {dialog === 'add-aws' && <AddAwsDialog onClose={closeDialog} />}
      {paletteOpen && <CommandPalette />}
    </>
  );
}

/** The app frame: top bar, navigation, the current page, app-wide dialogs and toasts. */
export function App() {
  useApplyTheme();
  useLoadAppInfo();
  useLiveConnections();
  useAppCommands();
  usePaletteShortcut();
  const route = useRoute();
  return (
    <div className="app">
      <TopBar />
      <Nav current={route.id} />
      <main className="content">
        <Page route={route} />
      </main>
      <AppOverlays />
      <Toasts />
    </div>
  );
}
