/**
 * The schemas of core kinds that ship with the app
 * (`resources/schemas/*.json.gz`, made by scripts/bundle-core-schemas.mjs):
 * what the editor validates with before a connection's cluster was ever
 * reached. Inlined by Vite as base64 at build time, as the starter runbooks
 * are (runbooks/starters.ts), so the app needs no path to the resources
 * folder at run time; read from the source tree where Vite does not run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

declare global {
  interface ImportMeta {
    /** Vite's build-time glob import of files inlined as data URLs (see runbooks/starters.ts for the `?raw` form). */
    glob(pattern: string, options: { query: '?url&inline'; import: 'default'; eager: true }): Record<string, string>;
  }
}

/** The bundled file: a cut-down OpenAPI v3 document holding the core kinds of every group-version, and where it came from. */
export interface BundledSchemas {
  /** The Kubernetes version the schemas were read from: "v1.34.4". */
  serverVersion: string;
  /** The document, with `components.schemas` as the cluster served them (see openapiSchema.ts). */
  document: unknown;
}

/** Reads the files from the source tree: for scripts run without Vite's transform (tsx benches and tools). */
function filesOnDisk(): Record<string, Buffer> {
  const dir = fileURLToPath(new URL('../../../../resources/schemas/', import.meta.url));
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith('.json.gz'))
      .map((name) => [name, readFileSync(join(dir, name))]),
  );
}

/** The files bundled into this build, by name, as bytes. */
function bundledFiles(): Record<string, Buffer> {
  let inlined: Record<string, string>;
  try {
    // Replaced by the files as `data:…;base64,` URLs when Vite builds (electron-vite) or transforms (vitest) this module.
    inlined = import.meta.glob('../../../../resources/schemas/*.json.gz', { query: '?url&inline', import: 'default', eager: true });
  } catch {
    // Without Vite (tsx), import.meta.glob does not exist.
    return filesOnDisk();
  }
  return Object.fromEntries(Object.entries(inlined).map(([path, url]) => [path.split('/').at(-1)!, Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')]));
}

/**
 * The newest bundled schemas, decompressed and parsed (a few MB of JSON:
 * read once, by the first caller that needs them), or undefined when the
 * build has none.
 */
export function loadBundledSchemas(): BundledSchemas | undefined {
  const files = Object.entries(bundledFiles()).sort(([a], [b]) => (a < b ? 1 : -1));
  if (files.length === 0) return undefined;
  const parsed = JSON.parse(gunzipSync(files[0][1]).toString('utf8')) as { serverVersion?: unknown; document?: unknown };
  return { serverVersion: typeof parsed.serverVersion === 'string' ? parsed.serverVersion : 'unknown', document: parsed.document };
}
