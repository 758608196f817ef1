import { DomainError } from '../../domain/domain-error';
import { DeductionOutcome } from '../../domain/declaration';
import { communityPackageAccount } from '../../domain/ledger';
import { Money } from '../../domain/money';
import { Caller } from '../../common/caller';
import { as, FakeAudit, FakeCalendar, FakeClock, FakeLedger, FakeParameters, FakeTransactions } from './claims-fakes.spec-helper';
import { DeclarationRepository, DeclarationRow, NewDeclaration } from './declaration.repository';
import { DeclarationService } from './declaration.service';
import { ClaimOpening, ClaimRow, MemberClaimRepository } from './member-claim.repository';
import { ClaimTotals, SettlementRecordRepository } from './settlement-record.repository';
import { UnitTotalRepository } from './unit-total.repository';

const totalsOf = (accepted: string, deducted = '0.00'): ClaimTotals => ({
  records: 2,
  claimed: '100.00',
  pending: '0.00',
  accepted,
  rejected: Money.of('100.00').minus(Money.of(accepted)).toString(),
  deducted,
  adjusted: '0.00',
  approved: Money.of(accepted).minus(Money.of(deducted)).toString(),
});

class FakeDeclarations {
  rows = new Map<number, DeclarationRow>();
  inserted: NewDeclaration[] = [];
  updates: { id: number; changes: Record<string, unknown> }[] = [];
  deducted: { id: number; deducted: string; approved: string }[] = [];
  manager = {};
  find(_m: unknown, id: number) {
    const r = this.rows.get(id);
    return Promise.resolve(r && { ...r });
  }
  idOf(_m: unknown, communityId: number, period: string) {
    const r = [...this.rows.values()].find((d) => d.community_id === communityId && d.period === period);
    return Promise.resolve(r?.id);
  }
  insert(_m: unknown, d: NewDeclaration) {
    this.inserted.push(d);
    const id = 100 + this.inserted.length;
    this.rows.set(id, declarationRow({ id, community_id: d.communityId, period: d.period, accepted: d.accepted, approved: d.approved }));
    return Promise.resolve(id);
  }
  update(_m: unknown, id: number, changes: Record<string, unknown>) {
    this.updates.push({ id, changes });
    const r = this.rows.get(id)!;
    this.rows.set(id, { ...r, ...(changes as Partial<DeclarationRow>), version: r.version + 1 });
    return Promise.resolve();
  }
  saveDeducted(_m: unknown, id: number, deducted: string, adjusted: string, approved: string) {
    this.deducted.push({ id, deducted, approved });
    Object.assign(this.rows.get(id)!, { deducted, adjusted, approved });
    return Promise.resolve();
  }
}

class FakeClaims {
  claims: ClaimRow[] = [];
  declared: [number, number][] = [];
  rolledOver: number[] = [];
  opened: ClaimOpening[] = [];
  ofCommunityPeriod(_m: unknown, communityId: number, period: string) {
    return Promise.resolve(this.claims.filter((c) => c.community_id === communityId && c.period === period));
  }
  markDeclared(_m: unknown, id: number, declarationId: number) {
    this.declared.push([id, declarationId]);
    return Promise.resolve();
  }
  markRolledOver(_m: unknown, id: number) {
    this.rolledOver.push(id);
    return Promise.resolve();
  }
  openClaims(_m: unknown, what: { claims: ClaimOpening[] }) {
    this.opened.push(...what.claims);
    return Promise.resolve(what.claims.length);
  }
  membersOfDeclaration() {
    return Promise.resolve([]);
  }
}

class FakeRecords {
  totals = totalsOf('80.00');
  declarationTotals = totalsOf('80.00');
  status = new Map<string, string>();
  savedDeductions: DeductionOutcome[] = [];
  moved: [number, string, string][] = [];
  /** Declaring keeps the declared claims' per-unit totals: here one unit carrying `totals`. */
  keepClaimTotals(_m: unknown, ids: readonly number[]) {
    this.claimIds = [...ids];
    const t = this.totals;
    return Promise.resolve([
      {
        claimId: ids[0],
        unitId: 1,
        state: 'DECLARED',
        records: t.records,
        ...Object.fromEntries(
          (['claimed', 'pending', 'accepted', 'rejected', 'deducted', 'approved'] as const).map((k) => [k, Money.of(t[k])]),
        ),
      },
    ]);
  }
  claimsOfRecords() {
    return Promise.resolve([]);
  }
  /** No claim here carries an adjustment. */
  adjustedOfClaims() {
    return Promise.resolve(Money.ZERO);
  }
  approveDeclaration() {
    return Promise.resolve();
  }
  claimIds: number[] = [];
  totalsOfDeclaration() {
    return Promise.resolve(this.declarationTotals);
  }
  reviewStatusInDeclaration(_m: unknown, _id: number, ids: readonly string[]) {
    return Promise.resolve(new Map([...this.status].filter(([k]) => ids.includes(k))));
  }
  saveDeductions(_m: unknown, d: readonly DeductionOutcome[]) {
    this.savedDeductions.push(...d);
    return Promise.resolve();
  }
  moveToPeriod(_m: unknown, institutionId: number, from: string, to: string) {
    this.moved.push([institutionId, from, to]);
    return Promise.resolve();
  }
}

class FakeOutbox {
  added: unknown[] = [];
  relayed: string[][] = [];
  addAgain(_m: unknown, name: string, payload: unknown) {
    this.added.push({ name, payload });
    return Promise.resolve(`job-${this.added.length}`);
  }
  relay(ids: string[]) {
    this.relayed.push(ids);
    return Promise.resolve();
  }
}

function declarationRow(over: Partial<DeclarationRow> = {}): DeclarationRow {
  return {
    id: 7,
    community_id: 3,
    community_code: 'C1',
    county_id: 1,
    fund_year: 2026,
    period: '2026-09',
    state: 'DECLARED',
    version: 1,
    deadline: '2026-10-09',
    deadline_confirmed: 1,
    declared_on: '2026-10-05',
    declared_by: 'lead',
    late: 0,
    record_count: 2,
    claimed: '100.00',
    rejected: '20.00',
    accepted: '80.00',
    deducted: '0.00',
    adjusted: '0.00',
    approved: '80.00',
    funded: '0.00',
    unfunded: '0.00',
    deposit: '0.00',
    advance_offset: '0.00',
    cash: '0.00',
    reviewed_by: null,
    return_note: null,
    approved_by: null,
    payment_due: '2026-11-06',
    payment_due_confirmed: 1,
    disbursed_on: null,
    disbursed_by: null,
    disbursement_ref: null,
    payment_late: 0,
    ...over,
  };
}

const claim = (id: number, state: ClaimRow['state']): ClaimRow => ({
  id,
  institution_id: id * 10,
  institution_code: `U${id}`,
  community_id: 3,
  county_id: 1,
  period: '2026-09',
  state,
  version: 1,
  cutoff: '2026-10-03',
  submitted_on: null,
  submitted_by: null,
  returned_on: null,
  returned_by: null,
  return_reasons: null,
  returns: 0,
  late: 0,
  reviewed_by: null,
  reviewed_on: null,
  declared_on: null,
  declaration_id: null,
  funded_on: null,
  passed_down_on: null,
  paid_on: null,
});

const caller = (name: string) =>
  ({
    name,
    roles: [],
    scope: { kind: 'county', countyId: 1 },
    institution: { id: 1, code: 'B', type: 'BUREAU', countyId: 1, communityId: null },
  }) as unknown as Caller;
const community = { id: 3, code: 'C1', countyId: 1 };

function setUp(today = '2026-10-05') {
  const declarations = new FakeDeclarations();
  const claims = new FakeClaims();
  const records = new FakeRecords();
  const audit = new FakeAudit();
  const ledger = new FakeLedger();
  const outbox = new FakeOutbox();
  const locks: number[] = [];
  const service = new DeclarationService(
    as(new FakeTransactions()),
    as<DeclarationRepository>(declarations),
    as<MemberClaimRepository>(claims),
    as<SettlementRecordRepository>(records),
    as({ lock: (_m: unknown, id: number) => (locks.push(id), Promise.resolve()) }),
    as(audit),
    as(ledger),
    as(new FakeParameters()),
    as(new FakeCalendar()),
    as(new FakeClock(today)),
    as(outbox),
    as({ add: () => Promise.resolve(true), laterClaims: () => Promise.resolve([]) }),
    as({ applyToClaim: () => Promise.resolve(), applyToDeclaration: () => Promise.resolve() }),
    as<UnitTotalRepository>(records),
  );
  return { service, declarations, claims, records, audit, ledger, outbox, locks };
}

const refusalOf = async (p: Promise<unknown>): Promise<DomainError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('DeclarationService: declaring (SPEC §4 step 3)', () => {
  it('refuses a period that has not ended and records nothing', async () => {
    const s = setUp('2026-09-30');
    s.claims.claims = [claim(1, 'REVIEWED')];
    expect((await refusalOf(s.service.declare(caller('lead'), community, '2026-09'))).code).toBe('PERIOD_NOT_ENDED');
    expect(s.declarations.inserted).toEqual([]);
  });

  it('refuses while a claim is under review, declaring and rolling nothing', async () => {
    const s = setUp();
    s.claims.claims = [claim(1, 'REVIEWED'), claim(2, 'SUBMITTED')];
    expect((await refusalOf(s.service.declare(caller('lead'), community, '2026-09'))).code).toBe('CLAIMS_UNDER_REVIEW');
    expect([s.declarations.inserted, s.claims.declared, s.claims.rolledOver]).toEqual([[], [], []]);
  });

  it('declares the pre-reviewed claims with their totals and rolls open ones into the next period', async () => {
    const s = setUp('2026-10-07');
    s.claims.claims = [claim(1, 'REVIEWED'), claim(2, 'OPEN'), claim(3, 'REVIEWED')];
    const view = await s.service.declare(caller('lead'), community, '2026-09');
    expect(s.locks).toEqual([3]);
    expect(s.records.claimIds).toEqual([1, 3]);
    expect(s.declarations.inserted).toEqual([
      expect.objectContaining({
        period: '2026-09',
        fundYear: 2026,
        deadline: '2026-10-05',
        late: true,
        accepted: '80.00',
        approved: '80.00',
      }),
    ]);
    expect(s.claims.declared).toEqual([
      [1, view.id],
      [3, view.id],
    ]);
    expect(s.claims.rolledOver).toEqual([2]);
    expect(s.claims.opened).toEqual([{ institutionId: 20, communityId: 3, countyId: 1, period: '2026-10', cutoff: '2026-11-03' }]);
    expect(s.records.moved).toEqual([[20, '2026-09', '2026-10']]);
    expect(s.audit.entries[0]).toMatchObject({ action: 'declaration.declare', after: expect.objectContaining({ rolledOver: ['U2'] }) });
  });

  it('keeps December’s open claims for the year end', async () => {
    const s = setUp('2027-01-04');
    s.claims.claims = [claim(1, 'REVIEWED'), claim(2, 'OPEN')].map((c) => ({ ...c, period: '2026-12' }));
    await s.service.declare(caller('lead'), community, '2026-12');
    expect([s.claims.rolledOver, s.claims.opened, s.records.moved]).toEqual([[], [], []]);
  });

  it('answers the existing declaration of the period again', async () => {
    const s = setUp();
    s.declarations.rows.set(7, declarationRow());
    expect((await s.service.declare(caller('lead'), community, '2026-09')).id).toBe(7);
    expect(s.declarations.inserted).toEqual([]);
  });
});

describe('DeclarationService: the bureau’s review (SPEC §4 step 4)', () => {
  it('deducts accepted records and keeps approved = accepted − deducted', async () => {
    const s = setUp();
    s.declarations.rows.set(7, declarationRow());
    s.records.status.set('11', 'ACCEPTED');
    s.records.declarationTotals = totalsOf('80.00', '12.30');
    await s.service.deduct(caller('clerk'), 7, [{ recordId: '11', reason: 'OVER_STANDARD' }]);
    expect(s.records.savedDeductions).toEqual([{ recordId: '11', reason: 'OVER_STANDARD', note: null }]);
    expect(s.declarations.deducted).toEqual([{ id: 7, deducted: '12.30', approved: '67.70' }]);
    expect(s.audit.entries.map((e) => e.action)).toEqual(['declaration.deduct']);
  });

  it('refuses deductions outside the review and stores none', async () => {
    const s = setUp();
    s.declarations.rows.set(7, declarationRow({ state: 'REVIEWED' }));
    expect((await refusalOf(s.service.deduct(caller('clerk'), 7, [{ recordId: '11', reason: null }]))).code).toBe(
      'DECLARATION_NOT_UNDER_REVIEW',
    );
    s.declarations.rows.set(7, declarationRow());
    expect((await refusalOf(s.service.deduct(caller('clerk'), 7, [{ recordId: '11', reason: null }]))).code).toBe('DEDUCTION_INVALID');
    expect(s.records.savedDeductions).toEqual([]);
  });

  it('returns a declaration only with a note', async () => {
    const s = setUp();
    s.declarations.rows.set(7, declarationRow({ state: 'REVIEWED', reviewed_by: 'clerk' }));
    expect((await refusalOf(s.service.transitionDeclaration(caller('boss'), 7, 'return', 1, ' '))).code).toBe('NOTE_REQUIRED');
    await s.service.transitionDeclaration(caller('boss'), 7, 'return', 1, ' wrong month ');
    expect(s.declarations.updates).toEqual([{ id: 7, changes: { state: 'DECLARED', return_note: 'wrong month', reviewed_by: null } }]);
  });
});

describe('DeclarationService: approval under the package cap (SPEC §4 step 4)', () => {
  it('refuses the clerk who reviewed it (maker-checker) and posts nothing', async () => {
    const s = setUp();
    s.declarations.rows.set(7, declarationRow({ state: 'REVIEWED', reviewed_by: 'clerk' }));
    expect((await refusalOf(s.service.transitionDeclaration(caller('clerk'), 7, 'approve', 1))).kind).toBe('forbidden');
    expect(s.ledger.posted).toEqual([]);
    expect(s.outbox.added).toEqual([]);
  });

  it('funds up to the package balance, posts the payable and queues monitoring', async () => {
    const s = setUp();
    s.declarations.rows.set(7, declarationRow({ state: 'REVIEWED', reviewed_by: 'clerk' }));
    s.ledger.balances.set(communityPackageAccount('C1'), Money.of('50.00'));
    const view = await s.service.transitionDeclaration(caller('boss'), 7, 'approve', 1);
    expect(s.ledger.legs()).toEqual(['declaration.7.payable COMMUNITY_PACKAGE:C1 → BUREAU_PAYABLE:C1 50.00']);
    expect(s.declarations.updates[0].changes).toMatchObject({
      state: 'APPROVED',
      funded: '50.00',
      unfunded: '30.00',
      cash: '50.00',
      approved_by: 'boss',
    });
    expect(view.state).toBe('APPROVED');
    expect(s.outbox.added).toEqual([
      { name: 'cycle.run', payload: { cycle: 'monitoring', period: '2026-09', scope: 'C1', refresh: true } },
    ]);
    expect(s.outbox.relayed).toEqual([['job-1']]);
  });

  it('answers an approved declaration again without funding it twice', async () => {
    const s = setUp();
    s.declarations.rows.set(7, declarationRow({ state: 'APPROVED' }));
    await s.service.transitionDeclaration(caller('boss'), 7, 'approve', 3);
    expect([s.ledger.posted, s.declarations.updates]).toEqual([[], []]);
  });
});
