import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { editor } from 'monaco-editor/esm/vs/editor/editor.api';
import { effectiveTheme, useTheme } from '../theme';
import { loadMonaco, type Monaco } from './loadMonaco';
import { applyMonacoTheme } from './monacoTheme';
import './codeView.css';

interface CodeViewProps {
  value: string;
  /** A Monaco language id, e.g. `yaml`. */
  language: string;
  /** The editor's accessible name. */
  label: string;
}

interface Mounted {
  monaco: Monaco;
  editor: editor.IStandaloneCodeEditor;
}

/**
 * Read-only code in Monaco, in the app's theme. Monaco loads on first use;
 * until it is there, or if it cannot load, the text is shown in a plain
 * `<pre>`, so nothing waits on the editor.
 */
export function CodeView({ value, language, label }: CodeViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const [mounted, setMounted] = useState<Mounted | null>(null);
  const theme = useTheme(effectiveTheme);
  // What the editor starts with when Monaco arrives: the props as they are then, not at mount.
  const latest = useRef({ value, language, label, theme });
  useLayoutEffect(() => {
    latest.current = { value, language, label, theme };
  });

  useEffect(() => {
    let cancelled = false;
    let created: editor.IStandaloneCodeEditor | undefined;
    loadMonaco().then(
      (monaco) => {
        if (cancelled || !host.current) return;
        const now = latest.current;
        applyMonacoTheme(monaco, now.theme);
        created = monaco.editor.create(host.current, {
          value: now.value,
          language: now.language,
          ariaLabel: now.label,
          readOnly: true,
          domReadOnly: true,
          automaticLayout: true,
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          renderLineHighlight: 'none',
          lineNumbersMinChars: 3,
          fontSize: 12.5,
        });
        setMounted({ monaco, editor: created });
      },
      // The <pre> stays: the text is readable without the editor.
      () => undefined,
    );
    return () => {
      cancelled = true;
      created?.getModel()?.dispose();
      created?.dispose();
    };
  }, []);

  useEffect(() => {
    if (!mounted) return;
    // It was created while hidden behind the <pre>.
    mounted.editor.layout();
  }, [mounted]);

  useEffect(() => {
    if (!mounted || mounted.editor.getValue() === value) return;
    // A refreshed object: keep the reader's place.
    const top = mounted.editor.getScrollTop();
    mounted.editor.setValue(value);
    mounted.editor.setScrollTop(top);
  }, [mounted, value]);

  useEffect(() => {
    const model = mounted?.editor.getModel();
    if (mounted && model) mounted.monaco.editor.setModelLanguage(model, language);
  }, [mounted, language]);

  useEffect(() => {
    mounted?.editor.updateOptions({ ariaLabel: label });
  }, [mounted, label]);

  useEffect(() => {
    if (mounted) applyMonacoTheme(mounted.monaco, theme);
  }, [mounted, theme]);

  return (
    <div className="code-view">
      <div ref={host} className="code-view-editor" hidden={!mounted} />
      {!mounted && (
        <pre className="code-view-fallback" aria-label={label} tabIndex={0}>
          {value}
        </pre>
      )}
    </div>
  );
}
