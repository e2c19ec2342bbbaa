/**
 * The Monaco editor, trimmed to what the app uses: the editor API without the
 * `monaco-editor` entry's every language and contribution, YAML highlighting
 * and language support (monaco-yaml: schema validation, completion, hover,
 * formatting), find (the editor renders only the lines in view, so the
 * browser's own find cannot search it), folding, hover, suggestions, format,
 * go to problem and toggle comment. Only ever imported through `loadMonaco`,
 * so it is a chunk of its own that loads when the first editor is shown.
 */
import * as api from 'monaco-editor/esm/vs/editor/editor.api';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution';
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codiconStyles';
import 'monaco-editor/esm/vs/editor/contrib/find/browser/findController';
import 'monaco-editor/esm/vs/editor/contrib/folding/browser/folding';
import 'monaco-editor/esm/vs/editor/contrib/hover/browser/hoverContribution';
import 'monaco-editor/esm/vs/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/esm/vs/editor/contrib/format/browser/formatActions';
import 'monaco-editor/esm/vs/editor/contrib/gotoError/browser/gotoError';
import 'monaco-editor/esm/vs/editor/contrib/comment/browser/comment';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';
import { configureMonacoYaml, type JSONSchema } from 'monaco-yaml';
import YamlWorker from 'monaco-yaml/yaml.worker?worker';

// Bundled chunks served from 'self', as the CSP requires: monaco-yaml's worker for its language service, the editor's own for the rest.
self.MonacoEnvironment = { getWorker: (_moduleId: string, label: string) => (label === 'yaml' ? new YamlWorker() : new EditorWorker()) };

/** What monaco-yaml passes to `createWebWorker`: the pre-0.52 options, which `editor.api` alone no longer takes. */
interface LegacyWorkerOptions {
  moduleId?: string;
  label?: string;
  createData?: unknown;
  host?: unknown;
  keepIdleModels?: boolean;
}

// `editor.api` takes only a ready worker; the `monaco-editor` entry wraps it to start one from MonacoEnvironment and hand it its
// options, which monaco-yaml relies on. The same wrapper, without importing that entry's every language.
const createWebWorker = api.editor.createWebWorker;
api.editor.createWebWorker = ((options: api.editor.IInternalWebWorkerOptions | LegacyWorkerOptions) => {
  if ('worker' in options && options.worker !== undefined) return createWebWorker(options as api.editor.IInternalWebWorkerOptions);
  const legacy = options as LegacyWorkerOptions;
  const worker = Promise.resolve(self.MonacoEnvironment!.getWorker!(legacy.moduleId ?? 'workerMain.js', legacy.label ?? 'monaco-editor-worker')).then((w) => {
    // The worker's first message starts it; the second is its create data.
    w.postMessage('ignore');
    w.postMessage(legacy.createData);
    return w;
  });
  return createWebWorker({ worker, host: legacy.host, keepIdleModels: legacy.keepIdleModels });
}) as typeof api.editor.createWebWorker;

const monacoYaml = configureMonacoYaml(api, {
  // Schemas come from the services (the cluster's OpenAPI, cached); the editor never fetches one itself.
  enableSchemaRequest: false,
  hover: true,
  // The schema's source is an internal name, not a page to open.
  hoverSchemaSource: false,
  completion: true,
  validate: true,
  format: { enable: true },
  schemas: [],
});

/** The YAML schema of each model that has one, by the model's path. */
const schemaByPath = new Map<string, JSONSchema>();

/**
 * The JSON Schema monaco-yaml validates, completes and documents one model
 * with. Models are told apart by their URI's path (`/pilothouse/editor-3.yaml`),
 * which is what monaco-yaml matches schemas to.
 */
export interface YamlSchemas {
  /** Sets the schema of the model at `modelUri`, or (`undefined`) leaves it without one. */
  set(modelUri: string, schema: Record<string, unknown> | undefined): void;
}

const yamlSchemas: YamlSchemas = {
  set(modelUri, schema) {
    const path = api.Uri.parse(modelUri).path.replace(/^\/+/, '');
    if (schema) schemaByPath.set(path, schema as JSONSchema);
    else if (!schemaByPath.delete(path)) return;
    // One list for every model: monaco-yaml is configured once, and an update restarts its worker with the new list.
    void monacoYaml.update({ schemas: [...schemaByPath].map(([p, s]) => ({ uri: `pilothouse-schema:/${p}.json`, fileMatch: [p], schema: s })) });
  },
};

/** Monaco's API, with the YAML schemas of its models beside it. */
export const monaco = { ...api, yamlSchemas };
