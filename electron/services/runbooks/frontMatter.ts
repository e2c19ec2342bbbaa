/**
 * A runbook file read into what the library keeps of it: the front matter
 * (`---` YAML `---` at the top: title, tags, resources, severity) checked
 * through the guarded YAML reader, and the body after it. Everything is bounded; every refusal says what to fix and,
 * where it can, on which line.
 */
import { isScalar, isSeq, type Node } from 'yaml';
import { RunbookSeverity } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { tooLargeMessage } from '../../../shared/sizeLimit';
import { parseSafeYaml, scalarText, type SafeYamlDocument } from '../yaml/safeYaml';
import { formatResourceRef, parseResourceRef } from './resourceRefs';

/** Largest runbook file, in UTF-8 bytes. */
export const MAX_SOURCE_BYTES = 1024 * 1024;
/** Largest front matter, in UTF-8 bytes: a few fields need far less. */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;
export const MAX_TITLE_CHARS = 200;
export const MAX_TAGS = 32;
export const MAX_TAG_CHARS = 64;
export const MAX_RESOURCES = 64;

/** What the library keeps of a runbook's file. */
export interface ParsedRunbook {
  title: string;
  /** Lower case, each once, in the order written. */
  tags: string[];
  /** Kind canonical (`deploy/x` → `deployment/x`), each once. */
  resources: string[];
  severity?: RunbookSeverity;
  /** The file after its front matter. */
  body: string;
}

/** How a runbook is read: the name that stands for it in messages, and its title when nothing else gives one. */
export interface ParseOptions {
  /** A file name without its extension (`drain-node`), used as title when there is no front matter title and no `# heading`. */
  fallbackTitle?: string;
}

const FRONT_MATTER_OPEN = /^---[ \t]*\r?\n/;
const FRONT_MATTER_CLOSE = /^(?:---|\.\.\.)[ \t]*\r?$/m;
// A tag is a word: letters and digits, joined by - _ . + /
const TAG = /^[\p{L}\p{N}](?:[\p{L}\p{N}._+/-]*[\p{L}\p{N}])?$/u;
const HEADING = /^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

// Control characters, and the direction marks that can make a title read other than it is stored.
const UNSHOWN = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
/** A title as one line of visible text. */
const oneLine = (text: string) => text.replace(UNSHOWN, ' ').replace(/\s+/g, ' ').trim();

const invalid = (message: string, line?: number): never => {
  throw new AppError('VALIDATION', message, line === undefined ? undefined : { file: 'front matter', line });
};

/**
 * Refuses text that can't be a runbook as it arrived from a window:
 * over the size limit, with NUL characters or lone surrogates.
 *
 * @throws AppError `VALIDATION`.
 */
export function checkSourceText(source: string): void {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_SOURCE_BYTES) invalid(tooLargeMessage('The runbook', bytes, MAX_SOURCE_BYTES) + '; split it into smaller runbooks');
  if (source.includes('\0')) invalid('The runbook contains NUL characters; remove them (was a binary file pasted?)');
  if (!source.isWellFormed()) invalid('The runbook contains a broken character (a lone UTF-16 surrogate); retype or remove it');
}

/**
 * Reads a runbook's whole file (front matter and body).
 *
 * @throws AppError `VALIDATION` with the reason and, for front matter, its line ("front matter line 3: tags must be a list of words").
 */
export function parseRunbook(source: string, options: ParseOptions = {}): ParsedRunbook {
  checkSourceText(source);
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  let body = text;
  let fields: Omit<ParsedRunbook, 'body' | 'title'> & { title?: string } = { tags: [], resources: [] };
  const open = FRONT_MATTER_OPEN.exec(text);
  if (open) {
    const rest = text.slice(open[0].length);
    const close = FRONT_MATTER_CLOSE.exec(rest);
    if (!close) invalid('The front matter opened by "---" on line 1 is never closed; add a line "---" after it');
    const yamlText = rest.slice(0, close!.index);
    body = rest.slice(close!.index + close![0].length).replace(/^\n/, '');
    fields = readFrontMatter(yamlText);
  }
  return {
    ...fields,
    // A file's name is cleaned as a title is: it can hold a newline, a bell or a direction override.
    title: fields.title ?? firstHeading(body) ?? (oneLine(options.fallbackTitle ?? '').slice(0, MAX_TITLE_CHARS) || 'Untitled runbook'),
    body,
  };
}

function readFrontMatter(yamlText: string) {
  const bytes = Buffer.byteLength(yamlText, 'utf8');
  if (bytes > MAX_FRONT_MATTER_BYTES) {
    invalid(`The front matter is ${Math.ceil(bytes / 1024)} KB; keep it under ${MAX_FRONT_MATTER_BYTES / 1024} KB (it holds a few fields; notes belong in the body)`);
  }
  let doc: SafeYamlDocument;
  try {
    doc = parseSafeYaml(yamlText, {
      label: 'front matter',
      expected: "a runbook's front matter",
      maxBytes: MAX_FRONT_MATTER_BYTES,
      invalidCode: 'VALIDATION',
      // A few fields: no aliases needed, little nesting; refused long before they cost anything.
      limits: { maxAliases: 20, maxFlowDepth: 8, maxIndent: 32, maxEntries: 2_000 },
    });
  } catch (err) {
    // The guarded reader's own codes (YAML_INVALID, FILE_TOO_LARGE) are, for a runbook, one refusal: its front matter is not valid.
    if (err instanceof AppError && err.code !== 'VALIDATION') throw new AppError('VALIDATION', err.message, err.location);
    throw err;
  }
  const root = doc.mapping(doc.root, '');
  const out: Omit<ParsedRunbook, 'body' | 'title'> & { title?: string } = { tags: [], resources: [] };
  if (!root) return out;
  const title = doc.get(root, 'title');
  if (title) {
    const text = scalarString(doc, title, 'title', 'must be text');
    const clean = oneLine(text);
    if (!clean) doc.fail(title, 'title', 'must not be empty');
    if (clean.length > MAX_TITLE_CHARS) doc.fail(title, 'title', `is ${clean.length} characters; keep it under ${MAX_TITLE_CHARS}`);
    out.title = clean;
  }
  const tags = doc.get(root, 'tags');
  if (tags) {
    const items = listOf(doc, tags, 'tags', 'a list of words, e.g. [gpu, serving]', MAX_TAGS);
    const seen = new Set<string>();
    items.forEach((node, i) => {
      const tag = scalarString(doc, node, `tags[${i}]`, 'must be a word').trim().toLowerCase();
      if (tag.length > MAX_TAG_CHARS) doc.fail(node, `tags[${i}]`, `is ${tag.length} characters; a tag has at most ${MAX_TAG_CHARS}`);
      if (!TAG.test(tag)) doc.fail(node, `tags[${i}]`, 'must be one word (letters and digits, joined by - _ . + /)');
      if (!seen.has(tag)) out.tags.push(tag);
      seen.add(tag);
    });
  }
  const resources = doc.get(root, 'resources');
  if (resources) {
    const items = listOf(doc, resources, 'resources', 'a list like [deployment/payments, namespace/ml-serving]', MAX_RESOURCES);
    const seen = new Set<string>();
    items.forEach((node, i) => {
      const text = scalarString(doc, node, `resources[${i}]`, 'must be text like deployment/payments').trim();
      const ref = parseResourceRef(text);
      if (!ref) doc.fail(node, `resources[${i}]`, 'must be kind/name, kind/namespace/name or namespace/name, in lower case (e.g. deployment/payments, deployment/ml/payments, namespace/ml-serving)');
      const formatted = formatResourceRef(ref!);
      if (!seen.has(formatted)) out.resources.push(formatted);
      seen.add(formatted);
    });
  }
  const severity = doc.get(root, 'severity');
  if (severity) {
    const text = scalarString(doc, severity, 'severity', `must be one of ${RunbookSeverity.options.join(', ')}`).trim().toLowerCase();
    const parsed = RunbookSeverity.safeParse(text);
    if (!parsed.success) doc.fail(severity, 'severity', `must be one of ${RunbookSeverity.options.join(', ')}`);
    out.severity = parsed.data;
  }
  return out;
}

function scalarString(doc: SafeYamlDocument, node: Node, field: string, problem: string): string {
  if (!isScalar(node) || (typeof node.value === 'object' && node.value !== null)) doc.fail(node, field, problem);
  return scalarText(node as Parameters<typeof scalarText>[0]);
}

function listOf(doc: SafeYamlDocument, node: Node, field: string, shape: string, max: number): Node[] {
  if (!isSeq(node)) doc.fail(node, field, `must be ${shape}`);
  const items = (node as { items: unknown[] }).items.map((item) => doc.deref(item)).filter((item): item is Node => item !== undefined);
  if (items.length > max) doc.fail(node, field, `has ${items.length} entries; a runbook has at most ${max}`);
  return items;
}

/** The first `# heading` outside a code block, as its text. */
function firstHeading(body: string): string | undefined {
  let fence: string | undefined;
  for (const line of body.split('\n', 2_000)) {
    const f = FENCE.exec(line);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
      continue;
    }
    if (fence) continue;
    const h = HEADING.exec(line.replace(/\r$/, ''));
    if (h) {
      const title = oneLine(h[1]).slice(0, MAX_TITLE_CHARS);
      if (title) return title;
    }
  }
  return undefined;
}
