import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { loadMonaco } from './loadMonaco';
import { useMonacoWidget } from './useMonacoEditor';
import './codeView.css';

interface DiffViewProps {
  original: string;
  modified: string;
  /** What the left (or, inline, the removed) side is: "Live object", "Version 3". */
  originalLabel: string;
  /** What the right (or, inline, the added) side is: "After the apply", "Version 4". */
  modifiedLabel: string;
}

/**
 * Two YAML texts in Monaco's diff editor, read-only: side by side at any
 * width, or inline on request, with each side's label above it. Until Monaco has loaded (or if
 * it cannot) both texts are shown plainly one after the other.
 */
export function DiffView({ original, modified, originalLabel, modifiedLabel }: DiffViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const [inline, setInline] = useState(false);
  const latest = useRef({ original, modified, originalLabel, modifiedLabel, inline });
  useLayoutEffect(() => {
    latest.current = { original, modified, originalLabel, modifiedLabel, inline };
  });
  const { mounted } = useMonacoWidget(
    host,
    loadMonaco,
    (monaco, element) => {
      const diff = monaco.editor.createDiffEditor(element, {
        readOnly: true,
        domReadOnly: true,
        originalEditable: false,
        renderSideBySide: !latest.current.inline,
        // Side by side stays so however narrow (Monaco's default goes inline under 900 px), under labels for its two sides.
        useInlineViewWhenSpaceIsLimited: false,
        automaticLayout: true,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        lineNumbersMinChars: 3,
        fontSize: 12.5,
        ariaLabel: `${latest.current.modifiedLabel}, compared with ${latest.current.originalLabel}`,
        originalAriaLabel: latest.current.originalLabel,
        modifiedAriaLabel: latest.current.modifiedLabel,
      });
      diff.setModel({ original: monaco.editor.createModel(latest.current.original, 'yaml'), modified: monaco.editor.createModel(latest.current.modified, 'yaml') });
      return diff;
    },
    (diff) => {
      const models = diff.getModel();
      return [models?.original, models?.modified];
    },
  );

  useEffect(() => {
    const models = mounted?.editor.getModel();
    if (!models) return;
    if (models.original.getValue() !== original) models.original.setValue(original);
    if (models.modified.getValue() !== modified) models.modified.setValue(modified);
  }, [mounted, original, modified]);

  useEffect(() => {
    mounted?.editor.updateOptions({ renderSideBySide: !inline, useInlineViewWhenSpaceIsLimited: false });
  }, [mounted, inline]);

  return (
    <div className="diff-view">
      <div className="diff-view-head">
        <div className={`diff-view-labels${inline ? ' inline' : ''}`}>
          {inline ? (
            <span>
              <strong>{originalLabel}</strong> → <strong>{modifiedLabel}</strong>
            </span>
          ) : (
            <>
              <strong>{originalLabel}</strong>
              <strong>{modifiedLabel}</strong>
            </>
          )}
        </div>
        <label>
          <input type="checkbox" checked={inline} onChange={(e) => setInline(e.target.checked)} /> Inline
        </label>
      </div>
      <div className="code-view">
        <div ref={host} className="code-view-editor" hidden={!mounted} />
        {!mounted && (
          <div className="code-view-fallback">
            <pre aria-label={originalLabel}>{original}</pre>
            <pre aria-label={modifiedLabel}>{modified}</pre>
          </div>
        )}
      </div>
    </div>
  );
}
