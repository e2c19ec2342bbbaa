import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { editor } from 'monaco-editor/esm/vs/editor/editor.api';
import { effectiveTheme, useTheme } from '../theme';
import type { Monaco } from './loadMonaco';
import { applyMonacoTheme } from './monacoTheme';

/** A Monaco editor as {@link useMonacoEditor} made it. */
export interface MountedEditor {
  monaco: Monaco;
  editor: editor.IStandaloneCodeEditor;
}

/**
 * A Monaco editor in `host`, in the app's theme (following it), created once
 * `load` has brought Monaco, with the options `options` gives at that moment
 * (the caller's props as they are then, not at mount), and disposed with its
 * model on unmount. `mounted` is null until it is there; `failed` says Monaco
 * could not load, for the caller's fallback.
 */
export function useMonacoEditor(
  host: RefObject<HTMLDivElement | null>,
  load: () => Promise<Monaco>,
  options: () => editor.IStandaloneEditorConstructionOptions,
): { mounted: MountedEditor | null; failed: boolean } {
  const [mounted, setMounted] = useState<MountedEditor | null>(null);
  const [failed, setFailed] = useState(false);
  const theme = useTheme(effectiveTheme);
  const latest = useRef({ load, options, theme });
  useLayoutEffect(() => {
    latest.current = { load, options, theme };
  });

  useEffect(() => {
    let cancelled = false;
    let created: editor.IStandaloneCodeEditor | undefined;
    latest.current.load().then(
      (monaco) => {
        if (cancelled || !host.current) return;
        applyMonacoTheme(monaco, latest.current.theme);
        created = monaco.editor.create(host.current, latest.current.options());
        setMounted({ monaco, editor: created });
      },
      () => !cancelled && setFailed(true),
    );
    return () => {
      cancelled = true;
      created?.getModel()?.dispose();
      created?.dispose();
    };
  }, [host]);

  useEffect(() => {
    if (mounted) applyMonacoTheme(mounted.monaco, theme);
  }, [mounted, theme]);

  return { mounted, failed };
}
