import { describe, expect, it } from 'vitest';
import { LogTail } from './podLogTail';

describe('LogTail', () => {
  it('keeps everything under the limit, a newline after each line', () => {
    const tail = new LogTail(100);
    tail.push('one');
    tail.push('');
    tail.push('three');
    expect(tail.result()).toEqual({ text: 'one\n\nthree\n', truncated: false });
  });

  it('an empty log is empty text', () => {
    expect(new LogTail(10).result()).toEqual({ text: '', truncated: false });
  });

  it('keeps the last whole lines that fit, counting UTF-8 bytes', () => {
    const tail = new LogTail(12);
    for (const line of ['aaaa', 'bbbb', 'cccc', 'dddd']) tail.push(line);
    expect(tail.result()).toEqual({ text: 'cccc\ndddd\n', truncated: true });
    const wide = new LogTail(12);
    // "é" is two bytes: "éé\n" is 5, "ab\n" is 3.
    for (const line of ['éé', 'éé', 'ab', 'éé']) wide.push(line);
    // 18 bytes in all; dropping the first "éé" leaves 13, still over: both go.
    expect(wide.result()).toEqual({ text: 'ab\néé\n', truncated: true });
  });

  it('exactly at the limit is not truncated', () => {
    const tail = new LogTail(10);
    tail.push('abcd');
    tail.push('efgh');
    expect(tail.result()).toEqual({ text: 'abcd\nefgh\n', truncated: false });
  });

  it('one line longer than the limit keeps its end, from a whole character', () => {
    const tail = new LogTail(8);
    tail.push('first');
    tail.push('0123456789');
    expect(tail.result()).toEqual({ text: '3456789\n', truncated: true });
    const wide = new LogTail(6);
    wide.push('aéééé');
    // The last 6 bytes start inside an "é": the half character is left out.
    expect(wide.result()).toEqual({ text: 'éé\n', truncated: true });
  });

  it('stays bounded over a long log', () => {
    const tail = new LogTail(1000);
    for (let i = 0; i < 100_000; i++) tail.push(`line ${i}`);
    const { text, truncated } = tail.result();
    expect(truncated).toBe(true);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1000);
    expect(text.endsWith('line 99999\n')).toBe(true);
    expect(text.startsWith('line ')).toBe(true);
  });
});
