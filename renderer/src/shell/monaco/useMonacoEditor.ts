import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { editor, IDisposable } from 'monaco-editor/esm/vs/editor/editor.api';
import { effectiveTheme, useTheme } from '../theme';
import type { Monaco } from './loadMonaco';
import { applyMonacoTheme } from './monacoTheme';

/** A Monaco widget as {@link useMonacoWidget} made it. */
export interface Mounted<W> {
  monaco: Monaco;
  editor: W;
}

/** A Monaco editor as {@link useMonacoEditor} made it. */
export type MountedEditor = Mounted<editor.IStandaloneCodeEditor>;

/**
 * A Monaco widget (an editor, a diff editor) in `host`, in the app's theme
 * (following it), made by `create` once `load` has brought Monaco (with the
 * caller's props as they are then, not at mount), and disposed on unmount
 * with the models `models` names (they outlive the widget otherwise).
 * `mounted` is null until it is there; `failed` says Monaco could not load,
 * for the caller's fallback.
 */
export function useMonacoWidget<W extends IDisposable>(
  host: RefObject<HTMLDivElement | null>,
  load: () => Promise<Monaco>,
  create: (monaco: Monaco, host: HTMLElement) => W,
  models: (widget: W) => readonly (IDisposable | null | undefined)[],
): { mounted: Mounted<W> | null; failed: boolean } {
  const [mounted, setMounted] = useState<Mounted<W> | null>(null);
  const [failed, setFailed] = useState(false);
  const theme = useTheme(effectiveTheme);
  const latest = useRef({ load, create, models, theme });
  useLayoutEffect(() => {
    latest.current = { load, create, models, theme };
  });

  useEffect(() => {
    let cancelled = false;
    let created: W | undefined;
    latest.current.load().then(
      (monaco) => {
        if (cancelled || !host.current) return;
        applyMonacoTheme(monaco, latest.current.theme);
        created = latest.current.create(monaco, host.current);
        setMounted({ monaco, editor: created });
      },
      () => !cancelled && setFailed(true),
    );
    return () => {
      cancelled = true;
      if (!created) return;
      const owned = latest.current.models(created);
      // The widget first: a model disposed while still shown makes Monaco complain.
      created.dispose();
      owned.forEach((m) => m?.dispose());
    };
  }, [host]);

  useEffect(() => {
    if (mounted) applyMonacoTheme(mounted.monaco, theme);
  }, [mounted, theme]);

  return { mounted, failed };
}

/**
 * A Monaco editor in `host` (see {@link useMonacoWidget}), created with the
 * options `options` gives when Monaco has loaded, and disposed with its model
 * on unmount (also a model the options handed it).
 */
export function useMonacoEditor(
  host: RefObject<HTMLDivElement | null>,
  load: () => Promise<Monaco>,
  options: (monaco: Monaco) => editor.IStandaloneEditorConstructionOptions,
): { mounted: MountedEditor | null; failed: boolean } {
  return useMonacoWidget(
    host,
    load,
    (monaco, element) => monaco.editor.create(element, options(monaco)),
    (created) => [created.getModel()],
  );
}
