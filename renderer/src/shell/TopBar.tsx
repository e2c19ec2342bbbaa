import { TasksButton } from '../features/tasks/TasksButton';
import { ConnectionSwitcher } from './ConnectionSwitcher';
import { effectiveTheme, useTheme } from './theme';
import { useUi } from './uiStore';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** Product name, connection switcher, task tray, palette and theme buttons. */
export function TopBar() {
  const theme = useTheme(effectiveTheme);
  const toggleTheme = useTheme((s) => s.toggle);
  const openPalette = useUi((s) => s.openPalette);
  return (
    <header className="topbar">
      <span className="brand">Pilothouse</span>
      <ConnectionSwitcher />
      <span className="spacer" />
      <TasksButton />
      <button type="button" onClick={openPalette} aria-keyshortcuts={isMac ? 'Meta+K' : 'Control+K'}>
        Commands <kbd>{isMac ? '⌘K' : 'Ctrl+K'}</kbd>
      </button>
      <button type="button" onClick={toggleTheme}>
        {theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
      </button>
    </header>
  );
}
