import { statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/**
 * Maps a URL path to a file under `root`, refusing anything that escapes it.
 * Unknown paths fall back to index.html so client-side routes load.
 */
export function resolveStaticFile(root: string, urlPath: string): { file: string; contentType: string } | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const base = normalize(root + sep);
  const candidate = normalize(join(base, decoded));
  if (!candidate.startsWith(base)) return undefined;
  const isFile = (p: string) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  const file = isFile(candidate) ? candidate : extname(decoded) ? undefined : join(base, 'index.html');
  if (!file || !isFile(file)) return undefined;
  return { file, contentType: TYPES[extname(file)] ?? 'application/octet-stream' };
}
