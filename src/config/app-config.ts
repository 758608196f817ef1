import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength, validateSync } from 'class-validator';
import { CYCLE_NAMES } from '../domain/cycle-schedule';
import { TableLimits } from '../domain/uploaded-table';

/** Who keeps the append-only tables so (src/database/append-only.ts). */
export type AppendOnlyProtection = 'trigger' | 'app';
export const APPEND_ONLY_PROTECTIONS: readonly AppendOnlyProtection[] = ['trigger', 'app'];

/** Raw environment, validated once at start-up. Every variable is documented in config/example.env. */
class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsString()
  HOST: string = '0.0.0.0';

  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  PUBLIC_URL: string = '';

  @IsInt()
  @Min(1024)
  @Max(256 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 32 * 1024 * 1024;

  @IsString()
  CORS_ORIGINS: string = '';

  @IsString()
  @MinLength(1)
  DB_HOST: string = '127.0.0.1';

  @IsInt()
  @Min(1)
  @Max(65535)
  DB_PORT: number = 3306;

  @IsString()
  @MinLength(1)
  DB_USER: string = 'root';

  @IsString()
  DB_PASSWORD: string = '';

  @Matches(/^[A-Za-z0-9_]{1,64}$/, { message: 'DB_NAME must be 1-64 letters, digits or underscores' })
  DB_NAME: string = 'capitation';

  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE: number = 10;

  /**
   * Who keeps the audit log and the ledger's transfers append-only: `trigger` (database triggers,
   * MySQL/MariaDB) or `app` (the application's connections refuse the change; for databases
   * without triggers such as TiDB). Decided when the database is migrated: see docs/scaling.md.
   */
  @IsIn(APPEND_ONLY_PROTECTIONS)
  AUDIT_PROTECTION: AppendOnlyProtection = 'trigger';

  /** How intake bulk-loads settlement records: `auto` (LOAD DATA LOCAL where the server allows it, else multi-row INSERT) or `insert` (always INSERT). */
  @IsIn(['auto', 'insert'])
  BULK_LOAD: 'auto' | 'insert' = 'auto';

  @IsString()
  @MinLength(1)
  REDIS_HOST: string = '127.0.0.1';

  @IsInt()
  @Min(1)
  @Max(65535)
  REDIS_PORT: number = 6379;

  @IsString()
  REDIS_PASSWORD: string = '';

  @IsInt()
  @Min(0)
  @Max(15)
  REDIS_DB: number = 0;

  /**
   * Prefix of every queue and rate-limit key. On Redis Cluster, wrap it in a hash tag ("{cbm}"):
   * every key of the deployment then hashes to one slot, as BullMQ's multi-key scripts need.
   */
  @Matches(/^(?=.{1,42}$)(\{[A-Za-z0-9_:-]{1,40}\})?[A-Za-z0-9_:-]*$/, {
    message: 'QUEUE_PREFIX must be 1-40 letters, digits, _ : - (optionally starting with a {hash tag} for Redis Cluster)',
  })
  QUEUE_PREFIX: string = 'cbm';

  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY: number = 4;

  /** How long a worker holds a job before another worker may take it up (after a crash or kill). */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  QUEUE_LOCK_MS: number = 30_000;

  /** How often a worker looks for jobs whose worker stopped. */
  @IsInt()
  @Min(500)
  @Max(600_000)
  QUEUE_STALLED_CHECK_MS: number = 30_000;

  /** How many times a job may be taken up again after its worker stopped before it is failed (the sweeper resumes it then). */
  @IsInt()
  @Min(0)
  @Max(1000)
  QUEUE_MAX_STALLED_COUNT: number = 20;

  /** How long a job failed for a reason a retry can fix stays failed before the outbox sweeper runs it again. */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  QUEUE_REDRIVE_AFTER_MS: number = 60_000;

  /** Tests only: every job waits this long before and after its work, so that a kill can land inside a short job. */
  @IsInt()
  @Min(0)
  @Max(10_000)
  QUEUE_TEST_JOB_DELAY_MS: number = 0;

  /** How often the worker enqueues outbox rows that Redis does not hold. */
  @IsInt()
  @Min(200)
  @Max(3_600_000)
  OUTBOX_SWEEP_MS: number = 10_000;

  /** Creates the cycle schedules (BullMQ job schedulers) when the worker starts. */
  @IsBoolean()
  SCHEDULES_ENABLED: boolean = true;

  /** Overrides of cycle schedules: "cycle=cron;cycle=off" (six-field cron, Asia/Shanghai). */
  @Matches(/^([a-z-]+=[^;=]+)?(;[a-z-]+=[^;=]+)*$/, { message: 'CYCLE_SCHEDULES must be "cycle=cron;cycle=off"' })
  CYCLE_SCHEDULES: string = '';

  /** Pause between year-end transfers while posting, to spare the ledger at busy hours. */
  @IsInt()
  @Min(0)
  @Max(10_000)
  YEAR_END_POSTING_THROTTLE_MS: number = 0;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsBoolean()
  LOG_PRETTY: boolean = false;

  @IsInt()
  @Min(1)
  @Max(1_000_000)
  IMPORT_SYNC_MAX_ROWS: number = 5000;

  @IsInt()
  @Min(1)
  @Max(1_000_000)
  INTAKE_SYNC_MAX_ROWS: number = 5000;

  /** Largest total decompressed size of an uploaded XLSX workbook (413 beyond); checked before it is parsed. */
  @IsInt()
  @Min(64 * 1024)
  @Max(1024 * 1024 * 1024)
  UPLOAD_MAX_UNCOMPRESSED_BYTES: number = 64 * 1024 * 1024;

  /** Most data rows of an uploaded CSV or XLSX table (422 beyond). */
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  UPLOAD_MAX_ROWS: number = 200_000;

  /** Most columns of an uploaded CSV or XLSX table (422 beyond). */
  @IsInt()
  @Min(1)
  @Max(16_384)
  UPLOAD_MAX_COLUMNS: number = 64;

  @IsString()
  JWT_SECRET: string = '';

  @IsString()
  INSURED_ID_HASH_KEY: string = '';

  /**
   * The bearer token Prometheus scrapes `GET /metrics` with (empty: only ADMIN users and their
   * API tokens may read the metrics). It opens that one route and nothing else.
   */
  @Matches(/^(|[A-Za-z0-9._~+/=-]{32,256})$/, { message: 'METRICS_TOKEN must be empty or 32-256 token characters' })
  METRICS_TOKEN: string = '';

  @IsInt()
  @Min(60)
  @Max(24 * 3600)
  ACCESS_TOKEN_TTL_SECONDS: number = 900;

  @IsInt()
  @Min(300)
  @Max(90 * 24 * 3600)
  REFRESH_TOKEN_TTL_SECONDS: number = 7 * 24 * 3600;

  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE: number = 600;

  @IsInt()
  @Min(1)
  @Max(10_000)
  LOGIN_RATE_LIMIT_PER_MINUTE: number = 20;

  /**
   * How long (ms) an API instance reuses a verified session or API token before asking the
   * database again. A sign-out, password change, deactivation, role change or token revocation
   * takes effect at once on the instance that made it, and within this bound on every other
   * instance (and for an institution deactivated in the registry). 0 asks on every request.
   */
  @IsInt()
  @Min(0)
  @Max(10_000)
  AUTH_CACHE_TTL_MS: number = 2000;

  @Matches(/^[a-z0-9/-]{1,64}$/, { message: 'SWAGGER_PATH must be a URL path segment' })
  @MaxLength(64)
  SWAGGER_PATH: string = 'docs';

  /** The built web console (web/dist), served at `/`; relative to the working directory. */
  @IsString()
  @MinLength(1)
  WEB_ROOT: string = 'web/dist';

  /** Fixes the business date (Asia/Shanghai) for demos and tests of deadlines; refused in production. */
  @Matches(/^(|\d{4}-\d{2}-\d{2})$/, { message: 'BUSINESS_DATE must be YYYY-MM-DD' })
  BUSINESS_DATE: string = '';

  /**
   * Lets webhooks point at the service's own host or a link-local address. Off everywhere by
   * default (the demo included); the test suite turns it on for its local receivers; refused in production.
   */
  @IsBoolean()
  WEBHOOK_ALLOW_LOCAL_TARGETS: boolean = false;
}

const NUMERIC = new Set([
  'PORT',
  'BODY_LIMIT_BYTES',
  'DB_PORT',
  'DB_POOL_SIZE',
  'REDIS_PORT',
  'REDIS_DB',
  'WORKER_CONCURRENCY',
  'IMPORT_SYNC_MAX_ROWS',
  'ACCESS_TOKEN_TTL_SECONDS',
  'REFRESH_TOKEN_TTL_SECONDS',
  'INTAKE_SYNC_MAX_ROWS',
  'UPLOAD_MAX_UNCOMPRESSED_BYTES',
  'UPLOAD_MAX_ROWS',
  'UPLOAD_MAX_COLUMNS',
  'RATE_LIMIT_PER_MINUTE',
  'LOGIN_RATE_LIMIT_PER_MINUTE',
  'AUTH_CACHE_TTL_MS',
  'QUEUE_LOCK_MS',
  'QUEUE_STALLED_CHECK_MS',
  'QUEUE_MAX_STALLED_COUNT',
  'QUEUE_REDRIVE_AFTER_MS',
  'QUEUE_TEST_JOB_DELAY_MS',
  'OUTBOX_SWEEP_MS',
  'YEAR_END_POSTING_THROTTLE_MS',
]);
/** Used only outside production, so that the demo and tests run without set-up; production must set its own. */
const DEVELOPMENT_JWT_SECRET = 'development-only-secret-never-use-in-production';
const DEVELOPMENT_INSURED_ID_KEY = 'development-only-insured-id-key-never-use-in-production';
const BOOLEAN = new Set(['LOG_PRETTY', 'SCHEDULES_ENABLED', 'WEBHOOK_ALLOW_LOCAL_TARGETS']);

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: {
    host: string;
    port: number;
    publicUrl: string;
    bodyLimitBytes: number;
    corsOrigins: string[];
    swaggerPath: string;
    webRoot: string;
  };
  db: {
    host: string;
    port: number;
    user: string;
    password: string;
    name: string;
    poolSize: number;
    /** Who keeps audit_log and ledger_transfer append-only: database triggers, or the application (src/database/append-only.ts). */
    appendOnlyProtection?: AppendOnlyProtection;
  };
  /** How intake bulk-loads settlement records (BULK_LOAD). */
  bulkLoad: 'auto' | 'insert';
  redis: { host: string; port: number; password?: string; db: number };
  queue: {
    prefix: string;
    concurrency: number;
    lockMs: number;
    stalledCheckMs: number;
    maxStalledCount: number;
    redriveAfterMs: number;
    /** Tests only (see QUEUE_TEST_JOB_DELAY_MS). */
    testJobDelayMs: number;
    outboxSweepMs: number;
    schedulesEnabled: boolean;
    /** Cycle name → six-field cron pattern or "off". */
    scheduleOverrides: Record<string, string>;
    yearEndPostingThrottleMs: number;
  };
  log: { level: string; pretty: boolean };
  /** Whether webhooks may target the service's own host or a link-local address (tests only). */
  webhooks: { allowLocalTargets: boolean };
  registry: { importSyncMaxRows: number };
  intake: { syncMaxRows: number };
  /** Limits on reading an uploaded CSV or XLSX table (settlement records, institutions). */
  uploads: TableLimits;
  auth: {
    jwtSecret: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    rateLimitPerMinute: number;
    loginRateLimitPerMinute: number;
    /** See AUTH_CACHE_TTL_MS. */
    callerCacheTtlMs: number;
    /** The configured scrape token of `GET /metrics`, or null when none is configured. */
    metricsToken: string | null;
  };
  /** Keys the hash of insured persons' ids (HMAC-SHA256); must never change once records exist. */
  insuredIdHashKey: string;
  /** A fixed business date (tests and demos), or null for today in Asia/Shanghai. */
  businessDate: string | null;
}

export class ConfigError extends Error {}

/** Builds the typed configuration from environment variables; throws one error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (NUMERIC.has(key)) raw[key] = /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    else if (BOOLEAN.has(key)) raw[key] = value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
    else raw[key] = value;
  }
  // DB_PASSWORD and REDIS_PASSWORD may legitimately be empty.
  const e = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(e, { whitelist: false, skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((err) => `${err.property}: ${Object.values(err.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`invalid configuration: ${lines.join(' | ')}`);
  }
  for (const secret of ['JWT_SECRET', 'INSURED_ID_HASH_KEY'] as const) {
    if (e.NODE_ENV === 'production' && e[secret].length < 32)
      throw new ConfigError(`invalid configuration: ${secret}: must be set to at least 32 characters in production`);
  }
  if (e.NODE_ENV === 'production' && e.WEBHOOK_ALLOW_LOCAL_TARGETS)
    throw new ConfigError('invalid configuration: WEBHOOK_ALLOW_LOCAL_TARGETS: local webhook targets are never allowed in production');
  if (e.NODE_ENV === 'production' && e.BUSINESS_DATE)
    throw new ConfigError('invalid configuration: BUSINESS_DATE: the business date cannot be fixed in production');
  const scheduleOverrides: Record<string, string> = Object.fromEntries(
    e.CYCLE_SCHEDULES.split(';')
      .filter(Boolean)
      .map((pair) => pair.split('=').map((s) => s.trim()) as [string, string]),
  );
  const unknownCycles = Object.keys(scheduleOverrides).filter((name) => !(CYCLE_NAMES as readonly string[]).includes(name));
  if (unknownCycles.length)
    throw new ConfigError(
      `invalid configuration: CYCLE_SCHEDULES: no cycle named ${unknownCycles.join(', ')} (the cycles are ${CYCLE_NAMES.join(', ')})`,
    );
  const publicUrl = e.PUBLIC_URL || `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`;
  return {
    env: e.NODE_ENV as AppConfig['env'],
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      corsOrigins: e.CORS_ORIGINS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      swaggerPath: e.SWAGGER_PATH,
      webRoot: resolve(e.WEB_ROOT),
    },
    db: {
      host: e.DB_HOST,
      port: e.DB_PORT,
      user: e.DB_USER,
      password: e.DB_PASSWORD,
      name: e.DB_NAME,
      poolSize: e.DB_POOL_SIZE,
      appendOnlyProtection: e.AUDIT_PROTECTION,
    },
    bulkLoad: e.BULK_LOAD,
    redis: { host: e.REDIS_HOST, port: e.REDIS_PORT, password: e.REDIS_PASSWORD || undefined, db: e.REDIS_DB },
    queue: {
      prefix: e.QUEUE_PREFIX,
      concurrency: e.WORKER_CONCURRENCY,
      lockMs: e.QUEUE_LOCK_MS,
      stalledCheckMs: e.QUEUE_STALLED_CHECK_MS,
      maxStalledCount: e.QUEUE_MAX_STALLED_COUNT,
      redriveAfterMs: e.QUEUE_REDRIVE_AFTER_MS,
      testJobDelayMs: e.QUEUE_TEST_JOB_DELAY_MS,
      outboxSweepMs: e.OUTBOX_SWEEP_MS,
      schedulesEnabled: e.SCHEDULES_ENABLED,
      scheduleOverrides,
      yearEndPostingThrottleMs: e.YEAR_END_POSTING_THROTTLE_MS,
    },
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
    webhooks: { allowLocalTargets: e.WEBHOOK_ALLOW_LOCAL_TARGETS },
    registry: { importSyncMaxRows: e.IMPORT_SYNC_MAX_ROWS },
    intake: { syncMaxRows: e.INTAKE_SYNC_MAX_ROWS },
    uploads: {
      maxUncompressedBytes: e.UPLOAD_MAX_UNCOMPRESSED_BYTES,
      maxRows: e.UPLOAD_MAX_ROWS,
      maxColumns: e.UPLOAD_MAX_COLUMNS,
    },
    auth: {
      jwtSecret: e.JWT_SECRET || DEVELOPMENT_JWT_SECRET,
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      loginRateLimitPerMinute: e.LOGIN_RATE_LIMIT_PER_MINUTE,
      callerCacheTtlMs: e.AUTH_CACHE_TTL_MS,
      metricsToken: e.METRICS_TOKEN || null,
    },
    insuredIdHashKey: e.INSURED_ID_HASH_KEY || DEVELOPMENT_INSURED_ID_KEY,
    businessDate: e.BUSINESS_DATE || null,
  };
}

/** Injection token for the typed configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
