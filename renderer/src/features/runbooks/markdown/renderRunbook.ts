import DOMPurify, { type Config } from 'dompurify';
import MarkdownItCallable from 'markdown-it';
import { highlightCode, knownLanguage } from './highlight';
import { RUNBOOK_MARKDOWN_OPTIONS } from '../../../../../shared/runbookTaskLists';
import { taskCheckboxes, type TaskEnv } from './taskLists';

/** One code block of a runbook, as its source has it (never read back from the DOM). */
export interface CodeBlock {
  /** The highlighted language, when the fence names one that is. */
  language?: string;
  text: string;
  /** The block's `<pre>` in the rendered fragment. */
  element: HTMLPreElement;
}

/** A runbook body, rendered and sanitised, not yet in the page. */
export interface RenderedRunbook {
  /** Safe to insert: scripts, handlers, styles, frames and remote loads removed. */
  fragment: DocumentFragment;
  /** Fenced and indented code blocks, in document order. */
  codeBlocks: CodeBlock[];
  /** The task-list checkboxes, in document order: `checkboxes[i]` is checklist item i. */
  checkboxes: HTMLInputElement[];
}

/** Bodies larger than this are refused: the contract's own limit for a runbook's file. */
export const MAX_BODY = 1_048_576;
/** Bodies parsed into more Markdown tokens than this are not rendered: the page would freeze for a second or more drawing them. */
export const MAX_PARTS = 20_000;

interface EnvWithBlocks extends TaskEnv {
  blocks: { language?: string; text: string }[];
}

const md = MarkdownItCallable(RUNBOOK_MARKDOWN_OPTIONS);
md.use(taskCheckboxes);
// Code blocks: highlighted, escaped, and marked with this render's nonce so only they get Run and Copy.
const codeRule = (text: string, info: string, env: EnvWithBlocks) => {
  const language = knownLanguage(info);
  const index = env.blocks.push({ language, text }) - 1;
  const lang = language ? ` language-${language}` : '';
  return `<pre data-block="${env.nonce}:${index}"><code class="hljs${lang}">${highlightCode(text, language)}</code></pre>\n`;
};
md.renderer.rules.fence = (tokens, idx, _o, env) => codeRule(tokens[idx].content, tokens[idx].info, env as EnvWithBlocks);
md.renderer.rules.code_block = (tokens, idx, _o, env) => codeRule(tokens[idx].content, '', env as EnvWithBlocks);

/** Links may go to the web, to a mail client, or to a heading of the same runbook; nothing else survives. */
export const SAFE_HREF = /^(?:https?:\/\/[^/\s]|mailto:|#)/i;
/** Pictures that may stay inline: raster images carried in the text itself. SVG never (it can carry script). */
export const SAFE_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp);base64,[a-z0-9+/=\s]*$/i;
/** highlight.js's classes; any other class (e.g. one of the app's own) is dropped. */
const SAFE_CLASS = /^(?:hljs(?:-[a-z0-9_]+)*|language-[a-z0-9]+|[a-z]+_)$/;

const purifyConfig: Config = {
  ALLOWED_TAGS: [
    'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'code', 'dd', 'del', 'details', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'input', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp',
    'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul', 'var',
  ],
  ALLOWED_ATTR: ['href', 'title', 'alt', 'src', 'class', 'colspan', 'rowspan', 'align', 'start', 'type', 'data-task', 'data-block'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ALLOWED_URI_REGEXP: SAFE_HREF,
  // Attributes that are not addresses: exempt from the check above.
  ADD_URI_SAFE_ATTR: ['data-task', 'data-block', 'colspan', 'rowspan', 'start', 'align', 'type'],
  // Checked again after sanitising (remote images become placeholders), so data: is let through for images here.
  ADD_DATA_URI_TAGS: ['img'],
};

const purify = DOMPurify(window);
purify.addHook('uponSanitizeAttribute', (node, data) => {
  if (data.attrName === 'class') data.attrValue = data.attrValue.split(/\s+/).filter((c) => SAFE_CLASS.test(c)).join(' ');
  // `src` is only for images; everything else that reaches here with one (e.g. <input type=image>) loses it.
  if (data.attrName === 'src' && node.nodeName !== 'IMG') data.keepAttr = false;
});

/** What a link may not contain: the blocks that have controls of their own (Run, checkboxes) or hold them. */
const LINK_CANNOT_WRAP = 'pre, input, ul, ol, table, blockquote, h1, h2, h3, h4, h5, h6, div';

/** Raw HTML nested deeper than this is refused: browsers cap it anyway, and sanitising it costs time that grows with depth squared. */
export const MAX_HTML_DEPTH = 256;
/** Past this, the text alone refuses the HTML: parsing nesting this deep costs time that grows with depth squared too. */
const MAX_TEXT_DEPTH = 4 * MAX_HTML_DEPTH;
/** How far down the open tags an end tag, or a tag HTML closes by itself, looks for its match. */
const SCAN = 32;
const VOID_TAGS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const TABLE_PARTS = ['thead', 'tbody', 'tfoot', 'tr', 'td', 'th'];
/** Tags whose end tag is optional: each closes the open `closes` up to the nearest `within` (`<li>` after `<li>` is its sibling). */
const IMPLIED_END: Record<string, { closes: string[]; within: string[] }> = {
  li: { closes: ['li'], within: ['ul', 'ol', 'menu'] },
  dt: { closes: ['dt', 'dd'], within: ['dl'] },
  dd: { closes: ['dt', 'dd'], within: ['dl'] },
  td: { closes: ['td', 'th'], within: ['tr', 'table'] },
  th: { closes: ['td', 'th'], within: ['tr', 'table'] },
  tr: { closes: ['tr', 'td', 'th'], within: ['thead', 'tbody', 'tfoot', 'table'] },
  thead: { closes: TABLE_PARTS, within: ['table'] },
  tbody: { closes: TABLE_PARTS, within: ['table'] },
  tfoot: { closes: TABLE_PARTS, within: ['table'] },
  p: { closes: ['p'], within: [] },
  option: { closes: ['option'], within: ['select', 'datalist', 'optgroup'] },
  optgroup: { closes: ['option', 'optgroup'], within: ['select'] },
};

/** Pops `open` down past the furthest of `names` above the nearest of `within`, looking no further than `SCAN` tags. */
function closeImplied(open: string[], names: string[], within: string[]): void {
  let to = -1;
  for (let i = open.length - 1; i >= Math.max(0, open.length - SCAN) && !within.includes(open[i]); i--) {
    if (names.includes(open[i])) to = i;
  }
  if (to >= 0) open.length = to;
}

/** Pops `open` down past the nearest `tag`, looking no further than `SCAN` tags: a stray end tag closes nothing. */
function closeTag(open: string[], tag: string): void {
  const i = open.lastIndexOf(tag);
  if (i >= 0 && i >= open.length - SCAN) open.length = i;
}

/**
 * How deep the tags of `html` nest, estimated from its text (tags HTML
 * closes by itself close), stopping once past `MAX_TEXT_DEPTH`: cheap, so
 * only HTML that could be shown is parsed.
 */
function textDepth(html: string): number {
  const open: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(\/?)>/g)) {
    const tag = m[2].toLowerCase();
    if (VOID_TAGS.has(tag) || m[3]) continue;
    if (m[1]) {
      closeTag(open, tag);
      continue;
    }
    const implied = IMPLIED_END[tag];
    if (implied) closeImplied(open, implied.closes, implied.within);
    open.push(tag);
    if (open.length > MAX_TEXT_DEPTH) break;
  }
  return open.length;
}

/**
 * How deep the elements of `html` nest, as the HTML parser builds them in an
 * inert document (nothing loads, nothing runs); more than `MAX_HTML_DEPTH`
 * when the text alone shows that, without parsing it.
 */
function htmlDepth(html: string): number {
  const estimate = textDepth(html);
  if (estimate > MAX_TEXT_DEPTH) return estimate;
  const body = new DOMParser().parseFromString(html, 'text/html').body;
  const depths = new Map<Node, number>([[body, 0]]);
  let deepest = 0;
  const walker = body.ownerDocument.createTreeWalker(body, NodeFilter.SHOW_ELEMENT);
  for (let el = walker.nextNode(); el; el = walker.nextNode()) {
    const depth = depths.get(el.parentNode!)! + 1;
    depths.set(el, depth);
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** An image that is not loaded, in its place: what it showed (its alt text) and where it is. */
function imagePlaceholder(img: HTMLImageElement): HTMLElement {
  const doc = img.ownerDocument;
  const box = doc.createElement('span');
  box.className = 'runbook-image-placeholder';
  const src = img.getAttribute('src') ?? '';
  const alt = img.getAttribute('alt') ?? '';
  box.textContent = `Image not loaded${alt ? `: ${alt}` : ''}`;
  if (src && !src.startsWith('data:')) {
    const where = doc.createElement('span');
    where.className = 'mono';
    where.textContent = ` (${src.length > 200 ? `${src.slice(0, 200)}…` : src})`;
    box.append(where);
  }
  box.title = 'Runbooks are shown offline: images from elsewhere are not fetched.';
  return box;
}

/** Lower-case words joined by dashes, for a heading's anchor: "Drain the node" → "drain-the-node". */
export function slugOf(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s+/g, '-')
    .slice(0, 80);
}

/** Where a heading's anchor points: prefixed, so a runbook's ids can never clash with the app's. */
export const anchorId = (slug: string) => `runbook-${slug}`;

/**
 * Renders a runbook's Markdown body for display, offline and safely:
 * markdown-it (raw HTML parsed, nesting bounded), then DOMPurify with a
 * strict allowlist, then a pass over the result: images that are not inline
 * raster data become placeholders, links keep only safe targets, headings get
 * anchors, and code blocks and checkboxes are found by the nonce this render
 * gave them (raw HTML cannot forge one). Throws, with the reason, when the body is too large or its
 * HTML nested too deep.
 */
export function renderRunbook(body: string): RenderedRunbook {
  if (body.length > MAX_BODY) throw new Error(`This runbook is ${Math.ceil(body.length / 1024).toLocaleString()} KB: runbooks of more than 1 MB are not shown.`);
  const env: EnvWithBlocks = { nonce: randomNonce(), blocks: [] };
  const tokens = md.parse(body.replace(LONE_SURROGATE, '\uFFFD'), env);
  const parts = tokens.reduce((n, t) => n + 1 + (t.children?.length ?? 0), 0);
  if (parts > MAX_PARTS) throw new Error(`This runbook has ${parts.toLocaleString()} parts (blocks, list items, links, styled words): runbooks of more than ${MAX_PARTS.toLocaleString()} are not rendered, as drawing them would freeze the window.`);
  const html = md.renderer.render(tokens, md.options, env);
  if (htmlDepth(html) > MAX_HTML_DEPTH) throw new Error(`This runbook's HTML is nested more than ${MAX_HTML_DEPTH} levels deep: it is not shown. Edit it to flatten the HTML.`);
  // Parsed in an inert document: nothing loads until the fragment joins the page, by which time remote images are gone.
  const fragment = purify.sanitize(html, { ...purifyConfig, RETURN_DOM_FRAGMENT: true });

  for (const img of fragment.querySelectorAll('img')) {
    if (!SAFE_IMAGE.test(img.getAttribute('src') ?? '')) img.replaceWith(imagePlaceholder(img));
  }
  // A link around a code block or checklist would turn Run and ticks into clicks on it: such a link gives way to its content.
  for (const a of fragment.querySelectorAll(`a:has(${LINK_CANNOT_WRAP})`)) a.replaceWith(...a.childNodes);
  for (const a of fragment.querySelectorAll('a')) {
    const href = a.getAttribute('href');
    if (href !== null && !SAFE_HREF.test(href)) a.removeAttribute('href');
    if (href?.startsWith('#')) a.setAttribute('href', `#${anchorId(slugOf(decodeURIComponentSafe(href.slice(1))))}`);
  }
  const used = new Set<string>();
  for (const h of fragment.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const slug = slugOf(h.textContent ?? '');
    if (!slug || used.has(slug)) continue;
    used.add(slug);
    h.id = anchorId(slug);
  }

  const codeBlocks: CodeBlock[] = [];
  for (const pre of fragment.querySelectorAll('pre')) {
    const [nonce, index] = (pre.getAttribute('data-block') ?? '').split(':');
    pre.removeAttribute('data-block');
    const block = nonce === env.nonce ? env.blocks[Number(index)] : undefined;
    if (block) codeBlocks.push({ ...block, element: pre });
  }
  const checkboxes: HTMLInputElement[] = [];
  for (const input of fragment.querySelectorAll('input')) {
    // Raw HTML's inputs (forms, fake checkboxes) go; ours are kept, numbered as they are shown.
    if (input.getAttribute('data-task') !== env.nonce || input.getAttribute('type') !== 'checkbox') {
      input.remove();
      continue;
    }
    input.removeAttribute('data-task');
    checkboxes.push(input);
  }
  return { fragment, codeBlocks, checkboxes };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
