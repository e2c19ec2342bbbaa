/**
 * The yaml-language-server that monaco-yaml bundles in its worker, run in
 * Node for tests: the worker's own code, with its Monaco plumbing stubbed,
 * so a test asks it for completions, hovers and markers as the editor does.
 */
import { register } from 'node:module';

interface Position {
  line: number;
  character: number;
}

interface Worker {
  doComplete(uri: string, position: Position): Promise<{ items: { label: string; documentation?: unknown }[] } | undefined>;
  doHover(uri: string, position: Position): Promise<{ contents: { value: string } } | null | undefined>;
  doValidation(uri: string): Promise<{ message: string; range: { start: Position } }[] | undefined>;
}

/** Completions, hover and markers for one YAML text, against `schema`. */
export interface YamlLanguageServer {
  complete(text: string, line: number, character: number): Promise<string[]>;
  hover(text: string, line: number, character: number): Promise<string | undefined>;
  validate(text: string): Promise<string[]>;
}

// The worker's Monaco glue (worker messaging) is replaced by a hook that hands back its factory; path-browserify by Node's own path.
const HOOKS = `
export async function resolve(specifier, context, next) {
  if (specifier === 'monaco-worker-manager/worker') return { url: 'data:text/javascript,export function initialize(fn){globalThis.__pilothouseYamlWorker=fn}', shortCircuit: true };
  if (specifier === 'path-browserify') return { url: 'node:path', shortCircuit: true };
  return next(specifier, context);
}`;

type Factory = (ctx: unknown, options: unknown) => Worker;

let factory: Promise<Factory> | undefined;

async function workerFactory(): Promise<Factory> {
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
  await import('monaco-yaml/yaml.worker.js');
  return (globalThis as unknown as { __pilothouseYamlWorker: Factory }).__pilothouseYamlWorker;
}

/** A yaml-language-server configured as the editor configures monaco-yaml, with `schema` for every file. */
export async function yamlLanguageServer(schema: unknown): Promise<YamlLanguageServer> {
  const create = await (factory ??= workerFactory());
  const uri = 'file:///spec.yaml';
  let text = '';
  // The server caches a document's parse by version: each text is a new one.
  let version = 0;
  // Asked on every call, so the model has the text and version of the moment.
  const ctx = { getMirrorModels: () => [{ uri, version, getValue: () => text }] };
  const worker = create(ctx, { enableSchemaRequest: false, validate: true, completion: true, hover: true, schemas: [{ uri: 'pilothouse://schemas/spec.json', fileMatch: ['*'], schema }] });
  const open = (t: string) => {
    text = t;
    version++;
  };
  return {
    async complete(t, line, character) {
      open(t);
      return ((await worker.doComplete(uri, { line, character }))?.items ?? []).map((i) => i.label);
    },
    async hover(t, line, character) {
      open(t);
      return (await worker.doHover(uri, { line, character }))?.contents.value;
    },
    async validate(t) {
      open(t);
      return ((await worker.doValidation(uri)) ?? []).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
    },
  };
}
