/** Schemes a terminal link may open: a web page, never a file, a script or an app's own scheme. */
const OPENABLE = new Set(['http:', 'https:']);

/** The URL if a terminal may open it (http or https, well formed), else null. */
export function openableUrl(uri: string): string | null {
  try {
    const url = new URL(uri);
    return OPENABLE.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * The web-links addon's handler: opens the link in the system browser only
 * when a person clicked it with the main button, and only an http(s) URL.
 * `window.open` reaches Electron's window-open handler, which hands it to
 * the OS; browser mode opens a tab, without access to this page.
 */
export function handleTerminalLink(event: Pick<MouseEvent, 'type' | 'button'>, uri: string, open: (url: string) => void = openInBrowser): boolean {
  // xterm activates a link on the mouseup that ends a click.
  if ((event.type !== 'mouseup' && event.type !== 'click') || event.button !== 0) return false;
  const url = openableUrl(uri);
  if (!url) return false;
  open(url);
  return true;
}

function openInBrowser(url: string): void {
  window.open(url, '_blank', 'noopener,noreferrer');
}
