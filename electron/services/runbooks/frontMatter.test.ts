import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/result';
import { MAX_RESOURCES, MAX_TAGS, parseRunbook } from './frontMatter';

/** The AppError a parse throws (fails the test if it does not throw one). */
function refusal(source: string): AppError {
  try {
    parseRunbook(source);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('runbook front matter', () => {
  it('reads title, tags, resources and severity, and keeps the body after the front matter', () => {
    const parsed = parseRunbook('---\ntitle: Drain a GPU node\ntags: [GPU, nodes, gpu]\nresources:\n  - Deployment/payments\n  - deploy/ml/payments\n  - namespaces/ml-serving\nseverity: High\nowner: team-ml\n---\n# Heading\n\n- [ ] one\n- [x] two\n');
    expect(parsed).toEqual({
      title: 'Drain a GPU node',
      tags: ['gpu', 'nodes'],
      resources: ['deployment/payments', 'deployment/ml/payments', 'namespace/ml-serving'],
      severity: 'high',
      body: '# Heading\n\n- [ ] one\n- [x] two\n',
    });
  });

  it('takes the title from the first # heading outside code, else the file name, else a default', () => {
    expect(parseRunbook('```sh\n# not a heading\n```\n## Sub\n# Real title #\n').title).toBe('Real title');
    expect(parseRunbook('---\ntags: [a]\n---\nno heading', { fallbackTitle: 'drain-node' }).title).toBe('drain-node');
    // A file's name is as hostile as a title: one line, no direction overrides, no control characters.
    expect(parseRunbook('no heading', { fallbackTitle: '\u202Egnp.exe\nsecond line\u0007\u2066' }).title).toBe('gnp.exe second line');
    expect(parseRunbook('no heading', { fallbackTitle: '\u202E\u0007 \n' }).title).toBe('Untitled runbook');
    expect(parseRunbook('plain text').title).toBe('Untitled runbook');
    expect(parseRunbook('plain text').tags).toEqual([]);
  });

  it('keeps titles to one line of visible text', () => {
    expect(parseRunbook('---\ntitle: "Drain\\x01 the \\u202Enode\\nnow"\n---\n').title).toBe('Drain the node now');
    expect(parseRunbook('# Head\u2066ing\tone').title).toBe('Head ing one');
  });

  it('accepts CRLF line ends, a byte-order mark, an empty front matter and "..." as its end', () => {
    expect(parseRunbook('\ufeff---\r\ntitle: Windows\r\n---\r\nbody').title).toBe('Windows');
    expect(parseRunbook('---\n---\n# From heading').title).toBe('From heading');
    expect(parseRunbook('---\ntitle: Dots\n...\nbody').body).toBe('body');
  });

  it('refuses invalid fields with the front matter line and what to write', () => {
    const tags = refusal('---\ntitle: x\n\ntags: gpu\n---\n');
    expect(tags.code).toBe('VALIDATION');
    expect(tags.message).toBe('front matter line 3: tags must be a list of words, e.g. [gpu, serving]');
    expect(tags.location).toMatchObject({ line: 3, field: 'tags' });
    expect(refusal('---\ntags: [ok, "two words"]\n---\n').message).toMatch(/^front matter line 1: tags\[1\] must be one word/);
    expect(refusal('---\ntags: [{a: b}]\n---\n').message).toMatch(/tags\[0\] must be a word/);
    expect(refusal('---\nresources: [deployment/Payments]\n---\n').message).toMatch(/resources\[0\] must be kind\/name/);
    expect(refusal('---\nresources: [namespace/a/b]\n---\n').message).toMatch(/resources\[0\]/);
    expect(refusal('---\nresources: [payments]\n---\n').message).toMatch(/resources\[0\]/);
    expect(refusal('---\nseverity: urgent\n---\n').message).toBe('front matter line 1: severity must be one of info, low, medium, high, critical');
    expect(refusal('---\ntitle: [a]\n---\n').message).toBe('front matter line 1: title must be text');
    expect(refusal('---\ntitle: ""\n---\n').message).toMatch(/title must not be empty/);
    expect(refusal(`---\ntitle: ${'x'.repeat(201)}\n---\n`).message).toMatch(/title is 201 characters; keep it under 200/);
    expect(refusal('---\n- a list\n---\n').message).toMatch(/must be a mapping/);
    expect(refusal('---\ntitle: a\ntitle: b\n---\n').message).toMatch(/title appears twice/);
  });

  it('bounds tags and resources', () => {
    const many = (n: number, f: (i: number) => string) => `[${Array.from({ length: n }, (_, i) => f(i)).join(', ')}]`;
    expect(refusal(`---\ntags: ${many(MAX_TAGS + 1, (i) => `t${i}`)}\n---\n`).message).toMatch(/tags has 33 entries; a runbook has at most 32/);
    expect(refusal(`---\ntags: [${'a'.repeat(65)}]\n---\n`).message).toMatch(/a tag has at most 64/);
    expect(refusal(`---\nresources: ${many(MAX_RESOURCES + 1, (i) => `pod/p${i}`)}\n---\n`).message).toMatch(/resources has 65 entries/);
  });

  it('refuses malformed YAML and an unclosed front matter as VALIDATION, with the line', () => {
    const bad = refusal('---\ntitle: ok\ntags: [a, b\n---\n');
    expect(bad.code).toBe('VALIDATION');
    expect(bad.message).toMatch(/^front matter line \d+, column \d+: /);
    expect(refusal('---\ntitle: never closed\n# body').message).toMatch(/never closed; add a line "---"/);
  });

  it('refuses a YAML bomb without expanding it', () => {
    const bomb = ['---', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) bomb.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]`);
    bomb.push('title: boom', '---', 'body');
    const started = performance.now();
    const err = refusal(bomb.join('\n'));
    expect(performance.now() - started).toBeLessThan(500);
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toMatch(/aliases/);
  });

  it('refuses deep nesting and a huge front matter before parsing them', () => {
    expect(refusal(`---\ntitle: ${'['.repeat(5000)}\n---\n`).message).toMatch(/nested far deeper/);
    const indented = Array.from({ length: 40 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(refusal(`---\n${indented}\n---\n`).message).toMatch(/nested far deeper/);
    expect(refusal(`---\ntitle: x\nnotes: "${'y'.repeat(70 * 1024)}"\n---\n`).message).toBe('The front matter is 71 KB; keep it under 64 KB (it holds a few fields; notes belong in the body)');
    expect(refusal(`---\n${'k: 1\n'.repeat(3000)}---\n`).message).toMatch(/over 2,000 lines/);
  });

  it('refuses a source over 1 MiB with its size and the limit, NUL characters and lone surrogates', () => {
    const huge = refusal(`# Big\n${'x'.repeat(5 * 1024 * 1024)}`);
    expect(huge.code).toBe('VALIDATION');
    expect(huge.message).toMatch(/The runbook is 5\.0 MB; Pilothouse reads at most 1 MB/);
    expect(refusal('# a\0b').message).toMatch(/NUL/);
    expect(refusal('# a\ud800b').message).toMatch(/lone UTF-16 surrogate/);
  });
});
