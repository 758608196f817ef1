/**
 * Month-close benchmark (SPEC §4 steps 3–5): one month of a county's settlement records (170 000
 * by default, across the 62 member units of one medical community) closed through the product's
 * own services — the lead unit declares, the bureau clerk completes the review, the bureau
 * approver approves under the package cap, the bureau records the disbursement — timed against
 * the bare aggregate of that month's records in the same run on the same database. `ROUNDS`
 * months are generated and closed one after the other; each month's baseline runs just before
 * its close, both on a warm buffer pool.
 *
 *   npm run bench:monthclose                       (RECORDS=170000 ROUNDS=3 by default)
 *   KEEP_DB=1 node dist/bench/monthclose.bench.js  keeps cbm_bench_monthclose for EXPLAIN
 */
import * as mysql2 from 'mysql2/promise';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { BusinessClock } from '../src/common/business-clock';
import { seededRandom } from '../src/common/seeded-random';
import { loadConfig } from '../src/config/app-config';
import { dropDatabase, migrateUp } from '../src/database/database-admin';
import { seedDemo } from '../src/cli/seed-demo';
import { nextPeriod } from '../src/domain/claim-cycle';
import { Money } from '../src/domain/money';
import { memberCutoffDate } from '../src/domain/working-days';
import { DeclarationService } from '../src/modules/claims/declaration.service';
import { DisbursementService } from '../src/modules/claims/disbursement.service';
import { AllocationService } from '../src/modules/fund-year/allocation.service';
import { InstitutionService } from '../src/modules/registry/institution.service';
import { as, callerFor, forgetQueuePrefix, loadMonth, EXTRA_INSTITUTIONS, fen, FUND_YEAR, median, Totals, Unit } from './county-records';

const RECORDS = Number(process.env.RECORDS ?? 170_000);
const ROUNDS = Math.min(12, Number(process.env.ROUNDS ?? 3));
const DB_NAME = 'cbm_bench_monthclose';
const QUEUE_PREFIX = 'cbm-bench-monthclose';

const env = { ...process.env, DB_NAME, QUEUE_PREFIX, LOG_LEVEL: 'warn', SCHEDULES_ENABLED: 'false', BUSINESS_DATE: `${FUND_YEAR}-12-31` };
const config = loadConfig(env);

const PERIODS = Array.from({ length: ROUNDS }, (_, m) => `${FUND_YEAR}-${String(m + 1).padStart(2, '0')}`);

/**
 * The bare aggregate of a month's records the close is measured against: the community's
 * submitters' records of the claim period, per submitter and care unit, summed by review outcome
 * (claimed, pending, accepted, rejected, deducted) — what a month close has to know of the
 * records, read once, with nothing written.
 */
const baselineSql = (submitters: number) => `SELECT r.submitter_id, r.unit_id, COUNT(*) AS records, SUM(r.fund_paid) AS claimed,
    SUM(CASE WHEN r.review_status = 'PENDING' THEN r.fund_paid END) AS pending,
    SUM(CASE WHEN r.review_status = 'ACCEPTED' THEN r.fund_paid END) AS accepted,
    SUM(CASE WHEN r.review_status = 'REJECTED' THEN r.fund_paid END) AS rejected,
    SUM(CASE WHEN r.review_status = 'ACCEPTED' AND r.deduction_reason IS NOT NULL THEN r.fund_paid END) AS deducted
  FROM settlement_record r WHERE r.submitter_id IN (${Array.from({ length: submitters }, () => '?').join(', ')}) AND r.claim_period = ?
  GROUP BY r.submitter_id, r.unit_id`;

async function main(): Promise<void> {
  const wallStart = performance.now();
  console.log(`month-close benchmark: ${RECORDS} records a month, ${ROUNDS} months of ${FUND_YEAR}, database ${DB_NAME}`);
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
    const [community]: { id: number; code: string }[] = await ds.query("SELECT id, code FROM medical_community WHERE code = 'WS-MC'");
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
    units.sort((a, b) => a.submitterId - b.submitterId || (a.id === a.submitterId ? -1 : b.id === b.submitterId ? 1 : a.id - b.id));
    const submitters = [...new Set(units.map((u) => u.submitterId))];
    console.log(`community ${community.code}: ${units.length} member units, ${submitters.length} submitting units`);

    // ---------------------------------------------------------------- records, LOAD DATA LOCAL
    const next = seededRandom(20260201);
    const sequence = { n: 1 };
    const approvedFen = new Map<string, number>();
    let loadSeconds = 0;
    for (const period of PERIODS) {
      const totals: Totals = { records: 0, rejected: 0, deducted: 0, approvedFen: 0, primaryApprovedFen: 0, byUnit: new Map() };
      loadSeconds += await loadMonth(conn, period, RECORDS, units, totals, next, sequence);
      approvedFen.set(period, totals.approvedFen);
    }
    await conn.query('ANALYZE TABLE settlement_record');
    console.log(`loaded ${RECORDS * ROUNDS} records in ${loadSeconds.toFixed(1)} s (LOAD DATA LOCAL INFILE, generation included)`);

    // ---------------------------------------------------------------- an allocation that funds every month
    const bureauClerk = await callerFor(ds, 'ws.bureau.clerk', ['BUREAU_CLERK'], 'WS-YBJ');
    const bureauApprover = await callerFor(ds, 'ws.bureau.approver', ['BUREAU_APPROVER'], 'WS-YBJ');
    const leadFinance = await callerFor(ds, 'ws.lead.finance', ['LEAD_FINANCE'], 'WS-RMYY');
    // M = 500 yuan per insured person with these inputs: sized for twelve such months at 1.25 × what they approve.
    const yearFen = (12 * [...approvedFen.values()].reduce((s, v) => s + v, 0)) / ROUNDS;
    const insured = Math.round((yearFen / 100) * 1.25 * (1 / 500));
    const allocations = app.get(AllocationService);
    await as(bureauClerk, async () => {
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

    // ---------------------------------------------------------------- timed: baseline, then the month's close
    const cycle = app.get(DeclarationService);
    const disbursements = app.get(DisbursementService);
    const baseline = async (period: string): Promise<number> => {
      const started = performance.now();
      const groups: { unit_id: number }[] = await ds.query(baselineSql(submitters.length), [...submitters, period]);
      const seconds = (performance.now() - started) / 1000;
      if (groups.length !== units.length) throw new Error(`baseline ${period}: ${groups.length} units, expected ${units.length}`);
      return seconds;
    };
    const base: number[] = [];
    const close: number[] = [];
    for (const period of PERIODS) {
      const following = nextPeriod(period);
      for (const s of submitters)
        await ds.query(
          "INSERT INTO member_claim (institution_id, community_id, county_id, period, state, cutoff, submitted_on, submitted_by, reviewed_by) VALUES (?, ?, ?, ?, 'REVIEWED', ?, ?, 'bench', ?)",
          [s, community.id, county.id, period, memberCutoffDate(period, 3), `${following}-02`, leadFinance.name],
        );
      await baseline(period); // warms the buffer pool with the month, as the close will find it
      const b = await baseline(period);
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
      const disbursed = await as(bureauClerk, () =>
        disbursements.disburse(bureauClerk, approved.id, approved.version, `${following}-10`, `BENCH-${period}`),
      );
      const t4 = performance.now();
      const seconds = (t4 - t0) / 1000;
      base.push(b);
      close.push(seconds);
      if (!Money.of(approved.approved).eq(Money.of(fen(approvedFen.get(period)!))))
        throw new Error(`${period}: approved ${approved.approved}, the generator approved ${fen(approvedFen.get(period)!)}`);
      if (disbursed.state !== 'DISBURSED' || !Money.of(approved.unfunded).isZero())
        throw new Error(`${period}: ${disbursed.state}, unfunded ${approved.unfunded}`);
      console.log(
        `  ${period}: ${approved.records} records, approved ${approved.approved}, funded ${approved.funded}; ` +
          `declare ${((t1 - t0) / 1000).toFixed(2)} s, review ${((t2 - t1) / 1000).toFixed(2)} s, approve ${((t3 - t2) / 1000).toFixed(2)} s, ` +
          `disburse ${((t4 - t3) / 1000).toFixed(2)} s; close ${seconds.toFixed(2)} s against a baseline of ${b.toFixed(2)} s: ratio ${(seconds / b).toFixed(2)}`,
      );
    }
    const mb = median(base);
    const mc = median(close);
    const ratios = base.map((b, i) => close[i] / b);
    console.log(`median baseline ${mb.toFixed(2)} s, median month close ${mc.toFixed(2)} s`);
    console.log(
      `ratio month close / baseline: median of medians ${(mc / mb).toFixed(2)}, worst month ${Math.max(...ratios).toFixed(2)} (goal <= 1.0)`,
    );
    console.log(`wall time ${((performance.now() - wallStart) / 1000).toFixed(0)} s`);
  } finally {
    await conn.end();
    await app.close();
  }
  if (!process.env.KEEP_DB) await dropDatabase(config.db, DB_NAME);
  // The monitoring jobs the approvals enqueued (no worker runs under this prefix).
  await forgetQueuePrefix(config, QUEUE_PREFIX);
}

main().catch((err: unknown) => {
  console.error(`bench:monthclose: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
