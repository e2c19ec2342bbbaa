/**
 * Reading YAML that anyone may have written (an imported kubeconfig, a
 * pipeline spec, an object file of a DR archive) without letting it stall or
 * exhaust the services: size, nesting, item and alias limits checked before
 * and while parsing, messages that name the input, line and column but never
 * quote it, and field paths for whatever the caller finds wrong.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Alias, type Document, type ErrorCode as YamlErrorCode, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { AppError, type AppErrorShape, type ErrorCode } from '../../../shared/result';
import { tooLargeMessage } from '../../../shared/sizeLimit';

/** Where in an input a problem is: the input's label, and line, column and field path where known. */
export type YamlLocation = NonNullable<AppErrorShape['location']>;

/** Structural limits, far above what the expected documents need and far below what hurts. */
export interface YamlStructureLimits {
  /** Aliases (`*name`) in the document. */
  maxAliases: number;
  /** `[` / `{` nesting. */
  maxFlowDepth: number;
  /** Leading spaces and block indicators on one line. */
  maxIndent: number;
  /** Lines plus flow-style items (commas). */
  maxEntries: number;
}

/**
 * Limits that suit configuration files. Real kubeconfigs use no aliases and
 * nest about 8 deep; a 2,100-context kubeconfig has ~45k lines.
 */
export const DEFAULT_STRUCTURE_LIMITS: YamlStructureLimits = {
  // yaml resolves each alias in linear time; the cap keeps that cheap, and
  // maxAliasCount then stops expansion bombs.
  maxAliases: 100,
  // yaml's composer recurses per nesting level, and a few MiB of "[[[[" takes
  // seconds or exhausts memory before it fails.
  maxFlowDepth: 64,
  maxIndent: 256,
  // Parse time grows with the number of nodes, not bytes: 10 MiB of tiny keys
  // blocks for ~10 s, 120k lines ~1.3 s.
  maxEntries: 120_000,
};

/** What {@link parseSafeYaml} reads and how it words what it refuses. */
export interface SafeYamlOptions {
  /** Names the input in every message: a path as people write it, "pasted text". */
  label: string;
  /** What the input should be, as messages say it: "a kubeconfig", "a pipeline spec". */
  expected: string;
  /** Largest input, in UTF-8 bytes. */
  maxBytes: number;
  /** The error code of shape problems raised through {@link SafeYamlDocument.fail}, e.g. `KUBECONFIG_INVALID`. */
  invalidCode: ErrorCode;
  /** Overrides of {@link DEFAULT_STRUCTURE_LIMITS}. */
  limits?: Partial<YamlStructureLimits>;
}

/** A YAML mapping being read, with its field path and its keys indexed once ("<<" merges applied). */
export interface YamlMapping {
  field: string;
  node: YAMLMap;
  keys: Map<string, Pair>;
}

/**
 * Refuses input over `maxBytes`, in the wording the UI uses too.
 *
 * @throws AppError `FILE_TOO_LARGE`.
 */
export function checkSize(label: string, bytes: number, maxBytes: number): void {
  if (bytes > maxBytes) throw new AppError('FILE_TOO_LARGE', tooLargeMessage(label, bytes, maxBytes), { file: label });
}

/**
 * Checks that file bytes are text we are willing to parse and decodes them.
 *
 * @returns the UTF-8 text (a leading byte-order mark is dropped).
 * @throws AppError `FILE_TOO_LARGE` over `maxBytes`; `NOT_TEXT` for NUL bytes or invalid UTF-8.
 */
export function decodeTextFile(label: string, bytes: Uint8Array, maxBytes: number): string {
  checkSize(label, bytes.byteLength, maxBytes);
  if (bytes.includes(0)) {
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    // PowerShell's ">" writes UTF-16, the usual way a config file ends up like this.
    const hint = utf16 ? ' It looks like UTF-16 text; save it as UTF-8 and try again.' : ' Choose the text file itself.';
    throw new AppError('NOT_TEXT', `${label} contains NUL bytes, so it isn't a text file.${hint}`, { file: label });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('NOT_TEXT', `${label} isn't UTF-8 text; save it as UTF-8 and try again.`, { file: label });
  }
}

/**
 * {@link decodeTextFile}'s checks for text that arrived as text (pasted),
 * without encoding and decoding it again: a 10 MiB paste would cost two
 * more copies.
 *
 * @returns the text without a leading byte-order mark, a lone surrogate replaced by U+FFFD, as decoding the file would give.
 * @throws AppError `FILE_TOO_LARGE` over `maxBytes` UTF-8 bytes; `NOT_TEXT` for NUL characters.
 */
export function checkPastedText(label: string, text: string, maxBytes: number): string {
  checkSize(label, Buffer.byteLength(text, 'utf8'), maxBytes);
  if (text.includes('\0')) throw new AppError('NOT_TEXT', `${label} contains NUL characters, so it isn't a kubeconfig or AWS file's text; paste the text itself.`, { file: label });
  const unmarked = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return unmarked.isWellFormed() ? unmarked : unmarked.toWellFormed();
}

/**
 * Parses one YAML document within the limits. Duplicate keys are reported by
 * {@link SafeYamlDocument.mapping} as mappings are read (yaml's own check is
 * quadratic in the size of a mapping).
 *
 * @throws AppError `FILE_TOO_LARGE` over `maxBytes`; `YAML_INVALID` for malformed
 * YAML, nesting, entries or aliases over the limits, or aliases that expand to a bomb.
 */
export function parseSafeYaml(text: string, options: SafeYamlOptions): SafeYamlDocument {
  const { label, expected } = options;
  const limits = { ...DEFAULT_STRUCTURE_LIMITS, ...options.limits };
  checkSize(label, Buffer.byteLength(text, 'utf8'), options.maxBytes);
  checkNesting(text, options, limits);
  checkEntryCount(text, options, limits);
  const lc = new LineCounter();
  // Errors are worded here, not by yaml, because yaml quotes source text and that text may be a token.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lc.linePos(error.pos[0]);
    throw new AppError('YAML_INVALID', `${label} line ${line}, column ${col}: ${describeYamlError(error.code, expected)}`, { file: label, line, column: col });
  }
  const aliases = resolveAliases(lc, doc, options, limits.maxAliases);
  if (aliases.size) {
    try {
      doc.toJS({ maxAliasCount: limits.maxAliases });
    } catch {
      throw new AppError('YAML_INVALID', `${label}: its YAML aliases expand to far more data than ${expected} holds (a "billion laughs" attack?); refusing to read it`, { file: label });
    }
  }
  return new SafeYamlDocument(label, options.invalidCode, lc, aliases, doc.contents);
}

/** A parsed document with positions: aliases followed, nodes located, shape problems raised with their field path. */
export class SafeYamlDocument {
  /** The top-level node, aliases followed; undefined for an empty or null document. */
  readonly root: Node | undefined;

  /** @internal Built by {@link parseSafeYaml}. */
  constructor(
    readonly label: string,
    private readonly invalidCode: ErrorCode,
    private readonly lc: LineCounter,
    private readonly aliases: Map<Alias, Node>,
    contents: unknown,
  ) {
    this.root = isNullNode(contents) ? undefined : this.deref(contents);
  }

  /** The node an alias names (the node itself otherwise). */
  deref(node: unknown): Node | undefined {
    if (isAlias(node)) return this.aliases.get(node);
    return (node ?? undefined) as Node | undefined;
  }

  /** The 1-based line a node starts on; 0 when unknown. */
  lineOf(node: unknown): number {
    const start = (node as Node | undefined)?.range?.[0];
    return start === undefined ? 0 : this.lc.linePos(start).line;
  }

  /** Where a node is, as errors carry it. */
  locate(node: unknown, field?: string): YamlLocation {
    const location: YamlLocation = { file: this.label };
    const start = (node as Node | undefined)?.range?.[0];
    if (start !== undefined) {
      const { line, col } = this.lc.linePos(start);
      location.line = line;
      location.column = col;
    }
    if (field !== undefined) location.field = field;
    return location;
  }

  /**
   * Raises a shape problem: "~/.kube/config line 14: users[2].user must be a mapping".
   *
   * @throws AppError with the document's `invalidCode`, always.
   */
  fail(node: unknown, field: string, problem: string): never {
    const location = this.locate(node, field);
    const where = location.line === undefined ? this.label : `${this.label} line ${location.line}`;
    throw new AppError(this.invalidCode, `${where}: ${field} ${problem}`, location);
  }

  /**
   * Reads a mapping (undefined when absent or null) and indexes its keys.
   * "<<" merge keys (YAML 1.1, honoured by kubectl and most tools) apply,
   * explicit keys winning; a key written twice is a shape problem.
   */
  mapping(raw: unknown, field: string): YamlMapping | undefined {
    if (isNullNode(raw)) return undefined;
    const node = this.deref(raw);
    if (isNullNode(node)) return undefined;
    if (!isMap(node)) this.fail(node, field, 'must be a mapping');
    return { field, node, keys: this.indexKeys(node, field, 0) };
  }

  /** The value under `key`, aliases followed; undefined when absent or null. */
  get(o: YamlMapping, key: string): Node | undefined {
    const node = this.deref(o.keys.get(key)?.value);
    return isNullNode(node) ? undefined : node;
  }

  private indexKeys(map: YAMLMap, field: string, depth: number): Map<string, Pair> {
    const keys = new Map<string, Pair>();
    const merges: unknown[] = [];
    for (const pair of map.items as Pair[]) {
      const key = this.deref(pair.key);
      if (!isScalar(key) || key.value === null) continue;
      const name = scalarText(key);
      if (name === '<<') merges.push(pair.value);
      else if (keys.has(name)) this.fail(key, fieldPath(field, name), `appears twice (first at line ${this.lineOf(keys.get(name)?.key)})`);
      else keys.set(name, pair);
    }
    for (const raw of merges) {
      const source = this.deref(raw);
      for (const item of isSeq(source) ? source.items : [source]) {
        const from = this.deref(item);
        if (!isMap(from) || depth > 8) this.fail(from ?? map, fieldPath(field, '<<'), 'must merge a mapping (or a list of them)');
        for (const [name, pair] of this.indexKeys(from, field, depth + 1)) if (!keys.has(name)) keys.set(name, pair);
      }
    }
    return keys;
  }
}

/** Whether a node is absent or an explicit null. */
export function isNullNode(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** A scalar as written: a value like 0777 or 1e3 stays text, not a number. */
export function scalarText(node: Scalar): string {
  return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
}

/** The field path of `key` under `field`: "users[2].user" + "token". */
export function fieldPath(field: string, key: string): string {
  return field ? `${field}.${key}` : key;
}

/**
 * Refuses documents nested far deeper than the expected kind before yaml
 * sees them. Deliberately rough: brackets inside strings count too, which
 * only matters for absurd inputs.
 *
 * @throws AppError `YAML_INVALID`.
 */
export function checkNesting(text: string, { label, expected }: Pick<SafeYamlOptions, 'label' | 'expected'>, limits: YamlStructureLimits): void {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let inIndent = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
      inIndent = true;
      continue;
    }
    // Block nesting shows as indentation plus "- " / "? " / ": " indicators.
    if (inIndent && c !== 32 && c !== 9 && !((c === 45 || c === 63 || c === 58) && /[ \t]/.test(text[i + 1] ?? ''))) {
      inIndent = false;
    }
    if (c === 91 || c === 123) depth++;
    else if ((c === 93 || c === 125) && depth > 0) depth--;
    if ((inIndent && i - lineStart > limits.maxIndent) || depth > limits.maxFlowDepth) {
      throw new AppError('YAML_INVALID', `${label} line ${line}: the document is nested far deeper than ${expected}; refusing to read it`, { file: label, line });
    }
  }
}

/**
 * Refuses documents with far more lines and flow-style items than expected, before the parser spends seconds on them.
 *
 * @throws AppError `YAML_INVALID`.
 */
export function checkEntryCount(text: string, { label, expected }: Pick<SafeYamlOptions, 'label' | 'expected'>, limits: YamlStructureLimits): void {
  let entries = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 44) entries++;
  }
  if (entries > limits.maxEntries) {
    throw new AppError('YAML_INVALID', `${label} has over ${limits.maxEntries.toLocaleString('en')} lines and list items, far more than ${expected} has; refusing to read it`, { file: label });
  }
}

const YAML_PROBLEMS: Partial<Record<YamlErrorCode, string>> = {
  BAD_INDENT: 'the indentation is inconsistent',
  TAB_AS_INDENT: 'a tab is used for indentation; YAML needs spaces',
  MISSING_CHAR: 'a closing quote, bracket, comma or ": " is missing',
  MULTILINE_IMPLICIT_KEY: 'a key runs over more than one line (is a ":" or a quote missing?)',
  BLOCK_AS_IMPLICIT_KEY: 'a nested block is used as a key (is a ":" missing?)',
  UNEXPECTED_TOKEN: 'unexpected text (check the indentation and ":" separators)',
  BAD_SCALAR_START: 'a value starts with a reserved character such as @ or `; quote it',
  BAD_DQ_ESCAPE: 'a double-quoted string has an invalid escape sequence',
  BAD_ALIAS: 'an alias (*name) is malformed',
  RESOURCE_EXHAUSTION: 'the document is nested too deeply',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters',
  TAG_RESOLVE_FAILED: 'a YAML tag (!name) is unknown or its value is malformed',
};

/** yaml's error `code` in words that never quote the input; `expected` names what the input should be ("a pipeline spec"). */
export function describeYamlError(code: YamlErrorCode, expected: string): string {
  if (code === 'MULTIPLE_DOCS') return `there is more than one YAML document ("---"); ${expected} is a single document`;
  return YAML_PROBLEMS[code] ?? `this isn't valid YAML (${code})`;
}

/** Maps each alias to the anchor it names: the last one before it, as YAML defines. */
function resolveAliases(lc: LineCounter, doc: Document, { label, expected }: SafeYamlOptions, maxAliases: number): Map<Alias, Node> {
  const anchors = new Map<string, Node>();
  const aliases = new Map<Alias, Node>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        const { line, col } = lc.linePos(node.range?.[0] ?? 0);
        if (!target) {
          throw new AppError('YAML_INVALID', `${label} line ${line}, column ${col}: alias *${node.source} has no anchor &${node.source} before it`, { file: label, line, column: col });
        }
        if (aliases.size >= maxAliases) {
          throw new AppError('YAML_INVALID', `${label} line ${line}: more than ${maxAliases} YAML aliases, far more than ${expected} needs; refusing to read it`, { file: label, line });
        }
        aliases.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return aliases;
}
