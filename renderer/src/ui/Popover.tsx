import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

interface PopoverProps {
  /** The button's text, e.g. "Namespaces: all". */
  summary: string;
  /** The panel's accessible name. */
  label: string;
  /** Rendered only while open, so a closed popover costs nothing per update. */
  children: () => ReactNode;
}

/** A button that opens a small panel below it; Esc or a click elsewhere closes it. */
export function Popover({ summary, label, children }: PopoverProps) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  return (
    <div
      className="popover"
      ref={rootRef}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          // Esc closes the panel only, not the detail pane behind it.
          e.stopPropagation();
          setOpen(false);
          buttonRef.current?.focus();
        }
      }}
    >
      <button ref={buttonRef} type="button" aria-expanded={open} aria-controls={open ? panelId : undefined} onClick={() => setOpen((o) => !o)}>
        {summary} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div id={panelId} role="group" aria-label={label} className="popover-panel">
          {children()}
        </div>
      )}
    </div>
  );
}
