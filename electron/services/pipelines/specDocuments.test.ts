import { describe, expect, it } from 'vitest';
import { MAX_SPEC_BYTES } from '../../../shared/contract/pipelines';
import { AppError } from '../../../shared/result';
import { parseFieldPath, parseSpec, parseSpecData, specFromData, specKinds } from './specDocuments';

const LABEL = 'web.yaml';

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

const DEPLOYMENT = `# the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: sidecar
          image: envoy
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
              protocol: TCP
      finalizers: [a, b]
`;

describe('parseSpec: documents', () => {
  it('splits documents, skipping empty ones, with the line each starts on and its identity', () => {
    const text = `---\n# nothing here\n---\n${DEPLOYMENT}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: cfg-\n  namespace: team-a\ndata:\n  k: v\n---\n`;
    const spec = parseSpec(text, LABEL);
    expect(spec.problems).toEqual([]);
    expect(spec.documents.map(({ index, line, apiVersion, kind, name, generateName, namespace }) => ({ index, line, apiVersion, kind, name, generateName, namespace }))).toEqual([
      { index: 0, line: 5, apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', generateName: undefined, namespace: undefined },
      { index: 1, line: 25, apiVersion: 'v1', kind: 'ConfigMap', name: undefined, generateName: 'cfg-', namespace: 'team-a' },
    ]);
    expect(spec.documents[1].object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cfg-', namespace: 'team-a' }, data: { k: 'v' } });
    expect(specKinds(spec)).toEqual(['apps/v1 Deployment', 'v1 ConfigMap']);
  });

  it('lists each kind once, in order of first appearance', () => {
    const doc = (kind: string, name: string) => `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n`;
    const spec = parseSpec([doc('Service', 'a'), doc('ConfigMap', 'b'), doc('Service', 'c')].join('---\n'), LABEL);
    expect(specKinds(spec)).toEqual(['v1 Service', 'v1 ConfigMap']);
  });

  it('an empty text, or one of comments, has no documents and no problems', () => {
    expect(parseSpec('', LABEL)).toEqual({ documents: [], problems: [] });
    expect(parseSpec('# only a comment\n---\n', LABEL)).toEqual({ documents: [], problems: [] });
  });

  it('applies merge keys as kubectl does, explicit keys winning', () => {
    const spec = parseSpec('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\nbase: &b {x: 1, y: 2}\ndata:\n  <<: *b\n  y: "3"\n', LABEL);
    expect(spec.problems).toEqual([]);
    expect(spec.documents[0].object.data).toEqual({ x: 1, y: '3' });
  });
});

describe('parseSpec: a List', () => {
  const LIST = `apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    replicas: 2
- {apiVersion: v1, kind: ConfigMap, metadata: {name: env}, data: {a: b}}
---
apiVersion: v1
kind: Service
metadata:
  name: web
`;

  it('reads its items as documents, as kubectl applies them, each on its own lines, inline and through the worker\'s data', () => {
    for (const spec of [parseSpec(LIST, LABEL), specFromData(LIST, parseSpecData(LIST, LABEL))]) {
      expect(spec.problems).toEqual([]);
      expect(spec.documents.map((d) => [d.index, d.line, d.kind, d.name])).toEqual([
        [0, 6, 'Deployment', 'web'],
        [1, 12, 'ConfigMap', 'env'],
        [2, 14, 'Service', 'web'],
      ]);
      expect(spec.documents[0].object).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } });
      expect(spec.documents[0].lineOf('spec.replicas')).toEqual({ line: 11, column: 5 });
      expect(spec.documents[1].lineOf('data.a')).toEqual({ line: 12, column: 67 });
      expect(spec.documents[2].lineOf('metadata.name')).toEqual({ line: 17, column: 3 });
    }
  });

  it('places the problems of an item on the item\'s lines', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    labels: {}\n- just text\n';
    expect(parseSpec(text, LABEL)).toEqual({
      documents: [],
      problems: [
        { line: 6, column: 3, field: 'metadata.name', message: 'Document 1 has no metadata.name', severity: 'error' },
        { line: 8, column: 3, field: 'items[1]', message: 'Item 2 of the List is not a Kubernetes object: an object is a mapping with apiVersion, kind and metadata', severity: 'error' },
      ],
    });
  });
});

describe('parseSpec: problems', () => {
  it('reports a document that is a list or a value, not an object, and goes on with the others', () => {
    const spec = parseSpec(`- a\n- b\n---\nplain words\n---\n${DEPLOYMENT}`, LABEL);
    expect(spec.problems.map((p) => [p.line, p.message])).toEqual([
      [1, 'Document 1 is a list, not a Kubernetes object: an object is a mapping with apiVersion, kind and metadata'],
      [4, 'Document 2 is a single value, not a Kubernetes object: an object is a mapping with apiVersion, kind and metadata'],
    ]);
    expect(spec.documents.map((d) => [d.index, d.name])).toEqual([[2, 'web']]);
  });

  it('reports a missing apiVersion, kind or name where it belongs, and a name of the wrong type', () => {
    const spec = parseSpec('kind: Pod\nmetadata:\n  labels: {}\n---\napiVersion: v1\nkind: 3\nmetadata:\n  name: [x]\n', LABEL);
    expect(spec.documents).toEqual([]);
    expect(spec.problems.map((p) => [p.line, p.field, p.message])).toEqual([
      [1, 'apiVersion', 'Document 1 has no apiVersion'],
      [2, 'metadata.name', 'Document 1 has no metadata.name'],
      [6, 'kind', 'kind must be a string'],
      [8, 'metadata.name', 'metadata.name must be a string'],
    ]);
  });

  it('takes generateName in place of a name', () => {
    const spec = parseSpec('apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: run-\n', LABEL);
    expect(spec.problems).toEqual([]);
    expect(spec.documents[0]).toMatchObject({ generateName: 'run-', name: undefined });
  });

  it('reports duplicate keys at the second one, naming the first line, without quoting values', () => {
    const spec = parseSpec('apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: s3cr3t-one\n  token: s3cr3t-two\n', LABEL);
    expect(spec.documents).toEqual([]);
    expect(spec.problems).toEqual([
      { line: 7, column: 3, message: 'The key "token" appears twice in this mapping (first at line 6); Kubernetes refuses duplicate keys', severity: 'error' },
    ]);
    expect(JSON.stringify(spec.problems)).not.toContain('s3cr3t');
  });

  it('words syntax errors with line and column of the whole text, never quoting it', () => {
    const spec = parseSpec(`${DEPLOYMENT}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: "s3cr3t\n`, LABEL);
    expect(spec.problems.length).toBeGreaterThan(0);
    // An unclosed quote is noticed where the text ends.
    expect(spec.problems[0]).toMatchObject({ line: 28, column: 1, severity: 'error' });
    expect(JSON.stringify(spec.problems)).not.toContain('s3cr3t');
    // The good document before it still reads.
    expect(spec.documents.map((d) => d.name)).toEqual(['web']);
  });

  it('says a tab used for indentation is one', () => {
    const spec = parseSpec('apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n', LABEL);
    expect(spec.problems[0]).toMatchObject({ line: 4, message: expect.stringContaining('tab') });
  });

  it('reports an alias with no anchor', () => {
    const spec = parseSpec('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: *nowhere\n', LABEL);
    expect(spec.problems).toEqual([{ line: 4, column: 9, message: 'The alias *nowhere has no anchor &nowhere before it', severity: 'error' }]);
  });

  it('reports a NUL character where it is, and reads nothing', () => {
    const spec = parseSpec('apiVersion: v1\nkind: Config\0Map\n', LABEL);
    expect(spec).toEqual({ documents: [], problems: [{ line: 2, column: 13, message: expect.stringContaining('NUL'), severity: 'error' }] });
  });
});

describe('parseSpec: hostile input', () => {
  it('refuses a spec over 5 MB, counted in UTF-8 bytes, and takes one of exactly 5 MB', () => {
    const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  k: ';
    const exact = head + 'x'.repeat(MAX_SPEC_BYTES - head.length) ;
    expect(parseSpec(exact, LABEL).documents).toHaveLength(1);
    expect(thrown(() => parseSpec(`${exact}x`, LABEL))).toMatchObject({ code: 'FILE_TOO_LARGE', location: { file: LABEL } });
    expect(thrown(() => parseSpec('é'.repeat(MAX_SPEC_BYTES / 2 + 1), LABEL)).code).toBe('FILE_TOO_LARGE');
  });

  it('reads a ConfigMap of nearly 5 MB holding a CSV, whose lines and commas are no YAML entries, and refuses a text of nothing but line breaks', () => {
    const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: features\ndata:\n  features.csv: |\n';
    const row = '    1042,alpha,beta,gamma,delta,2084\n';
    const text = head + row.repeat(Math.floor((MAX_SPEC_BYTES - head.length) / row.length));
    const spec = parseSpec(text, LABEL);
    expect(spec.problems).toEqual([]);
    expect((spec.documents[0].object.data as Record<string, string>)['features.csv']).toMatch(/^1042,alpha/);
    expect(thrown(() => parseSpec(`${head}${'\n'.repeat(MAX_SPEC_BYTES - head.length)}`, LABEL)).message).toContain('far more than a pipeline spec has');
  });

  it('refuses an alias bomb', () => {
    const levels = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol}', 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 10; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
    const err = thrown(() => parseSpec(`${DEPLOYMENT}---\n${levels.join('\n')}\n`, LABEL));
    expect(err).toMatchObject({ code: 'YAML_INVALID', location: { file: LABEL } });
    expect(err.message).toMatch(/far more (data|than a pipeline spec needs)/);
  });

  it('refuses a small bomb that stays under the alias count by expanding each alias', () => {
    const levels = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol}', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) levels.push(`${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10).fill(`*${'abcdefgh'[i - 1]}`).join(', ')}]`);
    expect(thrown(() => parseSpec(levels.join('\n'), LABEL)).code).toBe('YAML_INVALID');
  });

  it('refuses 1000-deep block and flow nesting before parsing', () => {
    const block = Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    expect(thrown(() => parseSpec(block, LABEL)).message).toContain('nested far deeper than a pipeline spec');
    expect(thrown(() => parseSpec(`a: ${'['.repeat(1000)}`, LABEL)).code).toBe('YAML_INVALID');
  });

  it('reads CRLF line endings and a byte-order mark with the lines an editor shows', () => {
    const text = `\ufeff${DEPLOYMENT.replaceAll('\n', '\r\n')}`;
    const spec = parseSpec(text, LABEL);
    expect(spec.problems).toEqual([]);
    expect(spec.documents[0]).toMatchObject({ line: 2, name: 'web' });
    expect(spec.documents[0].lineOf('spec.replicas')).toEqual({ line: 9, column: 3 });
    expect(spec.documents[0].object.metadata).toEqual({ name: 'web', labels: { 'app.kubernetes.io/name': 'web' } });
  });
});

describe('SpecDocument.lineOf', () => {
  const offset = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n---\n';
  const doc = parseSpec(offset + DEPLOYMENT, LABEL).documents[1];

  it('places validation-style paths, counted in the whole text', () => {
    expect(doc.lineOf('spec.template.spec.containers[1].image')).toEqual({ line: 21, column: 11 });
    expect(doc.lineOf('spec.template.spec.containers[0]')).toEqual({ line: 18, column: 11 });
    expect(doc.lineOf('metadata.labels[app.kubernetes.io/name]')).toEqual({ line: 12, column: 5 });
  });

  it('places server-side apply paths: a leading dot, keyed items, set values, dotted keys unbracketed', () => {
    expect(doc.lineOf('.spec.replicas')).toEqual({ line: 14, column: 3 });
    expect(doc.lineOf('.spec.template.spec.containers[name="web"].image')).toEqual({ line: 21, column: 11 });
    expect(doc.lineOf('.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]')).toEqual({ line: 23, column: 15 });
    expect(doc.lineOf('.spec.template.spec.finalizers[="b"]')).toEqual({ line: 25, column: 23 });
    expect(doc.lineOf('.metadata.labels.app.kubernetes.io/name')).toEqual({ line: 12, column: 5 });
  });

  it('falls back to the deepest written ancestor, then to the document itself', () => {
    expect(doc.lineOf('spec.template.spec.containers[name="db"].image')).toEqual({ line: 17, column: 7 });
    expect(doc.lineOf('spec.template.spec.containers[7]')).toEqual({ line: 17, column: 7 });
    expect(doc.lineOf('spec.strategy.type')).toEqual({ line: 13, column: 1 });
    expect(doc.lineOf('status')).toEqual({ line: 7, column: 1 });
    expect(doc.lineOf('')).toEqual({ line: 7, column: 1 });
    expect(doc.lineOf('spec.replicas.nothing[0]')).toEqual({ line: 14, column: 3 });
  });
});

describe('parseFieldPath', () => {
  it('reads every notation the apiserver prints', () => {
    expect(parseFieldPath('.spec.containers[name="a.b",port=80][=true]["x.y"][3]')).toEqual([
      { key: 'spec' },
      { key: 'containers' },
      { match: { name: 'a.b', port: 80 } },
      { value: true },
      { key: 'x.y' },
      { index: 3 },
    ]);
  });
});
