/** The last lines of a log, up to a size in UTF-8 bytes: what a download keeps of a log longer than its limit. */
export class LogTail {
  private lines: string[] = [];
  private head = 0;
  /** UTF-8 bytes of `lines[head…]`, a newline after each. */
  private bytes = 0;
  private dropped = false;

  constructor(private readonly limitBytes: number) {}

  push(line: string): void {
    this.lines.push(line);
    this.bytes += Buffer.byteLength(line) + 1;
    while (this.bytes > this.limitBytes && this.lines.length - this.head > 1) {
      this.bytes -= Buffer.byteLength(this.lines[this.head]) + 1;
      this.lines[this.head++] = '';
      this.dropped = true;
    }
    if (this.head > 4096 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  /** The kept lines, each ending in a newline; `truncated` when older lines (or the start of the one line kept) were left out. */
  result(): { text: string; truncated: boolean } {
    const kept = this.lines.slice(this.head);
    const text = kept.length ? kept.join('\n') + '\n' : '';
    if (this.bytes <= this.limitBytes) return { text, truncated: this.dropped };
    // One line alone is over the limit: keep its end, starting at a whole UTF-8 character.
    const utf8 = Buffer.from(text);
    let start = utf8.length - this.limitBytes;
    while (start < utf8.length && (utf8[start] & 0xc0) === 0x80) start++;
    return { text: utf8.subarray(start).toString('utf8'), truncated: true };
  }
}
