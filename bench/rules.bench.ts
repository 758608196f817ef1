/**
 * Rule-review benchmark (智能审核): a generated county-month of realistic settlement records
 * with known violations planted, ingested through the bulk HTTP endpoint, each batch reviewed
 * by the review job right after it is stored. Reports, per rule, how many planted violations
 * were caught and how many clean records were flagged, and the time the rules took against the
 * time the same records took to ingest, in the same run on the same database.
 *
 *   npm run bench:rules                      (RECORDS=170000 BATCH=20000 PLANTS=200 SEED=20261031 by default)
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as mysql2 from 'mysql2/promise';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { dropDatabase, migrateUp } from '../src/database/database-admin';
import { DEMO_PASSWORD } from '../src/cli/demo-county';
import { seedDemo } from '../src/cli/seed-demo';
import { seededRandom } from '../src/common/seeded-random';
import { defaultRuleSet, RULE_IDS, RuleId, runRules } from '../src/domain/review-rules';
import { ReviewRulesService } from '../src/modules/review-rules';

const RECORDS = Number(process.env.RECORDS ?? 170_000);
const BATCH = Number(process.env.BATCH ?? 20_000);
const PLANTS = Number(process.env.PLANTS ?? 200);
const SEED = Number(process.env.SEED ?? 20261031);
const PORT = Number(process.env.BENCH_PORT ?? 3918);
const DB_NAME = 'cbm_bench_rules';

const env = {
  ...process.env,
  DB_NAME,
  QUEUE_PREFIX: 'cbm-bench-rules',
  LOG_LEVEL: 'warn',
  PORT: String(PORT),
  BODY_LIMIT_BYTES: String(256 * 1024 * 1024),
  RATE_LIMIT_PER_MINUTE: '100000',
  BUSINESS_DATE: '2026-10-31',
};
const config = loadConfig(env);

type Row = Record<string, string>;
/** What a generated record is: clean, a planted violation of a rule, or a record a plant needs (its original, the visits within the limit). */
type Tag = { kind: 'clean' } | { kind: 'planted'; rule: RuleId } | { kind: 'involved' };

/** Diagnoses with their median cost per stay (yuan) and their share of stays. */
const INPATIENT_DIAGNOSES: [string, number, number][] = [
  ['J18.9', 3200, 0.22],
  ['I63.9', 6800, 0.12],
  ['K35.8', 5200, 0.08],
  ['J44.1', 4100, 0.14],
  ['I10', 2600, 0.1],
  ['E11.9', 3000, 0.1],
  ['N39.0', 2400, 0.08],
  ['O80.0', 2900, 0.06],
  ['S72.0', 14_000, 0.04],
  ['K80.1', 7600, 0.06],
];
const OUTPATIENT_DIAGNOSES = ['J06.9', 'I10', 'E11.9', 'K29.7', 'M54.5', 'J20.9', 'R51', 'L30.9'];

const withoutId = (r: Row): Omit<Row, 'externalId'> => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'externalId'));
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const dateOf = (dayOfOctober: number) => new Date(Date.UTC(2026, 9, dayOfOctober)).toISOString().slice(0, 10);

function generate(units: { township: string; villages: string[] }): { rows: Row[]; tags: Map<string, Tag> } {
  const rand = seededRandom(SEED);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const rows: Row[] = [];
  const tags = new Map<string, Tag>();
  let seq = 0;
  let nextPerson = 0;
  const person = () => `53292719${String(nextPerson++).padStart(10, '0')}`;
  const persons = 110_000;
  const amounts = (totalFen: number) => {
    const fund = Math.round(totalFen * 0.62);
    const self = totalFen - fund;
    return {
      totalCost: yuan(totalFen),
      coveredCost: yuan(fund + Math.floor(self / 2)),
      fundPaid: yuan(fund),
      criticalIllnessPaid: '0.00',
      medicalAidPaid: '0.00',
      selfPaid: yuan(self),
    };
  };
  const add = (row: Omit<Row, 'externalId'>, tag: Tag): Row => {
    const r = { externalId: `RB-${String(seq++).padStart(7, '0')}`, ...row } as Row;
    rows.push(r);
    tags.set(r.externalId, tag);
    return r;
  };
  const stay = (
    insuredId: string,
    unitCode: string,
    admission: string,
    discharge: string,
    diagnosis: string,
    totalFen: number,
  ): Omit<Row, 'externalId'> => ({
    unitCode,
    insuredId,
    visitType: 'INPATIENT',
    admissionDate: admission,
    dischargeDate: discharge,
    settlementDate: discharge,
    diagnosisCode: diagnosis,
    ...amounts(totalFen),
  });
  const visit = (
    insuredId: string,
    unitCode: string,
    date: string,
    diagnosis: string,
    totalFen: number,
    settled = date,
  ): Omit<Row, 'externalId'> => ({
    unitCode,
    insuredId,
    visitType: 'OUTPATIENT',
    visitDate: date,
    settlementDate: settled,
    diagnosisCode: diagnosis,
    ...amounts(totalFen),
  });
  const diagnosisOfStay = () => {
    let x = rand();
    for (const d of INPATIENT_DIAGNOSES) if ((x -= d[2]) <= 0) return d;
    return INPATIENT_DIAGNOSES[0];
  };
  const stayCost = (median: number) => Math.round(median * 100 * Math.exp(0.3 * normal()));
  const allUnits = [units.township, ...units.villages];

  // The clean month: about one in ten records an inpatient stay (one per person, at the township
  // centre, 2–20 days, cost log-normal around the diagnosis median), the rest outpatient visits of a
  // population of 110 000 insured (a few visits a month each, at the township or a village clinic).
  const plantCount = PLANTS * RULE_IDS.length;
  const planted = plantCount + PLANTS * 11 + Math.ceil(PLANTS / 2); // plants and the records they need (visits within the limit, duplicated visits)
  const cleanTarget = RECORDS - planted;
  const inpatients = Math.round(cleanTarget * 0.1);
  const stays: Row[] = [];
  for (let i = 0; i < inpatients; i++) {
    const [diagnosis, median] = diagnosisOfStay();
    const discharge = 1 + Math.floor(rand() * 28);
    const los = 2 + Math.floor(rand() * 19);
    const admission = new Date(Date.UTC(2026, 9, discharge - los)).toISOString().slice(0, 10);
    stays.push(add(stay(person(), units.township, admission, dateOf(discharge), diagnosis, stayCost(median)), { kind: 'clean' }));
  }
  const outpatientPeople = nextPerson + persons;
  const firstOutpatient = nextPerson;
  nextPerson = outpatientPeople;
  for (let i = inpatients; i < cleanTarget; i++) {
    const who = `53292719${String(firstOutpatient + Math.floor(rand() * persons)).padStart(10, '0')}`;
    add(visit(who, pick(allUnits), dateOf(1 + Math.floor(rand() * 28)), pick(OUTPATIENT_DIAGNOSES), 1500 + Math.floor(rand() * 20_000)), {
      kind: 'clean',
    });
  }

  // The plants: PLANTS of each rule, each on people of its own.
  const octoberStays = stays.filter((s) => s.admissionDate >= '2026-10-01' && s.dischargeDate <= '2026-10-12');
  const used = new Set<string>();
  const freshStay = (pool: Row[]) => {
    for (;;) {
      const s = pick(pool);
      if (!used.has(s.externalId)) {
        used.add(s.externalId);
        return s;
      }
    }
  };
  for (let p = 0; p < PLANTS; p++) {
    // 重复结算: half a stay settled again with overlapping dates, half a visit settled twice
    if (p % 2 === 0) {
      const s = freshStay(stays);
      tags.set(s.externalId, { kind: 'involved' });
      const admission = new Date(Date.parse(s.admissionDate) + 86_400_000).toISOString().slice(0, 10);
      const discharge = s.dischargeDate > admission ? s.dischargeDate : admission;
      add(
        { ...withoutId(s), admissionDate: admission, dischargeDate: discharge, settlementDate: discharge },
        { kind: 'planted', rule: 'DUPLICATE_SETTLEMENT' },
      );
    } else {
      const who = person();
      const v = add(
        visit(who, pick(allUnits), dateOf(1 + Math.floor(rand() * 28)), pick(OUTPATIENT_DIAGNOSES), 1500 + Math.floor(rand() * 20_000)),
        {
          kind: 'involved',
        },
      );
      const copy = withoutId(v);
      add(copy, { kind: 'planted', rule: 'DUPLICATE_SETTLEMENT' });
    }
    // 分解住院: the same person back at the same unit with the same diagnosis 1–10 days after discharge
    const s = freshStay(octoberStays);
    tags.set(s.externalId, { kind: 'involved' });
    const back = Date.parse(s.dischargeDate) + (1 + Math.floor(rand() * 10)) * 86_400_000;
    const again = new Date(back).toISOString().slice(0, 10);
    const out = new Date(back + (2 + Math.floor(rand() * 4)) * 86_400_000).toISOString().slice(0, 10);
    const median = INPATIENT_DIAGNOSES.find((d) => d[0] === s.diagnosisCode)![1];
    add(stay(s.insuredId, s.unitCode, again, out, s.diagnosisCode, stayCost(median)), { kind: 'planted', rule: 'SPLIT_ADMISSION' });
    // 住院天数异常: a stay of 61–90 days, or one admitted and discharged the same day
    const [dx, med] = diagnosisOfStay();
    const discharge = 1 + Math.floor(rand() * 28);
    const los = p % 2 === 0 ? 61 + Math.floor(rand() * 30) : 0;
    const admitted = new Date(Date.UTC(2026, 9, discharge - los)).toISOString().slice(0, 10);
    add(stay(person(), units.township, admitted, dateOf(discharge), dx, stayCost(med)), { kind: 'planted', rule: 'LENGTH_OF_STAY' });
    // 次均费用异常: a stay costing 4–8 times its diagnosis's median
    const [dx2, med2] = diagnosisOfStay();
    const d2 = 3 + Math.floor(rand() * 26);
    add(stay(person(), units.township, dateOf(d2 - 3), dateOf(d2), dx2, Math.round(med2 * 100 * (4 + 4 * rand()))), {
      kind: 'planted',
      rule: 'COST_OUTLIER',
    });
    // 门诊频次异常: one person with 12 visits in the month; the 4 beyond the limit of 8 are the violations
    const frequent = person();
    const days = Array.from({ length: 12 }, (_, i) => 1 + Math.floor((i * 27) / 11)).sort((a, b) => a - b);
    days.forEach((day, i) =>
      add(
        visit(frequent, pick(allUnits), dateOf(day), pick(OUTPATIENT_DIAGNOSES), 1500 + Math.floor(rand() * 20_000)),
        i < 8 ? { kind: 'involved' } : { kind: 'planted', rule: 'OUTPATIENT_FREQUENCY' },
      ),
    );
    // 无住院资质: an inpatient stay at a village clinic
    const d3 = 3 + Math.floor(rand() * 26);
    add(stay(person(), pick(units.villages), dateOf(d3 - 2), dateOf(d3), 'J18.9', stayCost(1800)), {
      kind: 'planted',
      rule: 'NON_ADMITTING_UNIT',
    });
    // 跨基金年度结算: a visit of November or December 2025 settled in October 2026
    const late = new Date(Date.UTC(2025, 10, 1 + Math.floor(rand() * 60))).toISOString().slice(0, 10);
    add(
      visit(
        person(),
        pick(allUnits),
        late,
        pick(OUTPATIENT_DIAGNOSES),
        1500 + Math.floor(rand() * 20_000),
        dateOf(1 + Math.floor(rand() * 28)),
      ),
      {
        kind: 'planted',
        rule: 'AFTER_FUND_YEAR',
      },
    );
  }
  // Batches arrive in settlement order mixed, as a month of exports does: shuffle.
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return { rows, tags };
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
  console.log(
    `rules benchmark: ${RECORDS} records, ${PLANTS} plants per rule, ${BATCH} per HTTP request, seed ${SEED}, database ${DB_NAME}`,
  );
  await dropDatabase(config.db, DB_NAME);
  await migrateUp(config.db, DB_NAME);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error'] });
  await seedDemo(app);
  const conn = await mysql2.createConnection({
    host: config.db.host,
    port: config.db.port,
    user: config.db.user,
    password: config.db.password,
    database: DB_NAME,
  });
  const [unitRows] = await conn.query(
    "SELECT code, type FROM institution WHERE code = 'WS-TC-01' OR parent_id = (SELECT id FROM institution WHERE code = 'WS-TC-01') ORDER BY code",
  );
  const units = unitRows as { code: string; type: string }[];
  const { rows, tags } = generate({ township: 'WS-TC-01', villages: units.filter((u) => u.type === 'VILLAGE_CLINIC').map((u) => u.code) });
  const reviewer = app.get(ReviewRulesService);

  const api = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  let ingestSeconds = 0;
  let rulesSeconds = 0;
  try {
    await waitReady();
    const login = await fetch(`http://127.0.0.1:${PORT}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ws.tc01.clerk', password: DEMO_PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    for (let i = 0; i < rows.length; i += BATCH) {
      const body = JSON.stringify({ records: rows.slice(i, i + BATCH) });
      let started = performance.now();
      const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/settlement-records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body,
      });
      const outcome = (await res.json()) as { stored: number; batchId: string; message?: string; details?: unknown[] };
      ingestSeconds += (performance.now() - started) / 1000;
      if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${JSON.stringify(outcome).slice(0, 400)}`);
      // The review job of the batch, as the worker runs it right after the batch is stored.
      started = performance.now();
      await reviewer.reviewBatch({ batchId: String(outcome.batchId) });
      rulesSeconds += (performance.now() - started) / 1000;
    }
  } finally {
    api.kill('SIGTERM');
  }

  // The rules once over the whole month (the records loaded as the job loads them).
  const [loaded] = await conn.query(
    `SELECT r.external_id, r.insured_hash, u.code AS unit_code, u.type AS unit_type, r.visit_type, DATE_FORMAT(r.admission_date, '%Y-%m-%d') AS a,
            DATE_FORMAT(r.discharge_date, '%Y-%m-%d') AS d, DATE_FORMAT(r.visit_date, '%Y-%m-%d') AS v, DATE_FORMAT(r.settlement_date, '%Y-%m-%d') AS s,
            r.diagnosis_code, CAST(r.total_cost AS CHAR) AS t, CAST(r.fund_paid AS CHAR) AS f
       FROM settlement_record r JOIN institution u ON u.id = r.unit_id WHERE r.external_id LIKE 'RB-%'`,
  );
  const toFen = (s: string) => BigInt(s.replace('.', ''));
  const started = performance.now();
  const onePass = runRules(
    (loaded as Record<string, string>[]).map((r) => ({
      id: r.external_id,
      insuredHash: r.insured_hash,
      unitCode: r.unit_code,
      unitAdmits: r.unit_type !== 'VILLAGE_CLINIC',
      visitType: r.visit_type as 'OUTPATIENT',
      admissionDate: r.a,
      dischargeDate: r.d,
      visitDate: r.v,
      settlementDate: r.s,
      diagnosisCode: r.diagnosis_code,
      totalFen: toFen(r.t),
      fundFen: toFen(r.f),
    })),
    defaultRuleSet(),
  );
  const onePassSeconds = (performance.now() - started) / 1000;

  // What the jobs stored, by rule, against what was planted.
  const [hitRows] = await conn.query(
    `SELECT h.rule_id, r.external_id, j.rid = h.record_id AS first
       FROM review_hit h JOIN JSON_TABLE(h.record_ids, '$[*]' COLUMNS (rid BIGINT PATH '$')) j JOIN settlement_record r ON r.id = j.rid`,
  );
  // A planted violation is caught when a hit of its rule names it; a clean record is flagged when a hit concerns it (names it first).
  const namedBy = new Map<RuleId, Set<string>>(RULE_IDS.map((id) => [id, new Set<string>()]));
  const flaggedBy = new Map<RuleId, Set<string>>(RULE_IDS.map((id) => [id, new Set<string>()]));
  for (const h of hitRows as { rule_id: RuleId; external_id: string; first: number }[]) {
    namedBy.get(h.rule_id)?.add(h.external_id);
    if (Number(h.first)) flaggedBy.get(h.rule_id)?.add(h.external_id);
  }
  const onePassFlagged = new Map<RuleId, Set<string>>(RULE_IDS.map((id) => [id, new Set<string>()]));
  for (const h of onePass) for (const id of h.recordIds) onePassFlagged.get(h.ruleId)!.add(id);

  const clean = [...tags.entries()].filter(([, t]) => t.kind === 'clean').map(([id]) => id);
  const anyFlag = new Set([...flaggedBy.values()].flatMap((s) => [...s]));
  console.log('');
  console.log('| rule | planted | caught | caught % | clean records flagged | clean flagged % | same in one pass |');
  console.log('|---|---|---|---|---|---|---|');
  let plantedAll = 0;
  let caughtAll = 0;
  for (const rule of RULE_IDS) {
    const plants = [...tags.entries()].filter(([, t]) => t.kind === 'planted' && t.rule === rule).map(([id]) => id);
    const caught = plants.filter((id) => namedBy.get(rule)!.has(id)).length;
    const cleanFlagged = clean.filter((id) => flaggedBy.get(rule)!.has(id)).length;
    const named = [...namedBy.get(rule)!].filter((id) => id.startsWith('RB-'));
    const same = named.length === onePassFlagged.get(rule)!.size && named.every((id) => onePassFlagged.get(rule)!.has(id));
    plantedAll += plants.length;
    caughtAll += caught;
    console.log(
      `| ${rule} | ${plants.length} | ${caught} | ${((100 * caught) / plants.length).toFixed(2)} | ${cleanFlagged} | ${((100 * cleanFlagged) / clean.length).toFixed(3)} | ${same ? 'yes' : 'no'} |`,
    );
  }
  const cleanFlaggedAll = clean.filter((id) => anyFlag.has(id)).length;
  console.log(
    `| all | ${plantedAll} | ${caughtAll} | ${((100 * caughtAll) / plantedAll).toFixed(2)} | ${cleanFlaggedAll} of ${clean.length} | ${((100 * cleanFlaggedAll) / clean.length).toFixed(3)} | |`,
  );
  console.log('');
  console.log(
    `ingest (HTTP bulk endpoint, ${Math.ceil(rows.length / BATCH)} requests) : ${ingestSeconds.toFixed(2)} s for ${rows.length} records`,
  );
  console.log(
    `rules, the review job after each batch                : ${rulesSeconds.toFixed(2)} s (ratio to ingest ${(rulesSeconds / ingestSeconds).toFixed(2)}, goal <= 1)`,
  );
  console.log(
    `rules, once over the month in memory                  : ${onePassSeconds.toFixed(2)} s (ratio to ingest ${(onePassSeconds / ingestSeconds).toFixed(2)})`,
  );
  await conn.end();
  await app.close();
  await dropDatabase(config.db, DB_NAME);
}

main().catch((err: unknown) => {
  console.error(`bench:rules: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
