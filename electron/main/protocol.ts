import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { contentSecurityPolicy } from '../services/app/csp';
import { resolveStaticFile } from '../services/app/staticFiles';

/** The UI is served from app://pilothouse/, not file://, so it has a real origin and a CSP header. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://pilothouse`;

/** Must run before `app.ready`. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer with security headers. */
export function serveRenderer(rendererDir: string): void {
  const headers = {
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const found = url.host === 'pilothouse' ? resolveStaticFile(rendererDir, url.pathname) : undefined;
    if (!found) return new Response('Not found', { status: 404, headers });
    return new Response(await readFile(found.file), { headers: { ...headers, 'Content-Type': found.contentType } });
  });
}
