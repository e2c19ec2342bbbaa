import { useEffect, useState } from 'react';
import { notifyError } from '../shell/toastStore';

const COPIED_MS = 1500;

/** Copies `text` to the clipboard and says "Copied" for a moment. */
export function CopyButton({ text, label }: { text: string; /** The button's accessible name, e.g. "Copy YAML". */ label: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), COPIED_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      aria-label={label}
      // Through a promise: without a clipboard (an insecure context) the failure becomes a toast too.
      onClick={() =>
        Promise.resolve()
          .then(() => navigator.clipboard.writeText(text))
          .then(
            () => setCopied(true),
            (err: unknown) => notifyError(err),
          )
      }
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
