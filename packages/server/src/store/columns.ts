/**
 * Maps records to table rows and back, one table at a time: each record field names its column
 * and how it is stored (text, number, 0/1 flag, JSON text). Optional fields are NULL when absent
 * and absent again when read, so a record round-trips exactly. Any SQL dialect can use it.
 */

export type ColumnKind = 'text' | 'number' | 'flag' | 'json';

/** Record field → [column, kind]. */
export type ColumnMap<R> = { readonly [K in keyof R]-?: readonly [string, ColumnKind] };

export type SqlValue = string | number | null;

function encode(value: unknown, kind: ColumnKind): SqlValue {
  if (value === undefined || value === null) return null;
  switch (kind) {
    case 'text':
      return String(value);
    case 'number':
      return Number(value);
    case 'flag':
      return value ? 1 : 0;
    case 'json':
      return JSON.stringify(value);
    default: {
      const never: never = kind;
      throw new Error(`unknown column kind ${never}`);
    }
  }
}

function decode(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return undefined;
  switch (kind) {
    case 'text':
      return String(value);
    case 'number':
      return Number(value);
    case 'flag':
      return Number(value) !== 0;
    case 'json':
      return JSON.parse(String(value));
    default: {
      const never: never = kind;
      throw new Error(`unknown column kind ${never}`);
    }
  }
}

/** One table's mapping. */
export class Columns<R extends object> {
  readonly #map: ColumnMap<R>;

  constructor(map: ColumnMap<R>) {
    this.#map = map;
  }

  /** Column names in field order. */
  get names(): string[] {
    return Object.values<readonly [string, ColumnKind]>(this.#map).map(([c]) => c);
  }

  /** The column of a field. */
  column(field: keyof R): string {
    return this.#map[field][0];
  }

  /** Values of the given fields of `record` (all fields when omitted), in that order. */
  values(record: Partial<R>, fields: readonly (keyof R)[] = this.fields()): SqlValue[] {
    return fields.map((f) => encode(record[f], this.#map[f][1]));
  }

  /** The fields present (not undefined) in a patch. */
  present(patch: Partial<R>): (keyof R)[] {
    return this.fields().filter((f) => patch[f] !== undefined);
  }

  fields(): (keyof R)[] {
    return Object.keys(this.#map) as (keyof R)[];
  }

  /** A record from a row keyed by column name; NULL columns become absent fields. */
  read(row: Record<string, unknown>): R {
    const out: Record<string, unknown> = {};
    for (const f of this.fields()) {
      const [column, kind] = this.#map[f];
      const v = decode(row[column], kind);
      if (v !== undefined) out[f as string] = v;
    }
    return out as R;
  }
}
