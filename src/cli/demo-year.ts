import { INestApplicationContext } from '@nestjs/common';
import { actingCountyId } from '../domain/access-policy';
import { BusinessClock } from '../common/business-clock';
import { Caller } from '../common/caller';
import { runInContext } from '../common/request-context';
import { seededRandom } from '../common/seeded-random';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ReviewReasonCode } from '../domain/claim-cycle';
import { Money } from '../domain/money';
import { AuthService } from '../modules/access';
import {
  CommunityFundingService,
  DeclarationService,
  DeclarationView,
  DisbursementService,
  MemberClaimService,
  MemberClaimView,
  PassDownService,
  PassDownView,
} from '../modules/claims';
import { CycleRunnerService, YearEndService } from '../modules/cycles';
import { SurplusPlanService } from '../modules/governance';
import { CountyService } from '../modules/registry';
import { AllocationService, AllocationView, BudgetPlanService, packageOf } from '../modules/fund-year';
import { SettlementIntakeService } from '../modules/intake';
import { DEMO_COMMUNITY, DEMO_COUNTY, DEMO_INSTITUTIONS } from './demo-county';

/**
 * A fund year in progress for the demo county, loaded through the product's own services as the
 * demo users would do it, on business dates walked through the past:
 *   - last year: allocation approved, October to December claimed, reviewed, approved, disbursed
 *     and passed down; its year-end settlement drafted, approved by another approver and posted;
 *   - this year: allocation (SPEC §3's worked example) and budget plan approved; every month from
 *     January to last month claimed (a few records rejected by the lead unit, a few deducted by the
 *     bureau), declared, approved, disbursed and passed down — one township paid late in one month,
 *     one township's pass-down left unpaid and overdue today; monitoring of last month, where the
 *     month's high consumption takes the burn ratio into the warning band.
 * Every step looks for its own document first, so a second run changes nothing.
 */

/** SPEC §3's worked example: M = 167 079 472.53 for the one community. */
export const DEMO_ALLOCATION_INPUTS = {
  insuredCount: '312457',
  perCapitaStandard: '830.00',
  interest: '1234567.89',
  criticalIllnessPremiumPerPerson: '65.00',
  familyDoctorFee: '2849300.00',
  policyAdjustmentExpenditure: '1500000.00',
};

const BUREAU_CLERK = 'ws.bureau.clerk';
const BUREAU_APPROVER = 'ws.bureau.approver';
const LEAD_FINANCE = 'ws.lead.finance';
const HEALTH_APPROVER = 'ws.health.approver';
const GOVERNMENT_APPROVER = 'ws.gov.approver';
/** The township paid late in one month, and the one whose pass-down is left overdue. */
export const DEMO_LATE_TOWNSHIP = 'WS-TC-05';
export const DEMO_OVERDUE_TOWNSHIP = 'WS-TC-07';

/** Ordinary months consume 105 % of a twelfth of M; last month is high enough to take the year-to-date burn to about 115 %. */
const BASE_BURN_PERMILLE = 1050n;
const TARGET_BURN_PERMILLE = 1150n;

interface Claimant {
  clerk: string;
  unit: string;
  /** The units whose records the clerk sends: its own and, for a township, its village clinics. */
  units: { code: string; weight: bigint; primary: boolean }[];
}

const township = (n: number) => `WS-TC-${String(n).padStart(2, '0')}`;
const villagesOf = (code: string) => DEMO_INSTITUTIONS.filter((i) => i.parentCode === code).map((i) => i.code);

/** Who claims what: the two county hospitals and the ten township centres (each with its village clinics). */
const CLAIMANTS: Claimant[] = [
  { clerk: 'ws.rmyy.clerk', unit: 'WS-RMYY', units: [{ code: 'WS-RMYY', weight: 72_000_000n, primary: false }] },
  { clerk: 'ws.tcm.clerk', unit: 'WS-ZYY', units: [{ code: 'WS-ZYY', weight: 23_000_000n, primary: false }] },
  ...Array.from({ length: 10 }, (_, i): Claimant => {
    const code = township(i + 1);
    return {
      clerk: `ws.tc${String(i + 1).padStart(2, '0')}.clerk`,
      unit: code,
      units: [{ code, weight: 4_000_000n, primary: true }, ...villagesOf(code).map((v) => ({ code: v, weight: 150_000n, primary: true }))],
    };
  }),
];

const REJECT_REASONS: ReviewReasonCode[] = ['DUPLICATE_SETTLEMENT', 'MISSING_DOCUMENTS', 'INELIGIBLE_PATIENT', 'NO_REFERRAL'];
const DEDUCT_REASONS: ReviewReasonCode[] = ['OVER_STANDARD', 'OUT_OF_CATALOGUE', 'UNREASONABLE_TREATMENT'];

// ---------------------------------------------------------------- dates and numbers

const pad = (n: number) => String(n).padStart(2, '0');
const periodOf = (year: number, month: number) => `${year}-${pad(month)}`;
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** Day `day` of the month after `year`-`month`. */
const nextMonthDay = (year: number, month: number, day: number) =>
  month === 12 ? `${year + 1}-01-${pad(day)}` : `${year}-${pad(month + 1)}-${pad(day)}`;

/** A small deterministic generator (mulberry32), seeded from text. */
function random(seed: string): () => number {
  let h = 1779033703;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
  return seededRandom(h);
}

const yuan = (fen: bigint) => Money.fromCents(fen).toString();
const fenOf = (amount: string) => Money.of(amount).toCents();

// ---------------------------------------------------------------- the seeding

export interface DemoYearSummary {
  lastYear: number;
  thisYear: number;
  months: string[];
  latePassDown: string | null;
  overduePassDown: string | null;
  monitoring: string | null;
}

/** Loads the year in progress (see above); `today` is the business date the console will be served on. */
export async function seedDemoYear(
  app: INestApplicationContext,
  log: (line: string) => void = () => undefined,
): Promise<DemoYearSummary | null> {
  const config = app.get<AppConfig>(APP_CONFIG);
  const clock = app.get(BusinessClock);
  const today = clock.today();
  // The year is replayed on past business dates, which production refuses to fix.
  if (config.env === 'production') {
    log('demo year: not loaded in production (the business date cannot be walked there)');
    return null;
  }
  try {
    return await new DemoYear(app, clock, today, log).run();
  } finally {
    clock.fix(config.businessDate);
  }
}

class DemoYear {
  private readonly callers = new Map<string, Caller>();
  private readonly thisYear: number;
  private readonly lastMonth: number;

  constructor(
    private readonly app: INestApplicationContext,
    private readonly clock: BusinessClock,
    private readonly today: string,
    private readonly log: (line: string) => void,
  ) {
    this.thisYear = Number(today.slice(0, 4));
    this.lastMonth = Number(today.slice(5, 7)) - 1;
  }

  async run(): Promise<DemoYearSummary> {
    const lastYear = this.thisYear - 1;
    const lastYearMonths = [10, 11, 12];
    const months = Array.from({ length: this.lastMonth }, (_, i) => i + 1);
    // One township paid late (in March when the year is that far on, else last November), and one
    // pass-down left unpaid: the latest month whose deadline has passed today.
    const settled = (year: number, month: number) => addDays(nextMonthDay(year, month, 8), 20) < this.today;
    const late = months.length >= 4 && settled(this.thisYear, 3) ? periodOf(this.thisYear, 3) : periodOf(lastYear, 11);
    const overdueMonth = [...months].reverse().find((m) => settled(this.thisYear, m) && periodOf(this.thisYear, m) !== late);
    const overdue = overdueMonth === undefined ? null : periodOf(this.thisYear, overdueMonth);

    const lastPackage = await this.allocation(lastYear);
    await this.budgetPlan(lastYear, lastPackage);
    for (const m of lastYearMonths) await this.month(lastYear, m, lastPackage, BASE_BURN_PERMILLE, { late, overdue });
    await this.yearEnd(lastYear);

    const thisPackage = await this.allocation(this.thisYear);
    await this.budgetPlan(this.thisYear, thisPackage);
    for (const m of months) {
      const burn = m === this.lastMonth ? TARGET_BURN_PERMILLE * BigInt(m) - BASE_BURN_PERMILLE * BigInt(m - 1) : BASE_BURN_PERMILLE;
      await this.month(this.thisYear, m, thisPackage, burn, { late, overdue });
    }
    const monitoring = months.length ? await this.monitoring(periodOf(this.thisYear, this.lastMonth)) : null;
    return {
      lastYear,
      thisYear: this.thisYear,
      months: [...lastYearMonths.map((m) => periodOf(lastYear, m)), ...months.map((m) => periodOf(this.thisYear, m))],
      latePassDown: `${DEMO_LATE_TOWNSHIP} ${late}`,
      overduePassDown: overdue ? `${DEMO_OVERDUE_TOWNSHIP} ${overdue}` : null,
      monitoring,
    };
  }

  // ---------------------------------------------------------------- helpers

  /** Sets the business date, never beyond today. */
  private on(date: string): string {
    const d = date < this.today ? date : this.today;
    this.clock.fix(d);
    return d;
  }

  /** Runs `fn` as the demo user `username` would through the API (the audit trail names them). */
  private async as<T>(username: string, fn: (caller: Caller) => Promise<T>): Promise<T> {
    let caller = this.callers.get(username);
    if (!caller) {
      caller = await this.app.get(AuthService).callerOfUser(username);
      this.callers.set(username, caller);
    }
    const c = caller;
    return runInContext({ requestId: `demo-seed:${username}`, actor: c.name, actorInstitution: c.institution.code, caller: c }, () =>
      fn(c),
    );
  }

  // ---------------------------------------------------------------- fund year documents

  /** The year's allocation, drafted by the bureau clerk and approved by the approver; returns M of the community. */
  private async allocation(fundYear: number): Promise<bigint> {
    const allocations = this.app.get(AllocationService);
    this.on(`${fundYear}-01-06`);
    let view: AllocationView = await this.as(BUREAU_CLERK, async (c) => {
      const existing = (await allocations.list(c, { countyCode: DEMO_COUNTY.code, fundYear, page: 1, pageSize: 50 })).items;
      const v =
        existing.find((a) => a.state === 'APPROVED' || a.state === 'PUBLISHED') ??
        existing.find((a) => a.state !== 'SUPERSEDED') ??
        (await allocations.create(c, { countyCode: DEMO_COUNTY.code, fundYear, ...DEMO_ALLOCATION_INPUTS })).view;
      return v.state === 'DRAFT' ? allocations.transition(c, v.id, 'submit', v.version) : v;
    });
    if (view.state === 'SUBMITTED')
      view = await this.as(BUREAU_APPROVER, (c) => allocations.transition(c, view.id, 'approve', view.version));
    const m = packageOf(view, DEMO_COMMUNITY.code);
    if (!m) throw new Error(`demo: no package for ${DEMO_COMMUNITY.code} in ${fundYear}`);
    this.log(`demo ${fundYear}: allocation ${view.state}, M = ${m.toString()}`);
    return fenOf(m.toString());
  }

  /** The community's budget plan: M by unit and category, primary institutions above the floor. */
  private async budgetPlan(fundYear: number, m: bigint): Promise<void> {
    const plans = this.app.get(BudgetPlanService);
    this.on(`${fundYear}-01-10`);
    const existing = await this.as(LEAD_FINANCE, (c) =>
      plans.list(c, { communityCode: DEMO_COMMUNITY.code, fundYear, page: 1, pageSize: 50 }),
    );
    let plan = existing.items.find((p) => p.state !== 'SUPERSEDED');
    if (!plan) {
      const lines: {
        category: 'OUT_OF_COUNTY' | 'OUTPATIENT' | 'INPATIENT' | 'CHRONIC_SPECIAL';
        institutionCode?: string;
        amount: string;
      }[] = [
        { category: 'OUT_OF_COUNTY', amount: '25000000.00' },
        { category: 'INPATIENT', institutionCode: 'WS-RMYY', amount: '60000000.00' },
        { category: 'OUTPATIENT', institutionCode: 'WS-RMYY', amount: '12000000.00' },
        { category: 'INPATIENT', institutionCode: 'WS-ZYY', amount: '18000000.00' },
        { category: 'OUTPATIENT', institutionCode: 'WS-ZYY', amount: '5000000.00' },
      ];
      for (let t = 1; t <= 10; t++) {
        lines.push({ category: 'OUTPATIENT', institutionCode: township(t), amount: '3000000.00' });
        lines.push({ category: 'INPATIENT', institutionCode: township(t), amount: '1000000.00' });
        for (const v of villagesOf(township(t))) lines.push({ category: 'OUTPATIENT', institutionCode: v, amount: '150000.00' });
      }
      const planned = lines.reduce((sum, l) => sum + fenOf(l.amount), 0n);
      lines.push({ category: 'CHRONIC_SPECIAL', institutionCode: township(1), amount: yuan(m - planned) });
      plan = await this.as(LEAD_FINANCE, (c) => plans.create(c, { communityCode: DEMO_COMMUNITY.code, fundYear, lines }));
    }
    if (plan.state === 'DRAFT') {
      const p = plan;
      plan = await this.as(LEAD_FINANCE, (c) => plans.transition(c, p.id, 'submit', p.version));
    }
    if (plan.state === 'SUBMITTED') {
      const p = plan;
      plan = await this.as(BUREAU_APPROVER, (c) => plans.transition(c, p.id, 'approve', p.version));
    }
    this.log(`demo ${fundYear}: budget plan ${plan.state}, primary ${plan.primaryTotal} (${plan.primaryShare})`);
  }

  // ---------------------------------------------------------------- one month of the claim cycle

  private async month(
    year: number,
    month: number,
    m: bigint,
    burnPermille: bigint,
    marks: { late: string; overdue: string | null },
  ): Promise<void> {
    const period = periodOf(year, month);
    const started = Date.now();
    const claims = this.app.get(MemberClaimService);
    const declarations = this.app.get(DeclarationService);
    const community = await this.app.get(CommunityFundingService).community(DEMO_COMMUNITY.code);
    const rand = random(`demo ${period}`);

    let declaration = await this.declaration(period);
    if (!declaration) {
      // Members send their records and submit on the month's last day, before the cut-off.
      const target = (m * burnPermille) / 12_000n;
      const totalWeight = CLAIMANTS.flatMap((c) => c.units).reduce((s, u) => s + u.weight, 0n);
      for (const claimant of CLAIMANTS) {
        this.on(`${period}-${pad(lastDayOf(year, month))}`);
        let claim = await this.claimOf(claimant, period);
        if (!claim || claim.state === 'OPEN') {
          const records = claimant.units.flatMap((u) => monthRecords(period, year, month, u, (target * u.weight) / totalWeight, rand));
          await this.as(claimant.clerk, (c) => this.app.get(SettlementIntakeService).ingest(c, records, 'json', 'reject'));
          claim = await this.claimOf(claimant, period);
          const open = claim!;
          claim = await this.as(claimant.clerk, (c) => claims.submitClaim(c, open.id, open.version));
        }
        // The lead unit's pre-review (初审): now and then a record is rejected with its reason.
        if (claim && claim.state === 'SUBMITTED') {
          this.on(nextMonthDay(year, month, 2));
          const submitted = claim;
          if (rand() < 0.25) {
            const pending = await claims.claimRecords(submitted.id, { reviewStatus: 'PENDING' }, 1, 50);
            const pick = pending.items[Math.floor(rand() * pending.items.length)] as { id: string } | undefined;
            if (pick) {
              await this.as(LEAD_FINANCE, (c) =>
                claims.reviewRecords(c, submitted.id, [
                  { recordId: pick.id, decision: 'REJECT', reason: REJECT_REASONS[Math.floor(rand() * REJECT_REASONS.length)] },
                ]),
              );
            }
          }
          const fresh = await this.claimOf(claimant, period);
          await this.as(LEAD_FINANCE, (c) => claims.completeReview(c, fresh!.id, fresh!.version, true));
        }
      }
      // The lead unit declares by the 5th.
      this.on(nextMonthDay(year, month, 3));
      declaration = await this.as(LEAD_FINANCE, (c) => declarations.declare(c, community, period));
    }

    // The bureau reviews (deducting a record now and then), approves and disburses.
    if (declaration.state === 'DECLARED') {
      this.on(nextMonthDay(year, month, 5));
      const d = declaration;
      if (Money.of(d.deducted).isZero() && rand() < 0.5) {
        const lead = await this.claimOf(CLAIMANTS[0], period);
        const accepted = lead ? await claims.claimRecords(lead.id, { reviewStatus: 'ACCEPTED' }, 1, 50) : { items: [] };
        const pick = accepted.items[Math.floor(rand() * accepted.items.length)] as { id: string } | undefined;
        if (pick) {
          await this.as(BUREAU_CLERK, (c) =>
            declarations.deduct(c, d.id, [{ recordId: pick.id, reason: DEDUCT_REASONS[Math.floor(rand() * DEDUCT_REASONS.length)] }]),
          );
        }
      }
      const current = (await this.declaration(period))!;
      declaration = await this.as(BUREAU_CLERK, (c) =>
        declarations.transitionDeclaration(c, current.id, 'completeReview', current.version),
      );
    }
    if (declaration.state === 'REVIEWED') {
      this.on(nextMonthDay(year, month, 6));
      const d = declaration;
      declaration = await this.as(BUREAU_APPROVER, (c) => declarations.transitionDeclaration(c, d.id, 'approve', d.version));
    }
    if (declaration.state === 'APPROVED') {
      const d = declaration;
      const on = this.on(nextMonthDay(year, month, 8));
      declaration = await this.as(BUREAU_CLERK, (c) =>
        this.app.get(DisbursementService).disburse(c, d.id, d.version, on, `WS-BK-${period.replace('-', '')}`),
      );
    }
    await this.passDowns(declaration, period, marks);
    this.log(
      `demo ${period}: declaration ${declaration.state}, approved ${declaration.approved}, deducted ${declaration.deducted} (${Date.now() - started} ms)`,
    );
  }

  /** The lead unit pays its members, the townships their villages; one late, one left unpaid. */
  private async passDowns(declaration: DeclarationView, period: string, marks: { late: string; overdue: string | null }): Promise<void> {
    const service = this.app.get(PassDownService);
    const [year, month] = period.split('-').map(Number);
    const list = () => this.as(LEAD_FINANCE, (c) => service.list({ declarationId: declaration.id }, c));
    const pay = async (username: string, p: PassDownView, on: string) => {
      const date = this.on(on);
      await this.as(username, (c) => service.pay(c, p.id, p.version, date));
    };
    const clerkOf = (code: string) => CLAIMANTS.find((c) => c.unit === code)!.clerk;
    for (const p of await list()) {
      if (p.state !== 'DUE' || p.level !== 'MEMBER') continue;
      if (p.payeeCode === DEMO_OVERDUE_TOWNSHIP && period === marks.overdue) continue;
      const late = p.payeeCode === DEMO_LATE_TOWNSHIP && period === marks.late;
      await pay(LEAD_FINANCE, p, late ? addDays(p.deadline, 2) : nextMonthDay(year, month, 10));
    }
    for (const p of await list()) {
      if (p.state !== 'DUE' || p.level !== 'VILLAGE') continue;
      await pay(clerkOf(p.payerCode), p, p.receivedOn > nextMonthDay(year, month, 12) ? p.receivedOn : nextMonthDay(year, month, 12));
    }
  }

  private async declaration(period: string): Promise<DeclarationView | undefined> {
    const bureau = await this.as(BUREAU_CLERK, async (c) => c);
    const community = await this.app.get(CommunityFundingService).community(DEMO_COMMUNITY.code);
    const found = await this.as(BUREAU_CLERK, () =>
      this.app.get(DeclarationService).listDeclarations(actingCountyId(bureau.scope), community.id, period, undefined, bureau),
    );
    return found[0];
  }

  private async claimOf(claimant: Claimant, period: string): Promise<MemberClaimView | undefined> {
    return this.as(claimant.clerk, async (c) => {
      const found = await this.app.get(MemberClaimService).listClaims({ institutionId: c.institution.id, period }, c);
      return found[0];
    });
  }

  // ---------------------------------------------------------------- year end and monitoring

  /** Last year's settlement: drafted by the bureau clerk's cycle run, approved by the approver, posted. */
  private async yearEnd(fundYear: number): Promise<void> {
    const years = this.app.get(YearEndService);
    this.on(`${fundYear + 1}-01-20`);
    const county = DEMO_COUNTY.code;
    await this.as(BUREAU_CLERK, (c) =>
      this.app.get(CycleRunnerService).run({ cycle: 'year-end', period: String(fundYear), scope: county, requestedBy: c.name }),
    );
    const bureau = await this.as(BUREAU_CLERK, async (c) => c);
    let view = (await years.find(bureau, actingCountyId(bureau.scope), fundYear))!;
    if (view.state === 'DRAFT' && view.summary.communities.some((c) => Money.of(c.surplus).isPositive() && !c.surplusPlanId)) {
      await this.surplusPlan(fundYear);
      view = (await years.find(bureau, actingCountyId(bureau.scope), fundYear))!;
    }
    if (view.state === 'DRAFT') {
      const v = view;
      this.on(`${fundYear + 1}-01-22`);
      view = await this.as(BUREAU_APPROVER, (c) => years.approve(c, v.id, v.version));
    }
    if (view.state === 'APPROVED') {
      const v = view;
      await this.as(BUREAU_CLERK, (c) => years.requestPosting(c, v.id, v.version));
      await years.post({ settlementId: v.id });
      view = await years.get(bureau, v.id);
    }
    this.log(`demo ${fundYear}: year-end settlement ${view.state}`);
  }

  /**
   * The year's surplus plan (结余资金分配方案): the default proposal drafted by lead finance for the
   * council, reviewed by the bureau and the health bureau, approved by the county government and
   * executed, so that the year end carries it. A plan already under way continues where it stands.
   */
  private async surplusPlan(fundYear: number): Promise<void> {
    const plans = this.app.get(SurplusPlanService);
    const community = await this.app.get(CountyService).getCommunity(DEMO_COMMUNITY.code);
    this.on(`${fundYear + 1}-01-21`);
    let plan = await this.as(LEAD_FINANCE, async (c) => {
      const live = (await plans.list(c, community, { fundYear, page: 1, pageSize: 10 })).items.find(
        (p) => !['REJECTED', 'WITHDRAWN', 'EXECUTED'].includes(p.chain.status),
      );
      return live ?? plans.draft(c, community, { fundYear, councilDecision: `巍山县医共体理事会 ${fundYear + 1} 年第 1 次会议决议` });
    });
    const step = async (username: string, action: 'submit' | 'approve' | 'execute', key?: string) => {
      const p = plan;
      plan = await this.as(username, (c) => plans.act(c, p.id, { action, version: p.version, step: key }));
    };
    if (plan.chain.status === 'DRAFT' || plan.chain.status === 'RETURNED') await step(LEAD_FINANCE, 'submit');
    for (const [username, key] of [
      [BUREAU_APPROVER, 'bureauReviews'],
      [HEALTH_APPROVER, 'healthBureauReviews'],
      [GOVERNMENT_APPROVER, 'governmentApproves'],
    ] as const)
      if (plan.chain.steps.some((s) => s.key === key && s.status === 'OPEN')) await step(username, 'approve', key);
    if (plan.chain.status === 'APPROVED') await step(LEAD_FINANCE, 'execute');
    this.log(`demo ${fundYear}: surplus plan ${plan.id} ${plan.chain.status} (surplus ${plan.surplus})`);
  }

  /** Monitoring of last month, as the monthly cycle runs it. */
  private async monitoring(period: string): Promise<string> {
    this.on(this.today);
    const result = (await this.app
      .get(CycleRunnerService)
      .run({ cycle: 'monitoring', period, scope: DEMO_COMMUNITY.code, requestedBy: BUREAU_CLERK })) as {
      burnRatio?: string;
      level?: string;
    };
    const kept = result.burnRatio
      ? result
      : ((await this.as(BUREAU_CLERK, (c) => this.app.get(CycleRunnerService).results(c, 'monitoring', period, { page: 1, pageSize: 10 })))
          .items[0]?.result as { burnRatio?: string; level?: string } | undefined);
    const line = `burn ratio ${kept?.burnRatio ?? '?'} (${kept?.level ?? '?'})`;
    this.log(`demo ${period}: monitoring, ${line}`);
    return line;
  }
}

/** One unit's records of a month sharing `fen` of fund payments: 60–120 for a county hospital, 15–30 for a township centre, 2–6 for a village clinic. */
function monthRecords(
  period: string,
  year: number,
  month: number,
  unit: { code: string; primary: boolean },
  fen: bigint,
  rand: () => number,
): Record<string, unknown>[] {
  const village = unit.code.startsWith('WS-VC-');
  const count = village ? 2 + Math.floor(rand() * 5) : unit.primary ? 15 + Math.floor(rand() * 16) : 60 + Math.floor(rand() * 61);
  const weights = Array.from({ length: count }, () => BigInt(50 + Math.floor(rand() * 100)));
  const total = weights.reduce((s, w) => s + w, 0n);
  let left = fen;
  const days = lastDayOf(year, month);
  return weights.map((w, i) => {
    const fundPaid = i === count - 1 ? left : (fen * w) / total;
    left -= fundPaid;
    const totalCost = (fundPaid * 100n) / 75n;
    const day = 1 + Math.floor(rand() * days);
    const settlementDate = `${period}-${pad(day)}`;
    const inpatient = !village && rand() < (unit.primary ? 0.3 : 0.7);
    const visit = inpatient
      ? { visitType: 'INPATIENT', admissionDate: addDays(settlementDate, -6), dischargeDate: settlementDate }
      : { visitType: 'OUTPATIENT', visitDate: settlementDate };
    return {
      externalId: `${unit.code}-${period}-${String(i + 1).padStart(3, '0')}`,
      unitCode: unit.code,
      insuredId: `5329271960${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`,
      ...visit,
      settlementDate,
      totalCost: yuan(totalCost),
      coveredCost: yuan(totalCost),
      fundPaid: yuan(fundPaid),
      criticalIllnessPaid: '0.00',
      medicalAidPaid: '0.00',
      selfPaid: yuan(totalCost - fundPaid),
    };
  });
}
