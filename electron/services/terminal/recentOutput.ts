/**
 * The last stretch of a session's output, replayed to a window that
 * (re)attaches. Bounded in characters; the cut is moved to the start of a line
 * when one is near, so a replay rarely begins inside an escape sequence.
 */
export class RecentOutput {
  private chunks: string[] = [];
  private length = 0;

  constructor(private readonly maxChars: number) {}

  push(text: string): void {
    if (!text) return;
    this.chunks.push(text);
    this.length += text.length;
    if (this.length > this.maxChars * 1.25) this.trim();
  }

  /** What is kept, oldest first. */
  text(): string {
    if (this.length > this.maxChars) this.trim();
    const text = this.chunks.join('');
    this.chunks = text ? [text] : [];
    return text;
  }

  private trim(): void {
    const all = this.chunks.join('');
    let start = all.length - this.maxChars;
    // Up to 4 KiB further on, a line starts: begin there.
    const newline = all.indexOf('\n', start);
    if (newline !== -1 && newline - start < 4096) start = newline + 1;
    // Never begin with the second half of a surrogate pair.
    const code = all.charCodeAt(start);
    if (code >= 0xdc00 && code <= 0xdfff) start++;
    const kept = all.slice(start);
    this.chunks = [kept];
    this.length = kept.length;
  }
}
