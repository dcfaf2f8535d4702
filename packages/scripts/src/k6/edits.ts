/**
 * Position-based edits of a source text: insertions and replacements at offsets of the
 * original, applied in one pass. Edits never add line breaks inside the text, so every line of
 * the rewritten script keeps its number and errors point at the user's own lines.
 */

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Order among edits at the same offset: lower first. */
  readonly order: number;
}

/** Collects edits against one original text, then renders the result. */
export class Edits {
  readonly #source: string;
  readonly #edits: Edit[] = [];
  #count = 0;

  constructor(source: string) {
    this.#source = source;
  }

  /**
   * Inserts `text` at `at`. Among insertions at one offset, `outer` ones (the opening of a
   * wrapper that encloses the others) go first when opening and last when closing.
   */
  insert(at: number, text: string, placement: 'open' | 'close' = 'open'): void {
    // Openings nest: the first added is the outermost. Closings nest the other way.
    const n = ++this.#count;
    this.#edits.push({ start: at, end: at, text, order: placement === 'open' ? n : -n });
  }

  /** Replaces the original text between `start` and `end` (line breaks in it are kept). */
  replace(start: number, end: number, text: string): void {
    const kept = this.#source.slice(start, end).replace(/[^\n]/g, '');
    this.#edits.push({ start, end, text: text + kept, order: 0 });
  }

  /** Blanks out the text between `start` and `end`, keeping its line breaks. */
  remove(start: number, end: number): void {
    this.replace(start, end, '');
  }

  /** The edited text. Overlapping replacements are a bug of the caller and throw. */
  render(): string {
    const sorted = [...this.#edits].sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
    let out = '';
    let at = 0;
    for (const e of sorted) {
      if (e.start < at) throw new Error(`overlapping edits at offset ${e.start}`);
      out += this.#source.slice(at, e.start) + e.text;
      at = e.end;
    }
    return out + this.#source.slice(at);
  }
}
