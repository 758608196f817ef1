/**
 * Province-scale benchmark (SPEC §5, §6, §12): a generated province of COUNTIES counties (ten
 * prefectures' worth, 100 by default), each with its bureau, one medical community of 60 member
 * units (a lead hospital, two county hospitals, twelve township centres and 45 village clinics),
 * its users, an approved allocation for the fund year and one month (October) of settlement
 * records, declared, reviewed and approved through the product's own claim cycle. Two worker
 * processes (`node dist/src/worker.js`, as `npm run start:worker` runs it) then take the scheduled cycles, each
 * tick fanned out to one job per county or community:
 *
 *   - month-open for the whole province (period-open, one job per county; goal < 5 s),
 *   - the deadline watch and the monitoring across the province, ticked together (one job per
 *     county and one per community; goal < 30 s),
 *   - the province-wide year end (a draft per county).
 *
 * Each phase is timed from the tick's enqueuing to the last of its runs finished (its outbox row
 * complete). Volumes are scaled down to fit one shared machine: RECORDS_PER_COUNTY records a
 * month (2 000 by default) where a real county of about 300 000 insured files about 170 000.
 *
 *   npm run bench:province                      (COUNTIES=100 RECORDS_PER_COUNTY=2000)
 *   GROWTH=1 node dist/bench/province.bench.js  25, 50 and 100 counties, and the growth table
 *   KEEP_DB=1 …                                 keeps cbm_bench_province
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import Redis from 'ioredis';
import * as mysql2 from 'mysql2/promise';
import { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { BusinessClock } from '../src/common/business-clock';
import { Caller } from '../src/common/caller';
import { runInContext } from '../src/common/request-context';
import { seededRandom } from '../src/common/seeded-random';
import { AppConfig, loadConfig } from '../src/config/app-config';
import { dropDatabase, migrateUp } from '../src/database/database-admin';
import { CycleName } from '../src/domain/cycle-schedule';
import { memberCutoffDate } from '../src/domain/working-days';
import { UserService } from '../src/modules/access/user.service';
import { DeclarationService } from '../src/modules/claims/declaration.service';
import { AllocationService } from '../src/modules/fund-year/allocation.service';
import { CountyService } from '../src/modules/registry/county.service';
import { RegionService } from '../src/modules/registry/region.service';
import { InstitutionRow, InstitutionService } from '../src/modules/registry/institution.service';
import { JOBS, QUEUES } from '../src/queue/jobs';
import { callerFor } from './county-records';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const COUNTIES = num('COUNTIES', 100);
const RECORDS_PER_COUNTY = num('RECORDS_PER_COUNTY', 2000);
/** What a real county files in a month, for the scaling note. */
const REAL_RECORDS_PER_COUNTY = 170_000;
const WORKERS = num('WORKERS', 2);
const PREFECTURES = 10;
const PHASE_TIMEOUT_S = num('PHASE_TIMEOUT_S', 600);
const SIZES = process.env.GROWTH ? [25, 50, 100] : [COUNTIES];
const FUND_YEAR = 2026;
const PERIOD = `${FUND_YEAR}-10`;
/** The month's tick days: month-open, deadline watch and monitoring on 25 November; the year end on 10 January. */
const NOVEMBER_DATE = `${FUND_YEAR}-11-25`;
const JANUARY_DATE = `${FUND_YEAR + 1}-01-10`;
const DB_NAME = process.env.BENCH_DB_NAME ?? 'cbm_bench_province';
const QUEUE_PREFIX = process.env.BENCH_QUEUE_PREFIX ?? 'cbm-bench-province';
const DIST = path.resolve(__dirname, '..', 'src');
const PASSWORD = 'province-password-01';

const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'development',
  DB_NAME,
  QUEUE_PREFIX,
  LOG_LEVEL: 'warn',
  SCHEDULES_ENABLED: 'false',
};
const config: AppConfig = loadConfig({ ...baseEnv, BUSINESS_DATE: NOVEMBER_DATE });

const TOWNSHIPS = 12;
/** Village clinics are spread four to a township centre (the last township has one). */
const VILLAGES_PER_TOWNSHIP = 4;
const VILLAGES = 45;
const COUNTY_HOSPITALS = 2;
/** Share of a county's records by unit type; the lead hospital takes what is left. */
const RECORD_SHARE = { COUNTY_HOSPITAL: 0.08, TOWNSHIP_CENTER: 0.03, VILLAGE_CLINIC: 0.006 } as const;

type UnitType = 'LEAD_HOSPITAL' | 'COUNTY_HOSPITAL' | 'TOWNSHIP_CENTER' | 'VILLAGE_CLINIC';
type Unit = { id: number; type: UnitType; submitterId: number };
interface County {
  index: number;
  prefecture: number;
  code: string;
  id: number;
  community: { id: number; code: string };
  bureau: string;
  lead: string;
  units: Unit[];
}

const fen = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
const hex16 = (n: number) => Math.floor(n).toString(16).padStart(16, '0').slice(-16);
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The province and prefecture `n` of the generated province, created once (a repeat answers the existing one). */
async function prefectureOf(app: INestApplicationContext, n: number): Promise<string> {
  const regions = app.get(RegionService);
  await regions.createProvince({ code: 'PV', name: '基准省' });
  const code = `P${String(n).padStart(2, '0')}`;
  await regions.createPrefecture(null, { code, name: `第${n}市`, provinceCode: 'PV' });
  return code;
}

/** Places the county in its prefecture, as the province's ADMIN would. */
async function attachToPrefecture(app: INestApplicationContext, countyCode: string, prefecture: number): Promise<void> {
  await app.get(RegionService).placeCounty(null, await prefectureOf(app, prefecture), countyCode);
}

function as<T>(caller: Caller, fn: () => Promise<T>): Promise<T> {
  return runInContext(
    { requestId: `bench-province-${Date.now()}`, actor: caller.name, actorInstitution: caller.institution.code, caller },
    fn,
  );
}

/** The county's registry: its bureau, its community and 60 member units, its three users. */
async function buildCounty(app: INestApplicationContext, index: number): Promise<County> {
  const ds = app.get(DataSource);
  const prefecture = 1 + Math.floor(((index - 1) * PREFECTURES) / Math.max(COUNTIES, PREFECTURES));
  const code = `P${String(prefecture).padStart(2, '0')}C${String(index).padStart(3, '0')}`;
  const bureau = `${code}-YBJ`;
  const communityCode = `${code}-MC`;
  const lead = `${code}-RMYY`;
  const counties = app.get(CountyService);
  await counties.createCounty({ code, name: `第${prefecture}市 ${index} 县` });
  await attachToPrefecture(app, code, prefecture);
  const institutions = app.get(InstitutionService);
  await institutions.create({ code: bureau, name: '县医保局', type: 'BUREAU', countyCode: code });
  await counties.createCommunity({ code: communityCode, name: `${code} 县域医共体`, countyCode: code });
  const member = (c: string, name: string, type: UnitType, parentCode: string | null = null): InstitutionRow => ({
    code: c,
    name,
    type,
    countyCode: code,
    communityCode,
    parentCode,
  });
  const rows: InstitutionRow[] = [
    member(lead, '县人民医院', 'LEAD_HOSPITAL'),
    ...Array.from({ length: COUNTY_HOSPITALS }, (_, i) => member(`${code}-CH-${i + 1}`, `县第${i + 2}医院`, 'COUNTY_HOSPITAL')),
    ...Array.from({ length: TOWNSHIPS }, (_, i) =>
      member(`${code}-TC-${String(i + 1).padStart(2, '0')}`, `乡镇卫生院 ${i + 1}`, 'TOWNSHIP_CENTER'),
    ),
    ...Array.from({ length: VILLAGES }, (_, i) => {
      const t = Math.floor(i / VILLAGES_PER_TOWNSHIP) + 1;
      return member(
        `${code}-VC-${String(t).padStart(2, '0')}-${(i % VILLAGES_PER_TOWNSHIP) + 1}`,
        `村卫生室 ${i + 1}`,
        'VILLAGE_CLINIC',
        `${code}-TC-${String(t).padStart(2, '0')}`,
      );
    }),
  ];
  const outcome = await institutions.import(rows, 'reject');
  if (outcome.rejected) throw new Error(`institutions refused: ${JSON.stringify(outcome.errors)}`);
  const users = app.get(UserService);
  for (const [role, institutionCode] of [
    ['BUREAU_CLERK', bureau],
    ['BUREAU_APPROVER', bureau],
    ['LEAD_FINANCE', lead],
  ] as const)
    await users.create(null, {
      username: `${role.toLowerCase().replace('_', '.')}.${code.toLowerCase()}`,
      displayName: `${role} ${code}`,
      institutionCode,
      roles: [role],
      password: PASSWORD,
    });
  const [{ id }] = await ds.query('SELECT id FROM county WHERE code = ?', [code]);
  const [{ id: communityId }] = await ds.query('SELECT id FROM medical_community WHERE code = ?', [communityCode]);
  const unitRows: { id: number; type: UnitType; parent_id: number | null }[] = await ds.query(
    'SELECT id, type, parent_id FROM institution WHERE community_id = ? ORDER BY id',
    [communityId],
  );
  const units = unitRows.map((u) => ({
    id: Number(u.id),
    type: u.type,
    submitterId: u.type === 'VILLAGE_CLINIC' ? Number(u.parent_id) : Number(u.id),
  }));
  units.sort((a, b) => a.submitterId - b.submitterId || a.id - b.id);
  return { index, prefecture, code, id: Number(id), community: { id: Number(communityId), code: communityCode }, bureau, lead, units };
}

const LOAD_COLUMNS =
  'submitter_id, external_id, unit_id, insured_hash, insured_masked, visit_type, admission_date, discharge_date, visit_date, settlement_date, period, claim_period, ' +
  'total_cost, covered_cost, fund_paid, critical_illness_paid, medical_aid_paid, self_paid, diagnosis_code, clinical_pathway, content_hash, batch_id, review_status';

/** One county's October as tab-separated rows: outpatients everywhere, inpatient stays above the villages. Returns the approved fen. */
function monthRows(county: County, counts: Map<number, number>, batchOf: Map<number, number>, next: () => number, seq: { n: number }) {
  let text = '';
  let approvedFen = 0;
  const local = new Map<number, number>();
  for (const unit of county.units) {
    for (let k = 0; k < (counts.get(unit.id) ?? 0); k++) {
      const s = seq.n++;
      const n = (local.get(unit.submitterId) ?? 0) + 1;
      local.set(unit.submitterId, n);
      const inpatient = unit.type !== 'VILLAGE_CLINIC' && next() < 0.04;
      const [min, max, rate] = inpatient
        ? unit.type === 'TOWNSHIP_CENTER'
          ? [150_000, 500_000, 0.85]
          : [300_000, 1_200_000, 0.72]
        : unit.type === 'VILLAGE_CLINIC'
          ? [1_500, 9_000, 0.6]
          : [4_000, 30_000, 0.5];
      const total = min + Math.floor(next() * (max - min));
      const fund = Math.floor(total * rate);
      approvedFen += fund;
      const day = String(1 + Math.floor(next() * 31)).padStart(2, '0');
      const date = `${PERIOD}-${day}`;
      const admission = `${PERIOD}-${String(Math.max(1, Number(day) - 1 - Math.floor(next() * 10))).padStart(2, '0')}`;
      const person = hex16((1 + Math.floor(next() * 300_000)) * 2_654_435_761 + county.index);
      text +=
        `${unit.submitterId}\tPV${county.index}-${String(n).padStart(7, '0')}\t${unit.id}\t${person}${person}${person}${person}\t5300********${String(s % 100).padStart(2, '0')}\t` +
        `${inpatient ? 'INPATIENT' : 'OUTPATIENT'}\t${inpatient ? admission : '\\N'}\t${inpatient ? date : '\\N'}\t${inpatient ? '\\N' : date}\t${date}\t${PERIOD}\t${PERIOD}\t` +
        `${fen(total)}\t${fen(total)}\t${fen(fund)}\t0.00\t0.00\t${fen(total - fund)}\t${inpatient ? 'J18.9' : 'J06.9'}\t0\t` +
        `${hex16(s)}${hex16(s * 31 + 7)}${hex16(s * 131 + 11)}${hex16(s * 1031 + county.index)}\t${batchOf.get(unit.submitterId)}\tACCEPTED\n`;
    }
  }
  return { text, approvedFen };
}

/** The county's month loaded with LOAD DATA LOCAL, the allocation approved, the month declared, reviewed and approved. */
async function fundCounty(app: INestApplicationContext, conn: mysql2.Connection, county: County, next: () => number, seq: { n: number }) {
  const ds = app.get(DataSource);
  const counts = new Map<number, number>();
  for (const u of county.units)
    if (u.type !== 'LEAD_HOSPITAL') counts.set(u.id, Math.floor(RECORDS_PER_COUNTY * RECORD_SHARE[u.type as keyof typeof RECORD_SHARE]));
  const lead = county.units.find((u) => u.type === 'LEAD_HOSPITAL')!;
  counts.set(lead.id, RECORDS_PER_COUNTY - [...counts.values()].reduce((a, b) => a + b, 0));
  const submitters = [...new Set(county.units.map((u) => u.submitterId))];
  const batchOf = new Map<number, number>();
  for (const s of submitters) {
    const stored = county.units.filter((u) => u.submitterId === s).reduce((sum, u) => sum + counts.get(u.id)!, 0);
    const [batch] = await conn.query(
      "INSERT INTO intake_batch (submitter_id, source, on_error, received, stored, duplicates, rejected, submitted_by) VALUES (?, 'json', 'reject', ?, ?, 0, 0, 'bench')",
      [s, stored, stored],
    );
    batchOf.set(s, (batch as { insertId: number }).insertId);
  }
  const { text, approvedFen } = monthRows(county, counts, batchOf, next, seq);
  const [loaded] = await conn.query({
    sql: `LOAD DATA LOCAL INFILE 'province-${county.code}.tsv' INTO TABLE settlement_record CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${LOAD_COLUMNS})`,
    infileStreamFactory: () => Readable.from([Buffer.from(text, 'utf8')]),
  });
  const { affectedRows, warningStatus } = loaded as { affectedRows: number; warningStatus: number };
  if (affectedRows !== RECORDS_PER_COUNTY || warningStatus > 0)
    throw new Error(`${county.code}: loaded ${affectedRows} of ${RECORDS_PER_COUNTY} rows with ${warningStatus} warnings`);

  const clerk = await callerFor(ds, `bureau.clerk.${county.code.toLowerCase()}`, ['BUREAU_CLERK'], county.bureau);
  const approver = await callerFor(ds, `bureau.approver.${county.code.toLowerCase()}`, ['BUREAU_APPROVER'], county.bureau);
  const leadFinance = await callerFor(ds, `lead.finance.${county.code.toLowerCase()}`, ['LEAD_FINANCE'], county.lead);
  // Sized so that the month spends about a twelfth of the package (M = 500 yuan per insured person).
  const insured = Math.max(1, Math.round((approvedFen * 12) / 100 / 500));
  const allocations = app.get(AllocationService);
  await as(clerk, async () => {
    const { view } = await allocations.create(clerk, {
      countyCode: county.code,
      fundYear: FUND_YEAR,
      insuredCount: String(insured),
      perCapitaStandard: '750.00',
      interest: '0.00',
      criticalIllnessPremiumPerPerson: '0.00',
      familyDoctorFee: fen(insured * 1250),
      policyAdjustmentExpenditure: fen(insured * 3125),
    });
    const submitted = await allocations.transition(clerk, view.id, 'submit', view.version);
    await as(approver, () => allocations.transition(approver, view.id, 'approve', submitted.version));
  });

  const clock = app.get(BusinessClock);
  const cutoff = memberCutoffDate(PERIOD, 3);
  for (const s of submitters)
    await conn.query(
      "INSERT INTO member_claim (institution_id, community_id, county_id, period, state, cutoff, submitted_on, submitted_by, reviewed_by) VALUES (?, ?, ?, ?, 'REVIEWED', ?, ?, 'bench', ?)",
      [s, county.community.id, county.id, PERIOD, cutoff, `${FUND_YEAR}-11-02`, leadFinance.name],
    );
  const cycle = app.get(DeclarationService);
  clock.fix(`${FUND_YEAR}-11-04`);
  const community = { id: county.community.id, code: county.community.code, countyId: county.id };
  const declared = await as(leadFinance, () => cycle.declare(leadFinance, community, PERIOD));
  const reviewed = await as(clerk, () => cycle.transitionDeclaration(clerk, declared.id, 'completeReview', declared.version));
  clock.fix(`${FUND_YEAR}-11-10`);
  await as(approver, () => cycle.transitionDeclaration(approver, reviewed.id, 'approve', reviewed.version));
}

// ------------------------------------------------------------------ worker processes

interface Proc {
  child: ChildProcess;
  output: string[];
  exited: Promise<void>;
}

function startWorker(businessDate: string): Promise<Proc> {
  const child = spawn(process.execPath, [path.join(DIST, 'worker.js')], {
    env: { ...baseEnv, BUSINESS_DATE: businessDate },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${output.join('').slice(-2000)}`)), 120_000);
    const seen = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('worker: consuming queues')) {
        clearTimeout(timer);
        resolve({ child, output, exited });
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready: ${output.join('').slice(-2000)}`));
    });
  });
}

async function stopWorkers(workers: Proc[]): Promise<void> {
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
}

/**
 * Enqueues the ticks a schedule would enqueue and waits until every run they fan out to has
 * finished (its outbox row complete). Returns the milliseconds taken and the runs per cycle.
 */
async function timeTicks(
  queue: Queue,
  ds: DataSource,
  ticks: { cycle: CycleName; period: string; expected: number }[],
  label: string,
): Promise<{ ms: number; runs: number }> {
  const started = performance.now();
  const tickIds: string[] = [];
  for (const t of ticks) {
    tickIds.push(`cycle.tick.${t.cycle}.bench${Date.now()}`);
    await queue.add('cycle.tick', { cycle: t.cycle }, { ...JOBS['cycle.tick'].options, jobId: tickIds[tickIds.length - 1] });
  }
  const deadline = Date.now() + PHASE_TIMEOUT_S * 1000;
  for (;;) {
    let done = 0;
    let refused = 0;
    for (const t of ticks) {
      const [row]: { done: string; refused: string }[] = await ds.query(
        "SELECT COUNT(completed_at) AS done, COUNT(CASE WHEN completed_at IS NULL AND last_error LIKE 'refused%' THEN 1 END) AS refused FROM outbox WHERE job_name = 'cycle.run' AND job_id LIKE ?",
        [`cycle.run.${t.cycle}.${t.period}.%`],
      );
      done += Number(row.done);
      refused += Number(row.refused);
    }
    const expected = ticks.reduce((s, t) => s + t.expected, 0);
    if (refused) throw new Error(`${label}: ${refused} run(s) refused`);
    if (done >= expected) {
      const ms = performance.now() - started;
      // Where the time went: the ticks (reading the scopes, writing the outbox, enqueuing), and the runs themselves.
      const [tick]: { ms: string }[] = await ds.query(
        `SELECT MAX(TIMESTAMPDIFF(MICROSECOND, started_at, finished_at)) / 1000 AS ms FROM job_run WHERE job_id IN (${tickIds.map(() => '?').join(', ')})`,
        tickIds,
      );
      const [runs]: { avg: string; max: string }[] = await ds.query(
        `SELECT AVG(TIMESTAMPDIFF(MICROSECOND, started_at, finished_at)) / 1000 AS avg, MAX(TIMESTAMPDIFF(MICROSECOND, started_at, finished_at)) / 1000 AS max
           FROM job_run WHERE job_name = 'cycle.run' AND outcome = 'DONE' AND (${ticks.map(() => 'job_id LIKE ?').join(' OR ')})`,
        ticks.map((t) => `cycle.run.${t.cycle}.${t.period}.%`),
      );
      console.log(
        `  ${label}: tick ${Number(tick.ms).toFixed(0)} ms; each run ${Number(runs.avg).toFixed(0)} ms on average, ${Number(runs.max).toFixed(0)} ms at most (${WORKERS} workers × ${config.queue.concurrency} at once)`,
      );
      return { ms, runs: done };
    }
    if (Date.now() > deadline) throw new Error(`${label}: ${done} of ${expected} runs finished after ${PHASE_TIMEOUT_S} s`);
    await sleep(25);
  }
}

/**
 * Workers in service have run jobs before: freshly started ones first fill their connection
 * pools and compile their code paths. Each county's deadline watch of an earlier day is run
 * first (not timed), straight onto the queue, so that the timed phases meet warm workers.
 */
async function warmUp(queue: Queue, ds: DataSource, counties: County[], period: string): Promise<void> {
  const started = performance.now();
  for (const c of counties) {
    const payload = { cycle: 'deadline-watch' as const, period, scope: c.code };
    await queue.add('cycle.run', payload, { ...JOBS['cycle.run'].options, jobId: JOBS['cycle.run'].jobId(payload) });
  }
  for (;;) {
    const [{ n }] = await ds.query("SELECT COUNT(*) AS n FROM cycle_result WHERE cycle = 'deadline-watch' AND period = ?", [period]);
    if (Number(n) >= counties.length) break;
    if (performance.now() - started > PHASE_TIMEOUT_S * 1000)
      throw new Error('warm-up: the deadline watch of the day before did not finish');
    await sleep(50);
  }
  console.log(`warm-up (not timed): ${counties.length} deadline-watch runs of ${period} in ${seconds(performance.now() - started)} s`);
}

async function clearQueues(): Promise<void> {
  const redis = new Redis({ host: config.redis.host, port: config.redis.port, password: config.redis.password, db: config.redis.db });
  try {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${QUEUE_PREFIX}:*`, count: 500 })) keys.push(...(batch as string[]));
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
}

interface Figures {
  counties: number;
  units: number;
  records: number;
  buildS: number;
  monthOpenMs: number;
  watchMs: number;
  watchRuns: number;
  yearEndMs: number;
}

async function runProvince(counties: number): Promise<Figures> {
  const started = performance.now();
  console.log(
    `\nprovince of ${counties} counties in ${PREFECTURES} prefectures: ${counties * 60} member units, ${RECORDS_PER_COUNTY} October records per county ` +
      `(scaled down ${Math.round(REAL_RECORDS_PER_COUNTY / RECORDS_PER_COUNTY)}× from about ${REAL_RECORDS_PER_COUNTY} a month in a real county); database ${DB_NAME}`,
  );
  await clearQueues();
  await dropDatabase(config.db, DB_NAME);
  await migrateUp(config.db, DB_NAME);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error'] });
  const conn = await mysql2.createConnection({
    host: config.db.host,
    port: config.db.port,
    user: config.db.user,
    password: config.db.password,
    database: DB_NAME,
  });
  const workers: Proc[] = [];
  try {
    const ds = app.get(DataSource);
    const next = seededRandom(20261001);
    const seq = { n: 1 };
    const built: County[] = [];
    for (let i = 1; i <= counties; i++) {
      const county = await buildCounty(app, i);
      await fundCounty(app, conn, county, next, seq);
      built.push(county);
      if (i % 10 === 0) console.log(`  ${i} counties built (${seconds(performance.now() - started)} s)`);
    }
    const [{ units }] = await ds.query(
      "SELECT COUNT(*) AS units FROM institution WHERE community_id IS NOT NULL AND type IN ('LEAD_HOSPITAL','COUNTY_HOSPITAL','TOWNSHIP_CENTER','VILLAGE_CLINIC')",
    );
    const [{ records }] = await ds.query('SELECT COUNT(*) AS records FROM settlement_record');
    await conn.query('ANALYZE TABLE settlement_record');
    // The approvals asked for monitoring refreshes of October; they are dropped so that the measured tick does that work.
    await ds.query("DELETE FROM outbox WHERE job_name = 'cycle.run'");
    await clearQueues();
    const buildS = (performance.now() - started) / 1000;
    console.log(
      `built in ${buildS.toFixed(0)} s: ${units} member units, ${records} settlement records, ${counties} approved allocations and declarations`,
    );

    const queue = app.get<Queue>(getQueueToken(QUEUES.cycles), { strict: false });
    for (let i = 0; i < WORKERS; i++) workers.push(await startWorker(NOVEMBER_DATE));
    console.log(`${WORKERS} worker processes started (business date ${NOVEMBER_DATE}, concurrency ${config.queue.concurrency} each)`);
    await warmUp(queue, ds, built, `${FUND_YEAR}-11-24`);
    const open = await timeTicks(queue, ds, [{ cycle: 'period-open', period: '2026-11', expected: counties }], 'month-open');
    const [{ opened }] = await ds.query("SELECT COUNT(*) AS opened FROM member_claim WHERE period = '2026-11'");
    console.log(`month-open 2026-11: ${open.runs} county runs, ${opened} member claims opened in ${seconds(open.ms)} s (goal < 5 s)`);
    const watch = await timeTicks(
      queue,
      ds,
      [
        { cycle: 'deadline-watch', period: NOVEMBER_DATE, expected: counties },
        { cycle: 'monitoring', period: PERIOD, expected: counties },
      ],
      'deadline watch and monitoring',
    );
    console.log(
      `deadline watch ${NOVEMBER_DATE} and monitoring ${PERIOD}: ${watch.runs} runs (one per county, one per community) in ${seconds(watch.ms)} s (goal < 30 s)`,
    );
    await stopWorkers(workers.splice(0));

    for (let i = 0; i < WORKERS; i++) workers.push(await startWorker(JANUARY_DATE));
    await warmUp(queue, ds, built, `${FUND_YEAR + 1}-01-09`);
    const yearEnd = await timeTicks(queue, ds, [{ cycle: 'year-end', period: String(FUND_YEAR), expected: counties }], 'year end');
    const [{ drafts }] = await ds.query('SELECT COUNT(*) AS drafts FROM year_end_settlement WHERE fund_year = ?', [FUND_YEAR]);
    console.log(`year end ${FUND_YEAR} (business date ${JANUARY_DATE}): ${drafts} county drafts in ${seconds(yearEnd.ms)} s`);
    await stopWorkers(workers.splice(0));
    return {
      counties,
      units: Number(units),
      records: Number(records),
      buildS,
      monthOpenMs: open.ms,
      watchMs: watch.ms,
      watchRuns: watch.runs,
      yearEndMs: yearEnd.ms,
    };
  } finally {
    await stopWorkers(workers).catch(() => undefined);
    await conn.end();
    await app.close();
    if (!process.env.KEEP_DB) await dropDatabase(config.db, DB_NAME);
    await clearQueues();
  }
}

async function main(): Promise<void> {
  const figures: Figures[] = [];
  for (const size of SIZES) figures.push(await runProvince(size));
  console.log(
    `\nprovince figures (${WORKERS} workers, ${RECORDS_PER_COUNTY} records per county-month, ${new Date().toISOString().slice(0, 10)})`,
  );
  console.log('| counties | member units | records | month-open | deadline watch + monitoring (runs) | year end | build |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of figures)
    console.log(
      `| ${f.counties} | ${f.units} | ${f.records} | ${seconds(f.monthOpenMs)} s | ${seconds(f.watchMs)} s (${f.watchRuns}) | ${seconds(f.yearEndMs)} s | ${f.buildS.toFixed(0)} s |`,
    );
  if (figures.length > 1) {
    const [first] = figures;
    for (const f of figures.slice(1))
      console.log(
        `growth ${first.counties} → ${f.counties} counties (×${(f.counties / first.counties).toFixed(1)}): month-open ×${(f.monthOpenMs / first.monthOpenMs).toFixed(2)}, ` +
          `watch + monitoring ×${(f.watchMs / first.watchMs).toFixed(2)}, year end ×${(f.yearEndMs / first.yearEndMs).toFixed(2)}`,
      );
  }
}

main().catch((err: unknown) => {
  console.error(`bench:province: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
