/**
 * From a Kubernetes OpenAPI v3 group-version document to the JSON Schema
 * (draft 7) monaco-yaml validates, completes and documents with. Pure: the
 * caller fetches, caches and parses; this walks what one kind reaches.
 *
 * What yaml-language-server 1.23 (monaco-yaml 5.5.1) needs, checked against
 * its own code in openapiSchema.test.ts:
 * - `allOf: [{ $ref }]`, Kubernetes' way of giving a field a type, is
 *   unwrapped to `$ref` beside the field's own description: the server merges
 *   a `$ref`'s siblings over the target, so hover shows the field's words
 *   ("Standard object's metadata") rather than the type's.
 * - Objects with `properties` and nothing said of others refuse others
 *   (`additionalProperties: false`), as the apiserver's strict field
 *   validation does: a misspelt field is marked as you type. Objects that
 *   preserve unknown fields (`x-kubernetes-preserve-unknown-fields`) take any.
 * - `x-kubernetes-int-or-string` (and the format `int-or-string`) becomes
 *   `anyOf` integer or string.
 */

/** A JSON Schema or OpenAPI schema object, as parsed JSON. */
export type JsonSchema = Record<string, unknown>;

/** A kind's schema: the definition it starts at and every definition it reaches, converted. */
export interface KindSchema {
  apiVersion: string;
  kind: string;
  /** The key of the kind's own definition in `definitions`. */
  root: string;
  definitions: Record<string, JsonSchema>;
}

/** What a group-version document serves: each kind's schema name. */
export interface DocumentKinds {
  /** `apps/v1 Deployment` → `io.k8s.api.apps.v1.Deployment`. */
  byKind: Map<string, string>;
  schemas: Record<string, unknown>;
}

/** Past this nesting a schema is cut to "anything": real schemas nest ~20 deep, and the walk recurses. */
const MAX_DEPTH = 100;

const REF_PREFIX = '#/components/schemas/';

/** The index key of an apiVersion: `v1` → `api/v1`, `apps/v1` → `apis/apps/v1`. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `apis/${apiVersion}` : `api/${apiVersion}`;
}

/** The map key of a kind. */
export const kindKey = (apiVersion: string, kind: string): string => `${apiVersion} ${kind}`;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON pointer segment, escaped (RFC 6901). */
const pointerSegment = (name: string) => name.replaceAll('~', '~0').replaceAll('/', '~1');

/** The schema name a `#/components/schemas/…` reference names, or undefined for any other reference. */
function refTarget(ref: unknown): string | undefined {
  if (typeof ref !== 'string' || !ref.startsWith(REF_PREFIX)) return undefined;
  return ref.slice(REF_PREFIX.length).replaceAll('~1', '/').replaceAll('~0', '~');
}

/**
 * The kinds a parsed document serves, by its schemas'
 * `x-kubernetes-group-version-kind`. Throws a plain Error naming what is
 * missing when the value is not an OpenAPI v3 document with schemas.
 */
export function documentKinds(doc: unknown): DocumentKinds {
  if (!isObject(doc)) throw new Error('it is not a JSON object');
  const components = doc.components;
  const schemas = isObject(components) ? components.schemas : undefined;
  if (!isObject(schemas)) throw new Error('it has no components.schemas');
  const byKind = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) {
    const gvks = isObject(schema) ? schema['x-kubernetes-group-version-kind'] : undefined;
    if (!Array.isArray(gvks)) continue;
    for (const gvk of gvks) {
      if (!isObject(gvk) || typeof gvk.version !== 'string' || typeof gvk.kind !== 'string') continue;
      const group = typeof gvk.group === 'string' ? gvk.group : '';
      const key = kindKey(group ? `${group}/${gvk.version}` : gvk.version, gvk.kind);
      // A list kind's or DeleteOptions' many GVKs: the first schema to claim one keeps it.
      if (!byKind.has(key)) byKind.set(key, name);
    }
  }
  return { byKind, schemas };
}

/** Keywords that mean the same in OpenAPI 3.0 schemas and draft 7, copied as they are. */
const SAME_KEYWORDS = [
  'title',
  'description',
  'enum',
  'const',
  'required',
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
] as const;

/**
 * Converts one OpenAPI schema node to draft 7, calling `reach` for each
 * schema it references. `format` is left out: Kubernetes' formats (int32,
 * int-or-string, byte, quantity) are not draft 7's, and date-time would mark
 * values the apiserver takes.
 */
function convert(node: unknown, reach: (name: string) => void, depth: number): JsonSchema {
  if (!isObject(node) || depth > MAX_DEPTH) return {};
  const out: JsonSchema = {};
  const target = refTarget(node.$ref);
  if (target !== undefined) {
    reach(target);
    out.$ref = `#/definitions/${pointerSegment(target)}`;
  }
  for (const key of SAME_KEYWORDS) if (node[key] !== undefined) out[key] = node[key];
  // OpenAPI 3.0's exclusive bounds are flags on minimum/maximum; draft 7's are the bounds.
  if (node.exclusiveMinimum === true && typeof node.minimum === 'number') {
    out.exclusiveMinimum = node.minimum;
    delete out.minimum;
  }
  if (node.exclusiveMaximum === true && typeof node.maximum === 'number') {
    out.exclusiveMaximum = node.maximum;
    delete out.maximum;
  }
  // A default of {} beside a reference only makes completion insert "{}" where the object's fields belong.
  const emptyDefault = isObject(node.default) && Object.keys(node.default).length === 0;
  if (node.default !== undefined && !(emptyDefault && isWrappedRef(node))) out.default = node.default;

  // CRDs say it with the extension; built-in types (IntOrString) with the format.
  const intOrString = node['x-kubernetes-int-or-string'] === true || node.format === 'int-or-string';
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (intOrString) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  } else if (typeof node.type === 'string') {
    out.type = node.nullable === true ? [node.type, 'null'] : node.type;
  }

  if (isObject(node.properties)) {
    const properties: Record<string, JsonSchema> = {};
    for (const [name, prop] of Object.entries(node.properties)) properties[name] = convert(prop, reach, depth + 1);
    out.properties = properties;
  }
  if (isObject(node.additionalProperties)) out.additionalProperties = convert(node.additionalProperties, reach, depth + 1);
  else if (typeof node.additionalProperties === 'boolean') out.additionalProperties = node.additionalProperties;
  if (preserve) out.additionalProperties = true;
  else if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;

  if (node.items !== undefined) out.items = convert(node.items, reach, depth + 1);
  if (!intOrString) {
    for (const key of ['anyOf', 'oneOf'] as const) {
      const list = node[key];
      if (Array.isArray(list)) out[key] = list.map((s) => convert(s, reach, depth + 1));
    }
  }
  if (node.not !== undefined) out.not = convert(node.not, reach, depth + 1);

  const allOf = node.allOf;
  if (Array.isArray(allOf)) {
    const converted = allOf.map((s) => convert(s, reach, depth + 1));
    // Kubernetes' `allOf: [{ $ref }]` is a field's type: a reference beside the field's own words (see the top of this file).
    if (converted.length === 1 && out.$ref === undefined && isPlainRef(converted[0])) out.$ref = converted[0].$ref;
    else out.allOf = converted;
  }
  return out;
}

/** `{ $ref }` and nothing else. */
const isPlainRef = (s: JsonSchema) => typeof s.$ref === 'string' && Object.keys(s).length === 1;

/** `allOf: [{ $ref }]`: Kubernetes' way of typing a field. */
function isWrappedRef(node: Record<string, unknown>): boolean {
  const allOf = node.allOf;
  return Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0]) && refTarget(allOf[0].$ref) !== undefined;
}

/**
 * The draft 7 schema of `apiVersion` `kind` in a document's schemas: its own
 * definition (with `apiVersion` and `kind` pinned to their values, so
 * completion offers them) and every definition it reaches, by name.
 * Undefined when the document serves no such kind. References to schemas the
 * document lacks are left to allow anything.
 */
export function kindSchema(doc: DocumentKinds, apiVersion: string, kind: string): KindSchema | undefined {
  const rootName = doc.byKind.get(kindKey(apiVersion, kind));
  if (rootName === undefined) return undefined;
  const definitions: Record<string, JsonSchema> = {};
  const queue = [rootName];
  const seen = new Set(queue);
  let rootReferenced = false;
  const reach = (name: string) => {
    if (name === rootName) rootReferenced = true;
    if (seen.has(name)) return;
    seen.add(name);
    queue.push(name);
  };
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const source = Object.hasOwn(doc.schemas, name) ? doc.schemas[name] : undefined;
    // A dangling reference (a hostile or broken document) allows anything rather than failing the whole kind.
    definitions[name] = source === undefined ? {} : convert(source, reach, 0);
  }
  const root = pinned(definitions[rootName], apiVersion, kind);
  // Another kind's schema may reference this one under its own name (a list's items): the pinned copy has a name of its own.
  const rootKey = `${rootName}@${kindKey(apiVersion, kind).replaceAll('/', '.').replaceAll(' ', '.')}`;
  definitions[rootKey] = root;
  if (!rootReferenced) delete definitions[rootName];
  return { apiVersion, kind, root: rootKey, definitions };
}

/** `schema` with `apiVersion` and `kind` fixed to the kind's values. */
function pinned(schema: JsonSchema, apiVersion: string, kind: string): JsonSchema {
  const properties = isObject(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return {
    ...schema,
    type: 'object',
    properties: {
      ...properties,
      apiVersion: { ...properties.apiVersion, type: 'string', const: apiVersion },
      kind: { ...properties.kind, type: 'string', const: kind },
    },
    required: [...new Set([...required, 'apiVersion', 'kind'])],
  };
}

/**
 * One schema for documents of all the given kinds: a branch per kind on its
 * `apiVersion` and `kind`, each to its pinned definition, and the union of
 * the definitions they reach (shared ones, ObjectMeta, are one).
 *
 * `if`/`then` rather than `oneOf`: yaml-language-server completes and
 * validates through a `then` whose `if` holds (see openapiSchema.test.ts), and
 * a document of a kind with no branch is left alone instead of being marked
 * against every kind, as `oneOf` would.
 */
export function specSchemaOf(kinds: readonly KindSchema[]): JsonSchema {
  const definitions: Record<string, JsonSchema> = {};
  for (const k of kinds) for (const [name, def] of Object.entries(k.definitions)) definitions[name] ??= def;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    definitions,
    allOf: kinds.map((k) => ({
      if: { properties: { apiVersion: { const: k.apiVersion }, kind: { const: k.kind } }, required: ['apiVersion', 'kind'] },
      then: { $ref: `#/definitions/${pointerSegment(k.root)}` },
    })),
  };
}
