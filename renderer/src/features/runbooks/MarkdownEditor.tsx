import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { editor } from 'monaco-editor/esm/vs/editor/editor.api';
import { loadMonaco, type Monaco } from '../../shell/monaco/loadMonaco';
import { applyMonacoTheme } from '../../shell/monaco/monacoTheme';
import { effectiveTheme, useTheme } from '../../shell/theme';

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
  const [mounted, setMounted] = useState<editor.IStandaloneCodeEditor | null>(null);
  const [failed, setFailed] = useState(false);
  const theme = useTheme(effectiveTheme);
  const latest = useRef({ value, onChange, label, theme });
  useLayoutEffect(() => {
    latest.current = { value, onChange, label, theme };
  });

  useEffect(() => {
    let cancelled = false;
    let created: editor.IStandaloneCodeEditor | undefined;
    loadMarkdownMonaco().then(
      (monaco) => {
        if (cancelled || !host.current) return;
        const now = latest.current;
        applyMonacoTheme(monaco, now.theme);
        created = monaco.editor.create(host.current, {
          value: now.value,
          language: 'markdown',
          ariaLabel: now.label,
          automaticLayout: true,
          minimap: { enabled: false },
          wordWrap: 'on',
          scrollBeyondLastLine: false,
          lineNumbersMinChars: 3,
          fontSize: 13,
        });
        created.onDidChangeModelContent(() => {
          const text = created!.getValue();
          if (text !== latest.current.value) latest.current.onChange(text);
        });
        setMounted(created);
      },
      () => !cancelled && setFailed(true),
    );
    return () => {
      cancelled = true;
      created?.getModel()?.dispose();
      created?.dispose();
    };
  }, []);

  useEffect(() => {
    if (mounted && mounted.getValue() !== value) mounted.setValue(value);
  }, [mounted, value]);

  useEffect(() => {
    if (!mounted) return;
    void loadMonaco().then((monaco) => applyMonacoTheme(monaco, theme));
  }, [mounted, theme]);

  return (
    <div className="runbook-editor">
      <div ref={host} className="runbook-editor-monaco" hidden={!mounted} />
      {failed && <textarea className="runbook-editor-fallback mono" aria-label={label} spellCheck={false} value={value} onChange={(e) => onChange(e.target.value)} />}
      {!mounted && !failed && <p className="muted">Loading the editor…</p>}
    </div>
  );
}
