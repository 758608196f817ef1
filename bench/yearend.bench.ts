/**
 * Year-end scale benchmark (SPEC §7): one county fund year of generated settlement records
 * (2 000 000+ across the 60-odd member units of one medical community), run month by month
 * through the product's own declaration, bureau review and approval under the package cap, then
 * the year-end settlement draft timed against the plain SQL aggregate of the same records, in
 * the same run on the same database, alternating. Prints both times per round, the medians and
 * their ratio. The draft reads the per-unit claim totals the approvals kept (units × periods
 * rows), not the records; the baseline still aggregates the records: goal ≤ 0.1.
 *
 *   npm run bench:yearend                    (RECORDS=2040000 ROUNDS=5 by default)
 *   KEEP_DB=1 node dist/bench/yearend.bench.js   keeps cbm_bench_yearend for EXPLAIN
 */
import * as mysql2 from 'mysql2/promise';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { BusinessClock } from '../src/common/business-clock';
import { Caller } from '../src/common/caller';
import { loadConfig } from '../src/config/app-config';
import { dropDatabase, migrateUp } from '../src/database/database-admin';
import { seedDemo } from '../src/cli/seed-demo';
import { inTransaction } from '../src/database/transaction';
import { nextPeriod } from '../src/domain/claim-cycle';
import { Money } from '../src/domain/money';
import { memberCutoffDate } from '../src/domain/working-days';
import { DeclarationService } from '../src/modules/claims/declaration.service';
import { TotalsReconciliationService } from '../src/modules/claims/totals-reconciliation.service';
import { YearEndService, YearEndSummary } from '../src/modules/cycles/year-end.service';
import { AllocationService } from '../src/modules/fund-year/allocation.service';
import { InstitutionService } from '../src/modules/registry/institution.service';
import { seededRandom } from '../src/common/seeded-random';
import { as, callerFor, forgetQueuePrefix, loadMonth, EXTRA_INSTITUTIONS, fen, FUND_YEAR, median, Totals, Unit } from './county-records';

const RECORDS = Number(process.env.RECORDS ?? 2_040_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
/** Total approved ÷ M the allocation is sized for: a moderate overspend. */
const OVERSPEND_TARGET = 1.1;
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
    let loadSeconds = 0;
    for (const [m, period] of PERIODS.entries()) {
      const monthRecords = Math.floor(RECORDS / 12) + (m < RECORDS % 12 ? 1 : 0);
      loadSeconds += await loadMonth(conn, period, monthRecords, units, totals, next, sequence);
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
    // The totals the draft read are the records' own: recomputed from them and compared, to the fen.
    const reconcileStart = performance.now();
    const check = await app.get(TotalsReconciliationService).reconcile(Number(county.id));
    if (check.differences.length) throw new Error(`per-unit totals differ from the records: ${check.differences.length} difference(s)`);
    console.log(
      `per-unit totals: ${check.kept} kept (units × periods), equal to the records (reconciled in ${((performance.now() - reconcileStart) / 1000).toFixed(1)} s)`,
    );
    const mb = median(base);
    const my = median(ye);
    const ratios = base.map((b, i) => ye[i] / b);
    console.log(`median baseline ${mb.toFixed(2)} s, median year-end draft ${my.toFixed(2)} s`);
    console.log(
      `ratio year-end / baseline: median of medians ${(my / mb).toFixed(2)}, worst round ${Math.max(...ratios).toFixed(2)} (goal <= 0.1)`,
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
  console.error(`bench:yearend: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
