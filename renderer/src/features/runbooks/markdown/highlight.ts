import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import go from 'highlight.js/lib/languages/go';
import json from 'highlight.js/lib/languages/json';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import yaml from 'highlight.js/lib/languages/yaml';

// The languages runbooks are written in; the rest shows as plain text.
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('yaml', yaml);
hljs.registerLanguage('json', json);
hljs.registerLanguage('python', python);
hljs.registerLanguage('go', go);
hljs.registerLanguage('sql', sql);
hljs.registerLanguage('plaintext', plaintext);
hljs.registerAliases(['shell', 'console', 'terminal'], { languageName: 'bash' });

/** Beyond this a block is shown unhighlighted: highlighting is far slower than reading. */
const HIGHLIGHT_LIMIT = 100_000;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The language a fence's info string names, when it is one that is highlighted (`Bash` → `bash`, `sh` → `bash`). */
export function knownLanguage(info: string): string | undefined {
  const name = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return name && hljs.getLanguage(name) ? name : undefined;
}

/** `code` as HTML: highlight.js spans around escaped text, or escaped text alone. */
export function highlightCode(code: string, language: string | undefined): string {
  if (!language || code.length > HIGHLIGHT_LIMIT) return escapeHtml(code);
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
