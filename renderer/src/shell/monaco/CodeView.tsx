import { useEffect, useLayoutEffect, useRef } from 'react';
import { loadMonaco } from './loadMonaco';
import { useMonacoEditor } from './useMonacoEditor';
import './codeView.css';

interface CodeViewProps {
  value: string;
  /** A Monaco language id, e.g. `yaml`. */
  language: string;
  /** The editor's accessible name. */
  label: string;
}

/**
 * Read-only code in Monaco, in the app's theme. Monaco loads on first use;
 * until it is there, or if it cannot load, the text is shown in a plain
 * `<pre>`, so nothing waits on the editor.
 */
export function CodeView({ value, language, label }: CodeViewProps) {
  const host = useRef<HTMLDivElement>(null);
  // What the editor starts with when Monaco arrives: the props as they are then, not at mount.
  const latest = useRef({ value, language, label });
  useLayoutEffect(() => {
    latest.current = { value, language, label };
  });
  // The <pre> stays if Monaco cannot load: the text is readable without the editor.
  const { mounted } = useMonacoEditor(host, loadMonaco, () => ({
    value: latest.current.value,
    language: latest.current.language,
    ariaLabel: latest.current.label,
    readOnly: true,
    domReadOnly: true,
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    renderLineHighlight: 'none',
    lineNumbersMinChars: 3,
    fontSize: 12.5,
  }));

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
