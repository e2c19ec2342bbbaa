import { describe, expect, it } from 'vitest';
import { chunkText, createInputSender, INPUT_MAX } from './inputQueue';

/** A send whose calls end when the test says, and a frame the test runs. */
function harness() {
  const sent: string[] = [];
  const open: (() => void)[] = [];
  const frames: (() => void)[] = [];
  const send = (data: string) =>
    new Promise<void>((resolve) => {
      sent.push(data);
      open.push(resolve);
    });
  const sender = createInputSender(send, (fn) => frames.push(fn));
  const frame = () => frames.splice(0).forEach((fn) => fn());
  const answer = async () => {
    open.shift()?.();
    // Let the call's settlement run.
    await new Promise((r) => setTimeout(r, 0));
  };
  return { sent, open, frames, sender, frame, answer };
}

describe('chunkText', () => {
  it('splits at the bound, in order, and joins back to the text', () => {
    const text = 'a'.repeat(INPUT_MAX * 2 + 5);
    const chunks = chunkText(text);
    expect(chunks.map((c) => c.length)).toEqual([INPUT_MAX, INPUT_MAX, 5]);
    expect(chunks.join('')).toBe(text);
  });

  it('never splits a surrogate pair', () => {
    const text = `${'a'.repeat(3)}😀${'b'.repeat(3)}`;
    const chunks = chunkText(text, 4);
    expect(chunks).toEqual(['aaa', '😀bb', 'b']);
    for (const c of chunks) expect(c).not.toMatch(/[\ud800-\udbff]$/);
  });

  it('gives nothing for empty text and refuses a bound without room for a pair', () => {
    expect(chunkText('')).toEqual([]);
    expect(() => chunkText('ab', 1)).toThrow();
  });
});

describe('createInputSender', () => {
  it('sends the keystrokes of one frame as one call', async () => {
    const h = harness();
    h.sender.push('l');
    h.sender.push('s');
    h.sender.push('\r');
    expect(h.sent).toEqual([]);
    h.frame();
    expect(h.sent).toEqual(['ls\r']);
  });

  it('keeps one call under way, and sends what was typed meanwhile next, in order', async () => {
    const h = harness();
    h.sender.push('a');
    h.frame();
    h.sender.push('b');
    h.sender.push('c');
    h.frame();
    expect(h.sent).toEqual(['a']);
    await h.answer();
    expect(h.sent).toEqual(['a', 'bc']);
    await h.answer();
    expect(h.sent).toEqual(['a', 'bc']);
  });

  it('sends a paste larger than one call as several calls, in order, after what was typed before it', async () => {
    const h = harness();
    const paste = 'x'.repeat(INPUT_MAX * 2 + 10);
    h.sender.push('echo ');
    h.sender.push(paste);
    h.sender.push('\r');
    h.frame();
    while (h.open.length) await h.answer();
    expect(h.sent.every((c) => c.length <= INPUT_MAX)).toBe(true);
    expect(h.sent.join('')).toBe(`echo ${paste}\r`);
    expect(h.sent.length).toBe(3);
  });

  it('goes on after a failed call, and sends nothing once disposed', async () => {
    const sent: string[] = [];
    const frames: (() => void)[] = [];
    const sender = createInputSender(
      async (d) => {
        sent.push(d);
        if (d === 'bad') throw new Error('gone');
      },
      (fn) => frames.push(fn),
    );
    sender.push('bad');
    frames.splice(0).forEach((f) => f());
    sender.push('good');
    await new Promise((r) => setTimeout(r, 0));
    frames.splice(0).forEach((f) => f());
    expect(sent).toEqual(['bad', 'good']);
    sender.dispose();
    sender.push('late');
    frames.splice(0).forEach((f) => f());
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['bad', 'good']);
  });

  it('ignores empty data', () => {
    const h = harness();
    h.sender.push('');
    expect(h.frames).toEqual([]);
  });
});
