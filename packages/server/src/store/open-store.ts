/**
 * Chooses the store from the configuration: PostgreSQL when a database URL is set
 * (`DLT_DATABASE_URL`), else the SQLite file `dlt.db` under the data folder.
 */
import { join } from 'node:path';
import { badInput } from '@dlt/model';
import { PostgresStore } from './postgres-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export interface StoreConfig {
  /** The data folder, home of the SQLite file. */
  readonly dataDir: string;
  /** `postgres://user:password@host:5432/dlt?sslmode=require`; SQLite when absent. */
  readonly databaseUrl?: string;
}

/** The store settings of the environment (`DLT_DATABASE_URL`; empty counts as unset). */
export function storeConfigFromEnv(env: NodeJS.ProcessEnv, dataDir: string): StoreConfig {
  const databaseUrl = env.DLT_DATABASE_URL?.trim();
  return databaseUrl ? { dataDir, databaseUrl } : { dataDir };
}

/** A URL with its password replaced, fit for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Opens (migrating as needed) the configured store. */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.databaseUrl === undefined) return new SqliteStore(join(config.dataDir, 'dlt.db'));
  const url = config.databaseUrl;
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw badInput([
      {
        field: 'DLT_DATABASE_URL',
        message: 'must be a postgres:// URL',
        hint: 'postgres://user:password@host:5432/dlt',
      },
    ]);
  }
  try {
    return await PostgresStore.open(url);
  } catch (e) {
    throw new Error(`cannot open the PostgreSQL database at ${redactUrl(url)}: ${(e as Error).message}`, { cause: e });
  }
}
