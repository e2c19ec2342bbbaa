import { describe, expect, it } from 'vitest';
import { TASK_LIST_CASES } from '../../../../../shared/runbookTaskLists.cases';
import { MAX_BODY, MAX_PARTS, renderRunbook } from './renderRunbook';

/** Renders `source` into a detached element, as the page would show it. */
function show(source: string): { root: HTMLElement; rendered: ReturnType<typeof renderRunbook> } {
  const rendered = renderRunbook(source);
  const root = document.createElement('div');
  root.append(rendered.fragment);
  return { root, rendered };
}

/** Nothing in `root` can run script, load from elsewhere, or restyle the app. */
function expectInert(root: HTMLElement): void {
  const banned = 'script, style, iframe, frame, frameset, object, embed, form, svg, math, meta, link, base, button, textarea, select, video, audio, source, track, template, noscript';
  expect(root.querySelectorAll(banned)).toHaveLength(0);
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      expect(attr.name).not.toMatch(/^on/i);
      // Ids are only the anchors the renderer gives headings, prefixed so they cannot clobber the app's.
      if (attr.name === 'id') expect(attr.value).toMatch(/^runbook-/);
      else expect(['style', 'srcset', 'action', 'formaction', 'xlink:href', 'background', 'poster', 'name', 'target']).not.toContain(attr.name);
    }
    if (el instanceof HTMLAnchorElement && el.hasAttribute('href')) expect(el.getAttribute('href')).toMatch(/^(https?:\/\/[^/]|mailto:|#runbook-)/i);
    if (el instanceof HTMLImageElement) expect(el.getAttribute('src')).toMatch(/^data:image\/(png|jpe?g|gif|webp);base64,/i);
    if (el instanceof HTMLInputElement) expect(el.type).toBe('checkbox');
  }
  // A link wrapping a code block or checklist would take its clicks (Run, ticks) as clicks on the link.
  expect(root.querySelectorAll('a :is(pre, input, ul, ol, table, blockquote, h1, h2, h3, h4, h5, h6, div)')).toHaveLength(0);
}

const corpus: [string, string][] = [
  ['script', '<script>alert(1)</script>'],
  ['script in markdown', 'Hello <script src="http://evil.example/x.js"></script> there'],
  ['img onerror', '<img src=x onerror="alert(1)">'],
  ['iframe', '<iframe src="http://evil.example"></iframe>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['svg script', '<svg><script>alert(1)</script></svg>'],
  ['svg onload', '<svg onload="alert(1)"><circle r="4"/></svg>'],
  ['svg use', '<svg><use href="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+#x"/></svg>'],
  ['math', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>'],
  ['math href', '<math href="javascript:alert(1)"><mi>x</mi></math>'],
  ['mXSS noscript', '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'],
  ['style import', '<style>@import url(http://evil.example/x.css);</style>'],
  ['style attribute', '<p style="background:url(http://evil.example/track.png)">hi</p>'],
  ['style position', '<div style="position:fixed;inset:0;z-index:9999">cover</div>'],
  ['link stylesheet', '<link rel=stylesheet href="http://evil.example/x.css">'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=http://evil.example">'],
  ['base href', '<base href="http://evil.example/">'],
  ['form action', '<form action="http://evil.example"><input name=q><button>Go</button></form>'],
  ['button formaction', '<button formaction="javascript:alert(1)">x</button>'],
  ['object', '<object data="http://evil.example/x.swf"></object>'],
  ['embed', '<embed src="http://evil.example/x.swf">'],
  ['video poster', '<video poster="http://evil.example/p.png"><source src="http://evil.example/v.mp4"></video>'],
  ['srcset', '<img src="data:image/png;base64,iVBORw0KGgo=" srcset="http://evil.example/a.png 2x">'],
  ['table background', '<table background="http://evil.example/bg.png"><tr><td>x</td></tr></table>'],
  ['a mixed case javascript', '<a href="jaVaScRiPt:alert(1)">x</a>'],
  ['a entity javascript', '<a href="&#106;avascript:alert(1)">x</a>'],
  ['a hex entity javascript', '<a href="&#x6A;&#x61;vascript&#58;alert(1)">x</a>'],
  ['a tab in javascript', '<a href="java\tscript:alert(1)">x</a>'],
  ['a newline in javascript', '<a href="java&#10;script:alert(1)">x</a>'],
  ['a leading space', '<a href="  javascript:alert(1)">x</a>'],
  ['a vbscript', '<a href="vbscript:msgbox(1)">x</a>'],
  ['a data html', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'],
  ['a file', '<a href="file:///etc/passwd">x</a>'],
  ['a protocol relative', '<a href="//evil.example/x">x</a>'],
  ['a target blank', '<a href="https://example.com" target="_blank" onclick="alert(1)">x</a>'],
  ['a with id clobber', '<a id="getElementById" name="cookie" href="https://example.com">x</a>'],
  ['md link javascript', '[x](javascript:alert(1))'],
  ['md link JAVASCRIPT', '[x](JAVASCRIPT:alert(1))'],
  ['md link entity', '[x](&#106;avascript:alert(1))'],
  ['md link data', '[x](data:text/html,<script>alert(1)</script>)'],
  ['md link file', '[passwd](file:///etc/passwd)'],
  ['md link protocol relative', '[x](//evil.example)'],
  ['md link to a data image', '[x](data:image/png;base64,iVBORw0KGgo=)'],
  ['md link with entity-encoded tab', '[x](java&#9;script:alert(1))'],
  ['md image relative', '![local](../../etc/passwd.png)'],
  ['md image remote', '![diagram](http://evil.example/track.png)'],
  ['md image javascript', '![x](javascript:alert(1))'],
  ['md image svg data', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
  ['reference link javascript', '[click][evil]\n\n[evil]: javascript:alert(1)'],
  ['reference image remote', '![logo][img]\n\n[img]: https://evil.example/logo.png "Logo"'],
  ['autolink javascript', '<javascript:alert(1)>'],
  ['autolink file', '<file:///etc/passwd>'],
  ['autolink http', '<http://example.com/docs>'],
  ['html in code is text', '```html\n<script>alert(1)</script>\n```'],
  ['fence info injection', '```bash" onmouseover="alert(1)\necho hi\n```'],
  ['details handler', '<details open ontoggle="alert(1)"><summary>x</summary>y</details>'],
  ['class of the app', '<div class="overlay modal">fake dialog</div>'],
  ['template', '<template><img src=x onerror=alert(1)></template>'],
  ['input image', '<input type="image" src="http://evil.example/x.png">'],
  ['link wrapping a code block', '<a href="https://evil.example/track">\n\n```sh\nkubectl get pods\n```\n\n</a>'],
  ['link wrapping a checklist', '<a href="https://evil.example/track">\n\n- [ ] tick me\n\n</a>'],
  ['link wrapping a table, quote, heading and div', '<a href="https://evil.example/track">\n\n| a |\n| - |\n| b |\n\n> quoted\n\n## Heading\n\n<div>box</div>\n\n</a>'],
  ['forged checkbox', '<input type="checkbox" data-task="0:0" checked>'],
  ['null bytes', 'a\u0000b <scr\u0000ipt>alert(1)</script> [x](java\u0000script:alert(1))'],
  ['broken UTF-16', 'lone \uD800 high and \uDC00 low surrogates'],
];

describe('renderRunbook: hostile Markdown renders inert', () => {
  it.each(corpus)('%s', (_name, source) => {
    const { root } = show(source);
    expectInert(root);
  });

  it('drops dangerous link targets but keeps the link text', () => {
    const { root } = show('[docs](jaVaScRiPt:alert(1)) <a href="&#106;avascript:alert(1)">two</a> <a href="file:///etc/passwd">three</a>');
    expect(root.textContent).toContain('two');
    expect(root.textContent).toContain('three');
    expect([...root.querySelectorAll('a')].filter((a) => a.hasAttribute('href'))).toHaveLength(0);
  });

  it('keeps http(s), mailto and in-page links', () => {
    const { root } = show('[a](https://kubernetes.io/docs) [b](http://example.com) [c](mailto:oncall@example.com) [d](#rolling-back)\n\n## Rolling back');
    expect([...root.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['https://kubernetes.io/docs', 'http://example.com', 'mailto:oncall@example.com', '#runbook-rolling-back']);
    expect(root.querySelector('h2')?.id).toBe('runbook-rolling-back');
  });

  it('never links text that merely looks like a URL (linkify is off)', () => {
    const { root } = show('see http://example.com and www.example.com');
    expect(root.querySelectorAll('a')).toHaveLength(0);
  });

  it('turns remote images into placeholders that show their alt text and URL', () => {
    const { root } = show('![GPU dashboard](https://grafana.example/d/gpu.png) <img src="http://evil.example/t.gif" alt="tracker">');
    expect(root.querySelectorAll('img')).toHaveLength(0);
    const placeholders = [...root.querySelectorAll('.runbook-image-placeholder')].map((p) => p.textContent);
    expect(placeholders).toEqual(['Image not loaded: GPU dashboard (https://grafana.example/d/gpu.png)', 'Image not loaded: tracker (http://evil.example/t.gif)']);
  });

  it('builds the fragment in a document of its own, so nothing loads before the placeholders are in', () => {
    expect(renderRunbook('![x](https://evil.example/x.png)').fragment.ownerDocument).not.toBe(document);
  });

  it('keeps inline PNG, JPEG, GIF and WebP data images, never SVG', () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const { root } = show(`![dot](${png}) ![j](data:image/jpeg;base64,/9j/4AAQ) ![g](data:image/gif;base64,R0lGODlh) ![w](data:image/webp;base64,UklGRg==) ![s](data:image/svg+xml;base64,PHN2Zz4=) <img src="data:image/svg+xml;base64,PHN2Zz4=" alt="raw svg">`);
    expect([...root.querySelectorAll('img')].map((i) => i.alt)).toEqual(['dot', 'j', 'g', 'w']);
    expect([...root.querySelectorAll('.runbook-image-placeholder')].map((p) => p.textContent)).toEqual(['Image not loaded: raw svg']);
    // markdown-it refuses an SVG data link outright: it stays text.
    expect(root.textContent).toContain('![s](data:image/svg+xml');
  });

  it('shows raw HTML tags inside code as text, highlighted but escaped', () => {
    const { root, rendered } = show('```bash\necho "<img src=x onerror=alert(1)>" && kubectl get pods\n```');
    expect(root.querySelectorAll('img')).toHaveLength(0);
    expect(root.querySelector('pre code')?.textContent).toBe('echo "<img src=x onerror=alert(1)>" && kubectl get pods\n');
    expect(root.querySelector('pre code')?.className).toBe('hljs language-bash');
    expect(root.querySelectorAll('pre code span[class^="hljs-"]').length).toBeGreaterThan(0);
    expect(rendered.codeBlocks.map((b) => [b.language, b.text])).toEqual([['bash', 'echo "<img src=x onerror=alert(1)>" && kubectl get pods\n']]);
  });

  it('highlights the registered languages and shows others as plain text', () => {
    const { rendered } = show(['```yaml\na: 1\n```', '```json\n{"a":1}\n```', '```python\nprint(1)\n```', '```go\nfunc main() {}\n```', '```sql\nSELECT 1;\n```', '```shell\nls\n```', '```cobol\nDISPLAY "HI".\n```', '    indented code'].join('\n\n'));
    expect(rendered.codeBlocks.map((b) => b.language)).toEqual(['yaml', 'json', 'python', 'go', 'sql', 'shell', undefined, undefined]);
    expect(rendered.codeBlocks.at(-1)?.text).toBe('indented code\n');
  });

  it('gives Run only to real code blocks: raw <pre> is shown but not runnable', () => {
    const { root, rendered } = show('<pre data-block="x:0"><code>rm -rf ~</code></pre>\n\n```\nkubectl get pods\n```');
    expect(root.querySelectorAll('pre')).toHaveLength(2);
    expect(rendered.codeBlocks.map((b) => b.text)).toEqual(['kubectl get pods\n']);
  });

  it('makes task list items checkboxes, numbered in document order, and removes forged ones', () => {
    const { root, rendered } = show(['- [ ] cordon the node', '- [x] drain it', '  - [ ] nested step', '- plain item', '<input type="checkbox" data-task="guess:3">', '1. [X] numbered task'].join('\n'));
    expect(rendered.checkboxes).toHaveLength(4);
    expect(root.querySelectorAll('input')).toHaveLength(4);
    expect(rendered.checkboxes.map((c) => c.closest('li')?.textContent?.trim().split('\n')[0])).toEqual(['cordon the node', 'drain it', 'nested step', 'numbered task']);
    expect(root.textContent).not.toContain('[ ]');
  });

  it.each(TASK_LIST_CASES)('shows the checklist items the services count: $name', ({ body, items }) => {
    const { root, rendered } = show(body);
    const ownText = (box: HTMLInputElement) =>
      [...box.closest('li')!.childNodes].filter((n) => !(n instanceof Element && /^(UL|OL)$/.test(n.tagName))).map((n) => n.textContent).join('').trim();
    expect(rendered.checkboxes.map(ownText)).toEqual(items);
    expect(root.querySelectorAll('input')).toHaveLength(items.length);
  });

  it('does not hang or overflow on 10,000 levels of nesting (and 900 levels of indented lists, as much as 1 MB holds)', () => {
    const started = performance.now();
    for (const source of ['>'.repeat(10_000) + ' deep', '- '.repeat(10_000) + 'x', Array.from({ length: 900 }, (_, i) => `${'  '.repeat(i)}- item`).join('\n'), '['.repeat(10_000) + ']('.repeat(10_000), '*'.repeat(50_000) + 'a']) {
      const { root } = show(source);
      expectInert(root);
    }
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('refuses raw HTML nested 10,000 deep with the reason, and renders it 200 deep', () => {
    expect(() => renderRunbook('<div>'.repeat(10_000) + 'x' + '</div>'.repeat(10_000))).toThrow(/nested more than 256 levels/);
    const { root } = show('<div>'.repeat(200) + 'x' + '</div>'.repeat(200));
    expect(root.textContent).toBe('x');
  });

  it('counts nesting as the HTML parser does: tags left open by rule (cells, items, paragraphs) are not nesting', () => {
    const table = '<table>\n' + Array.from({ length: 100 }, (_, i) => `<tr><td>a${i}<td>b${i}`).join('\n') + '\n</table>';
    expect(show(table).root.querySelectorAll('td')).toHaveLength(200);
    const items = '<ul>\n' + Array.from({ length: 300 }, (_, i) => `<li>item ${i}`).join('\n') + '\n</ul>';
    expect(show(items).root.querySelectorAll('li')).toHaveLength(300);
    const paragraphs = '<div>\n' + '<p>para '.repeat(300) + '\n</div>';
    expect(show(paragraphs).root.querySelectorAll('p')).toHaveLength(300);
  });

  it('refuses 10,000 unclosed divs quickly', () => {
    const started = performance.now();
    expect(() => renderRunbook('<div>'.repeat(10_000) + 'x')).toThrow(/nested more than 256 levels/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('renders a very long line', () => {
    const line = 'kubectl '.repeat(100_000);
    const { root } = show(line);
    expect(root.textContent?.length).toBeGreaterThan(700_000);
  });

  it('refuses, quickly and with the reason, a body of more parts than can be drawn without freezing the window', () => {
    const started = performance.now();
    expect(() => renderRunbook(Array.from({ length: MAX_PARTS }, (_, i) => `- [ ] step ${i}`).join('\n'))).toThrow(/parts .* are not rendered/);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('refuses a body over 1 MB with the reason', () => {
    expect(() => renderRunbook('x'.repeat(MAX_BODY + 1))).toThrow(/more than 1 MB/);
  });

  it('replaces NUL and lone surrogates rather than passing them on', () => {
    const { root } = show('a\u0000b \uD800 c');
    expect(root.textContent).not.toContain(String.fromCharCode(0));
    expect(root.textContent).not.toMatch(/[\uD800-\uDFFF]/);
    expect(root.textContent).toContain('\uFFFD');
  });
});
