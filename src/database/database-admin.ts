// src/database holds infrastructure only (data source, migrations runner, transaction helper,
// versioned update, money transformer, database admin); these files may hold SQL of their own.
// Every statement on a business table lives in the owning module's *.repository.ts.
import * as mysql2 from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source';

/** Creates the schema (database) if it does not exist yet, in utf8mb4. */
export async function ensureDatabase(db: AppConfig['db'], name = db.name): Promise<void> {
  const conn = await mysql2.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, connectTimeout: 3000 });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

export async function dropDatabase(db: AppConfig['db'], name: string): Promise<void> {
  const conn = await mysql2.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, connectTimeout: 3000 });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}

/** Applies every pending migration from `migrations/`; returns the names applied. */
export async function migrateUp(db: AppConfig['db'], name = db.name): Promise<string[]> {
  await ensureDatabase(db, name);
  const ds = await new DataSource(buildDataSourceOptions(db, { database: name })).initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

/** Names of the migrations recorded as applied (none when the table does not exist yet). */
export async function appliedMigrationNames(ds: DataSource): Promise<Set<string>> {
  const rows: { name: string }[] = await ds.query('SELECT name FROM schema_migrations').catch(() => []);
  return new Set(rows.map((r) => r.name));
}
