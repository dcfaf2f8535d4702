/**
 * Collects a response head (or trailer block) that arrived in pieces, until the blank line
 * that ends it, in one growing buffer: no concatenation per piece, so even a head fed one
 * byte at a time costs linear time.
 */

const blankLine = Buffer.from('\r\n\r\n');
const noBytes = Buffer.alloc(0);
/** The buffer's size when the first piece arrives. */
const firstSize = 1024;

/** `gather` needs more bytes. */
export const needMore = -1;
/** `gather` found no blank line within the cap. */
export const tooLarge = -2;

export class HeadBuffer {
  /** Bytes held. */
  length = 0;
  /** After a successful `gather`: the offset in its input just past the blank line. */
  consumed = 0;
  #cap: number;
  /** Made on the first piece: most heads come whole, and idle connections should cost little. */
  #bytes = noBytes;

  /** `cap` bounds the block, blank line excluded. */
  constructor(cap: number) {
    this.#cap = cap;
  }

  clear(): void {
    this.length = 0;
  }

  append(buf: Buffer, at: number, len: number): void {
    if (this.length + len > this.#bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.length + len, firstSize));
      this.#bytes.copy(bigger, 0, 0, this.length);
      this.#bytes = bigger;
    }
    buf.copy(this.#bytes, this.length, at, at + len);
    this.length += len;
  }

  /**
   * Adds `buf[at, end)` (as much as the cap allows) and returns the length of the complete
   * block, blank line included, or `needMore`, or `tooLarge`. A complete block empties the
   * buffer for the next one; read it with `latin1` first.
   */
  gather(buf: Buffer, at: number, end: number): number {
    const prior = this.length;
    this.append(buf, at, Math.min(end - at, this.#cap + 4 - prior));
    const found = this.#bytes.subarray(0, this.length).indexOf(blankLine, Math.max(0, prior - 3));
    if (found === -1) return this.length >= this.#cap + 4 ? tooLarge : needMore;
    if (found > this.#cap) return tooLarge;
    this.consumed = at + found + 4 - prior;
    this.length = 0;
    return found + 4;
  }

  /** Text of the bytes held (or just gathered) in `[start, end)`. */
  latin1(start: number, end: number): string {
    return latin1(this.#bytes, start, end);
  }
}

type Latin1Slicer = { latin1Slice(start: number, end: number): string };

/**
 * `Buffer#latin1Slice` is what `toString('latin1', …)` ends up calling, minus argument checks
 * that cost as much as the copy on a short head; callers pass valid bounds.
 */
export function latin1(b: Buffer, start: number, end: number): string {
  return (b as unknown as Latin1Slicer).latin1Slice(start, end);
}
