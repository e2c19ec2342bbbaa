import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { CopyButton } from '../../ui/CopyButton';
import { renderRunbook, type CodeBlock } from './markdown/renderRunbook';

interface RunbookViewProps {
  /** The runbook's Markdown, front matter left out. */
  body: string;
  /** The checklist items ticked, by their order in the runbook. */
  checked: ReadonlySet<number>;
  /** A checkbox was clicked; the view shows `checked` until the parent changes it. */
  onToggle(item: number, checked: boolean): void;
  /** Run in terminal was chosen on a code block. */
  onRun(command: string): void;
  /** How many checklist items the body has, each time it is rendered. */
  onItems?(count: number): void;
}

interface Shown {
  tools: { host: HTMLElement; block: CodeBlock }[];
  checkboxes: HTMLInputElement[];
}

/** A list item's own text, without the lists nested in it: the checkbox's accessible name. */
function itemText(li: Element | null): string {
  if (!li) return 'Checklist item';
  let text = '';
  for (const node of li.childNodes) {
    if (node instanceof Element && (node.tagName === 'UL' || node.tagName === 'OL')) continue;
    text += node.textContent ?? '';
  }
  return text.trim().replace(/\s+/g, ' ').slice(0, 200) || 'Checklist item';
}

/**
 * A runbook body, rendered by {@link renderRunbook} into this element's DOM
 * (never through `dangerouslySetInnerHTML` of unsanitised text). The code
 * block tools and the checkbox wiring are added to that sanitised DOM
 * afterwards, with DOM APIs and portals, so Markdown cannot forge them.
 * Links open only on click: web and mail links through the app's external
 * path, `#anchors` by scrolling to the heading.
 */
export function RunbookView({ body, checked, onToggle, onRun, onItems }: RunbookViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState<Shown>({ tools: [], checkboxes: [] });
  const [refused, setRefused] = useState<string>();
  // What is not rendered can still be read as text.
  const [showSource, setShowSource] = useState(false);
  // Read by the DOM listeners, which are added once.
  const latest = useRef({ onToggle, onItems, checkboxes: new Map<Element, number>() });
  useLayoutEffect(() => {
    latest.current.onToggle = onToggle;
    latest.current.onItems = onItems;
  });

  useLayoutEffect(() => {
    const root = host.current!;
    let rendered;
    try {
      rendered = renderRunbook(body);
    } catch (err) {
      root.replaceChildren();
      setRefused(err instanceof Error ? err.message : String(err));
      setShown({ tools: [], checkboxes: [] });
      latest.current.onItems?.(0);
      return;
    }
    const tools = rendered.codeBlocks.map((block) => {
      const wrap = document.createElement('div');
      wrap.className = 'runbook-code';
      const bar = document.createElement('div');
      bar.className = 'runbook-code-tools';
      block.element.replaceWith(wrap);
      wrap.append(bar, block.element);
      return { host: bar, block };
    });
    rendered.checkboxes.forEach((box, i) => {
      box.setAttribute('aria-label', itemText(box.closest('li')));
      latest.current.checkboxes.set(box, i);
    });
    root.replaceChildren(rendered.fragment);
    setRefused(undefined);
    setShown({ tools, checkboxes: rendered.checkboxes });
    latest.current.onItems?.(rendered.checkboxes.length);
    return () => latest.current.checkboxes.clear();
  }, [body]);

  useLayoutEffect(() => {
    shown.checkboxes.forEach((box, i) => (box.checked = checked.has(i)));
  }, [shown, checked]);

  useEffect(() => {
    const root = host.current!;
    const onChange = (e: Event) => {
      const index = latest.current.checkboxes.get(e.target as Element);
      if (index === undefined) return;
      const box = e.target as HTMLInputElement;
      const wanted = box.checked;
      // The parent decides what is ticked (the use's state); until it does, the box shows what it did.
      box.checked = !wanted;
      latest.current.onToggle(index, wanted);
    };
    const onClick = (e: MouseEvent) => {
      const target = e.target as Element;
      // The code tools, code and checkboxes act for themselves, even were a link around them.
      if (target.closest('.runbook-code, pre, input')) return;
      const link = target.closest('a');
      if (!link || !root.contains(link)) return;
      e.preventDefault();
      const href = link.getAttribute('href');
      if (!href) return;
      if (href.startsWith('#')) {
        const target = document.getElementById(href.slice(1));
        if (target && root.contains(target)) target.scrollIntoView({ block: 'start' });
        return;
      }
      // The desktop app hands this to the system browser (setWindowOpenHandler); the sanitiser left only http(s) and mailto.
      window.open(href, '_blank', 'noopener,noreferrer');
    };
    root.addEventListener('change', onChange);
    root.addEventListener('click', onClick);
    return () => {
      root.removeEventListener('change', onChange);
      root.removeEventListener('click', onClick);
    };
  }, []);

  return (
    <>
      {refused && (
        <div className="notice notice-error" role="alert">
          <strong>This runbook is not shown</strong>
          <p>{refused}</p>
          <button type="button" aria-expanded={showSource} onClick={() => setShowSource(!showSource)}>
            {showSource ? 'Hide source' : 'Show source'}
          </button>
        </div>
      )}
      {refused && showSource && <pre className="runbook-source mono">{body}</pre>}
      <div ref={host} className="runbook-body" />
      {shown.tools.map(({ host: bar, block }, i) =>
        createPortal(
          <>
            {block.language && <span className="muted mono">{block.language}</span>}
            <button type="button" onClick={() => onRun(block.text.replace(/\n+$/, ''))}>
              Run in terminal…
            </button>
            <CopyButton text={block.text.replace(/\n+$/, '')} label={`Copy code block ${i + 1}`} />
          </>,
          bar,
          String(i),
        ),
      )}
    </>
  );
}
