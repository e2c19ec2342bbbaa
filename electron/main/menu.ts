import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { EventHub } from '../services/rpc/eventHub';

/** The application menu; commands reach the UI as `app.command` events. */
export function installMenu(hub: EventHub): void {
  const command = (c: 'import-kubeconfig' | 'open-palette' | 'toggle-theme' | 'go-connections' | 'go-audit') => () => hub.publish('app.command', { command: c });
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Import kubeconfig…', accelerator: 'CmdOrCtrl+O', click: command('import-kubeconfig') },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { label: 'Command palette', accelerator: 'CmdOrCtrl+K', click: command('open-palette') },
        { label: 'Connections', accelerator: 'CmdOrCtrl+1', click: command('go-connections') },
        { label: 'Audit log', accelerator: 'CmdOrCtrl+9', click: command('go-audit') },
        { label: 'Toggle light/dark', click: command('toggle-theme') },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
