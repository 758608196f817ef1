/**
 * Year-end scale benchmark (SPEC §7): one county fund year of generated settlement records
 * (2 000 000+ across the 60-odd member units of one medical community), run month by month
 * through the product's own declaration, bureau review and approval under the package cap, then
 * the year-end settlement draft timed against the plain SQL aggregate of the same records, in
 * the same run on the same database, alternating. Prints both times per round, the medians and
 * their ratio.
 *
 *   npm run bench:yearend                    (RECORDS=2040000 ROUNDS=5 by default)
 *   KEEP_DB=1 node dist/bench/yearend.bench.js   keeps cbm_bench_yearend for EXPLAIN
 */
import { Readable } from 'node:stream';
import Redis from 'ioredis';
import * as mysql2 from 'mysql2/promise';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { BusinessClock } from '../src/common/business-clock';
import { Caller } from '../src/common/caller';
import { runInContext } from '../src/common/request-context';
import { loadConfig } from '../src/config/app-config';
import { dropDatabase, migrateUp } from '../src/database/database-admin';
import { seedDemo } from '../src/cli/seed-demo';
import { inTransaction } from '../src/database/transaction';
import { Role, scopeOf } from '../src/domain/access-policy';
import { nextPeriod, REVIEW_REASON_CODES } from '../src/domain/claim-cycle';
import { InstitutionType } from '../src/domain/institution-registry';
import { Money } from '../src/domain/money';
import { memberCutoffDate } from '../src/domain/working-days';
import { DeclarationService } from '../src/modules/claims/declaration.service';
import { YearEndService, YearEndSummary } from '../src/modules/cycles/year-end.service';
import { AllocationService } from '../src/modules/fund-year/allocation.service';
import { InstitutionRow, InstitutionService } from '../src/modules/registry/institution.service';
import { seededRandom } from '../src/common/seeded-random';

const RECORDS = Number(process.env.RECORDS ?? 2_040_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
/** Total approved ÷ M the allocation is sized for: a moderate overspend. */
const OVERSPEND_TARGET = 1.1;
const FUND_YEAR = 2026;
const DB_NAME = 'cbm_bench_yearend';
const QUEUE_PREFIX = 'cbm-bench-yearend';

const env = { ...process.env, DB_NAME, QUEUE_PREFIX, LOG_LEVEL: 'warn', SCHEDULES_ENABLED: 'false', BUSINESS_DATE: '2027-01-20' };
const config = loadConfig(env);

const PERIODS = Array.from({ length: 12 }, (_, m) => `${FUND_YEAR}-${String(m + 1).padStart(2, '0')}`);

/**
 * The plain aggregate the year-end's own pass over the records is measured against: the same
 * records (the county's claiming units, the fund year) in the same groups (unit, submitter,
 * claim period), so that both run the same plan and the difference is the settlement's own
 * work: review and deduction conditions, splits, apportionment, the ledger check, the writes.
 */
const baselineSql = (
  submitters: number,
) => `SELECT r.unit_id, r.submitter_id, r.claim_period, SUM(r.fund_paid) AS fund_paid FROM settlement_record r
  WHERE r.submitter_id IN (${Array.from({ length: submitters }, () => '?').join(', ')}) AND r.claim_period BETWEEN '${FUND_YEAR}-01' AND '${FUND_YEAR}-12'
  GROUP BY r.unit_id, r.submitter_id, r.claim_period`;

/** Added to the demo county so that the community is a little larger: two county hospitals and five village clinics. */
const EXTRA_INSTITUTIONS: InstitutionRow[] = [
  { code: 'WS-FYBJY', name: '巍山县妇幼保健院', type: 'COUNTY_HOSPITAL', countyCode: 'WS', communityCode: 'WS-MC', parentCode: null },
  { code: 'WS-DEYY', name: '巍山县第二人民医院', type: 'COUNTY_HOSPITAL', countyCode: 'WS', communityCode: 'WS-MC', parentCode: null },
  ...[
    ['WS-VC-01-06', '南诏镇新村卫生室', 'WS-TC-01'],
    ['WS-VC-02-05', '庙街镇回营卫生室', 'WS-TC-02'],
    ['WS-VC-03-06', '大仓镇新东卫生室', 'WS-TC-03'],
    ['WS-VC-06-05', '马鞍山乡文华卫生室', 'WS-TC-06'],
    ['WS-VC-09-06', '牛街乡鼠街卫生室', 'WS-TC-09'],
  ].map(([code, name, parentCode]): InstitutionRow => ({
    code,
    name,
    type: 'VILLAGE_CLINIC',
    countyCode: 'WS',
    communityCode: 'WS-MC',
    parentCode,
  })),
];

type VisitType = 'OUTPATIENT' | 'INPATIENT' | 'CHRONIC_SPECIAL' | 'MATERNITY';
/** A kind of visit at a level of care: its share of the unit's records, total cost range (fen) and the fund's rate of the covered cost. */
type VisitProfile = { type: VisitType; share: number; min: number; max: number; rate: number };

/** Realistic-looking mixes: village clinics see outpatients only; inpatient stays are longer and dearer up the levels. */
const PROFILES: Record<'LEAD_HOSPITAL' | 'COUNTY_HOSPITAL' | 'TOWNSHIP_CENTER' | 'VILLAGE_CLINIC', VisitProfile[]> = {
  LEAD_HOSPITAL: [
    { type: 'INPATIENT', share: 0.045, min: 300_000, max: 1_500_000, rate: 0.7 },
    { type: 'MATERNITY', share: 0.01, min: 300_000, max: 600_000, rate: 0.8 },
    { type: 'CHRONIC_SPECIAL', share: 0.03, min: 20_000, max: 100_000, rate: 0.6 },
    { type: 'OUTPATIENT', share: 1, min: 8_000, max: 40_000, rate: 0.45 },
  ],
  COUNTY_HOSPITAL: [
    { type: 'INPATIENT', share: 0.035, min: 250_000, max: 900_000, rate: 0.75 },
    { type: 'MATERNITY', share: 0.008, min: 250_000, max: 500_000, rate: 0.8 },
    { type: 'CHRONIC_SPECIAL', share: 0.03, min: 20_000, max: 90_000, rate: 0.6 },
    { type: 'OUTPATIENT', share: 1, min: 6_000, max: 30_000, rate: 0.45 },
  ],
  TOWNSHIP_CENTER: [
    { type: 'INPATIENT', share: 0.03, min: 150_000, max: 500_000, rate: 0.85 },
    { type: 'CHRONIC_SPECIAL', share: 0.04, min: 15_000, max: 60_000, rate: 0.65 },
    { type: 'OUTPATIENT', share: 1, min: 3_000, max: 15_000, rate: 0.55 },
  ],
  VILLAGE_CLINIC: [{ type: 'OUTPATIENT', share: 1, min: 1_500, max: 9_000, rate: 0.6 }],
};
/** Each unit's share of the records, by type (the lead unit takes what rounding leaves). */
const RECORD_SHARE: Record<keyof typeof PROFILES, number> = {
  LEAD_HOSPITAL: 0.2,
  COUNTY_HOSPITAL: 0.04,
  TOWNSHIP_CENTER: 0.034,
  VILLAGE_CLINIC: 0.0055,
};
const DIAGNOSES: Record<VisitType, string[]> = {
  OUTPATIENT: ['J06.9', 'K29.7', 'M54.5', 'J20.9', 'I10', 'E11.9', 'K52.9', 'L30.9'],
  INPATIENT: ['J18.9', 'I63.9', 'K35.8', 'I25.1', 'N20.0', 'S72.0', 'J44.1'],
  CHRONIC_SPECIAL: ['I10', 'E11.9', 'N18.5', 'F20.9'],
  MATERNITY: ['O80', 'O82'],
};
const REJECT_REASONS = REVIEW_REASON_CODES.filter((r) => r !== 'OTHER');
const REJECT_RATE = 0.03;
const DEDUCT_RATE = 0.015;

type Unit = { id: number; code: string; type: keyof typeof PROFILES; parentId: number | null; submitterId: number };

/** Whole fen as the yuan text the database reads. */
const fen = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
const hex16 = (n: number) => n.toString(16).padStart(16, '0');

/** ISO dates from 1 December of the year before (admissions may start there) to 31 December. */
const DATES: string[] = [];
for (let t = Date.UTC(FUND_YEAR - 1, 11, 1); t <= Date.UTC(FUND_YEAR, 11, 31); t += 86_400_000)
  DATES.push(new Date(t).toISOString().slice(0, 10));
const dateIndex = (period: string, day: number) => DATES.indexOf(`${period}-01`) + day - 1;
const daysIn = (period: string) => new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 0)).getUTCDate();

/** What the generator produced, in integer fen. */
interface Totals {
  records: number;
  rejected: number;
  deducted: number;
  approvedFen: number;
  primaryApprovedFen: number;
  byUnit: Map<number, number>;
}

/** The load's columns; review and deduction notes, township code and timestamps keep their defaults. */
const LOAD_COLUMNS =
  'submitter_id, external_id, unit_id, insured_hash, insured_masked, visit_type, admission_date, discharge_date, visit_date, settlement_date, period, claim_period, ' +
  'total_cost, covered_cost, fund_paid, critical_illness_paid, medical_aid_paid, self_paid, diagnosis_code, clinical_pathway, referral_no, content_hash, batch_id, review_status, review_reason, deduction_reason';

/**
 * One month's records as tab-separated text, unit by unit (each submitter's records together, so
 * that the indexes fill in order), in pieces of `piece` rows.
 */
function* monthText(
  period: string,
  units: Unit[],
  counts: Map<number, number>,
  batchOf: Map<number, number>,
  totals: Totals,
  next: () => number,
  sequence: { n: number },
  piece = 5000,
): Generator<Buffer> {
  const days = daysIn(period);
  const perSubmitter = new Map<number, number>();
  let text = '';
  let inPiece = 0;
  for (const unit of units) {
    const profile = PROFILES[unit.type];
    const primary = unit.type === 'TOWNSHIP_CENTER' || unit.type === 'VILLAGE_CLINIC';
    const count = counts.get(unit.id) ?? 0;
    for (let k = 0; k < count; k++) {
      const seq = sequence.n++;
      const local = (perSubmitter.get(unit.submitterId) ?? 0) + 1;
      perSubmitter.set(unit.submitterId, local);
      const pick = next();
      let acc = 0;
      let visit = profile[profile.length - 1];
      for (const p of profile) {
        acc += p.share;
        if (pick < acc) {
          visit = p;
          break;
        }
      }
      const total = visit.min + Math.floor(next() * (visit.max - visit.min));
      const covered = total - Math.floor(total * next() * 0.12);
      const fund = Math.floor(covered * visit.rate);
      const critical = visit.type === 'INPATIENT' && total > 1_000_000 ? Math.floor((total - fund) * 0.4) : 0;
      const aid = next() < 0.06 ? Math.floor((total - fund - critical) * 0.5) : 0;
      const self = total - fund - critical - aid;
      const day = 1 + Math.floor(next() * days);
      const settled = DATES[dateIndex(period, day)];
      const inpatient = visit.type === 'INPATIENT';
      const admission = inpatient ? DATES[dateIndex(period, day) - 1 - Math.floor(next() * 14)] : null;
      const person = 1 + Math.floor(next() * 650_000);
      const diagnoses = DIAGNOSES[visit.type];
      const diagnosis = diagnoses[Math.floor(next() * diagnoses.length)];
      const review = next();
      const rejected = review < REJECT_RATE;
      const deducted = !rejected && review > 1 - DEDUCT_RATE;
      const reason = rejected || deducted ? REJECT_REASONS[Math.floor(next() * REJECT_REASONS.length)] : null;
      totals.records++;
      if (rejected) totals.rejected++;
      else if (deducted) totals.deducted++;
      else {
        totals.approvedFen += fund;
        if (primary) totals.primaryApprovedFen += fund;
        totals.byUnit.set(unit.id, (totals.byUnit.get(unit.id) ?? 0) + fund);
      }
      const personHex = hex16(person * 2_654_435_761);
      text +=
        `${unit.submitterId}\tYE${period.replace('-', '')}-${String(local).padStart(7, '0')}\t${unit.id}\t${personHex}${personHex}${personHex}${personHex}\t532927********${String(person % 100).padStart(2, '0')}\t` +
        `${visit.type}\t${admission ?? '\\N'}\t${inpatient ? settled : '\\N'}\t${inpatient ? '\\N' : settled}\t${settled}\t${period}\t${period}\t` +
        `${fen(total)}\t${fen(covered)}\t${fen(fund)}\t${fen(critical)}\t${fen(aid)}\t${fen(self)}\t${diagnosis}\t${inpatient && seq % 3 === 0 ? 1 : 0}\t` +
        `${inpatient && unit.type === 'LEAD_HOSPITAL' && seq % 4 === 0 ? `ZZ${FUND_YEAR}${String(seq).padStart(8, '0')}` : '\\N'}\t${hex16(seq)}${hex16(seq * 31)}${hex16(seq * 131)}${hex16(seq * 1031)}\t` +
        `${batchOf.get(unit.submitterId)}\t${rejected ? 'REJECTED' : 'ACCEPTED'}\t${rejected ? reason : '\\N'}\t${deducted ? reason : '\\N'}\n`;
      if (++inPiece === piece) {
        yield Buffer.from(text, 'utf8');
        text = '';
        inPiece = 0;
      }
    }
  }
  if (text) yield Buffer.from(text, 'utf8');
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function callerFor(ds: DataSource, username: string, roles: Role[], institutionCode: string): Promise<Caller> {
  const [inst]: { id: number; code: string; type: InstitutionType; county_id: number; community_id: number | null }[] = await ds.query(
    'SELECT id, code, type, county_id, community_id FROM institution WHERE code = ?',
    [institutionCode],
  );
  const [user]: { id: number }[] = await ds.query('SELECT id FROM app_user WHERE username = ?', [username]);
  const institution = {
    level: 'COUNTY' as const,
    id: Number(inst.id),
    code: inst.code,
    type: inst.type,
    countyId: Number(inst.county_id),
    regionId: null,
    communityId: inst.community_id === null ? null : Number(inst.community_id),
  };
  return {
    kind: 'user',
    name: username,
    userId: user ? Number(user.id) : null,
    sessionId: null,
    roles,
    institution,
    scope: scopeOf(institution, roles),
  };
}

/** Runs `fn` as `caller` would run it in a request: the audit trail records the caller. */
function as<T>(caller: Caller, fn: () => Promise<T>): Promise<T> {
  return runInContext(
    { requestId: `bench-yearend-${Date.now()}`, actor: caller.name, actorInstitution: caller.institution.code, caller },
    fn,
  );
}

async function main(): Promise<void> {
  const wallStart = performance.now();
  console.log(`year-end benchmark: ${RECORDS} records of fund year ${FUND_YEAR}, ${ROUNDS} rounds, database ${DB_NAME}`);
  await dropDatabase(config.db, DB_NAME);
  await migrateUp(config.db, DB_NAME);
  const app: INestApplicationContext = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error'] });
  const conn = await mysql2.createConnection({
    host: config.db.host,
    port: config.db.port,
    user: config.db.user,
    password: config.db.password,
    database: DB_NAME,
  });
  try {
    await seedDemo(app);
    const ds = app.get(DataSource);
    const clock = app.get(BusinessClock);
    const outcome = await app.get(InstitutionService).import(EXTRA_INSTITUTIONS, 'reject');
    if (outcome.rejected) throw new Error(`institutions refused: ${JSON.stringify(outcome.errors)}`);

    const [county]: { id: number; code: string }[] = await ds.query("SELECT id, code FROM county WHERE code = 'WS'");
    const [community]: { id: number; code: string; county_id: number }[] = await ds.query(
      "SELECT id, code, county_id FROM medical_community WHERE code = 'WS-MC'",
    );
    const rows: { id: number; code: string; type: Unit['type']; parent_id: number | null }[] = await ds.query(
      "SELECT id, code, type, parent_id FROM institution WHERE community_id = ? AND active = 1 AND type IN ('LEAD_HOSPITAL','COUNTY_HOSPITAL','TOWNSHIP_CENTER','VILLAGE_CLINIC') ORDER BY code",
      [community.id],
    );
    const units: Unit[] = rows.map((r) => ({
      id: Number(r.id),
      code: r.code,
      type: r.type,
      parentId: r.parent_id === null ? null : Number(r.parent_id),
      submitterId: r.type === 'VILLAGE_CLINIC' ? Number(r.parent_id) : Number(r.id),
    }));
    // Each submitter's records together, the submitter's own first, then its village clinics.
    units.sort((a, b) => a.submitterId - b.submitterId || (a.id === a.submitterId ? -1 : b.id === b.submitterId ? 1 : a.id - b.id));
    const submitters = [...new Set(units.map((u) => u.submitterId))];
    console.log(
      `community ${community.code}: ${units.length} member units, ${submitters.length} submitting units (lead, county hospitals, townships for their villages)`,
    );

    // ---------------------------------------------------------------- records, LOAD DATA LOCAL
    const next = seededRandom(20260101);
    const totals: Totals = { records: 0, rejected: 0, deducted: 0, approvedFen: 0, primaryApprovedFen: 0, byUnit: new Map() };
    const sequence = { n: 1 };
    const [lead] = units.filter((u) => u.type === 'LEAD_HOSPITAL');
    let loadSeconds = 0;
    for (const [m, period] of PERIODS.entries()) {
      const monthRecords = Math.floor(RECORDS / 12) + (m < RECORDS % 12 ? 1 : 0);
      const counts = new Map(units.map((u) => [u.id, Math.floor(monthRecords * RECORD_SHARE[u.type])]));
      counts.set(lead.id, monthRecords - [...counts.entries()].filter(([id]) => id !== lead.id).reduce((s, [, n]) => s + n, 0));
      const batchOf = new Map<number, number>();
      for (const s of submitters) {
        const stored = units.filter((u) => u.submitterId === s).reduce((sum, u) => sum + counts.get(u.id)!, 0);
        const [batch] = await conn.query(
          "INSERT INTO intake_batch (submitter_id, source, on_error, received, stored, duplicates, rejected, submitted_by) VALUES (?, 'json', 'reject', ?, ?, 0, 0, 'bench')",
          [s, stored, stored],
        );
        batchOf.set(s, (batch as { insertId: number }).insertId);
      }
      const started = performance.now();
      const [result] = await conn.query({
        sql: `LOAD DATA LOCAL INFILE 'yearend-${period}.tsv' INTO TABLE settlement_record CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${LOAD_COLUMNS})`,
        infileStreamFactory: () => Readable.from(monthText(period, units, counts, batchOf, totals, next, sequence)),
      });
      loadSeconds += (performance.now() - started) / 1000;
      const { affectedRows, warningStatus } = result as { affectedRows: number; warningStatus: number };
      if (affectedRows !== monthRecords || warningStatus > 0)
        throw new Error(`${period}: loaded ${affectedRows} of ${monthRecords} rows with ${warningStatus} warnings`);
    }
    console.log(
      `loaded ${totals.records} records in ${loadSeconds.toFixed(1)} s: ${(totals.records / loadSeconds).toFixed(0)} records/s (LOAD DATA LOCAL INFILE, generation included); ${totals.rejected} rejected, ${totals.deducted} deducted`,
    );
    // A table filled over a year has its index statistics recalculated many times; after one bulk load they may still
    // describe the empty table (the background recalculation is asynchronous), so they are brought up to date here.
    const analyzeStart = performance.now();
    await conn.query('ANALYZE TABLE settlement_record');
    console.log(`ANALYZE TABLE settlement_record: ${((performance.now() - analyzeStart) / 1000).toFixed(1)} s`);
    const approvedTotal = Money.of(fen(totals.approvedFen));
    console.log(
      `approved ${approvedTotal} yuan, of which primary units ${fen(totals.primaryApprovedFen)} (${((100 * totals.primaryApprovedFen) / totals.approvedFen).toFixed(1)} %)`,
    );

    // ---------------------------------------------------------------- allocation sized for the overspend
    const bureauClerk = await callerFor(ds, 'ws.bureau.clerk', ['BUREAU_CLERK'], 'WS-YBJ');
    const bureauApprover = await callerFor(ds, 'ws.bureau.approver', ['BUREAU_APPROVER'], 'WS-YBJ');
    const leadFinance = await callerFor(ds, 'ws.lead.finance', ['LEAD_FINANCE'], 'WS-RMYY');
    // With these inputs and the default rates M = 500 yuan per insured person (F 750, A 112.50, Dfd 12.50, P 31.25).
    const insured = Math.round(totals.approvedFen / 100 / OVERSPEND_TARGET / 500);
    const allocations = app.get(AllocationService);
    const allocation = await as(bureauClerk, async () => {
      const { view } = await allocations.create(bureauClerk, {
        countyCode: county.code,
        fundYear: FUND_YEAR,
        insuredCount: String(insured),
        perCapitaStandard: '750.00',
        interest: '0.00',
        criticalIllnessPremiumPerPerson: '0.00',
        familyDoctorFee: fen(insured * 1250),
        policyAdjustmentExpenditure: fen(insured * 3125),
      });
      const submitted = await allocations.transition(bureauClerk, view.id, 'submit', view.version);
      return as(bureauApprover, () => allocations.transition(bureauApprover, view.id, 'approve', submitted.version));
    });
    const packageM = Money.of(allocation.figures.communityPackage);
    console.log(
      `allocation ${allocation.id} ${allocation.state}: N ${insured}, M ${packageM} yuan; approved ÷ M = ${approvedTotal.toDecimal().div(packageM.toDecimal()).toFixed(3)}`,
    );

    // ---------------------------------------------------------------- twelve months through the claim cycle
    const cycle = app.get(DeclarationService);
    const cycleStart = performance.now();
    let funded = Money.ZERO;
    let unfunded = Money.ZERO;
    for (const period of PERIODS) {
      const following = nextPeriod(period);
      const cutoff = memberCutoffDate(period, 3);
      for (const s of submitters) {
        await ds.query(
          "INSERT INTO member_claim (institution_id, community_id, county_id, period, state, cutoff, submitted_on, submitted_by, reviewed_by) VALUES (?, ?, ?, ?, 'REVIEWED', ?, ?, 'bench', ?)",
          [s, community.id, county.id, period, cutoff, `${following}-02`, leadFinance.name],
        );
      }
      clock.fix(`${following}-04`);
      const t0 = performance.now();
      const declared = await as(leadFinance, () =>
        cycle.declare(leadFinance, { id: Number(community.id), code: community.code, countyId: Number(county.id) }, period),
      );
      const t1 = performance.now();
      const reviewed = await as(bureauClerk, () =>
        cycle.transitionDeclaration(bureauClerk, declared.id, 'completeReview', declared.version),
      );
      const t2 = performance.now();
      clock.fix(`${following}-10`);
      const approved = await as(bureauApprover, () =>
        cycle.transitionDeclaration(bureauApprover, reviewed.id, 'approve', reviewed.version),
      );
      const t3 = performance.now();
      funded = funded.plus(Money.of(approved.funded));
      unfunded = unfunded.plus(Money.of(approved.unfunded));
      console.log(
        `  ${period}: ${approved.records} records, approved ${approved.approved}, deducted ${approved.deducted}, funded ${approved.funded}, unfunded ${approved.unfunded}; ` +
          `declare ${((t1 - t0) / 1000).toFixed(1)} s, review ${((t2 - t1) / 1000).toFixed(1)} s, approve ${((t3 - t2) / 1000).toFixed(1)} s`,
      );
    }
    const cycleSeconds = (performance.now() - cycleStart) / 1000;
    console.log(`12 declarations declared, reviewed and approved in ${cycleSeconds.toFixed(1)} s: funded ${funded}, unfunded ${unfunded}`);
    if (!funded.plus(unfunded).eq(approvedTotal))
      throw new Error(`declarations approved ${funded.plus(unfunded)}, the generator approved ${approvedTotal}`);

    // ---------------------------------------------------------------- timed: baseline vs year-end draft
    clock.fix(`${FUND_YEAR + 1}-01-20`);
    const yearEnd = app.get(YearEndService);
    const system: Caller = { ...bureauApprover, name: 'bench' };
    const claimingUnits: number[] = (
      await ds.query(
        "SELECT id FROM institution WHERE county_id = ? AND type IN ('LEAD_HOSPITAL','COUNTY_HOSPITAL','TOWNSHIP_CENTER','PRIVATE_DESIGNATED') AND (community_id IS NOT NULL OR type = 'PRIVATE_DESIGNATED')",
        [county.id],
      )
    ).map((r: { id: number }) => Number(r.id));
    const baseline = async (): Promise<number> => {
      const started = performance.now();
      const groups: { unit_id: number; fund_paid: string }[] = await ds.query(baselineSql(claimingUnits.length), claimingUnits);
      const seconds = (performance.now() - started) / 1000;
      const seen = new Set(groups.map((g) => Number(g.unit_id))).size;
      if (seen !== units.length) throw new Error(`baseline: ${seen} units, expected ${units.length}`);
      return seconds;
    };
    let draftId = 0;
    let draftRecords = 0;
    const draft = async (redraft: boolean): Promise<number> => {
      const started = performance.now();
      const result = await as(system, () =>
        inTransaction(ds, (manager) => yearEnd.draft(manager, { id: Number(county.id), code: county.code }, FUND_YEAR, 'bench', redraft)),
      );
      const seconds = (performance.now() - started) / 1000;
      draftId = result.id;
      draftRecords = result.records;
      return seconds;
    };
    const warmBaseline = await baseline();
    const warmDraft = await draft(false);
    console.log(`warm-up: baseline ${warmBaseline.toFixed(2)} s, year-end draft (created) ${warmDraft.toFixed(2)} s`);
    const base: number[] = [];
    const ye: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      base.push(await baseline());
      ye.push(await draft(true));
      console.log(
        `round ${round}: baseline ${base[round - 1].toFixed(2)} s, year-end draft ${ye[round - 1].toFixed(2)} s, ratio ${(ye[round - 1] / base[round - 1]).toFixed(2)}`,
      );
    }

    const [row]: { summary: string; revision: number }[] = await ds.query(
      'SELECT summary, revision FROM year_end_settlement WHERE id = ?',
      [draftId],
    );
    const summary: YearEndSummary = JSON.parse(row.summary);
    const c = summary.communities[0];
    const [{ statements, consumption }]: { statements: number; consumption: string }[] = await ds.query(
      "SELECT COUNT(*) AS statements, SUM(approved_consumption) AS consumption FROM year_end_statement WHERE settlement_id = ? AND kind = 'MEMBER'",
      [draftId],
    );
    if (draftRecords !== totals.records) throw new Error(`the draft counted ${draftRecords} records, ${totals.records} were loaded`);
    if (!Money.of(consumption).eq(approvedTotal))
      throw new Error(`statements hold ${consumption} approved, the generator approved ${approvedTotal}`);
    console.log(
      `draft ${draftId} revision ${row.revision}: ${draftRecords} records, ${statements} member statements, M ${c.communityPackage}, expenditure ${c.totalExpenditure}, overspend ${c.overspend}, ` +
        `primary after shares ${c.primaryAfterShares} (${c.primaryShareOfPackage} of M, floor ${c.floor.met ? 'met' : 'not met'}), ${summary.transfers.length} year-end transfers`,
    );
    const mb = median(base);
    const my = median(ye);
    const ratios = base.map((b, i) => ye[i] / b);
    console.log(`median baseline ${mb.toFixed(2)} s, median year-end draft ${my.toFixed(2)} s`);
    console.log(
      `ratio year-end / baseline: median of medians ${(my / mb).toFixed(2)}, worst round ${Math.max(...ratios).toFixed(2)} (goal <= 2.0)`,
    );
    console.log(`wall time ${((performance.now() - wallStart) / 1000).toFixed(0)} s`);
  } finally {
    await conn.end();
    await app.close();
  }
  if (!process.env.KEEP_DB) await dropDatabase(config.db, DB_NAME);
  // The monitoring jobs the approvals enqueued (no worker runs under this prefix).
  const redis = new Redis({
    host: config.redis.host,
    port: config.redis.port,
    password: config.redis.password,
    db: config.redis.db,
    lazyConnect: true,
  });
  try {
    await redis.connect();
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${QUEUE_PREFIX}:*`, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:yearend: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
