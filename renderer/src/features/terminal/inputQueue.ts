/** The most one `terminal.input` call carries (the contract's bound, in UTF-16 code units). */
export const INPUT_MAX = 65_536;

/**
 * Splits `text` into pieces of at most `max` code units, in order, never
 * between the two halves of a surrogate pair (an emoji stays whole).
 */
export function chunkText(text: string, max = INPUT_MAX): string[] {
  if (max < 2) throw new Error('chunkText needs room for a surrogate pair');
  const chunks: string[] = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(at + max, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    chunks.push(text.slice(at, end));
    at = end;
  }
  return chunks;
}

/** Sends a terminal's keystrokes and pastes to the shell, in order. */
export interface InputSender {
  /** Text from xterm's `onData`: a keystroke, a key's escape sequence, or a paste. */
  push(data: string): void;
  /** Drops what was not sent yet; later pushes are ignored. */
  dispose(): void;
}

/**
 * A keystroke goes at once (its echo is what the user waits for), and at
 * most one call is under way at a time, so keys reach the shell in the order
 * typed; what arrives meanwhile joins the next call. A paste larger than one
 * call's bound goes as several calls, in order.
 */
export function createInputSender(send: (data: string) => Promise<unknown>, schedule: (flush: () => void) => void = queueMicrotask): InputSender {
  const pending: string[] = [];
  let scheduled = false;
  let sending = false;
  let disposed = false;

  const flush = () => {
    scheduled = false;
    if (sending || disposed) return;
    const next = pending.shift();
    if (next === undefined) return;
    sending = true;
    // A failed call (the session ended) is not retried: the shell is gone.
    void send(next)
      .catch(() => undefined)
      .finally(() => {
        sending = false;
        flush();
      });
  };

  return {
    push(data) {
      if (disposed || data === '') return;
      // What is not sent yet is one text: fill the last call before starting another.
      pending.push(...chunkText((pending.pop() ?? '') + data));
      if (!scheduled && !sending) {
        scheduled = true;
        schedule(flush);
      }
    },
    dispose() {
      disposed = true;
      pending.length = 0;
    },
  };
}
