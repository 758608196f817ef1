/**
 * Read-path benchmark (issue: speed where users feel it): the service's main list and read
 * endpoints under an authenticated load of 50 connections, each against a bare node:http +
 * mysql2 server returning the same rows from the same database, in the same run.
 *
 *   npm run bench:reads          (CONNECTIONS=50 DURATION=10 ROUNDS=3 by default)
 *
 * The API runs as its own process exactly as `npm run start:api` runs it (request log at
 * `info` to a discarded stdout), with the per-user rate limit raised to 1 000 000 a minute so
 * that throttling does not interfere (it is still counted in Redis on every request). The bare
 * server (`node dist/bench/reads.bench.js --bare`) runs in another process with a mysql2 pool
 * of the same size, answers the same paths without authentication, and runs for each the SQL
 * that yields the answer's rows. The load generator (autocannon) runs in this process.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import * as mysql2 from 'mysql2/promise';
import { NestFactory } from '@nestjs/core';
import autocannon from 'autocannon';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { dropDatabase, migrateUp } from '../src/database/database-admin';
import { DEMO_PASSWORD } from '../src/cli/demo-county';
import { seedDemo } from '../src/cli/seed-demo';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const DURATION = Number(process.env.DURATION ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const API_PORT = Number(process.env.BENCH_PORT ?? 3941);
const BARE_PORT = API_PORT + 1;
const DB_NAME = 'cbm_bench_reads';
const PERIOD = process.env.BENCH_PERIOD ?? '';

const env = {
  ...process.env,
  DB_NAME,
  QUEUE_PREFIX: 'cbm-bench-reads',
  LOG_LEVEL: 'info',
  PORT: String(API_PORT),
  RATE_LIMIT_PER_MINUTE: '1000000',
};
const config = loadConfig(env);

/** The ids the bare server's SQL needs, looked up once by code. */
interface Ids {
  countyId: number;
  communityId: number;
  leadId: number;
  period: string;
  declarationId: number;
}

interface Endpoint {
  name: string;
  path: (ids: Ids) => string;
  user: string;
  /** The bare server's answer: the rows of the same answer, by plain SQL. */
  bare: (db: mysql2.Pool, ids: Ids) => Promise<unknown>;
  /** How many rows of the API's answer the bare server's `items` must match (checked once before measuring). */
  rows: ((body: Record<string, unknown>) => number) | null;
}

const CLAIM_COLUMNS = `c.id, c.institution_id, i.code AS institution_code, c.community_id, c.county_id, c.period, c.state, c.version,
  DATE_FORMAT(c.cutoff, '%Y-%m-%d') AS cutoff, DATE_FORMAT(c.submitted_on, '%Y-%m-%d') AS submitted_on, c.submitted_by, c.late,
  DATE_FORMAT(c.returned_on, '%Y-%m-%d') AS returned_on, c.returned_by, c.return_reasons, c.returns, c.reviewed_by,
  DATE_FORMAT(c.reviewed_on, '%Y-%m-%d') AS reviewed_on, DATE_FORMAT(c.declared_on, '%Y-%m-%d') AS declared_on, c.declaration_id,
  DATE_FORMAT(c.funded_on, '%Y-%m-%d') AS funded_on, DATE_FORMAT(c.passed_down_on, '%Y-%m-%d') AS passed_down_on,
  DATE_FORMAT(c.paid_on, '%Y-%m-%d') AS paid_on`;
const TOTALS = `COUNT(r.id) AS records, COALESCE(SUM(r.fund_paid), 0) AS claimed,
  COALESCE(SUM(CASE WHEN r.review_status = 'PENDING' THEN r.fund_paid END), 0) AS pending,
  COALESCE(SUM(CASE WHEN r.review_status = 'ACCEPTED' THEN r.fund_paid END), 0) AS accepted,
  COALESCE(SUM(CASE WHEN r.review_status = 'REJECTED' THEN r.fund_paid END), 0) AS rejected,
  COALESCE(SUM(CASE WHEN r.review_status = 'ACCEPTED' AND r.deduction_reason IS NOT NULL THEN r.fund_paid END), 0) AS deducted,
  (SELECT COALESCE(SUM(a.amount), 0) FROM claim_adjustment a WHERE a.submitter_id = c.institution_id AND a.claim_period = c.period) AS adjusted`;
const CLAIMS_FROM = `FROM member_claim c JOIN institution i ON i.id = c.institution_id
  LEFT JOIN settlement_record r ON r.submitter_id = c.institution_id AND r.claim_period = c.period`;
const PASS_DOWN_SQL = `SELECT p.id, p.declaration_id, p.level, p.upstream_id, p.payer_id, pr.code AS payer_code, p.payee_id, pe.code AS payee_code,
  p.approved, p.amount, DATE_FORMAT(p.received_on, '%Y-%m-%d') AS received_on, DATE_FORMAT(p.deadline, '%Y-%m-%d') AS deadline,
  p.deadline_confirmed, p.state, p.version, DATE_FORMAT(p.paid_on, '%Y-%m-%d') AS paid_on, p.paid_by, p.late, m.code AS community_code,
  d.county_id, d.fund_year, d.period
  FROM pass_down p JOIN institution pr ON pr.id = p.payer_id JOIN institution pe ON pe.id = p.payee_id
  JOIN claim_declaration d ON d.id = p.declaration_id JOIN medical_community m ON m.id = d.community_id`;
const DECLARATION_SQL = `SELECT d.*, m.code AS community_code, DATE_FORMAT(d.deadline, '%Y-%m-%d') AS deadline,
  DATE_FORMAT(d.declared_on, '%Y-%m-%d') AS declared_on, DATE_FORMAT(d.payment_due, '%Y-%m-%d') AS payment_due,
  DATE_FORMAT(d.disbursed_on, '%Y-%m-%d') AS disbursed_on FROM claim_declaration d JOIN medical_community m ON m.id = d.community_id`;
// A declaration's members read the per-unit totals kept since it was declared, as the API does.
const MEMBERS_SQL = `SELECT c.declaration_id, c.institution_id, i.code AS institution_code, c.id AS claim_id,
  COALESCE(SUM(t.records), 0) AS records, COALESCE(SUM(t.claimed), 0) AS claimed, COALESCE(SUM(t.pending), 0) AS pending,
  COALESCE(SUM(t.accepted), 0) AS accepted, COALESCE(SUM(t.rejected), 0) AS rejected, COALESCE(SUM(t.deducted), 0) AS deducted,
  (SELECT COALESCE(SUM(a.amount), 0) FROM claim_adjustment a WHERE a.submitter_id = c.institution_id AND a.claim_period = c.period) AS adjusted
  FROM member_claim c JOIN institution i ON i.id = c.institution_id LEFT JOIN unit_period_total t ON t.claim_id = c.id
  WHERE c.declaration_id IN (?) GROUP BY c.declaration_id, c.institution_id, i.code, c.id ORDER BY i.code`;

const q = async (db: mysql2.Pool, sql: string, params: unknown[] = []) => (await db.query(sql, params))[0] as Record<string, unknown>[];
const items = (body: Record<string, unknown>) => (body.items as unknown[]).length;

const ENDPOINTS: Endpoint[] = [
  {
    name: 'institutions (townships)',
    path: () => '/api/v1/institutions?type=TOWNSHIP_CENTER',
    user: 'ws.lead.finance',
    rows: items,
    bare: async (db, ids) => ({
      items: await q(
        db,
        `SELECT i.code, i.name, i.type, i.active, i.version, i.created_at, i.updated_at, i.national_code, c.code AS county_code,
                m.code AS community_code, p.code AS parent_code
           FROM institution i JOIN county c ON c.id = i.county_id LEFT JOIN medical_community m ON m.id = i.community_id
           LEFT JOIN institution p ON p.id = i.parent_id
          WHERE i.county_id = ? AND i.type = 'TOWNSHIP_CENTER' ORDER BY i.code, i.id LIMIT 50`,
        [ids.countyId],
      ),
    }),
  },
  {
    name: 'member claims',
    path: () => '/api/v1/member-claims',
    user: 'ws.lead.finance',
    rows: items,
    bare: async (db, ids) => {
      const rows = await q(
        db,
        `SELECT ${CLAIM_COLUMNS}, ${TOTALS} ${CLAIMS_FROM} WHERE i.community_id = ? GROUP BY c.id ORDER BY c.period DESC, i.code, c.id LIMIT 50`,
        [ids.communityId],
      );
      const [{ n }] = await q(
        db,
        'SELECT COUNT(*) AS n FROM member_claim c JOIN institution i ON i.id = c.institution_id WHERE i.community_id = ?',
        [ids.communityId],
      );
      return { items: rows, total: n };
    },
  },
  {
    name: 'declarations',
    path: () => '/api/v1/declarations',
    user: 'ws.lead.finance',
    rows: items,
    bare: async (db, ids) => {
      const rows = await q(db, `${DECLARATION_SQL} WHERE d.community_id = ? ORDER BY d.period DESC, m.code, d.id LIMIT 50`, [
        ids.communityId,
      ]);
      const members = rows.length ? await q(db, MEMBERS_SQL, [rows.map((r) => r.id)]) : [];
      return { items: rows, members };
    },
  },
  {
    name: 'pass-downs',
    path: () => '/api/v1/pass-downs',
    user: 'ws.lead.finance',
    rows: items,
    bare: async (db, ids) => {
      const where = 'WHERE pr.community_id = ? OR pe.community_id = ?';
      const rows = await q(db, `${PASS_DOWN_SQL} ${where} ORDER BY d.period DESC, p.level, pe.code, p.id LIMIT 50`, [
        ids.communityId,
        ids.communityId,
      ]);
      const [{ n }] = await q(
        db,
        `SELECT COUNT(*) AS n FROM pass_down p JOIN institution pr ON pr.id = p.payer_id JOIN institution pe ON pe.id = p.payee_id ${where}`,
        [ids.communityId, ids.communityId],
      );
      return { items: rows, total: n };
    },
  },
  {
    name: 'inbox (lead unit)',
    path: () => '/api/v1/inbox',
    user: 'ws.lead.finance',
    // The inbox's items are derived (periods to declare, governance steps): the rows behind them are compared by use.
    rows: null,
    bare: async (db, ids) => {
      const claims = await q(
        db,
        `SELECT ${CLAIM_COLUMNS}, ${TOTALS} ${CLAIMS_FROM} WHERE c.community_id = ? AND c.state IN ('SUBMITTED', 'REVIEWED') GROUP BY c.id`,
        [ids.communityId],
      );
      const declared = await q(db, 'SELECT period FROM claim_declaration WHERE community_id = ?', [ids.communityId]);
      const own = await q(
        db,
        `SELECT ${CLAIM_COLUMNS}, ${TOTALS} ${CLAIMS_FROM} WHERE c.institution_id = ? AND c.state IN ('OPEN', 'RETURNED') GROUP BY c.id`,
        [ids.leadId],
      );
      const due = await q(db, `${PASS_DOWN_SQL} WHERE (p.payer_id = ? OR p.payee_id = ?) AND p.state = 'DUE'`, [ids.leadId, ids.leadId]);
      const chains = await q(
        db,
        "SELECT id, kind FROM governance_chain WHERE county_id = ? AND status IN ('IN_REVIEW', 'RETURNED', 'APPROVED')",
        [ids.countyId],
      );
      return { items: [...claims, ...own, ...due], declared, chains };
    },
  },
  {
    name: 'ledger accounts',
    path: (ids) => `/api/v1/counties/WS/ledger/${ids.period.slice(0, 4)}/accounts`,
    user: 'ws.bureau.clerk',
    // Every account is read (the totals and the reconciliation need them all); the answer pages them.
    rows: (body) => Number(body.total),
    bare: async (db, ids) => ({
      items: await q(
        db,
        `SELECT a.code, a.debits_total, a.credits_total,
                (SELECT SUM(amount) FROM ledger_transfer WHERE debit_account_id = a.id) AS debits,
                (SELECT SUM(amount) FROM ledger_transfer WHERE credit_account_id = a.id) AS credits
           FROM ledger_account a WHERE a.county_id = ? AND a.fund_year = ? ORDER BY a.code`,
        [ids.countyId, Number(ids.period.slice(0, 4))],
      ),
    }),
  },
  {
    name: 'period summary',
    path: (ids) => `/api/v1/communities/WS-MC/periods/${ids.period}/summary`,
    user: 'ws.lead.finance',
    rows: (body) => (body.claims as unknown[]).length,
    bare: async (db, ids) => {
      const claims = await q(
        db,
        `SELECT c.state, COUNT(DISTINCT c.id) AS count, COUNT(r.id) AS records, COALESCE(SUM(r.fund_paid), 0) AS claimed
           FROM member_claim c LEFT JOIN settlement_record r ON r.submitter_id = c.institution_id AND r.claim_period = c.period
          WHERE c.community_id = ? AND c.period = ? GROUP BY c.state ORDER BY c.state`,
        [ids.communityId, ids.period],
      );
      const declaration = await q(db, `${DECLARATION_SQL} WHERE d.id = ?`, [ids.declarationId]);
      const passDowns = await q(db, `${PASS_DOWN_SQL} WHERE p.declaration_id = ?`, [ids.declarationId]);
      const ooc = await q(
        db,
        'SELECT COALESCE(SUM(funded), 0) AS funded, GROUP_CONCAT(id) AS ids FROM out_of_county_import WHERE community_id = ? AND period = ?',
        [ids.communityId, ids.period],
      );
      const ledger = await q(
        db,
        `SELECT t.reference_type, SUBSTRING_INDEX(t.id, '.', -1) AS leg, COALESCE(SUM(t.amount), 0) AS s FROM ledger_transfer t
          WHERE t.id LIKE CONCAT('declaration.', ?, '.%')
             OR (t.reference_type = 'passDown' AND t.reference_id IN (SELECT CAST(id AS CHAR) FROM pass_down WHERE declaration_id = ?))
          GROUP BY t.reference_type, leg`,
        [ids.declarationId, ids.declarationId],
      );
      return { items: claims, declaration, passDowns, ooc, ledger };
    },
  },
];

// ------------------------------------------------------------------ bare server (its own process)

async function bareServer(): Promise<void> {
  const ids = JSON.parse(process.env.BENCH_IDS ?? '{}') as Ids;
  const db = mysql2.createPool({
    host: config.db.host,
    port: config.db.port,
    user: config.db.user,
    password: config.db.password,
    database: DB_NAME,
    connectionLimit: config.db.poolSize,
    decimalNumbers: false,
    dateStrings: false,
  });
  const routes = new Map(ENDPOINTS.map((e) => [e.path(ids), e]));
  createServer((req, res) => {
    const endpoint = routes.get(req.url ?? '');
    if (!endpoint) {
      res.writeHead(404).end();
      return;
    }
    endpoint.bare(db, ids).then(
      (body) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body)),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  }).listen(BARE_PORT, '127.0.0.1', () => process.send?.('ready'));
}

// ------------------------------------------------------------------ the run

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, token: string | null): Promise<Figures> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

async function warm(url: string, token: string | null): Promise<void> {
  await autocannon({ url, connections: CONNECTIONS, duration: 2, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become ready`);
}

async function signIn(username: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${API_PORT}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${username}: HTTP ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function lookUpIds(): Promise<Ids> {
  const conn = await mysql2.createConnection({
    host: config.db.host,
    port: config.db.port,
    user: config.db.user,
    password: config.db.password,
    database: DB_NAME,
  });
  try {
    const one = async (sql: string, params: unknown[] = []) => ((await conn.query(sql, params))[0] as Record<string, unknown>[])[0];
    const county = await one("SELECT id FROM county WHERE code = 'WS'");
    const community = await one("SELECT id FROM medical_community WHERE code = 'WS-MC'");
    const lead = await one("SELECT id FROM institution WHERE code = 'WS-RMYY'");
    const declaration = PERIOD
      ? await one('SELECT id, period FROM claim_declaration WHERE community_id = ? AND period = ?', [community.id, PERIOD])
      : await one('SELECT id, period FROM claim_declaration WHERE community_id = ? ORDER BY period DESC LIMIT 1', [community.id]);
    return {
      countyId: Number(county.id),
      communityId: Number(community.id),
      leadId: Number(lead.id),
      period: String(declaration.period),
      declarationId: Number(declaration.id),
    };
  } finally {
    await conn.end();
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  console.log(`reads benchmark: ${CONNECTIONS} connections, ${DURATION} s per measurement, ${ROUNDS} rounds, database ${DB_NAME}`);
  await dropDatabase(config.db, DB_NAME);
  await migrateUp(config.db, DB_NAME);
  const seedApp = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error'] });
  await seedDemo(seedApp, () => undefined, { year: true });
  await seedApp.close();
  const ids = await lookUpIds();

  const api = spawn(process.execPath, [require.resolve('../src/main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const bare = spawn(process.execPath, [__filename, '--bare'], {
    env: { ...env, BENCH_IDS: JSON.stringify(ids) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    await Promise.all([waitReady(`http://127.0.0.1:${API_PORT}/health/ready`), new Promise((r) => bare.once('message', r))]);
    const tokens = new Map<string, string>();
    for (const user of new Set(ENDPOINTS.map((e) => e.user))) tokens.set(user, await signIn(user));

    // The same rows on both sides, once, before any measurement.
    for (const e of ENDPOINTS) {
      const path = e.path(ids);
      const mine = await fetch(`http://127.0.0.1:${API_PORT}${path}`, { headers: { authorization: `Bearer ${tokens.get(e.user)}` } });
      const theirs = await fetch(`http://127.0.0.1:${BARE_PORT}${path}`);
      if (mine.status !== 200 || theirs.status !== 200) throw new Error(`${e.name}: HTTP ${mine.status} / bare ${theirs.status}`);
      const [a, b] = [(await mine.json()) as Record<string, unknown>, (await theirs.json()) as Record<string, unknown>];
      if (e.rows && (e.rows(a) === 0 || e.rows(a) !== items(b)))
        throw new Error(`${e.name}: the API answered ${e.rows(a)} rows, the bare server ${items(b)}`);
    }

    const results: { round: number; name: string; bare: Figures; api: Figures }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const e of ENDPOINTS) {
        const path = e.path(ids);
        const token = tokens.get(e.user)!;
        await warm(`http://127.0.0.1:${BARE_PORT}${path}`, null);
        const bareFigures = await load(`http://127.0.0.1:${BARE_PORT}${path}`, null);
        await warm(`http://127.0.0.1:${API_PORT}${path}`, token);
        const apiFigures = await load(`http://127.0.0.1:${API_PORT}${path}`, token);
        results.push({ round, name: e.name, bare: bareFigures, api: apiFigures });
        const ratio = apiFigures.rps / bareFigures.rps;
        console.log(
          `round ${round} ${e.name.padEnd(26)} bare ${bareFigures.rps.toFixed(0).padStart(6)} req/s p50 ${bareFigures.p50} p99 ${bareFigures.p99} ms | ` +
            `API ${apiFigures.rps.toFixed(0).padStart(6)} req/s p50 ${apiFigures.p50} p99 ${apiFigures.p99} ms | ratio ${ratio.toFixed(2)}` +
            (apiFigures.errors || bareFigures.errors ? ` | errors API ${apiFigures.errors} bare ${bareFigures.errors}` : ''),
        );
      }
    }
    console.log(
      '\n| endpoint | round | bare req/s | bare p50 / p99 ms | API req/s | API p50 / p99 ms | ratio (goal ≥ 0.50) | API p99 ≤ 25 ms |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    let met = true;
    for (const r of results) {
      const ratio = r.api.rps / r.bare.rps;
      const ok = ratio >= 0.5 && r.api.p99 <= 25;
      met &&= ok && r.api.errors === 0;
      console.log(
        `| ${r.name} | ${r.round} | ${r.bare.rps.toFixed(0)} | ${r.bare.p50} / ${r.bare.p99} | ${r.api.rps.toFixed(0)} | ${r.api.p50} / ${r.api.p99} | ${ratio.toFixed(2)} | ${r.api.p99 <= 25 ? 'yes' : 'no'} |`,
      );
    }
    console.log(met ? '\nevery endpoint met both goals in every round' : '\nsome endpoint missed a goal in some round (see above)');
  } finally {
    await Promise.all([stop(api), stop(bare)]);
  }
  await dropDatabase(config.db, DB_NAME);
}

if (process.argv.includes('--bare')) {
  bareServer().catch((err: unknown) => {
    console.error(`bench:reads bare server: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(`bench:reads: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
