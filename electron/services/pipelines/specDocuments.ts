/**
 * A pipeline spec's text as Kubernetes objects: its YAML documents split
 * within the shared guards (./../yaml/safeYaml.ts), each with its place in the
 * text, so that whatever the server says of a field can be shown on its line.
 * Problems of the text are worded here and never quote it: a spec may hold a
 * Secret.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { MAX_SPEC_BYTES, type SpecProblem } from '../../../shared/contract/pipelines';
import { AppError } from '../../../shared/result';
import { checkEntryCount, checkNesting, checkSize, DEFAULT_STRUCTURE_LIMITS, describeYamlError, isNullNode, scalarText } from '../yaml/safeYaml';

const EXPECTED = 'a pipeline spec';

/**
 * The shared limits with entries scaled to {@link MAX_SPEC_BYTES}: one per 4
 * bytes, so 5 MB of the shortest ordinary lines (`- a`) is read, and so is a
 * ConfigMap holding a CSV (its lines and commas count too). The guard is
 * against yaml's cost per node, which is linear: measured on the shared 2-core
 * machine under load, 5 MB of `- a` lines (1.3M entries) parses in the worker
 * in ~20–55 s with ~260 MB of heap. Flow items cost more: 1.3M of them
 * (`[1,1,…]`) exhaust the worker's 1024 MB heap, which the parse pool reports
 * as too large to read (FILE_TOO_LARGE), the services unaffected.
 */
const SPEC_LIMITS = { ...DEFAULT_STRUCTURE_LIMITS, maxEntries: MAX_SPEC_BYTES / 4 };

/** Where a field is in the spec: 1-based, in the whole text. */
export interface SpecPosition {
  line: number;
  column?: number;
}

/** One non-empty YAML document of a spec that reads as a Kubernetes object. */
export interface SpecDocument {
  /** 0-based among the spec's non-empty documents, those with problems included. */
  index: number;
  /** The line its content starts on. */
  line: number;
  apiVersion: string;
  kind: string;
  name?: string;
  generateName?: string;
  namespace?: string;
  /** The document as plain JSON-able values. */
  object: Record<string, unknown>;
  /**
   * Where a field the server named is written: `spec.template.spec.containers[0].image`,
   * `.spec.replicas`, `metadata.labels[app.kubernetes.io/name]`,
   * `.spec.containers[name="web"].image`, `.metadata.finalizers[="x"]`. As deep as
   * the YAML goes: a field the document leaves out is placed on its deepest
   * written ancestor, else on the document's first line.
   */
  lineOf(fieldPath: string): SpecPosition;
}

/** A spec's documents and the problems of its text. */
export interface ParsedSpec {
  /** The documents that read as objects, in order. */
  documents: SpecDocument[];
  /** YAML syntax errors and documents that are no object, in text order. */
  problems: SpecProblem[];
}

/** One segment of a field path: a key, a list index, or a list item picked by its fields (`[name="web"]`) or value (`[="x"]`). */
export type Segment = { key: string } | { index: number } | { match: Record<string, unknown> } | { value: unknown };

/**
 * Splits a spec into documents. Empty documents (a lone `---`, comments
 * only) are skipped. A leading byte-order mark is dropped; lines and columns
 * count in the text without it, as editors show it.
 *
 * @param label names the spec in errors: its name, or "the spec".
 * @throws AppError `FILE_TOO_LARGE` past {@link MAX_SPEC_BYTES}; `YAML_INVALID` for nesting,
 * lines, aliases over the shared limits or aliases that expand to a bomb.
 */
export function parseSpec(text: string, label: string): ParsedSpec {
  const { documents, problems } = readSpec(text, label);
  return { documents: documents.map((d) => d.document), problems };
}

/**
 * A {@link SpecDocument} as plain data, to cross a thread: its place in the
 * text (offsets in the text without its byte-order mark) rather than the YAML
 * nodes {@link SpecDocument.lineOf} reads, and its object as JSON, which
 * crosses several times faster than the object and is read only if used.
 */
export interface SpecDocumentData extends Omit<SpecDocument, 'lineOf' | 'object'> {
  /**
   * {@link SpecDocument.object} as JSON: what is sent to the server is the
   * same (a YAML 1.1 timestamp is its ISO text either way).
   */
  json: string;
  /** The column its content starts at, with {@link SpecDocument.line}: where a field it does not write is placed. */
  column: number;
  /** Where the document starts and ends in the text. */
  start: number;
  end: number;
  /** The line `start` is on. */
  startLine: number;
  /** An item of a List: `start` is the item's, within its List's document. */
  item?: true;
}

/** A {@link ParsedSpec} as plain data (see {@link SpecDocumentData}). */
export interface ParsedSpecData {
  documents: SpecDocumentData[];
  problems: SpecProblem[];
}

/** {@link parseSpec} as plain data: what a worker thread sends back. Throws as parseSpec does. */
export function parseSpecData(text: string, label: string): ParsedSpecData {
  const { documents, problems } = readSpec(text, label);
  return {
    documents: documents.map(({ document: { lineOf: _lineOf, object, ...fields }, column, start, end, startLine, item }) => ({
      ...fields,
      json: JSON.stringify(object),
      column,
      start,
      end,
      startLine,
      ...(item ? { item } : {}),
    })),
    problems,
  };
}

/**
 * The {@link ParsedSpec} of `text` from its {@link parseSpecData}: each
 * document's `object` is read from its JSON and its `lineOf` parses that
 * document's part of the text again, each on first use only, so a spec read
 * elsewhere costs here only what is used of it (a save reads neither).
 */
export function specFromData(text: string, data: ParsedSpecData): ParsedSpec {
  const source = withoutBom(text);
  return {
    documents: data.documents.map(({ json, column, start, end, startLine, item, ...fields }): SpecDocument => {
      let locate: ((segments: Segment[]) => SpecPosition | undefined) | undefined;
      let object: Record<string, unknown> | undefined;
      const position = { line: fields.line, column };
      return {
        ...fields,
        get object() {
          return (object ??= JSON.parse(json) as Record<string, unknown>);
        },
        lineOf(fieldPath) {
          locate ??= documentLocator(source, start, end, startLine, item);
          return locate(parseFieldPath(fieldPath)) ?? position;
        },
      };
    }),
    problems: data.problems,
  };
}

/**
 * Finds fields in the document at `start`–`end` of `source`, parsed alone.
 * The part parsed starts at the beginning of `start`'s line, so columns are
 * those of the whole text, and lines are shifted by the lines before it. A
 * List's item has what precedes it on its line (`- `, `items: [`) blanked, so
 * it parses as the mapping it is.
 */
function documentLocator(source: string, start: number, end: number, startLine: number, item?: true): (segments: Segment[]) => SpecPosition | undefined {
  const from = source.lastIndexOf('\n', start - 1) + 1;
  const lc = new LineCounter();
  const part = item ? ' '.repeat(start - from) + source.slice(start, end) : source.slice(from, end);
  const parsed = parseAllDocuments(part, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, merge: true });
  const doc = 'empty' in parsed ? undefined : parsed.find((d) => isMap(d.contents));
  const root = doc?.contents;
  if (!doc || !isMap(root)) return () => undefined;
  const at = (offset: number): SpecPosition => {
    const { line, col } = lc.linePos(offset);
    return { line: line + startLine - 1, column: col };
  };
  return (segments) => locateField(root, doc, segments, at);
}

const withoutBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** A document read, with its place in the text. */
interface ReadDocument {
  document: SpecDocument;
  column: number;
  start: number;
  end: number;
  startLine: number;
  item?: true;
}

/** {@link parseSpec}, keeping each document's place in the text. */
function readSpec(text: string, label: string): { documents: ReadDocument[]; problems: SpecProblem[] } {
  checkSize(label, Buffer.byteLength(text, 'utf8'), MAX_SPEC_BYTES);
  const source = withoutBom(text);
  const lc = new LineCounter();
  const nul = source.indexOf('\0');
  if (nul !== -1) {
    // yaml would read on past it; the text is not what the user thinks it is (a binary file pasted?).
    const where = positionOf(source, nul);
    return { documents: [], problems: [problem(where, 'The text holds a NUL character, which YAML cannot; remove it (was a binary file pasted?)')] };
  }
  const guard = { label, expected: EXPECTED };
  checkNesting(source, guard, SPEC_LIMITS);
  checkEntryCount(source, guard, SPEC_LIMITS);
  // uniqueKeys off: yaml's own check is quadratic in a mapping's size; duplicates are found below.
  // merge on: kubectl honours "<<" (YAML 1.1), so the objects sent must too.
  const parsed = parseAllDocuments(source, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, merge: true });
  const problems: SpecProblem[] = [];
  const documents: ReadDocument[] = [];
  const at = (offset: number): SpecPosition => {
    const { line, col } = lc.linePos(offset);
    return { line, column: col };
  };
  // A stream with no document (comments only) still carries its own errors.
  if ('empty' in parsed) for (const error of parsed.errors) problems.push(problem(at(error.pos[0]), describeYamlError(error.code, EXPECTED)));
  let index = 0;
  for (const doc of parsed) {
    const syntax = doc.errors.map((error) => problem(at(error.pos[0]), describeYamlError(error.code, EXPECTED)));
    problems.push(...syntax);
    if (isNullNode(doc.contents) && !syntax.length) continue;
    const position = at(doc.contents?.range?.[0] ?? doc.range[0]);
    if (syntax.length) {
      index++;
      continue;
    }
    const read = readDocument(doc, label, at, position, index);
    index += read.indexes;
    problems.push(...read.problems);
    for (const { document, item, column } of read.documents) {
      const [start, , end] = item?.range ?? doc.range;
      documents.push({ document, column: column ?? 1, start, end, startLine: at(start).line, ...(item ? { item: true as const } : {}) });
    }
  }
  problems.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
  return { documents, problems };
}

/** The distinct kinds of a spec's documents ("apps/v1 Deployment"), in order of first appearance. */
export function specKinds(spec: Pick<ParsedSpec, 'documents'>): string[] {
  return [...new Set(spec.documents.map((d) => `${d.apiVersion} ${d.kind}`))];
}

/**
 * Parses an apiserver field path into segments. Dots inside a bracket stay
 * in it; a dotted key the server printed without brackets
 * (`.metadata.labels.app.kubernetes.io/name`) is rejoined against the YAML in {@link SpecDocument.lineOf}.
 */
export function parseFieldPath(fieldPath: string): Segment[] {
  const segments: Segment[] = [];
  let i = fieldPath.startsWith('.') ? 1 : 0;
  let key = '';
  const flush = () => {
    if (key) segments.push({ key });
    key = '';
  };
  while (i < fieldPath.length) {
    const c = fieldPath[i];
    if (c === '.') {
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const end = closingBracket(fieldPath, i);
      segments.push(bracketSegment(fieldPath.slice(i + 1, end)));
      i = end + 1;
    } else {
      key += c;
      i++;
    }
  }
  flush();
  return segments;
}

/** The `]` that closes the bracket at `open`, skipping quoted strings; the end of the text when there is none. */
function closingBracket(path: string, open: number): number {
  let quoted = false;
  for (let i = open + 1; i < path.length; i++) {
    const c = path[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ']' && !quoted) return i;
  }
  return path.length;
}

function bracketSegment(inner: string): Segment {
  if (/^\d+$/.test(inner)) return { index: Number(inner) };
  if (inner.startsWith('=')) return { value: jsonValue(inner.slice(1)) };
  // `name="web"` or `containerPort=80,protocol="TCP"`: structured-merge-diff's keyed list items.
  const pairs = [...inner.matchAll(/([A-Za-z0-9_$-]+)=("(?:[^"\\]|\\.)*"|[^,]*)(?:,|$)/g)];
  if (pairs.length && pairs.map((m) => m[0]).join('') === inner) {
    return { match: Object.fromEntries(pairs.map((m) => [m[1], jsonValue(m[2])])) };
  }
  // `[app.kubernetes.io/name]`: a map key with dots, as validation errors print it.
  return { key: inner.replace(/^"(.*)"$/, '$1') };
}

function jsonValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function problem(where: SpecPosition, message: string, field?: string): SpecProblem {
  return { line: where.line, ...(where.column ? { column: where.column } : {}), ...(field ? { field } : {}), message, severity: 'error' };
}

/** Line and column of `offset` in `text`, for problems found before yaml has counted lines. */
function positionOf(text: string, offset: number): SpecPosition {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** A document read: its object, and for an item of a List, the item's node (its place in the text). */
interface ReadObject {
  document: SpecDocument;
  column?: number;
  item?: Node;
}

/**
 * Checks one document's aliases, keys and object shape, and builds it. A List
 * (`kubectl get -o yaml` writes `v1 List`) is its items, each a document of
 * its own, as kubectl applies it, placed on the item's lines.
 *
 * @returns the documents and problems, and how many document indexes they took.
 */
function readDocument(
  doc: Document,
  label: string,
  at: (offset: number) => SpecPosition,
  position: SpecPosition,
  index: number,
): { documents: ReadObject[]; problems: SpecProblem[]; indexes: number } {
  const problems: SpecProblem[] = [];
  checkAliasesAndKeys(doc, label, at, problems);
  if (problems.length) return { documents: [], problems, indexes: 1 };
  const root = doc.contents;
  if (!isMap(root)) {
    const shape = isSeq(root) ? 'a list' : isAlias(root) ? 'an alias' : 'a single value';
    return { documents: [], problems: [problem(position, `Document ${index + 1} is ${shape}, not a Kubernetes object: an object is a mapping with apiVersion, kind and metadata`)], indexes: 1 };
  }
  let object: Record<string, unknown>;
  try {
    object = doc.toJS({ maxAliasCount: DEFAULT_STRUCTURE_LIMITS.maxAliases }) as Record<string, unknown>;
  } catch {
    throw new AppError('YAML_INVALID', `${label} line ${position.line}: its YAML aliases expand to far more data than ${EXPECTED} holds (a "billion laughs" attack?); refusing to read it`, {
      file: label,
      line: position.line,
    });
  }
  const items = pairOf(root, 'items')?.value;
  if (typeof object.kind === 'string' && object.kind.endsWith('List') && typeof object.apiVersion === 'string' && isSeq(items) && Array.isArray(object.items)) {
    const documents: ReadObject[] = [];
    (object.items as unknown[]).forEach((value, i) => {
      const raw = items.items[i] as Node | undefined;
      const node = isAlias(raw) ? raw.resolve(doc) : raw;
      const itemPosition = startOf(raw ?? null, at) ?? position;
      if (!isMap(node) || typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push(problem(itemPosition, `Item ${i + 1} of the ${object.kind} is not a Kubernetes object: an object is a mapping with apiVersion, kind and metadata`, `items[${i}]`));
        return;
      }
      const read = readObject(doc, node, value as Record<string, unknown>, at, itemPosition, index + i, problems);
      if (read) documents.push({ document: read, column: itemPosition.column, item: raw });
    });
    return { documents, problems, indexes: object.items.length };
  }
  const read = readObject(doc, root, object, at, position, index, problems);
  return { documents: read ? [{ document: read, column: position.column }] : [], problems, indexes: 1 };
}

/** Checks an object's apiVersion, kind and metadata (the mapping `root` of `doc` is where it is written) and builds it; undefined when `problems` were added. */
function readObject(
  doc: Document,
  root: YAMLMap,
  object: Record<string, unknown>,
  at: (offset: number) => SpecPosition,
  position: SpecPosition,
  index: number,
  problems: SpecProblem[],
): SpecDocument | undefined {
  const before = problems.length;
  const nth = `Document ${index + 1}`;
  const lineOf = (fieldPath: string) => locateField(root, doc, parseFieldPath(fieldPath), at) ?? position;
  const text = (field: string, value: unknown, required: boolean): string | undefined => {
    if (value === undefined || value === null) {
      if (required) problems.push(problem(lineOf(field.split('.').slice(0, -1).join('.')), `${nth} has no ${field}`, field));
      return undefined;
    }
    if (typeof value !== 'string' || value === '') {
      problems.push(problem(lineOf(field), `${field} must be ${typeof value === 'string' ? 'a non-empty string' : 'a string'}`, field));
      return undefined;
    }
    return value;
  };
  const apiVersion = text('apiVersion', object.apiVersion, true);
  const kind = text('kind', object.kind, true);
  const metadata = object.metadata;
  let name: string | undefined;
  let generateName: string | undefined;
  let namespace: string | undefined;
  if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    problems.push(problem(lineOf('metadata'), 'metadata must be a mapping', 'metadata'));
  } else {
    const meta = (metadata ?? {}) as Record<string, unknown>;
    generateName = text('metadata.generateName', meta.generateName, false);
    name = text('metadata.name', meta.name, generateName === undefined && !problems.slice(before).some((p) => p.field === 'metadata.generateName'));
    namespace = text('metadata.namespace', meta.namespace, false);
  }
  if (problems.length > before || apiVersion === undefined || kind === undefined) return undefined;
  return { index, line: position.line, apiVersion, kind, name, generateName, namespace, object, lineOf };
}

/**
 * Finds aliases without an anchor before them and keys written twice in one
 * mapping (one pass, linear), each as a problem; refuses more aliases than the
 * shared limit.
 */
function checkAliasesAndKeys(doc: Document, label: string, at: (offset: number) => SpecPosition, problems: SpecProblem[]): void {
  const anchors = new Set<string>();
  let aliases = 0;
  // One visitor for every node: yaml calls only the most specific of Map and Node.
  visit(doc, (_key, node) => {
    if (isMap(node)) {
      const seen = new Map<string, Node>();
      for (const pair of node.items as Pair[]) {
        const key = pair.key;
        if (!isScalar(key) || key.value === null) continue;
        const name = scalarText(key);
        if (name === '<<') continue;
        const first = seen.get(name);
        if (first) {
          const firstLine = at(first.range?.[0] ?? 0).line;
          problems.push(problem(at(key.range?.[0] ?? 0), `The key "${name.slice(0, 100)}" appears twice in this mapping (first at line ${firstLine}); Kubernetes refuses duplicate keys`));
        } else seen.set(name, key);
      }
    }
    if (isAlias(node)) {
      if (!anchors.has(node.source)) problems.push(problem(at(node.range?.[0] ?? 0), `The alias *${node.source} has no anchor &${node.source} before it`));
      aliases++;
      if (aliases > DEFAULT_STRUCTURE_LIMITS.maxAliases) {
        const { line } = at(node.range?.[0] ?? 0);
        throw new AppError('YAML_INVALID', `${label} line ${line}: more than ${DEFAULT_STRUCTURE_LIMITS.maxAliases} YAML aliases in one document, far more than ${EXPECTED} needs; refusing to read it`, { file: label, line });
      }
    } else if ((isMap(node) || isSeq(node) || isScalar(node)) && node.anchor) anchors.add(node.anchor);
  });
}

/** Where a key or item of a node starts. */
function startOf(node: Node | Pair['key'], at: (offset: number) => SpecPosition): SpecPosition | undefined {
  const start = (node as Node | null)?.range?.[0];
  return start === undefined ? undefined : at(start);
}

/** The deepest written node along `segments`, as a position; undefined when not even the first segment is written. */
function locateField(root: YAMLMap, doc: Document, segments: Segment[], at: (offset: number) => SpecPosition): SpecPosition | undefined {
  let node: unknown = root;
  let found: SpecPosition | undefined;
  for (let i = 0; i < segments.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const segment = segments[i];
    if ('key' in segment && isMap(node)) {
      // A dotted key printed without brackets spans several segments: take the longest run that is a key.
      let pair: Pair | undefined;
      let used = 0;
      let joined = '';
      for (let j = i; j < segments.length; j++) {
        const part = segments[j];
        if (!('key' in part)) break;
        joined = j === i ? part.key : `${joined}.${part.key}`;
        const candidate = pairOf(node, joined);
        if (candidate) {
          pair = candidate;
          used = j - i;
        }
      }
      if (!pair) return found;
      found = startOf(pair.key as Node, at) ?? found;
      node = pair.value;
      i += used;
    } else if (isSeq(node) && !('key' in segment)) {
      const item = itemOf(node.items, segment, doc);
      if (item === undefined) return found;
      found = startOf(item as Node, at) ?? found;
      node = item;
    } else return found;
  }
  return found;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return (map.items as Pair[]).find((p) => isScalar(p.key) && p.key.value !== null && scalarText(p.key) === key);
}

function itemOf(items: unknown[], segment: Segment, doc: Document): unknown {
  if ('index' in segment) return items[segment.index];
  const plain = (item: unknown): unknown => (isAlias(item) ? item.resolve(doc) : item);
  if ('value' in segment) return items.find((item) => isScalar(plain(item)) && sameScalar((plain(item) as { value: unknown }).value, segment.value));
  if ('match' in segment) {
    return items.find((item) => {
      const map = plain(item);
      if (!isMap(map)) return false;
      return Object.entries(segment.match).every(([k, v]) => {
        const value = pairOf(map, k)?.value;
        return isScalar(value) && sameScalar(value.value, v);
      });
    });
  }
  return undefined;
}

/** A YAML scalar against a value the server printed: `80` matches `"80"` too, as the server may print either. */
function sameScalar(a: unknown, b: unknown): boolean {
  return a === b || String(a) === String(b);
}
