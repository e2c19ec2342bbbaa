/**
 * The Monaco editor, trimmed to what the app uses: the editor API without the
 * `monaco-editor` entry's every language and contribution, YAML highlighting,
 * find (the editor renders only the lines in view, so the browser's own find
 * cannot search it) and folding. Only ever imported through `loadMonaco`, so
 * it is a chunk of its own that loads when the first editor is shown.
 */
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution';
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codiconStyles';
import 'monaco-editor/esm/vs/editor/contrib/find/browser/findController';
import 'monaco-editor/esm/vs/editor/contrib/folding/browser/folding';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';

// The one worker the basic languages need; a bundled chunk served from 'self', as the CSP requires.
self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export { monaco };
