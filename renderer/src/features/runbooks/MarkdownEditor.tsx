import { useEffect, useLayoutEffect, useRef } from 'react';
import { loadMonaco, type Monaco } from '../../shell/monaco/loadMonaco';
import { useMonacoEditor } from '../../shell/monaco/useMonacoEditor';

/**
 * Monaco with Markdown registered: the app's Monaco chunk brings YAML only,
 * so Markdown's tokenizer loads here, with the first runbook editor.
 */
async function loadMarkdownMonaco(): Promise<Monaco> {
  const monaco = await loadMonaco();
  await import('monaco-editor/esm/vs/basic-languages/markdown/markdown.contribution');
  return monaco;
}

interface MarkdownEditorProps {
  value: string;
  onChange(value: string): void;
  /** The editor's accessible name. */
  label: string;
}

/**
 * A Markdown editor: Monaco in the app's theme once it has loaded; a plain
 * text area if it cannot load, so a runbook can always be written. The text
 * is the caller's: `value` changes from outside (a reload) replace it.
 */
export function MarkdownEditor({ value, onChange, label }: MarkdownEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const latest = useRef({ value, onChange, label });
  useLayoutEffect(() => {
    latest.current = { value, onChange, label };
  });
  const { mounted, failed } = useMonacoEditor(host, loadMarkdownMonaco, () => ({
    value: latest.current.value,
    language: 'markdown',
    ariaLabel: latest.current.label,
    automaticLayout: true,
    minimap: { enabled: false },
    wordWrap: 'on',
    scrollBeyondLastLine: false,
    lineNumbersMinChars: 3,
    fontSize: 13,
  }));

  useEffect(() => {
    if (!mounted) return;
    const changed = mounted.editor.onDidChangeModelContent(() => {
      const text = mounted.editor.getValue();
      if (text !== latest.current.value) latest.current.onChange(text);
    });
    return () => changed.dispose();
  }, [mounted]);

  useEffect(() => {
    if (mounted && mounted.editor.getValue() !== value) mounted.editor.setValue(value);
  }, [mounted, value]);

  return (
    <div className="runbook-editor">
      <div ref={host} className="runbook-editor-monaco" hidden={!mounted} />
      {failed && <textarea className="runbook-editor-fallback mono" aria-label={label} spellCheck={false} value={value} onChange={(e) => onChange(e.target.value)} />}
      {!mounted && !failed && <p className="muted">Loading the editor…</p>}
    </div>
  );
}
