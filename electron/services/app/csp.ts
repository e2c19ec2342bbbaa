/**
 * The Content-Security-Policy of every page: scripts only from the app itself,
 * no plugins, no framing, no form posts; `connect` limited to the given
 * origins (the browser-mode WebSocket). Styles allow inline because Monaco
 * injects its own.
 */
export function contentSecurityPolicy(connectSources: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectSources.join(' ')}`.trim(),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
