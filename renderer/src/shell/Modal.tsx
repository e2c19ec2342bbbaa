import { useEffect, useRef, useState, type ReactNode } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

const focusablesIn = (root: HTMLElement) => [...root.querySelectorAll<HTMLElement>(FOCUSABLE)];

/** Open modals, innermost last: only the innermost one handles keys, so stacked dialogs do not fight. */
const openModals: HTMLElement[] = [];

/** Keeps Tab inside `root`, also when focus was lost to the page (a focused button was removed). */
function trapTab(e: KeyboardEvent, root: HTMLElement): void {
  const items = focusablesIn(root);
  const first = items[0] ?? root;
  const last = items.at(-1) ?? root;
  const active = document.activeElement;
  if (!root.contains(active)) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  } else if (e.shiftKey && (active === first || active === root)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && active === last) {
    e.preventDefault();
    first.focus();
  }
}

interface ModalProps {
  /** The dialog's accessible name. */
  label: string;
  /** Called on Esc and by the dialog's own close buttons. */
  onClose(): void;
  children: ReactNode;
  wide?: boolean;
  className?: string;
}

/**
 * A modal dialog: focus moves in on open (to an `autoFocus` element if any),
 * Tab cycles inside, Esc closes, and focus returns to where it was.
 */
export function Modal({ label, onClose, children, wide, className }: ModalProps) {
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  // Read during the first render: by the time effects run, autoFocus has already moved focus inside.
  const [previous] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));

  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const root = ref.current!;
    openModals.push(root);
    if (!root.contains(document.activeElement)) (focusablesIn(root)[0] ?? root).focus();
    const onKeyDown = (e: KeyboardEvent) => {
      if (openModals.at(-1) !== root) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        onCloseRef.current();
      } else if (e.key === 'Tab') {
        trapTab(e, root);
      }
    };
    // Capture on the document: keys still reach the dialog when focus has fallen out of it.
    document.addEventListener('keydown', onKeyDown, true);
    return () => {
      document.removeEventListener('keydown', onKeyDown, true);
      openModals.splice(openModals.indexOf(root), 1);
      previous?.focus();
    };
  }, [previous]);

  return (
    <div className="overlay">
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-label={label}
        tabIndex={-1}
        className={['modal', wide ? 'modal-wide' : '', className ?? ''].join(' ').trim()}
      >
        {children}
      </div>
    </div>
  );
}
