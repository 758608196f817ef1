/**
 * Chaos run (npm run chaos): on its own database and Redis key prefix, builds a county fund year
 * per county with many year-end transfers and a long list of cycle runs, then kills the worker
 * (and now and then the API) with SIGKILL at random moments drawn from a recorded seed, deletes
 * every Redis key of the run's prefix mid-run (a Redis loss), and checks the invariants of SPEC
 * §10 once the work has finished with no operator action:
 *   each expected transfer posted exactly once, the ledger reconciled, statements equal to the
 *   balances, every settlement POSTED, the outbox empty, one result per cycle key, the audit
 *   chain intact, no job left failed, stalled or running, and no job ever run twice at once
 *   (the job_run rows of one job never overlap; a killed worker's run ends at its kill).
 * Prints the figures and the seed; exits 1 when an invariant does not hold.
 *
 *   npm run chaos                                  CI size: 24 kills, 2 × 41 transfers
 *   KILLS=200 UNITS=255 DATES=150 THROTTLE_MS=200 npm run chaos     the full run
 *   SEED=123456 npm run chaos                      the same kill schedule again
 *
 * The seed fixes the schedule (waits, which kills also take the API, when Redis is lost), not
 * the exact interleaving of the processes. The Redis loss deletes only the run's own prefix
 * (`cbm-chaos-<seed>:*`): the Redis is shared, so nothing else is flushed.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { BusinessClock } from '../src/common/business-clock';
import { Caller } from '../src/common/caller';
import { runInContext } from '../src/common/request-context';
import { loadConfig } from '../src/config/app-config';
import { dropDatabase, migrateUp } from '../src/database/database-admin';
import { inTransaction } from '../src/database/transaction';
import { Role, scopeOf } from '../src/domain/access-policy';
import { InstitutionType } from '../src/domain/institution-registry';
import { memberCutoffDate } from '../src/domain/working-days';
import { UserService } from '../src/modules/access/user.service';
import { AuditService } from '../src/modules/audit/audit.service';
import { DeclarationService } from '../src/modules/claims/declaration.service';
import { YearEndService, YearEndSummary } from '../src/modules/cycles/year-end.service';
import { SurplusPlanService } from '../src/modules/governance';
import { AllocationService } from '../src/modules/fund-year/allocation.service';
import { LedgerService } from '../src/modules/ledger/ledger.service';
import { CountyService } from '../src/modules/registry/county.service';
import { InstitutionRow, InstitutionService } from '../src/modules/registry/institution.service';
import { QUEUES } from '../src/queue/jobs';
import { seededRandom } from '../src/common/seeded-random';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SEED = num('SEED', Math.floor(Math.random() * 1e9));
const KILLS = num('KILLS', 24);
/** Member units per county: the settlement posts one transfer per unit and one for the package. */
const UNITS = num('UNITS', 40);
const COUNTIES = num('COUNTIES', 2);
/** Deadline-watch dates asked for per county (monitoring: 12 months and fund analysis: 4 quarters per community come on top). */
const DATES = num('DATES', 24);
const THROTTLE_MS = num('THROTTLE_MS', 50);
/** Every job waits this long around its work (half before, half after), so that kills land inside short cycle runs. */
const JOB_DELAY_MS = num('JOB_DELAY_MS', 300);
const API_KILL_RATE = num('API_KILL_RATE', 0.1);
/** How long a kill waits for a worker to finish starting before it kills one that is still starting. */
const BOOT_WAIT_MS = num('BOOT_WAIT_MS', 15_000);
/** About how long a worker takes to start on this machine (paces the requests over the kills). */
const BOOT_ESTIMATE_MS = num('BOOT_ESTIMATE_MS', 5000);
/** Workers running at once (each kill takes one; a new one starts in its place). */
const WORKERS = num('WORKERS', 2);
/** A worker lives until it is ready, then this long (uniform) before its kill. */
const LIFE_MIN_MS = num('LIFE_MIN_MS', 150);
const LIFE_MAX_MS = num('LIFE_MAX_MS', 1500);
const FINISH_TIMEOUT_S = num('FINISH_TIMEOUT_S', 150);
const FUND_YEAR = 2026;
const TODAY = `${FUND_YEAR + 1}-01-20`;
const DB_NAME = `cbm_chaos_${SEED}`;
const PREFIX = `cbm-chaos-${SEED}`;
const PORT = 20_000 + (SEED % 20_000);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const DIST = path.resolve(__dirname, '..', 'src');
const PASSWORD = 'chaos-password-0001';

const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'development',
  DB_NAME,
  QUEUE_PREFIX: PREFIX,
  BUSINESS_DATE: TODAY,
  LOG_LEVEL: 'warn',
  PORT: String(PORT),
  HOST: '127.0.0.1',
  RATE_LIMIT_PER_MINUTE: '1000000',
  // The project's settings for tests: a 2 s lock checked every 0.5 s, a throttled posting.
  QUEUE_LOCK_MS: '2000',
  QUEUE_STALLED_CHECK_MS: '500',
  YEAR_END_POSTING_THROTTLE_MS: String(THROTTLE_MS),
  QUEUE_TEST_JOB_DELAY_MS: String(JOB_DELAY_MS),
  // BullMQ's default: a job stalled twice fails, and the outbox sweeper must resume it.
  QUEUE_MAX_STALLED_COUNT: '1',
  QUEUE_REDRIVE_AFTER_MS: '1000',
  OUTBOX_SWEEP_MS: '500',
  // Scheduled work too: the deadline watch ticks every 3 s (its period is today's date).
  SCHEDULES_ENABLED: 'true',
  CYCLE_SCHEDULES: 'deadline-watch=*/3 * * * * *',
};
const config = loadConfig({ ...childEnv });

const rng = seededRandom(SEED);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => (ms / 1000).toFixed(1);

// ------------------------------------------------------------------ processes

interface Proc {
  child: ChildProcess;
  pid: number;
  output: string[];
  exited: Promise<void>;
}
const killedAt = new Map<string, number>();
const counters = { resumed: 0, stalledOut: 0, refused: 0, laterArrival: 0 };
const logTail: string[] = [];

function start(script: 'worker' | 'main', ready: string, spawned?: (p: Proc) => void): Promise<Proc> {
  const child = spawn(process.execPath, [path.join(DIST, `${script}.js`)], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  spawned?.({ child, pid: child.pid!, output, exited });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${output.join('').slice(-2000)}`)), 60_000);
    const seen = (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      if (text.includes('had failed')) counters.resumed += (text.match(/had failed/g) ?? []).length;
      if (text.includes('stalled more than allowable limit')) counters.stalledOut++;
      if (text.includes('refused: it stops here')) {
        counters.refused++;
        logTail.push(text.slice(0, 400));
      }
      if (text.includes('arrived again while it runs here')) counters.laterArrival++;
      if (/error|ERROR/.test(text)) logTail.push(text.slice(0, 400));
      if (logTail.length > 20) logTail.shift();
      if (output.join('').includes(ready)) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid!, output, exited });
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready: ${output.join('').slice(-2000)}`));
    });
  });
}
const startWorker = (spawned?: (p: Proc) => void) => start('worker', 'worker: consuming queues', spawned);
const startApi = () => start('main', 'api: listening');

async function kill(p: Proc): Promise<void> {
  killedAt.set(`${hostname()}:${p.pid}`, Date.now());
  p.child.kill('SIGKILL');
  await p.exited;
}

// ------------------------------------------------------------------ HTTP

/** A request sent until it is answered (the API may be down between a kill and its restart); a refusal fails the run. */
async function send(token: string, method: string, url: string, body?: unknown): Promise<any> {
  for (let tries = 0; ; tries++) {
    try {
      const res = await fetch(BASE_URL + url, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 500 || res.status === 429) throw new Error(`${res.status} ${text}`);
      if (res.status >= 300) throw new RefusedError(`${method} ${url}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    } catch (err) {
      if (err instanceof RefusedError || tries > 600) throw err;
      await sleep(250);
    }
  }
}
class RefusedError extends Error {}

async function signIn(username: string): Promise<string> {
  for (;;) {
    try {
      const res = await fetch(`${BASE_URL}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      if (res.status === 200) return ((await res.json()) as { accessToken: string }).accessToken;
      if (res.status < 500) throw new RefusedError(`sign-in of ${username}: ${res.status} ${await res.text()}`);
    } catch (err) {
      if (err instanceof RefusedError) throw err;
    }
    await sleep(250);
  }
}

// ------------------------------------------------------------------ the county year (built in process, no kills)

interface County {
  id: number;
  code: string;
  community: string;
  clerk: string;
  settlementId: number;
  expected: string[];
}

async function callerFor(ds: DataSource, username: string, roles: Role[], institutionCode: string): Promise<Caller> {
  const [inst]: { id: number; code: string; type: InstitutionType; county_id: number; community_id: number | null }[] = await ds.query(
    'SELECT id, code, type, county_id, community_id FROM institution WHERE code = ?',
    [institutionCode],
  );
  const institution = {
    level: 'COUNTY' as const,
    id: Number(inst.id),
    code: inst.code,
    type: inst.type,
    countyId: Number(inst.county_id),
    regionId: null,
    communityId: inst.community_id === null ? null : Number(inst.community_id),
  };
  // A user of that name, when one exists, acts as itself (approval chains tell people apart by id).
  const [user]: { id: number }[] = await ds.query('SELECT id FROM app_user WHERE username = ?', [username]);
  const userId = user ? Number(user.id) : null;
  return { kind: 'user', name: username, userId, sessionId: null, roles, institution, scope: scopeOf(institution, roles) };
}

function as<T>(caller: Caller, fn: () => Promise<T>): Promise<T> {
  return runInContext({ requestId: `chaos-${SEED}`, actor: caller.name, actorInstitution: caller.institution.code, caller }, fn);
}

const fen = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
const hex64 = (n: number) => n.toString(16).padStart(16, '0').repeat(4);

/** One county: a community of UNITS members, a 10 000 000 package, October's records approved, the year end drafted and approved. */
async function buildCounty(app: INestApplicationContext, index: number): Promise<County> {
  const ds = app.get(DataSource);
  const code = `X${index}`;
  const bureau = `${code}-YBJ`;
  const community = `${code}-MC`;
  const lead = `${code}-LEAD`;
  await app.get(CountyService).createCounty({ code, name: `混沌县 ${index}` });
  const institutions = app.get(InstitutionService);
  await institutions.create({ code: bureau, name: '县医保局', type: 'BUREAU', countyCode: code });
  await app.get(CountyService).createCommunity({ code: community, name: `${code} 医共体`, countyCode: code });
  const rows: InstitutionRow[] = [
    { code: lead, name: '县人民医院', type: 'LEAD_HOSPITAL', countyCode: code, communityCode: community, parentCode: null },
    { code: `${code}-WJJ`, name: '县卫生健康局', type: 'HEALTH_BUREAU', countyCode: code, communityCode: null, parentCode: null },
    { code: `${code}-ZF`, name: '县人民政府', type: 'COUNTY_GOVERNMENT', countyCode: code, communityCode: null, parentCode: null },
    ...Array.from({ length: UNITS - 1 }, (_, i): InstitutionRow => ({
      code: `${code}-TC-${String(i + 1).padStart(3, '0')}`,
      name: `乡镇卫生院 ${i + 1}`,
      type: 'TOWNSHIP_CENTER',
      countyCode: code,
      communityCode: community,
      parentCode: null,
    })),
  ];
  const outcome = await institutions.import(rows, 'reject');
  if (outcome.rejected) throw new Error(`institutions refused: ${JSON.stringify(outcome.errors)}`);
  const clerk = `chaos.clerk.${code.toLowerCase()}`;
  await app
    .get(UserService)
    .create(null, { username: clerk, displayName: clerk, institutionCode: bureau, roles: ['BUREAU_CLERK'], password: PASSWORD });

  // The people who act on the surplus plan's chain, each a user of their body.
  for (const [username, roles, institutionCode] of [
    [`chaos.approver.${code}`, ['BUREAU_APPROVER'], bureau],
    [`chaos.lead.${code}`, ['LEAD_FINANCE'], lead],
    [`chaos.health.${code}`, ['APPROVER'], `${code}-WJJ`],
    [`chaos.government.${code}`, ['APPROVER'], `${code}-ZF`],
  ] as const)
    await app
      .get(UserService)
      .create(null, { username: username.toLowerCase(), displayName: username, institutionCode, roles: [...roles], password: PASSWORD });

  const bureauClerk = await callerFor(ds, clerk, ['BUREAU_CLERK'], bureau);
  const bureauApprover = await callerFor(ds, `chaos.approver.${code}`.toLowerCase(), ['BUREAU_APPROVER'], bureau);
  const leadFinance = await callerFor(ds, `chaos.lead.${code}`.toLowerCase(), ['LEAD_FINANCE'], lead);
  const allocations = app.get(AllocationService);
  await as(bureauClerk, async () => {
    const { view } = await allocations.create(bureauClerk, {
      countyCode: code,
      fundYear: FUND_YEAR,
      insuredCount: '20000',
      perCapitaStandard: '750.00',
      interest: '0.00',
      criticalIllnessPremiumPerPerson: '0.00',
      familyDoctorFee: '250000.00',
      policyAdjustmentExpenditure: '625000.00',
    });
    const submitted = await allocations.transition(bureauClerk, view.id, 'submit', view.version);
    await as(bureauApprover, () => allocations.transition(bureauApprover, view.id, 'approve', submitted.version));
  });

  // October: one paid record per unit, each claim reviewed; declared, reviewed and approved.
  const period = `${FUND_YEAR}-10`;
  const [{ id: countyId }] = await ds.query('SELECT id FROM county WHERE code = ?', [code]);
  const [{ id: communityId }] = await ds.query('SELECT id FROM medical_community WHERE code = ?', [community]);
  const units: { id: number }[] = await ds.query('SELECT id FROM institution WHERE community_id = ? ORDER BY code', [communityId]);
  const healthApprover = await callerFor(ds, `chaos.health.${code}`.toLowerCase(), ['APPROVER'], `${code}-WJJ`);
  const governmentApprover = await callerFor(ds, `chaos.government.${code}`.toLowerCase(), ['APPROVER'], `${code}-ZF`);
  for (const [i, unit] of units.entries()) {
    // About 2 000 000 yuan in all, well under the 10 000 000 package: a surplus shared out, a transfer for every unit.
    const amount = fen(Math.floor(200_000_000 / UNITS) + 1_000 * i + index);
    const batch = await ds.query(
      "INSERT INTO intake_batch (submitter_id, source, on_error, received, stored, duplicates, rejected, submitted_by) VALUES (?, 'json', 'reject', 1, 1, 0, 0, 'chaos')",
      [unit.id],
    );
    await ds.query(
      `INSERT INTO settlement_record (submitter_id, external_id, unit_id, insured_hash, insured_masked, visit_type, visit_date, settlement_date, period, claim_period,
         total_cost, covered_cost, fund_paid, critical_illness_paid, medical_aid_paid, self_paid, diagnosis_code, clinical_pathway, content_hash, batch_id, review_status)
       VALUES (?, ?, ?, ?, '532927********01', 'OUTPATIENT', '2026-10-12', '2026-10-12', ?, ?, ?, ?, ?, 0, 0, 0, 'J06.9', 0, ?, ?, 'ACCEPTED')`,
      [
        unit.id,
        `R-${i}`,
        unit.id,
        hex64(index * 100_000 + i + 1),
        period,
        period,
        amount,
        amount,
        amount,
        hex64(index * 1e6 + i + 7),
        batch.insertId,
      ],
    );
    await ds.query(
      "INSERT INTO member_claim (institution_id, community_id, county_id, period, state, cutoff, submitted_on, submitted_by, reviewed_by) VALUES (?, ?, ?, ?, 'REVIEWED', ?, '2026-11-02', 'chaos', ?)",
      [unit.id, communityId, countyId, period, memberCutoffDate(period, 3), leadFinance.name],
    );
  }
  const clock = app.get(BusinessClock);
  const cycle = app.get(DeclarationService);
  clock.fix(`${FUND_YEAR}-11-04`);
  const declared = await as(leadFinance, () =>
    cycle.declare(leadFinance, { id: Number(communityId), code: community, countyId: Number(countyId) }, period),
  );
  const reviewed = await as(bureauClerk, () => cycle.transitionDeclaration(bureauClerk, declared.id, 'completeReview', declared.version));
  clock.fix(`${FUND_YEAR}-11-10`);
  await as(bureauApprover, () => cycle.transitionDeclaration(bureauApprover, reviewed.id, 'approve', reviewed.version));

  clock.fix(TODAY);
  const yearEnd = app.get(YearEndService);
  const system: Caller = { ...bureauApprover, name: 'chaos' };
  const draft = await as(system, () =>
    inTransaction(ds, (manager) => yearEnd.draft(manager, { id: Number(countyId), code }, FUND_YEAR, 'chaos', false)),
  );
  // The surplus waits for its plan: the default proposal, reviewed, approved and executed (SPEC §9.3).
  const plans = app.get(SurplusPlanService);
  let plan = await as(leadFinance, () =>
    plans.draft(
      leadFinance,
      { id: Number(communityId), code: community, countyId: Number(countyId) },
      {
        fundYear: FUND_YEAR,
        councilDecision: 'chaos',
      },
    ),
  );
  plan = await as(leadFinance, () => plans.act(leadFinance, plan.id, { action: 'submit', version: plan.version }));
  for (const [who, step] of [
    [bureauApprover, 'bureauReviews'],
    [healthApprover, 'healthBureauReviews'],
    [governmentApprover, 'governmentApproves'],
  ] as const)
    plan = await as(who, () => plans.act(who, plan.id, { action: 'approve', version: plan.version, step }));
  await as(leadFinance, () => plans.act(leadFinance, plan.id, { action: 'execute', version: plan.version }));
  const view = await yearEnd.get(null, draft.id);
  const approved = await as(bureauApprover, () => yearEnd.approve(bureauApprover, view.id, view.version));
  const [row]: { summary: string }[] = await ds.query('SELECT summary FROM year_end_settlement WHERE id = ?', [approved.id]);
  const summary: YearEndSummary = JSON.parse(row.summary);
  return { id: Number(countyId), code, community, clerk, settlementId: approved.id, expected: summary.transfers.map((t) => t.id) };
}

// ------------------------------------------------------------------ Redis

function redisClient(): Redis {
  return new Redis({ host: config.redis.host, port: config.redis.port, password: config.redis.password, db: config.redis.db });
}

/** Deletes every key of the run's prefix, and nothing else (the Redis is shared). Returns how many. */
async function deleteRunKeys(redis: Redis): Promise<number> {
  let deleted = 0;
  for await (const batch of redis.scanStream({ match: `${PREFIX}:*`, count: 1000 })) {
    const keys = batch as string[];
    if (keys.length) deleted += await redis.del(...keys);
  }
  return deleted;
}

// ------------------------------------------------------------------ the run

interface Request {
  county: County;
  method: string;
  url: string;
  body?: unknown;
  keys: string[];
}

async function main(): Promise<number> {
  const wallStart = Date.now();
  console.log(
    `chaos seed ${SEED}: ${KILLS} worker kills, ${COUNTIES} counties × ${UNITS} units, ${DATES} deadline-watch dates per county; database ${DB_NAME}, Redis prefix ${PREFIX}`,
  );
  const redis = redisClient();
  await deleteRunKeys(redis);
  await dropDatabase(config.db, DB_NAME);
  await migrateUp(config.db, DB_NAME);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error'] });
  const processes: Proc[] = [];
  let failures: string[] = [];
  try {
    const ds = app.get(DataSource);
    const counties: County[] = [];
    for (let i = 1; i <= COUNTIES; i++) counties.push(await buildCounty(app, i));
    const setupMs = Date.now() - wallStart;
    for (const c of counties)
      if (c.expected.length !== UNITS + 1)
        throw new Error(`settlement ${c.settlementId} has ${c.expected.length} transfers, expected ${UNITS + 1}`);
    console.log(
      `set up in ${seconds(setupMs)} s: settlements ${counties.map((c) => `${c.settlementId} (${c.expected.length} transfers)`).join(', ')}`,
    );

    // What will be asked: each posting, then cycle runs in a seeded order.
    const requests: Request[] = [];
    const cycleRequests: Request[] = [];
    for (const c of counties) {
      for (let m = 1; m <= 12; m++) {
        const period = `${FUND_YEAR}-${String(m).padStart(2, '0')}`;
        cycleRequests.push({
          county: c,
          method: 'POST',
          url: '/api/v1/cycles/runs',
          body: { cycle: 'monitoring', period },
          keys: [`monitoring|${period}|${c.community}`],
        });
      }
      for (let q = 1; q <= 4; q++) {
        const period = `${FUND_YEAR}-Q${q}`;
        cycleRequests.push({
          county: c,
          method: 'POST',
          url: '/api/v1/cycles/runs',
          body: { cycle: 'fund-analysis', period },
          keys: [`fund-analysis|${period}|${c.community}`],
        });
      }
      for (let d = 0; d < DATES; d++) {
        const date = new Date(Date.parse(`${TODAY}T00:00:00Z`) - d * 86_400_000).toISOString().slice(0, 10);
        cycleRequests.push({
          county: c,
          method: 'POST',
          url: '/api/v1/cycles/runs',
          body: { cycle: 'deadline-watch', period: date },
          keys: [`deadline-watch|${date}|${c.code}`],
        });
      }
    }
    for (let i = cycleRequests.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [cycleRequests[i], cycleRequests[j]] = [cycleRequests[j], cycleRequests[i]];
    }
    const postings = counties.map((c): Request => ({
      county: c,
      method: 'POST',
      url: `/api/v1/year-end-settlements/${c.settlementId}/post`,
      keys: [],
    }));
    // The first posting at once, the others spread over the first half; cycle runs over the first 70 %.
    requests.push(postings[0]);
    cycleRequests.forEach((r, i) => {
      requests.push(r);
      for (const [k, p] of postings.entries())
        if (k > 0 && i === Math.floor((cycleRequests.length * k) / (2 * postings.length))) requests.push(p);
    });
    const expectedKeys = new Set(cycleRequests.flatMap((r) => r.keys));

    let api = await startApi();
    processes.push(api);
    const tokens = new Map<string, string>();
    for (const c of counties) tokens.set(c.code, await signIn(c.clerk));
    const versions = new Map<number, number>();
    for (const c of counties)
      versions.set(c.settlementId, (await send(tokens.get(c.code)!, 'GET', `/api/v1/year-end-settlements/${c.settlementId}`)).version);

    // The feeder: each request sent once, until answered, spread over the kills.
    let fed = 0;
    let feederError: unknown = null;
    const feedPauseMs = Math.max(20, ((KILLS * ((LIFE_MIN_MS + LIFE_MAX_MS) / 2 + BOOT_ESTIMATE_MS / WORKERS)) / requests.length) * 0.6);
    const feeder = (async () => {
      for (const r of requests) {
        const body = r.body ?? { version: versions.get(r.county.settlementId) };
        await send(tokens.get(r.county.code)!, r.method, r.url, body);
        fed++;
        await sleep(feedPauseMs * (0.5 + rng()));
      }
    })();
    feeder.catch((err: unknown) => (feederError = err));

    // The kills: WORKERS workers run at once; at random moments a running one is killed and a
    // new one started in its place (it takes a few seconds to start, as in production).
    const flushAt = new Set([Math.floor(KILLS / 2), ...(KILLS >= 50 ? [Math.floor(KILLS * 0.8)] : [])]);
    const flushes: string[] = [];
    let apiKills = 0;
    const killStart = Date.now();
    const ready: Proc[] = [];
    const booting: Proc[] = [];
    let bootKills = 0;
    const launch = () => {
      let spawned: Proc;
      startWorker((p) => {
        spawned = p;
        processes.push(p);
        booting.push(p);
      }).then(
        (w) => {
          booting.splice(booting.indexOf(spawned), 1);
          ready.push(w);
        },
        (err: unknown) => {
          // Killed while starting: expected. Anything else stops the run.
          if (!killedAt.has(`${hostname()}:${spawned.pid}`)) feederError = err;
        },
      );
    };
    for (let i = 0; i < WORKERS; i++) launch();
    for (let k = 0; k < KILLS; k++) {
      const life = LIFE_MIN_MS + rng() * (LIFE_MAX_MS - LIFE_MIN_MS);
      if (flushAt.has(k)) {
        await sleep(life * rng());
        const deleted = await deleteRunKeys(redis);
        flushes.push(`${deleted} keys at kill ${k + 1}`);
        await sleep(life * rng());
      } else await sleep(life);
      if (rng() < API_KILL_RATE) {
        await kill(api);
        apiKills++;
        api = await startApi();
        processes.push(api);
      }
      // A worker that is running is killed (waiting for one to finish starting if need be); when
      // none has started within BOOT_WAIT_MS, one is killed while it starts.
      const waitUntil = Date.now() + BOOT_WAIT_MS;
      while (ready.length === 0 && Date.now() < waitUntil && !feederError) await sleep(50);
      let victim: Proc;
      if (ready.length) [victim] = ready.splice(Math.floor(rng() * ready.length), 1);
      else {
        [victim] = booting.splice(0, 1);
        bootKills++;
      }
      await kill(victim);
      if ((k + 1) % 25 === 0)
        console.log(`  ${k + 1} kills after ${seconds(Date.now() - killStart)} s, ${fed}/${requests.length} requests answered`);
      if (k < KILLS - WORKERS) launch();
      if (feederError) throw feederError;
    }
    // The workers still running or starting are killed too: the last kill ends every worker.
    for (const w of [...ready.splice(0), ...booting.splice(0)]) await kill(w);
    const lastKill = Date.now();
    console.log(
      `${KILLS} worker kills (${bootKills} while starting) and ${apiKills} API kills in ${seconds(lastKill - killStart)} s; Redis lost (every key of ${PREFIX} deleted): ${flushes.join(', ')}; ${fed}/${requests.length} requests answered so far`,
    );

    // The last worker finishes the work: nobody asks again, nobody retries by hand.
    const last = await startWorker();
    processes.push(last);
    const queues = Object.values(QUEUES).map((q) => app.get<Queue>(getQueueToken(q), { strict: false }));
    const until = lastKill + FINISH_TIMEOUT_S * 1000;
    let finishedAt = 0;
    let state = '';
    while (Date.now() < until) {
      if (feederError) throw feederError;
      const [{ unposted }] = await ds.query(
        `SELECT COUNT(*) AS unposted FROM year_end_settlement WHERE state <> 'POSTED' AND id IN (${counties.map((c) => c.settlementId).join(',')})`,
      );
      const [{ open }] = await ds.query('SELECT COUNT(*) AS open FROM outbox WHERE completed_at IS NULL');
      const [{ results }] = await ds.query("SELECT COUNT(*) AS results FROM cycle_result WHERE result <> '{}'");
      let busy = 0;
      for (const q of queues) {
        const counts = await q.getJobCounts('active', 'wait', 'failed', 'prioritized', 'waiting-children');
        busy += Object.values(counts).reduce((s, n) => s + n, 0);
      }
      state = `${fed}/${requests.length} requests, ${unposted} settlements unposted, ${open} outbox rows open, ${results} cycle results, ${busy} jobs queued/active/failed`;
      if (fed === requests.length && Number(unposted) === 0 && Number(open) === 0 && busy === 0) {
        finishedAt = Date.now();
        break;
      }
      await sleep(250);
    }
    if (!finishedAt) failures.push(`the work did not finish within ${FINISH_TIMEOUT_S} s of the last kill: ${state}`);
    else console.log(`all work finished ${seconds(finishedAt - lastKill)} s after the last kill (no operator action)`);
    // The invariants are checked at rest: the last worker stops gracefully (its active jobs finish).
    last.child.kill('SIGTERM');
    await last.exited;

    failures = failures.concat(await checkInvariants(app, counties, expectedKeys, queues));
    console.log(
      `jobs: ${counters.stalledOut} failed by the stalled-count limit, ${counters.resumed} resumed by the outbox sweeper, ${counters.refused} refused, ${counters.laterArrival} second arrivals held back in one process`,
    );
    console.log(`wall time ${seconds(Date.now() - wallStart)} s (set-up ${seconds(setupMs)} s); seed ${SEED}`);
  } catch (err) {
    failures.push(`the run stopped: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => Promise.race([p.exited, sleep(15_000)])));
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await app.close();
    if (!process.env.KEEP_DB) {
      await dropDatabase(config.db, DB_NAME);
      await deleteRunKeys(redis);
    }
    redis.disconnect();
  }
  if (failures.length) {
    console.log(`CHAOS FAILED (seed ${SEED}):\n  ${failures.join('\n  ')}`);
    if (logTail.length) console.log(`last error lines of the processes:\n${logTail.join('')}`);
    return 1;
  }
  console.log(`chaos passed (seed ${SEED})`);
  return 0;
}

async function checkInvariants(
  app: INestApplicationContext,
  counties: County[],
  expectedKeys: Set<string>,
  queues: Queue[],
): Promise<string[]> {
  const ds = app.get(DataSource);
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) failures.push(what);
  };

  // Each expected transfer exactly once; the ledger reconciled; statements equal balances; every settlement POSTED.
  let expected = 0;
  let missing = 0;
  let extra = 0;
  let statementsChecked = 0;
  for (const c of counties) {
    const found: { id: string }[] = await ds.query(
      "SELECT id FROM ledger_transfer WHERE reference_type = 'yearEndSettlement' AND reference_id = ?",
      [String(c.settlementId)],
    );
    const ids = found.map((f) => f.id);
    expected += c.expected.length;
    missing += c.expected.filter((id) => !ids.includes(id)).length;
    extra += ids.length - new Set(ids).size + ids.filter((id) => !c.expected.includes(id)).length;
    const y = await app.get(YearEndService).get(null, c.settlementId);
    check(
      y.state === 'POSTED' && y.postedTransfers === c.expected.length,
      `settlement ${c.settlementId} is ${y.state} with ${y.postedTransfers}/${c.expected.length} transfers`,
    );
    const ledger = await app.get(LedgerService).balances(c.id, FUND_YEAR);
    check(ledger.reconciled, `the ledger of ${c.code} does not reconcile`);
    const balance = (code: string) => ledger.accounts.find((a) => a.code === code)?.balance;
    check(
      balance(`YEAR_END_CLEARING:${c.community}`) === '0.00',
      `YEAR_END_CLEARING:${c.community} holds ${balance(`YEAR_END_CLEARING:${c.community}`)}`,
    );
    for (const s of y.statements) {
      statementsChecked++;
      check(
        balance(`YEAR_END_DUE:${s.institutionCode}`) === s.balanceDue,
        `${s.institutionCode}: statement ${s.balanceDue}, ledger ${balance(`YEAR_END_DUE:${s.institutionCode}`)}`,
      );
    }
  }
  check(missing === 0 && extra === 0, `transfers: ${missing} missing, ${extra} duplicate or unexpected`);
  console.log(
    `transfers: ${expected} expected, ${expected - missing} posted once, ${missing} missing, ${extra} duplicate; ${statementsChecked} statements equal to their ledger balances`,
  );

  // The outbox empty; one result per cycle key.
  const [{ rows, open }] = await ds.query('SELECT COUNT(*) AS `rows`, COALESCE(SUM(completed_at IS NULL), 0) AS open FROM outbox');
  check(Number(open) === 0, `${open} outbox rows unfinished`);
  const results: { cycle: string; period: string; scope: string; n: number; empty: number }[] = await ds.query(
    "SELECT cycle, period, scope, COUNT(*) AS n, SUM(result = '{}') AS empty FROM cycle_result GROUP BY cycle, period, scope",
  );
  const keyed = new Map(results.map((r) => [`${r.cycle}|${r.period}|${r.scope}`, r]));
  const missingKeys = [...expectedKeys].filter((k) => !keyed.has(k) || Number(keyed.get(k)!.empty) > 0);
  const doubled = results.filter((r) => Number(r.n) !== 1);
  check(missingKeys.length === 0, `${missingKeys.length} cycle keys without a result: ${missingKeys.slice(0, 5).join(', ')}`);
  check(doubled.length === 0, `${doubled.length} cycle keys with more than one result`);
  console.log(
    `cycles: ${expectedKeys.size} keys asked for, ${expectedKeys.size - missingKeys.length} with one result (${results.length} results in all, scheduled ticks included); outbox: ${rows} rows, ${open} unfinished`,
  );

  // The audit chain intact.
  const audit = await app.get(AuditService).verify();
  check(audit.intact, `the audit chain is broken: ${JSON.stringify(audit.firstBroken)}`);

  // No job left failed or stalled; no job run twice at once.
  let failed = 0;
  let active = 0;
  for (const q of queues) {
    const counts = await q.getJobCounts('failed', 'active');
    failed += counts.failed;
    active += counts.active;
  }
  check(failed === 0 && active === 0, `${failed} jobs failed, ${active} still active`);
  const runs: { job_id: string; worker: string; started_at: Date; finished_at: Date | null; outcome: string }[] = await ds.query(
    'SELECT job_id, worker, started_at, finished_at, outcome FROM job_run ORDER BY job_id, started_at, id',
  );
  let overlaps = 0;
  let stopped = 0;
  const examples: string[] = [];
  const running = runs.filter((r) => r.outcome === 'RUNNING').length;
  for (let i = 1; i < runs.length; i++) {
    const prev = runs[i - 1];
    const next = runs[i];
    if (prev.job_id !== next.job_id) continue;
    const kill = killedAt.get(prev.worker);
    const end = Math.min(prev.finished_at ? prev.finished_at.getTime() : Infinity, kill ?? Infinity);
    if (end > next.started_at.getTime()) {
      overlaps++;
      if (examples.length < 3)
        examples.push(
          `${next.job_id} (${prev.worker} until ${new Date(end).toISOString()}, ${next.worker} from ${next.started_at.toISOString()})`,
        );
    }
  }
  for (const r of runs) if (killedAt.has(r.worker) && (!r.finished_at || r.finished_at.getTime() > killedAt.get(r.worker)!)) stopped++;
  check(overlaps === 0, `${overlaps} overlapping runs of one job: ${examples.join('; ')}`);
  check(running === 0, `${running} job runs still RUNNING`);
  console.log(
    `job runs: ${runs.length} (${new Set(runs.map((r) => r.job_id)).size} jobs), ${stopped} cut short by a kill, ${overlaps} overlapping, ${running} left running; queues: ${failed} failed, ${active} active; audit chain ${audit.intact ? 'intact' : 'BROKEN'} (${audit.entries} entries)`,
  );
  return failures;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`chaos: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
