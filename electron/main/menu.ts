import { Menu, type MenuItemConstructorOptions } from 'electron';
import { appCommands, type AppCommandId, type AppCommandSpec } from '../../shared/appCommands';

/** The application menu, built from the one list of commands; each reaches the UI as an `app.command` event. */
export function installMenu(send: (command: AppCommandId) => void): void {
  const items = (menu: AppCommandSpec['menu']): MenuItemConstructorOptions[] =>
    appCommands
      .filter((c) => c.menu === menu)
      .map((c) => ({ label: c.label, ...('accelerator' in c ? { accelerator: c.accelerator } : {}), click: () => send(c.id) }));
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [...items('File'), { type: 'separator' }, process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [...items('View'), { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
