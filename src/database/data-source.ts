import 'reflect-metadata';
import * as path from 'node:path';
import * as mysql2 from 'mysql2';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { guardAppendOnly } from './append-only';

/**
 * Every pooled connection runs in strict SQL mode and UTC, whatever the server defaults are:
 * a bad amount or date must fail loudly instead of being truncated, and DATETIME columns
 * hold UTC. Business dates are DATE columns (Asia/Shanghai calendar days) and never shift.
 */
export const SESSION_SETUP_SQL =
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', " +
  "time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_unicode_ci";

/** mysql2, with the session set-up run as the first command of every new pooled connection. */
const strictMysql2 = {
  ...mysql2,
  createPool(options: mysql2.PoolOptions) {
    const pool = mysql2.createPool(options);
    pool.on('connection', (connection) => {
      connection.query(SESSION_SETUP_SQL);
    });
    return pool;
  },
};

/** The same, and every connection refuses changes to the append-only tables (AUDIT_PROTECTION=app: no triggers). */
const guardedMysql2 = {
  ...mysql2,
  createPool(options: mysql2.PoolOptions) {
    const pool = strictMysql2.createPool(options);
    pool.on('connection', (connection) => guardAppendOnly(connection as never));
    return pool;
  },
};

const ROOT = path.join(__dirname, '..', '..');

/** The one definition of the connection, used by the API, the worker, tests and the migration CLI. */
export function buildDataSourceOptions(db: AppConfig['db'], overrides: Partial<{ database: string }> = {}): DataSourceOptions {
  const appendOnlyProtection = db.appendOnlyProtection ?? 'trigger';
  return {
    type: 'mysql',
    driver: appendOnlyProtection === 'app' ? guardedMysql2 : strictMysql2,
    // Read by the migrations that create the append-only triggers (src/database/append-only.ts).
    ...({ appendOnlyProtection } as object),
    connectorPackage: 'mysql2',
    host: db.host,
    port: db.port,
    username: db.user,
    password: db.password,
    database: overrides.database ?? db.name,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    dateStrings: ['DATE'],
    supportBigNumbers: true,
    bigNumberStrings: true,
    connectTimeout: 3000,
    poolSize: db.poolSize,
    entities: [path.join(ROOT, 'src', '**', '*.entity.{ts,js}')],
    migrations: [path.join(ROOT, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Failed queries surface as errors in the service logs with their request id; no double logging here.
    logging: ['warn', 'migration'],
  };
}
