/**
 * Ingest benchmark (issue: monthly claims): one generated county-month of settlement records
 * loaded through the bulk HTTP endpoint, and the same rows through raw mysql2 multi-row
 * INSERTs, in the same run on the same database. Prints both rates and their ratio.
 *
 *   npm run bench:ingest                     (RECORDS=200000 BATCH=20000 CONCURRENCY=2 by default)
 *
 * CONCURRENCY is how many requests the client keeps in flight (a HIS uploading two files at
 * once): the API parses, checks and hashes one request while the database stores another.
 */
import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import * as path from 'node:path';
import * as mysql2 from 'mysql2/promise';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { dropDatabase, migrateUp } from '../src/database/database-admin';
import { DEMO_PASSWORD } from '../src/cli/demo-county';
import { seedDemo } from '../src/cli/seed-demo';

const RECORDS = Number(process.env.RECORDS ?? 200_000);
const BATCH = Number(process.env.BATCH ?? 20_000);
const CONCURRENCY = Math.max(1, Number(process.env.CONCURRENCY ?? 2));
const PORT = Number(process.env.BENCH_PORT ?? 3917);
const DB_NAME = 'cbm_bench_ingest';

const env = {
  ...process.env,
  DB_NAME,
  QUEUE_PREFIX: 'cbm-bench',
  LOG_LEVEL: 'warn',
  PORT: String(PORT),
  BODY_LIMIT_BYTES: String(256 * 1024 * 1024),
  RATE_LIMIT_PER_MINUTE: '100000',
  BUSINESS_DATE: '2026-10-31',
};
// The generated records are settled in October 2026, claimed in that period (business date fixed to its last day).
const config = loadConfig(env);

function generate(units: string[]): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const fund = 2000 + (i % 50_000);
    const aid = i % 7 === 0 ? 500 : 0;
    const self = 1000 + (i % 3000);
    const covered = fund + 250;
    const total = fund + aid + self;
    const fen = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
    const day = String(1 + (i % 28)).padStart(2, '0');
    const inpatient = i % 10 === 0;
    out.push({
      externalId: `BENCH-${String(i).padStart(8, '0')}`,
      unitCode: units[i % units.length],
      insuredId: `5329271990${String(i % 1_000_000).padStart(8, '0')}`,
      visitType: inpatient ? 'INPATIENT' : 'OUTPATIENT',
      ...(inpatient ? { admissionDate: `2026-10-${day}`, dischargeDate: `2026-10-${day}` } : { visitDate: `2026-10-${day}` }),
      settlementDate: `2026-10-${day}`,
      totalCost: fen(total),
      coveredCost: fen(Math.min(covered, total)),
      fundPaid: fen(fund),
      criticalIllnessPaid: '0.00',
      medicalAidPaid: fen(aid),
      selfPaid: fen(self),
      diagnosisCode: 'J06.9',
    });
  }
  return out;
}

async function waitReady(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/health/ready`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the API did not become ready');
}

async function main(): Promise<void> {
  console.log(`ingest benchmark: ${RECORDS} records, ${BATCH} per HTTP request, ${CONCURRENCY} in flight, database ${DB_NAME}`);
  await dropDatabase(config.db, DB_NAME);
  await migrateUp(config.db, DB_NAME);
  const seedApp = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error'] });
  await seedDemo(seedApp);
  await seedApp.close();

  const conn = await mysql2.createConnection({
    host: config.db.host,
    port: config.db.port,
    user: config.db.user,
    password: config.db.password,
    database: DB_NAME,
  });
  const [unitRows] = await conn.query(
    "SELECT id, code FROM institution WHERE code = 'WS-TC-01' OR parent_id = (SELECT id FROM institution WHERE code = 'WS-TC-01') ORDER BY code",
  );
  const units = unitRows as { id: number; code: string }[];
  const records = generate(units.map((u) => u.code));

  // Baseline: the same rows through raw multi-row INSERTs (values prepared before timing).
  const submitterId = units.find((u) => u.code === 'WS-TC-01')!.id;
  const unitId = new Map(units.map((u) => [u.code, u.id]));
  const [batch] = await conn.query(
    "INSERT INTO intake_batch (submitter_id, source, on_error, received, stored, duplicates, rejected, submitted_by) VALUES (?, 'json', 'reject', ?, ?, 0, 0, 'bench')",
    [submitterId, RECORDS, RECORDS],
  );
  const batchId = (batch as { insertId: number }).insertId;
  const rows = records.map((r) => {
    const insuredHash = createHmac('sha256', config.insuredIdHashKey).update(r.insuredId).digest('hex');
    return [
      submitterId,
      r.externalId,
      unitId.get(r.unitCode),
      insuredHash,
      `${r.insuredId.slice(0, 3)}*************${r.insuredId.slice(-2)}`,
      null,
      r.visitType,
      r.admissionDate ?? null,
      r.dischargeDate ?? null,
      r.visitDate ?? null,
      r.settlementDate,
      r.settlementDate.slice(0, 7),
      r.settlementDate.slice(0, 7),
      r.totalCost,
      r.coveredCost,
      r.fundPaid,
      r.criticalIllnessPaid,
      r.medicalAidPaid,
      r.selfPaid,
      r.diagnosisCode,
      0,
      null,
      createHash('sha256').update(r.externalId).digest('hex'),
      batchId,
    ];
  });
  const columns =
    'submitter_id, external_id, unit_id, insured_hash, insured_masked, insured_township_code, visit_type, admission_date, discharge_date, visit_date, settlement_date, period, claim_period, total_cost, covered_cost, fund_paid, critical_illness_paid, medical_aid_paid, self_paid, diagnosis_code, clinical_pathway, referral_no, content_hash, batch_id';
  let started = performance.now();
  for (let i = 0; i < rows.length; i += 1000)
    await conn.query(`INSERT INTO settlement_record (${columns}) VALUES ?`, [rows.slice(i, i + 1000)]);
  const rawSeconds = (performance.now() - started) / 1000;
  await conn.query('DELETE FROM settlement_record');
  await conn.query('DELETE FROM intake_batch');

  // The product path: HTTP bulk endpoint of the API running as its own process.
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const api = spawn(process.execPath, [...profile, path.join(__dirname, '..', 'src', 'main.js')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady();
    const login = await fetch(`http://127.0.0.1:${PORT}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ws.tc01.clerk', password: DEMO_PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const bodies: string[] = [];
    for (let i = 0; i < records.length; i += BATCH) bodies.push(JSON.stringify({ records: records.slice(i, i + BATCH) }));
    started = performance.now();
    let stored = 0;
    let next = 0;
    const send = async (body: string) => {
      const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/settlement-records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body,
      });
      const outcome = (await res.json()) as { stored: number; message?: string };
      if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${JSON.stringify(outcome).slice(0, 300)}`);
      stored += outcome.stored;
    };
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, bodies.length) }, async () => {
        while (next < bodies.length) await send(bodies[next++]);
      }),
    );
    const httpSeconds = (performance.now() - started) / 1000;
    const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM settlement_record')) as unknown as [[{ n: number }]];
    if (Number(n) !== RECORDS || stored !== RECORDS) throw new Error(`stored ${stored}, table holds ${n}, expected ${RECORDS}`);

    const rawRate = RECORDS / rawSeconds;
    const httpRate = RECORDS / httpSeconds;
    console.log(`raw mysql2 multi-row INSERT : ${rawRate.toFixed(0)} records/s (${rawSeconds.toFixed(2)} s)`);
    console.log(
      `HTTP bulk endpoint          : ${httpRate.toFixed(0)} records/s (${httpSeconds.toFixed(2)} s, checks, duplicate detection, hashing, audit included)`,
    );
    console.log(`ratio HTTP / raw            : ${(httpRate / rawRate).toFixed(2)} (goal >= 1.0)`);
  } finally {
    api.kill('SIGTERM');
    await conn.end();
  }
  await dropDatabase(config.db, DB_NAME);
}

main().catch((err: unknown) => {
  console.error(`bench:ingest: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
