import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApiApp, createWorkerApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/app-config';

export interface RunningApi {
  app: NestFastifyApplication;
  baseUrl: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** The real API on an ephemeral port, against the run's test database and Redis. */
export async function startApi(env: NodeJS.ProcessEnv = {}): Promise<RunningApi> {
  const config = loadConfig({ ...process.env, ...env });
  const app = await createApiApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${address.port}`, dataSource: app.get(DataSource), close: () => app.close() };
}

export async function startWorker(env: NodeJS.ProcessEnv = {}): Promise<INestApplicationContext> {
  return createWorkerApp(loadConfig({ ...process.env, ...env }));
}

export function testConfig(env: NodeJS.ProcessEnv = {}): AppConfig {
  return loadConfig({ ...process.env, ...env });
}

/** A short unique prefix so that test files can share one database without colliding. */
export function uniqueCode(prefix: string): string {
  return `${prefix}${Math.random().toString(36).slice(2, 7).toUpperCase()}`;
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** JSON over real HTTP. */
export async function http<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(baseUrl + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Uploads one file as multipart/form-data field `file`. */
export async function upload<T = any>(
  baseUrl: string,
  path: string,
  content: Buffer | string,
  filename: string,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const form = new FormData();
  form.append('file', new Blob([typeof content === 'string' ? Buffer.from(content, 'utf8') : content]), filename);
  const res = await fetch(baseUrl + path, { method: 'POST', body: form, headers });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

/** HTTP calls as one signed-in user or API token. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
    readonly username = '',
  ) {}

  static async signIn(baseUrl: string, username: string, password: string): Promise<ApiClient> {
    const res = await http(baseUrl, 'POST', '/api/v1/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return new ApiClient(baseUrl, res.body.accessToken, username);
  }

  private auth(headers: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, ...headers };
  }

  call<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult<T>> {
    return http<T>(this.baseUrl, method, path, body, this.auth(headers));
  }

  get<T = any>(path: string): Promise<HttpResult<T>> {
    return this.call<T>('GET', path);
  }

  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult<T>> {
    return this.call<T>('POST', path, body, headers);
  }

  patch<T = any>(path: string, body?: unknown): Promise<HttpResult<T>> {
    return this.call<T>('PATCH', path, body);
  }

  upload<T = any>(path: string, content: Buffer | string, filename: string): Promise<HttpResult<T>> {
    return upload<T>(this.baseUrl, path, content, filename, this.auth());
  }

  /** A call that must succeed (2xx); anything else fails the test with the answer. */
  async must<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.call<T>(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** The items of one page of a list route: the call must succeed and answer the list envelope `{items, page, pageSize, total}`. */
  async items<T = any>(path: string): Promise<T[]> {
    const body = await this.must<{ items: T[]; total: number }>('GET', path);
    if (!Array.isArray(body?.items) || typeof body.total !== 'number')
      throw new Error(`GET ${path}: not a list envelope: ${JSON.stringify(body).slice(0, 300)}`);
    return body.items;
  }
}

/** Row counts of the tables a refused request must leave untouched. */
export async function tableCounts(
  ds: DataSource,
  tables: string[] = ['county', 'medical_community', 'institution', 'app_user', 'api_token'],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await ds.query(`SELECT COUNT(*) AS n FROM \`${t}\``))[0].n);
  return out;
}

/** A checksum of every table but the audit log and sign-in sessions: a refused request must leave it unchanged. */
export async function tableFingerprint(ds: DataSource): Promise<string> {
  const tables: { t: string }[] = await ds.query(
    "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND table_name NOT IN ('audit_log', 'audit_chain_head', 'auth_session', 'migrations') ORDER BY table_name",
  );
  const rows: { Table: string; Checksum: string }[] = await ds.query(`CHECKSUM TABLE ${tables.map((r) => `\`${r.t}\``).join(', ')}`);
  return rows.map((r) => `${r.Table}=${r.Checksum}`).join(' ');
}
