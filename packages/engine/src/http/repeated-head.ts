/**
 * Remembers the last response head a connection got, byte for byte, so an identical one (a
 * server answering the same request the same way, as most do within the second its Date
 * header stays the same) is recognised with one native compare instead of being scanned.
 * Connections whose heads keep changing stop trying after a few misses.
 */
import { HeadInfo } from './response-head.ts';

/** Misses in a row after which the connection stops remembering heads. */
const maxMisses = 4;
const noBytes = Buffer.alloc(0);

export class RepeatedHead {
  /** Bytes of the remembered head, blank line included (0: none). */
  length = 0;
  /** What scanning it found. */
  readonly info = new HeadInfo();
  /** The head's bytes, sized to the head (a shared empty one until the first). */
  #bytes = noBytes;
  readonly #capacity: number;
  /** The scanned text the head came from (its header lines are sliced from it). */
  #text = '';
  #misses = 0;

  /** `capacity` bounds the heads worth remembering. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The text of the remembered head when `buf` starts with it at `at`, else null. */
  match(buf: Buffer, at: number, end: number): string | null {
    const length = this.length;
    if (length === 0 || at + length > end) return null;
    if (buf.compare(this.#bytes, 0, length, at, at + length) === 0) {
      this.#misses = 0;
      return this.#text;
    }
    if (++this.#misses >= maxMisses) this.#misses = -Infinity; // never again on this connection
    return null;
  }

  /** Remembers the head `buf[at, at + length)`, scanned from `text` into `info`. */
  remember(buf: Buffer, at: number, length: number, text: string, info: HeadInfo): void {
    if (this.#misses < 0 || length > this.#capacity) {
      this.length = 0;
      return;
    }
    // Heads of one server keep their length within a few bytes (the Date header's digits do not
    // vary, a body length might): the first size plus a margin rarely needs a second allocation.
    if (length > this.#bytes.length) this.#bytes = Buffer.allocUnsafe(Math.min(this.#capacity, length + 32));
    buf.copy(this.#bytes, 0, at, at + length);
    this.length = length;
    this.#text = text;
    this.info.copy(info);
  }
}
