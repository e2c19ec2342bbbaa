import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadBundledSchemas } from './bundledSchemas';
import { documentKinds, groupVersionPath, kindSchema, specSchemaOf, type JsonSchema, type KindSchema } from './openapiSchema';
import { yamlLanguageServer } from './yamlLanguageServer.testKit';

/** A document cut down from the test bed's (see scripts/bundle-core-schemas.mjs --fixtures). */
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8'));

const bundled = () => {
  const b = loadBundledSchemas();
  if (!b) throw new Error('no bundled schemas: run scripts/bundle-core-schemas.mjs');
  return documentKinds(b.document);
};

const kind = (doc: ReturnType<typeof documentKinds>, apiVersion: string, k: string): KindSchema => {
  const schema = kindSchema(doc, apiVersion, k);
  if (!schema) throw new Error(`no ${apiVersion} ${k}`);
  return schema;
};

/** Every `$ref` under `node`. */
function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refsIn(n, out);
  else if (node && typeof node === 'object') {
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') out.push(ref);
    for (const v of Object.values(node)) refsIn(v, out);
  }
  return out;
}

/** Draft 7 validation as a standard validator does it: Kubernetes' own words must make a valid schema. */
function validator(schema: JsonSchema) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(schema);
}

describe('groupVersionPath', () => {
  it('names the core group under api/ and the others under apis/', () => {
    expect(groupVersionPath('v1')).toBe('api/v1');
    expect(groupVersionPath('apps/v1')).toBe('apis/apps/v1');
    expect(groupVersionPath('argoproj.io/v1alpha1')).toBe('apis/argoproj.io/v1alpha1');
  });
});

describe('documentKinds', () => {
  it('finds each kind by its x-kubernetes-group-version-kind', () => {
    const doc = documentKinds(fixture('rbac-v1.json'));
    expect(doc.byKind.get('rbac.authorization.k8s.io/v1 Role')).toBe('io.k8s.api.rbac.v1.Role');
    expect(doc.byKind.get('rbac.authorization.k8s.io/v1 RoleBinding')).toBe('io.k8s.api.rbac.v1.RoleBinding');
  });

  it('refuses what is not an OpenAPI v3 document', () => {
    expect(() => documentKinds('<html>')).toThrow(/not a JSON object/);
    expect(() => documentKinds({ openapi: '3.0.0', paths: {} })).toThrow(/components.schemas/);
  });
});

describe('kindSchema', () => {
  it('holds every definition the kind reaches, under #/definitions', () => {
    const role = kind(documentKinds(fixture('rbac-v1.json')), 'rbac.authorization.k8s.io/v1', 'Role');
    const refs = refsIn(role.definitions);
    expect(refs.length).toBeGreaterThan(3);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/definitions\//);
      expect(role.definitions).toHaveProperty([ref.slice('#/definitions/'.length)]);
    }
    // Reached through metadata: ObjectMeta, then its owner references and managed fields.
    expect(Object.keys(role.definitions)).toEqual(
      expect.arrayContaining(['io.k8s.api.rbac.v1.PolicyRule', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference']),
    );
    // Only what Role reaches: RoleBinding's subjects are in the document but not here.
    expect(role.definitions).not.toHaveProperty(['io.k8s.api.rbac.v1.Subject']);
  });

  it('pins apiVersion and kind in the kind\'s own definition, keeping their descriptions', () => {
    const role = kind(documentKinds(fixture('rbac-v1.json')), 'rbac.authorization.k8s.io/v1', 'Role');
    const root = role.definitions[role.root] as { properties: Record<string, JsonSchema>; required: string[] };
    expect(root.properties.apiVersion).toMatchObject({ const: 'rbac.authorization.k8s.io/v1', description: expect.stringMatching(/APIVersion/) });
    expect(root.properties.kind).toMatchObject({ const: 'Role' });
    expect(root.required).toEqual(expect.arrayContaining(['apiVersion', 'kind']));
  });

  it('types a field by reference beside its own description, and refuses fields the kind does not have', () => {
    const role = kind(documentKinds(fixture('rbac-v1.json')), 'rbac.authorization.k8s.io/v1', 'Role');
    const root = role.definitions[role.root] as { properties: Record<string, JsonSchema>; additionalProperties: unknown };
    expect(root.properties.metadata).toEqual({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', description: expect.stringMatching(/metadata/) });
    expect(root.additionalProperties).toBe(false);
    expect(JSON.stringify(role.definitions)).not.toMatch(/components\/schemas|x-kubernetes/);
  });

  it('is undefined for a kind the document does not serve', () => {
    expect(kindSchema(documentKinds(fixture('rbac-v1.json')), 'rbac.authorization.k8s.io/v1', 'Workflow')).toBeUndefined();
  });

  it('reads a CRD\'s schema: its own fields, and fields that take anything', () => {
    const doc = documentKinds(fixture('argoproj-v1alpha1.json'));
    const project = kind(doc, 'argoproj.io/v1alpha1', 'AppProject');
    const root = project.definitions[project.root] as { properties: Record<string, JsonSchema>; required: string[] };
    expect(root.properties.spec).toMatchObject({ type: 'object', additionalProperties: false, properties: expect.objectContaining({ sourceRepos: expect.any(Object), destinations: expect.any(Object) }) });
    expect(root.required).toEqual(expect.arrayContaining(['metadata', 'spec', 'apiVersion', 'kind']));
    for (const ref of refsIn(project.definitions)) expect(project.definitions).toHaveProperty([ref.slice('#/definitions/'.length)]);
    // Argo Workflows' CRDs preserve unknown fields under spec: any spec is taken.
    const workflow = kind(doc, 'argoproj.io/v1alpha1', 'Workflow');
    expect((workflow.definitions[workflow.root] as { properties: Record<string, JsonSchema> }).properties.spec).toEqual({ type: 'object', additionalProperties: true });
  });

  it('converts what OpenAPI 3.0 says otherwise than draft 7, and cuts a hostile nesting', () => {
    let deep: JsonSchema = { type: 'string' };
    for (let i = 0; i < 5000; i++) deep = { type: 'object', properties: { a: deep } };
    const doc = documentKinds({
      components: {
        schemas: {
          K: {
            'x-kubernetes-group-version-kind': [{ group: 'x.io', version: 'v1', kind: 'K' }],
            type: 'object',
            properties: {
              port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], description: 'A port' },
              anything: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              open: { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true },
              ratio: { type: 'number', minimum: 0, exclusiveMinimum: true, nullable: true },
              missing: { allOf: [{ $ref: '#/components/schemas/Gone' }] },
              deep,
            },
          },
        },
      },
    });
    const k = kind(doc, 'x.io/v1', 'K');
    const props = (k.definitions[k.root] as { properties: Record<string, JsonSchema> }).properties;
    expect(props.port).toEqual({ description: 'A port', anyOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(props.anything).toEqual({ type: 'object', additionalProperties: true });
    expect(props.open).toMatchObject({ additionalProperties: true });
    expect(props.ratio).toEqual({ type: ['number', 'null'], exclusiveMinimum: 0 });
    expect(props.missing).toEqual({ $ref: '#/definitions/Gone' });
    expect(k.definitions.Gone).toEqual({});
    expect(JSON.stringify(props.deep).length).toBeLessThan(5000 * 60);
  });
});

describe('specSchemaOf, with the bundled core kinds', () => {
  const core = bundled();
  const deployment = kind(core, 'apps/v1', 'Deployment');
  const schema = specSchemaOf([deployment, kind(core, 'v1', 'Service'), kind(core, 'batch/v1', 'Job')]);

  it('branches on apiVersion and kind, to definitions that all resolve', () => {
    expect(schema.allOf).toEqual(
      expect.arrayContaining([
        {
          if: { properties: { apiVersion: { const: 'apps/v1' }, kind: { const: 'Deployment' } }, required: ['apiVersion', 'kind'] },
          then: { $ref: `#/definitions/${deployment.root}` },
        },
      ]),
    );
    const definitions = schema.definitions as Record<string, unknown>;
    for (const ref of refsIn(schema)) expect(definitions).toHaveProperty([ref.slice('#/definitions/'.length)]);
  });

  it('takes int-or-string fields as either', () => {
    const definitions = schema.definitions as Record<string, JsonSchema>;
    expect(definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ anyOf: [{ type: 'integer' }, { type: 'string' }] });
  });

  it('validates a good Deployment and flags a bad one', () => {
    const validate = validator(schema);
    const good = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '500m', memory: '256Mi' } } }] },
        },
      },
    };
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    const bad = JSON.parse(JSON.stringify(good)) as { spec: { replicas: unknown; template: { spec: { containers: Record<string, unknown>[] } } } };
    bad.spec.replicas = 'two';
    bad.spec.template.spec.containers[0].imagePullPolice = 'Always';
    expect(validate(bad)).toBe(false);
    const paths = validate.errors!.map((e) => `${e.instancePath} ${e.message}`);
    expect(paths).toEqual(expect.arrayContaining(['/spec/replicas must be integer', '/spec/template/spec/containers/0 must NOT have additional properties']));
    // A kind with no branch is left alone: it edits with a notice, not with every field marked.
    expect(validator(schema)({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', spec: { entrypoint: 'main' } })).toBe(true);
  });
});

describe('in yaml-language-server (monaco-yaml\'s worker)', () => {
  const core = bundled();
  const schema = specSchemaOf([kind(core, 'apps/v1', 'Deployment'), kind(core, 'v1', 'ConfigMap')]);
  const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  ';

  it('completes fields through the kind\'s branch, in each document of a multi-document spec', async () => {
    const ls = await yamlLanguageServer(schema);
    expect(await ls.complete(deployment, 6, 2)).toEqual(expect.arrayContaining(['selector', 'template', 'strategy', 'minReadySeconds']));
    expect(await ls.complete(`${deployment}\n---\napiVersion: v1\nkind: ConfigMap\n`, 10, 0)).toEqual(expect.arrayContaining(['data', 'binaryData', 'immutable']));
    // A new document is offered each kind's apiVersion and kind together.
    expect(await ls.complete('', 0, 0)).toContain('apiVersion');
  });

  it('hovers with the field\'s own description and marks a wrong value on its line', async () => {
    const ls = await yamlLanguageServer(schema);
    expect(await ls.hover(deployment, 2, 3)).toMatch(/Standard object's metadata/);
    expect(await ls.hover(deployment, 5, 4)).toMatch(/Number of desired pods/);
    const markers = await ls.validate('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: two\n  selectr: {}\n');
    expect(markers).toEqual(expect.arrayContaining([expect.stringMatching(/^6:13 Incorrect type. Expected "integer"/), expect.stringMatching(/^7:3 Property selectr is not allowed/)]));
  });

  it('leaves a document of a kind it has no schema for unmarked', async () => {
    const ls = await yamlLanguageServer(schema);
    expect(await ls.validate('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec:\n  entrypoint: main\n')).toEqual([]);
  });
});
