// A bounded tail of an agent's output: memory stays constant however much an agent prints.
export class OutputTail {
  private text = '';
  private droppedBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxLines: number,
  ) {}

  push(chunk: string): void {
    this.text += chunk;
    // Keep a little slack so line trimming still has whole lines to work with.
    const limit = this.maxBytes * 2;
    if (this.text.length > limit) {
      this.droppedBytes += this.text.length - limit;
      this.text = this.text.slice(this.text.length - limit);
    }
  }

  /** The last `maxLines` lines, at most `maxBytes` characters, prefixed with a marker when cut. */
  value(): string {
    let lines = this.text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines = lines.slice(0, -1);
    let cut = this.droppedBytes > 0;
    if (lines.length > this.maxLines) {
      lines = lines.slice(lines.length - this.maxLines);
      cut = true;
    }
    let out = lines.join('\n');
    if (out.length > this.maxBytes) {
      out = out.slice(out.length - this.maxBytes);
      cut = true;
    }
    return cut ? `[…]\n${out}` : out;
  }
}
