/** A one-line progress bar on stderr, redrawn at most every 100 ms; when stderr is not a terminal, one line per quarter. */
export class ProgressBar {
  private done = 0;
  private lastDraw = 0;
  private lastQuarter = -1;
  private readonly started = process.hrtime.bigint();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  tick(n = 1): void {
    this.done += n;
    const now = Number((process.hrtime.bigint() - this.started) / 1_000_000n);
    if (now - this.lastDraw >= 100 || this.done >= this.total) {
      this.lastDraw = now;
      this.draw(now);
    }
  }

  finish(): void {
    this.done = this.total;
    this.draw(Number((process.hrtime.bigint() - this.started) / 1_000_000n));
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private draw(elapsedMs: number): void {
    const width = 30;
    const fraction = this.total === 0 ? 1 : Math.min(1, this.done / this.total);
    const filled = Math.round(fraction * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    const line = `${this.label.padEnd(34)} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${(elapsedMs / 1000).toFixed(1)}s`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}`);
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter > this.lastQuarter) {
      this.lastQuarter = quarter;
      this.stream.write(`${line}\n`);
    }
  }
}
