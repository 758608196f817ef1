import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { Caller } from '../../common/caller';
import { settleYearEnd, YearEndInputs, YearEndStatementLine, YearEndSummary } from '../../domain/county-year-end';
import { workedExample } from '../../domain/county-year-end.spec-helper';
import { DomainError } from '../../domain/domain-error';
import { AccountTotals, TransferSpec } from '../../domain/ledger';
import { Money } from '../../domain/money';
import { defaultPolicyParameters, policyTerms } from '../../domain/policy-parameters';
import { OutboxService } from '../../queue/outbox.service';
import { AuditService } from '../audit/audit.service';
import { PerformanceAssessmentService } from '../assessment/performance-assessment.service';
import { ConsumptionRepository } from '../claims/consumption.repository';
import { AllocationService } from '../fund-year/allocation.service';
import { PolicyParametersService } from '../fund-year/policy-parameters.service';
import { LedgerService } from '../ledger/ledger.service';
import { StatementRow, YearEndRepository, YearEndRow } from './year-end.repository';
import { YearEndService } from './year-end.service';

const manager = {} as EntityManager;
const county = { id: 1, code: 'WS' };

/** The settlement tables in memory. */
class FakeYearEnds {
  rows = new Map<number, YearEndRow>();
  statementsOf = new Map<number, YearEndStatementLine[]>();
  posted: number[] = [];

  async lockOfYear(_m: EntityManager, countyId: number, fundYear: number) {
    const row = [...this.rows.values()].find((r) => r.county_id === countyId && r.fund_year === fundYear);
    return row && { id: row.id, state: row.state, revision: row.revision };
  }
  async lockIfDrafted(m: EntityManager, countyId: number, fundYear: number) {
    return this.lockOfYear(m, countyId, fundYear);
  }
  async insertDraft(_m: EntityManager, d: { countyId: number; fundYear: number; summary: YearEndSummary; draftedBy: string }) {
    const id = this.rows.size + 1;
    this.rows.set(id, {
      id,
      county_id: d.countyId,
      county_code: county.code,
      fund_year: d.fundYear,
      state: 'DRAFT',
      version: 1,
      revision: 1,
      summary: JSON.stringify(d.summary),
      drafted_by: d.draftedBy,
      drafted_at: new Date(),
      approved_by: null,
      approved_at: null,
      posting_requested_by: null,
      posted_transfers: 0,
      posted_at: null,
    });
    return id;
  }
  async redraft(_m: EntityManager, id: number, d: { summary: YearEndSummary; draftedBy: string }) {
    const row = this.rows.get(id)!;
    this.statementsOf.delete(id);
    Object.assign(row, {
      summary: JSON.stringify(d.summary),
      drafted_by: d.draftedBy,
      revision: row.revision + 1,
      version: row.version + 1,
    });
  }
  async insertStatements(_m: EntityManager, id: number, lines: YearEndStatementLine[]) {
    this.statementsOf.set(id, [...(this.statementsOf.get(id) ?? []), ...lines]);
  }
  async markApproved(_m: EntityManager, id: number, by: string) {
    Object.assign(this.rows.get(id)!, { state: 'APPROVED', approved_by: by, version: this.rows.get(id)!.version + 1 });
  }
  async markPostingRequested(_m: EntityManager, id: number, by: string) {
    Object.assign(this.rows.get(id)!, { posting_requested_by: by, version: this.rows.get(id)!.version + 1 });
  }
  async recordPosted(_m: EntityManager, id: number, count: number) {
    const row = this.rows.get(id)!;
    row.posted_transfers = Math.max(row.posted_transfers, count);
    this.posted.push(count);
  }
  async markPosted(_m: EntityManager, id: number) {
    const row = this.rows.get(id)!;
    if (row.state !== 'APPROVED') return false;
    row.state = 'POSTED';
    return true;
  }
  async find(_m: EntityManager, id: number) {
    return this.rows.get(id) && { ...this.rows.get(id)! };
  }
  async statements(_m: EntityManager, id: number): Promise<StatementRow[]> {
    return (this.statementsOf.get(id) ?? []).map(({ unit, kind, s }) => ({
      code: unit.code,
      name: unit.name,
      type: unit.type,
      kind,
      community_code: 'WS-MC',
      approved_consumption: s.approvedConsumption.toString(),
      overspend_share: s.overspendShare.toString(),
      surplus_share: s.surplusShare.toString(),
      floor_top_up: s.floorTopUp.toString(),
      deposit_withheld: s.depositWithheld.toString(),
      deposit_release: s.depositRelease.toString(),
      paid_so_far: s.paidSoFar.toString(),
      balance_due: s.balanceDue.toString(),
    }));
  }
  async units() {
    return inputs.units;
  }
  async executedSurplusPlans() {
    return new Map();
  }
  async communities() {
    return inputs.communities;
  }
}

let inputs: YearEndInputs;

function setUp(over: Partial<YearEndInputs> = {}) {
  inputs = workedExample(over);
  const years = new FakeYearEnds();
  const audits: { action: string }[] = [];
  const posts: TransferSpec[] = [];
  const jobs: string[] = [];
  const consumption: Partial<ConsumptionRepository> = {
    fundedDeclarations: async () => [...inputs.declarations],
    privateSettledClaims: async () => [...inputs.privateClaims],
    recordsByClaim: async () => [...inputs.records],
    outOfCountyByCommunity: async () => [...inputs.outOfCounty],
    pendingDeclarations: async () => [...inputs.pendingDeclarations],
    privateFigures: async () => [...inputs.privateInstitutions],
  };
  const allocations = {
    inForce: async () =>
      inputs.packages && {
        communities: [...inputs.packages].map(([communityCode, m]) => ({
          communityCode,
          package: m.toString(),
          effectivePackage: m.toString(),
        })),
      },
  };
  const parameters = { current: async () => ({ version: 3, values: defaultPolicyParameters(2026) }) };
  let ledgerTotals: Map<string, AccountTotals> = new Map(inputs.ledger);
  const ledger = {
    accountTotals: async () => ledgerTotals,
    post: async (_m: EntityManager, _c: number, _y: number, transfers: TransferSpec[]) => {
      posts.push(...transfers);
      return { posted: transfers.length, alreadyPosted: 0 };
    },
  };
  const dataSource = { manager, transaction: (work: (m: EntityManager) => unknown) => work(manager) };
  const service = new YearEndService(
    dataSource as unknown as DataSource,
    { queue: { yearEndPostingThrottleMs: 0 } } as AppConfig,
    allocations as unknown as AllocationService,
    parameters as unknown as PolicyParametersService,
    ledger as unknown as LedgerService,
    { assess: async () => ({ score: '100.00' }) } as unknown as PerformanceAssessmentService,
    { record: async (_m: EntityManager, e: { action: string }) => void audits.push(e) } as unknown as AuditService,
    {
      add: async (_m: EntityManager, name: string) => (jobs.push(name), `job-${jobs.length}`),
      relay: async () => undefined,
    } as unknown as OutboxService,
    years as unknown as YearEndRepository,
    consumption as ConsumptionRepository,
  );
  const changeLedger = (totals: Map<string, AccountTotals>) => (ledgerTotals = totals);
  return { service, years, audits, posts, jobs, changeLedger };
}

/** A bureau approver of county 1 (the county of the fakes' settlement). */
const caller = (name: string) =>
  ({
    name,
    roles: ['BUREAU_APPROVER'],
    institution: { id: 1, code: 'C-YBJ', type: 'BUREAU', countyId: 1, communityId: null },
    scope: { kind: 'county', countyId: 1 },
  }) as unknown as Caller;

async function refusalOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('YearEndService (with fakes)', () => {
  it('refuses to draft a year with no approved allocation, saving nothing', async () => {
    const { service, years, audits } = setUp({ packages: null });
    expect((await refusalOf(service.draft(manager, county, 2026, 'clerk'))).code).toBe('NO_ALLOCATION');
    expect(years.rows.size).toBe(0);
    expect(audits).toEqual([]);
  });

  it('saves a draft with a statement per unit and its summary; a second trigger changes nothing', async () => {
    const { service, years, audits } = setUp();
    const first = await service.draft(manager, county, 2026, 'clerk');
    expect(first).toEqual({ id: 1, created: true, state: 'DRAFT', records: 100 });
    expect(years.statementsOf.get(1)!.map((l) => `${l.unit.code} ${l.s.balanceDue}`)).toEqual([
      'WS-LEAD -530612.25',
      'WS-TA -153061.22',
      'WS-TA-V1 -30612.24',
      'WS-TB -102040.82',
      'WS-TCM -183673.47',
    ]);
    const summary = JSON.parse(years.rows.get(1)!.summary) as YearEndSummary;
    expect(summary.communities[0]).toMatchObject({ overspend: '1000000.00', primaryAfterShares: '2514285.72' });
    expect(audits.map((a) => a.action)).toEqual(['yearEnd.draft']);

    expect(await service.draft(manager, county, 2026, 'clerk')).toEqual({ id: 1, created: false, state: 'DRAFT', records: 0 });
    expect(years.statementsOf.get(1)).toHaveLength(5);
    expect(audits).toHaveLength(1);
  });

  it('refuses approval while declarations are pending or by the person who drafted it; another person approves', async () => {
    const pending = setUp({ pendingDeclarations: [{ communityCode: 'WS-MC', period: '2026-12', state: 'SUBMITTED' }] });
    await pending.service.draft(manager, county, 2026, 'clerk');
    expect((await refusalOf(pending.service.approve(caller('approver'), 1, 1))).code).toBe('DECLARATIONS_PENDING');
    expect(pending.years.rows.get(1)!.state).toBe('DRAFT');

    const { service, years, audits } = setUp();
    await service.draft(manager, county, 2026, 'clerk');
    expect((await refusalOf(service.approve(caller('clerk'), 1, 1))).code).toBe('MAKER_CHECKER_VIOLATION');
    expect(years.rows.get(1)!.state).toBe('DRAFT');
    const view = await service.approve(caller('approver'), 1, 1);
    expect(view).toMatchObject({ state: 'APPROVED', approvedBy: 'approver', statements: expect.any(Array) });
    expect(audits.map((a) => a.action)).toEqual(['yearEnd.draft', 'yearEnd.approve']);
  });

  it('refuses approval when the ledger changed since the draft', async () => {
    const { service, years, changeLedger } = setUp();
    await service.draft(manager, county, 2026, 'clerk');
    changeLedger(new Map([['COMMUNITY_PACKAGE:WS-MC', { debits: Money.ZERO, credits: Money.of('0.01') }]]));
    expect((await refusalOf(service.approve(caller('approver'), 1, 1))).code).toBe('YEAR_END_LEDGER_CHANGED');
    expect(years.rows.get(1)!.state).toBe('DRAFT');
  });

  it('posts the transfers the policy built, one at a time with progress, then marks the settlement posted', async () => {
    const { service, years, posts, jobs } = setUp();
    await service.draft(manager, county, 2026, 'clerk');
    expect((await refusalOf(service.post({ settlementId: 1 }))).code).toBe('YEAR_END_NOT_APPROVED');
    await service.approve(caller('approver'), 1, 1);
    await service.requestPosting(caller('approver'), 1, 2);
    expect(jobs).toEqual(['yearend.post']);

    const expected = settleYearEnd(inputs, policyTerms(defaultPolicyParameters(2026))).summary.transfers;
    const outcome = await service.post({ settlementId: 1 });
    expect(outcome).toEqual({ posted: expected.length, alreadyPosted: 0, transfers: expected.length });
    expect(posts.map((t) => `${t.id} ${t.debit}>${t.credit} ${t.amount}`)).toEqual(
      expected.map((t) => `${t.id} ${t.debit}>${t.credit} ${t.amount}`),
    );
    expect(years.posted).toEqual(expected.map((_, i) => i + 1));
    expect(years.rows.get(1)!.state).toBe('POSTED');
  });
});
