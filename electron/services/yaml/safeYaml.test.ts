import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/result';
import { checkPastedText, decodeTextFile, fieldPath, parseSafeYaml, type SafeYamlOptions } from './safeYaml';
import { thrownBy } from '../../../test/support/errors';

const LABEL = 'pipeline.yaml';
const MAX = 10 * 1024 * 1024;
const OPTIONS: SafeYamlOptions = { label: LABEL, expected: 'a pipeline spec', maxBytes: MAX, invalidCode: 'VALIDATION' };

const thrown = (fn: () => unknown) => thrownBy(AppError, fn);

const parse = (text: string, options: Partial<SafeYamlOptions> = {}) => parseSafeYaml(text, { ...OPTIONS, ...options });

describe('decodeTextFile', () => {
  it('decodes UTF-8 and drops a byte-order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('steps: []\n')]);
    expect(decodeTextFile(LABEL, bytes, MAX)).toBe('steps: []\n');
  });

  it('refuses input over the limit in the wording the UI uses', () => {
    const err = thrown(() => decodeTextFile(LABEL, new Uint8Array(MAX + 2.3 * 1024 * 1024), MAX));
    expect(err).toMatchObject({ code: 'FILE_TOO_LARGE', message: 'pipeline.yaml is 12.3 MB; Pilothouse reads at most 10 MB', location: { file: LABEL } });
  });

  it('refuses binary files and hints at UTF-16', () => {
    expect(thrown(() => decodeTextFile(LABEL, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1]), MAX)).code).toBe('NOT_TEXT');
    const err = thrown(() => decodeTextFile(LABEL, new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x3a, 0x00]), MAX));
    expect(err.code).toBe('NOT_TEXT');
    expect(err.message).toContain('UTF-16');
  });

  it('refuses invalid UTF-8', () => {
    expect(thrown(() => decodeTextFile(LABEL, new Uint8Array([0x61, 0xc3, 0x28]), MAX)).code).toBe('NOT_TEXT');
  });
});

describe('checkPastedText', () => {
  it('keeps pasted text as it is, but for a byte-order mark', () => {
    const text = 'name: café 🚀\n';
    expect(checkPastedText('pasted text', text, MAX)).toBe(text);
    expect(checkPastedText('pasted text', `\ufeff${text}`, MAX)).toBe(text);
  });

  it('counts the limit in UTF-8 bytes, as for a file', () => {
    const err = thrown(() => checkPastedText('pasted text', 'é'.repeat(600), 1000));
    expect(err).toMatchObject({ code: 'FILE_TOO_LARGE', location: { file: 'pasted text' } });
    expect(checkPastedText('pasted text', 'é'.repeat(400), 1000)).toHaveLength(400);
  });

  it('refuses NUL characters, as in a binary file', () => {
    const err = thrown(() => checkPastedText('pasted text', 'apiVersion: v1\0\u0001', MAX));
    expect(err).toMatchObject({ code: 'NOT_TEXT', message: "pasted text contains NUL characters, so it isn't a kubeconfig or AWS file's text; paste the text itself." });
  });

  it('turns a lone surrogate into U+FFFD, as encoding it for a file would', () => {
    expect(checkPastedText('pasted text', 'a: \ud800b\n', MAX)).toBe('a: \ufffdb\n');
    expect(checkPastedText('pasted text', 'a: \udfff', MAX)).toBe(new TextDecoder().decode(Buffer.from('a: \udfff')));
  });
});

describe('parseSafeYaml: hostile input', () => {
  it('refuses text over its own limit, counted in UTF-8 bytes', () => {
    expect(thrown(() => parse('é'.repeat(600), { maxBytes: 1000 })).code).toBe('FILE_TOO_LARGE');
    expect(parse('é'.repeat(400), { maxBytes: 1000 }).root).toBeDefined();
  });

  it('refuses an alias bomb ("billion laughs"), naming what was expected', () => {
    const levels = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 10; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
    const err = thrown(() => parse(levels.join('\n')));
    expect(err).toMatchObject({ code: 'YAML_INVALID', location: { file: LABEL } });
    expect(err.message).toContain('far more data than a pipeline spec holds');
  });

  it('refuses more aliases than the limit, which the caller may set', () => {
    const text = `a: &a x\nb: [${Array(20).fill('*a').join(', ')}]\n`;
    expect(parse(text).root).toBeDefined();
    expect(thrown(() => parse(text, { limits: { maxAliases: 10 } })).message).toBe(
      'pipeline.yaml line 2: more than 10 YAML aliases, far more than a pipeline spec needs; refusing to read it',
    );
    expect(thrown(() => parse('a: *nowhere\n')).message).toBe('pipeline.yaml line 1, column 4: alias *nowhere has no anchor &nowhere before it');
  });

  it('refuses deep flow and block nesting before parsing, without hanging', () => {
    expect(thrown(() => parse(`a: ${'['.repeat(4_000_000)}`))).toMatchObject({ code: 'YAML_INVALID', location: { file: LABEL, line: 1 } });
    const block = Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(thrown(() => parse(block)).message).toContain('nested far deeper than a pipeline spec');
    expect(thrown(() => parse(`${'- '.repeat(300)}x`)).code).toBe('YAML_INVALID');
  });

  it('refuses too many lines and flow items before parsing them', () => {
    const lines = Array.from({ length: 130_000 }, (_, i) => `k${i}: 1`).join('\n');
    expect(thrown(() => parse(lines)).message).toBe('pipeline.yaml has over 120,000 lines and list items, far more than a pipeline spec has; refusing to read it');
    expect(thrown(() => parse(`a: [1,1,1,1,1]`, { limits: { maxEntries: 3 } })).code).toBe('YAML_INVALID');
  });

  it('words malformed YAML itself, with line and column, never quoting the input', () => {
    const err = thrown(() => parse('a: "s3cr3t\n'));
    expect(err).toMatchObject({ code: 'YAML_INVALID', location: { file: LABEL, line: expect.any(Number), column: expect.any(Number) } });
    expect(err.message).not.toContain('s3cr3t');
    expect(thrown(() => parse('a: 1\n---\nb: 2\n')).message).toContain('a pipeline spec is a single document');
  });
});

describe('SafeYamlDocument', () => {
  it('reads CRLF files with the same lines as LF ones', () => {
    const doc = parse('a: 1\r\nsteps:\r\n  - name: build\r\n');
    const top = doc.mapping(doc.root, '');
    const steps = top && doc.get(top, 'steps');
    expect(doc.lineOf(steps)).toBe(3);
  });

  it('locates nodes and raises shape problems with the caller code and the field path', () => {
    const doc = parse('steps:\n  - name: build\n    run: 3\n    run: 4\n');
    const top = doc.mapping(doc.root, '');
    expect(top).toBeDefined();
    const steps = doc.get(top!, 'steps');
    expect(doc.locate(steps, 'steps')).toEqual({ file: LABEL, line: 2, column: 3, field: 'steps' });
    const item = (steps as unknown as { items: unknown[] }).items[0];
    const err = thrown(() => doc.mapping(item, 'steps[0]'));
    expect(err).toMatchObject({
      code: 'VALIDATION',
      message: 'pipeline.yaml line 4: steps[0].run appears twice (first at line 3)',
      location: { file: LABEL, line: 4, column: 5, field: 'steps[0].run' },
    });
    expect(thrown(() => doc.fail(steps, 'steps', 'must be a mapping')).message).toBe('pipeline.yaml line 2: steps must be a mapping');
    expect(fieldPath('', 'steps')).toBe('steps');
  });

  it('follows aliases and merge keys, explicit keys winning', () => {
    const doc = parse('base: &base {image: alpine, retries: 1}\nstep:\n  <<: *base\n  retries: 3\n');
    const top = doc.mapping(doc.root, '')!;
    const step = doc.mapping(doc.get(top, 'step'), 'step')!;
    expect(doc.get(step, 'image')?.toJSON()).toBe('alpine');
    expect(doc.get(step, 'retries')?.toJSON()).toBe(3);
  });

  it('an empty or null document has no root', () => {
    expect(parse('# nothing\n').root).toBeUndefined();
    expect(parse('~\n').root).toBeUndefined();
  });
});
