/**
 * SQL built piece by piece for PostgreSQL: numbered placeholders with their values, SET
 * clauses from record patches, and INSERTs that replace the row with the same key.
 */
import type { Columns, SqlValue } from './columns.ts';
import type { PgParam } from './postgres-db.ts';

/** Numbered placeholders (`$1`, `$2`, …) for SQL built piece by piece, with their values. */
export class Params {
  readonly values: PgParam[] = [];

  /** The placeholder of one more value. */
  add(value: PgParam): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** `($1, $2, …)` for a row of values. */
  row(values: readonly SqlValue[]): string {
    return `(${values.map((v) => this.add(v)).join(', ')})`;
  }

  /** `a = $n, b = $m` for the fields present in a patch ('' when none). */
  set<R extends object>(cols: Columns<R>, patch: Partial<R>): string {
    const fields = cols.present(patch);
    const values = cols.values(patch, fields);
    return fields.map((f, i) => `${cols.column(f)} = ${this.add(values[i])}`).join(', ');
  }
}

/** An INSERT of rows that replaces the row with the same `key`. */
export function upsert(table: string, names: readonly string[], key: string, rows: readonly (readonly SqlValue[])[]) {
  const p = new Params();
  const updates = names.filter((n) => n !== key).map((n) => `${n} = EXCLUDED.${n}`);
  const sql = `INSERT INTO ${table} (${names.join(', ')}) VALUES ${rows.map((r) => p.row(r)).join(', ')}
    ON CONFLICT (${key}) DO UPDATE SET ${updates.join(', ')}`;
  return [sql, p.values] as const;
}
