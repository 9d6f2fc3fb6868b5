/**
 * The progress bar of a bootstrap: entries received and verified, and the rate. The total is
 * not known in advance (Eidetica v0's bootstrap names none), so the bar moves as pages arrive.
 * On a terminal it redraws one line; elsewhere it prints a line at most once a second.
 */
import type { Progress } from "./operations.js";

const WIDTH = 24;

/** Draws progress on `stream` (standard error by default). */
export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #label: string;
  #lastPrint = 0;
  #drawn = false;
  #frame = 0;

  constructor(label: string, stream: NodeJS.WriteStream = process.stderr) {
    this.#label = label;
    this.#stream = stream;
  }

  /** One line for `progress`: `[=====>   ] 5,000 entries received, verified  4,200/s`. */
  static line(label: string, progress: Progress, frame: number, done = false): string {
    const head = frame % WIDTH;
    const bar = done ? "=".repeat(WIDTH) : `${"=".repeat(head)}>${" ".repeat(WIDTH - head - 1)}`;
    const rate = `${Math.round(progress.ratePerSecond).toLocaleString("en-US")}/s`;
    return `${label} [${bar}] ${progress.received.toLocaleString("en-US")} entries received, verified  ${rate}`;
  }

  update(progress: Progress): void {
    this.#frame++;
    if (this.#stream.isTTY) {
      this.#stream.write(`\r${ProgressBar.line(this.#label, progress, this.#frame)}\u001b[K`);
      this.#drawn = true;
    } else if (Date.now() - this.#lastPrint >= 1_000) {
      this.#lastPrint = Date.now();
      this.#stream.write(`${ProgressBar.line(this.#label, progress, this.#frame)}\n`);
    }
  }

  /** The final line, complete. */
  finish(progress: Progress): void {
    const tty = this.#stream.isTTY === true;
    this.#stream.write(`${tty && this.#drawn ? "\r" : ""}${ProgressBar.line(this.#label, progress, this.#frame, true)}${tty ? "\u001b[K" : ""}\n`);
  }
}
