import type { SchemaKind } from '../../../../shared/contract';

/** `apiVersion: apps/v1` or `kind: "Deployment"  # comment` at the start of a line: a document's own fields, not nested ones. */
const FIELD = /^(apiVersion|kind):[ \t]*(?:"([^"]*)"|'([^']*)'|([^\s#]+))/;

/**
 * The distinct (apiVersion, kind) pairs of a multi-document YAML text, in
 * order of first appearance, by a scan of its lines (no parse): only
 * top-level `apiVersion:` and `kind:` lines count, and `---` starts the next
 * document. Cheap enough for a 5 MB spec; a document missing either is left out.
 */
export function scanSpecKinds(text: string): SchemaKind[] {
  const found = new Map<string, SchemaKind>();
  let apiVersion: string | undefined;
  let kind: string | undefined;
  const take = () => {
    if (apiVersion && kind) found.set(`${apiVersion} ${kind}`, { apiVersion, kind });
    apiVersion = kind = undefined;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('---')) {
      take();
      continue;
    }
    const m = FIELD.exec(line);
    if (!m) continue;
    const value = m[2] ?? m[3] ?? m[4];
    if (m[1] === 'apiVersion') apiVersion = value;
    else kind = value;
  }
  take();
  return [...found.values()];
}

/** One key for a set of kinds, to tell when it has changed. */
export const kindsKey = (kinds: readonly SchemaKind[]): string =>
  kinds
    .map((k) => `${k.apiVersion} ${k.kind}`)
    .sort()
    .join('\n');
