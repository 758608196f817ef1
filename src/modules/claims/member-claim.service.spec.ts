import { DomainError } from '../../domain/domain-error';
import { Money } from '../../domain/money';
import { RecordReviewOutcome } from '../../domain/declaration';
import { Caller } from '../../common/caller';
import { as, FakeAudit, FakeClock, FakeTransactions } from './claims-fakes.spec-helper';
import { ClaimCorrectionRepository, ClaimVersionEvent, ReturnReason } from './claim-correction.repository';
import { ClaimRow, MemberClaimRepository } from './member-claim.repository';
import { MemberClaimService } from './member-claim.service';
import { ClaimTotals, SettlementRecordRepository } from './settlement-record.repository';

type StoredRecord = { id: string; submitterId: number; period: string; status: string; reason: string | null; fundPaid: string };

class FakeClaims {
  rows = new Map<number, ClaimRow>();
  updates: { id: number; changes: Record<string, unknown> }[] = [];
  find(_m: unknown, id: number) {
    const row = this.rows.get(id);
    return Promise.resolve(row && { ...row });
  }
  update(_m: unknown, id: number, changes: Record<string, unknown>) {
    this.updates.push({ id, changes });
    const row = this.rows.get(id)!;
    this.rows.set(id, { ...row, ...(changes as Partial<ClaimRow>), version: row.version + 1 });
    return Promise.resolve();
  }
}

class FakeCorrections {
  kept: { event: ClaimVersionEvent; by: string; reasons: readonly ReturnReason[]; records: number }[] = [];
  withdrawnIds: string[] = [];
  constructor(private readonly records: () => FakeRecords) {}
  keepVersion(_m: unknown, _c: unknown, event: ClaimVersionEvent, by: string, _on: string, reasons: ReturnReason[], totals: ClaimTotals) {
    this.kept.push({ event, by, reasons, records: totals.records });
    return Promise.resolve();
  }
  withdraw(_m: unknown, _c: unknown, ids: readonly string[]) {
    this.withdrawnIds.push(...ids);
    const recs = this.records();
    recs.records = recs.records.filter((r) => !ids.includes(r.id));
    return Promise.resolve(ids.length);
  }
}

class FakeRecords {
  records: StoredRecord[] = [];
  saved: RecordReviewOutcome[] = [];
  private of(institutionId: number, period: string) {
    return this.records.filter((r) => r.submitterId === institutionId && r.period === period);
  }
  countOfClaim(_m: unknown, institutionId: number, period: string) {
    return Promise.resolve(this.of(institutionId, period).length);
  }
  idsInClaim(_m: unknown, institutionId: number, period: string, ids: readonly string[]) {
    return Promise.resolve(
      new Set(
        this.of(institutionId, period)
          .filter((r) => ids.includes(r.id))
          .map((r) => r.id),
      ),
    );
  }
  saveReviewOutcomes(_m: unknown, outcomes: readonly RecordReviewOutcome[]) {
    this.saved.push(...outcomes);
    for (const o of outcomes)
      Object.assign(
        this.records.find((r) => r.id === o.recordId)!,
        { status: o.status, reason: o.reason },
      );
    return Promise.resolve();
  }
  countPending(_m: unknown, institutionId: number, period: string) {
    return Promise.resolve(this.of(institutionId, period).filter((r) => r.status === 'PENDING').length);
  }
  acceptPending(_m: unknown, institutionId: number, period: string) {
    for (const r of this.of(institutionId, period)) if (r.status === 'PENDING') r.status = 'ACCEPTED';
    return Promise.resolve();
  }
  claimTotals(_m: unknown, institutionId: number, period: string): Promise<ClaimTotals> {
    const rs = this.of(institutionId, period);
    const sum = (s: string) => Money.sum(rs.filter((r) => r.status === s).map((r) => Money.of(r.fundPaid))).toString();
    return Promise.resolve({
      records: rs.length,
      claimed: Money.sum(rs.map((r) => Money.of(r.fundPaid))).toString(),
      pending: sum('PENDING'),
      accepted: sum('ACCEPTED'),
      rejected: sum('REJECTED'),
      deducted: '0.00',
      adjusted: '0.00',
      approved: sum('ACCEPTED'),
    });
  }
}

const claimRow = (over: Partial<ClaimRow> = {}): ClaimRow => ({
  id: 1,
  institution_id: 20,
  institution_code: 'T1',
  community_id: 3,
  county_id: 1,
  period: '2026-09',
  state: 'OPEN',
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
  ...over,
});

/** A caller at the claim's own unit (id 20), or at another one. */
const caller = (type: string, communityId: number | null, name = 'clerk', institutionId = 20) =>
  ({
    name,
    roles: [],
    scope: { kind: 'county', countyId: 1 },
    institution: { id: institutionId, code: 'X', type, countyId: 1, communityId },
  }) as unknown as Caller;

function setUp(row: ClaimRow, records: Omit<StoredRecord, 'submitterId' | 'period'>[] = []) {
  const claims = new FakeClaims();
  claims.rows.set(row.id, row);
  const recs = new FakeRecords();
  recs.records = records.map((r) => ({ ...r, submitterId: row.institution_id, period: row.period }));
  const audit = new FakeAudit();
  const clock = new FakeClock('2026-10-02');
  const corrections = new FakeCorrections(() => recs);
  const service = new MemberClaimService(
    as(new FakeTransactions()),
    as<MemberClaimRepository>(claims),
    as<SettlementRecordRepository>(recs),
    as(audit),
    as(clock),
    as<ClaimCorrectionRepository>(corrections),
  );
  return { service, claims, records: recs, audit, clock, corrections };
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

const record = (id: string, fundPaid = '10.00') => ({ id, status: 'PENDING', reason: null, fundPaid });

describe('MemberClaimService (SPEC §4 steps 1–2)', () => {
  it('refuses to submit an empty claim and changes nothing', async () => {
    const { service, claims, audit } = setUp(claimRow());
    expect((await refusalOf(service.submitClaim(caller('TOWNSHIP_CENTER', 3), 1, 1))).code).toBe('CLAIM_EMPTY');
    expect(claims.updates).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('submits a claim, late after the cut-off, and audits the transition', async () => {
    const { service, claims, audit, clock } = setUp(claimRow(), [record('5')]);
    clock.day = '2026-10-04';
    const view = await service.submitClaim(caller('TOWNSHIP_CENTER', 3, 'Wang'), 1, 1);
    expect(claims.updates).toEqual([{ id: 1, changes: { submitted_on: '2026-10-04', submitted_by: 'Wang', late: 1, state: 'SUBMITTED' } }]);
    expect(view).toMatchObject({ state: 'SUBMITTED', version: 2, late: true, records: 1, claimed: '10.00' });
    expect(audit.entries.map((e) => e.action)).toEqual(['memberClaim.submit']);
  });

  it('returns a submitted claim for correction with reasons, keeping the claim as it stood; the unit withdraws a record and resubmits', async () => {
    const { service, claims, audit, corrections } = setUp(claimRow({ state: 'SUBMITTED', version: 2 }), [record('5'), record('6')]);
    const lead = caller('LEAD_HOSPITAL', 3, 'lead', 1);
    const reasons = [{ reason: 'MISSING_DOCUMENTS' as const, note: 'discharge summary missing', recordId: '6' }];
    const returned = await service.returnForCorrection(lead, 1, 2, reasons);
    expect(returned).toMatchObject({ state: 'RETURNED', returnedBy: 'lead', returns: 1, returnedOn: '2026-10-02' });
    expect(returned.returnReasons).toEqual([{ reason: 'MISSING_DOCUMENTS', note: 'discharge summary missing', recordId: '6' }]);
    const township = caller('TOWNSHIP_CENTER', 3, 'Wang');
    expect((await refusalOf(service.withdrawRecords(lead, 1, ['6']))).code).toBe('NOT_THE_CLAIMANT');
    expect((await refusalOf(service.withdrawRecords(township, 1, ['99']))).code).toBe('RECORD_NOT_IN_CLAIM');
    const withdrawn = await service.withdrawRecords(township, 1, ['6']);
    expect(withdrawn).toMatchObject({ withdrawn: 1, records: 1, claimed: '10.00', state: 'RETURNED' });
    expect((await refusalOf(service.resubmit(lead, 1, withdrawn.version))).code).toBe('NOT_THE_CLAIMANT');
    const resubmitted = await service.resubmit(township, 1, withdrawn.version);
    expect(resubmitted).toMatchObject({ state: 'SUBMITTED', submittedBy: 'Wang' });
    expect(corrections.kept.map((k) => [k.event, k.by, k.records])).toEqual([
      ['RETURNED', 'lead', 2],
      ['RESUBMITTED', 'Wang', 1],
    ]);
    expect(audit.entries.map((e) => e.action)).toEqual([
      'memberClaim.returnForCorrection',
      'memberClaim.withdrawRecords',
      'memberClaim.resubmit',
    ]);
    expect(claims.rows.get(1)!.returns).toBe(1);
  });

  it('refuses to return a claim that is not submitted, or by anyone but its reviewer; withdraws only from a returned claim', async () => {
    const open = setUp(claimRow({ state: 'OPEN' }), [record('5')]);
    const reasons = [{ reason: 'OTHER' as const, note: 'x' }];
    expect((await refusalOf(open.service.returnForCorrection(caller('LEAD_HOSPITAL', 3, 'lead', 1), 1, 1, reasons))).code).toBe(
      'ILLEGAL_TRANSITION',
    );
    expect((await refusalOf(open.service.withdrawRecords(caller('TOWNSHIP_CENTER', 3), 1, ['5']))).code).toBe('CLAIM_NOT_RETURNED');
    const submitted = setUp(claimRow({ state: 'SUBMITTED' }), [record('5')]);
    expect((await refusalOf(submitted.service.returnForCorrection(caller('LEAD_HOSPITAL', 4), 1, 1, reasons))).code).toBe(
      'NOT_THE_REVIEWER',
    );
    expect(submitted.claims.updates).toEqual([]);
  });

  it('refuses another unit submitting the claim (the lead unit included) and changes nothing', async () => {
    const { service, claims, audit } = setUp(claimRow(), [record('5')]);
    const refused = await refusalOf(service.submitClaim(caller('LEAD_HOSPITAL', 3, 'lead', 1), 1, 1));
    expect([refused.code, refused.kind]).toEqual(['NOT_THE_CLAIMANT', 'forbidden']);
    expect(claims.updates).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('refuses a stale version', async () => {
    const { service, claims } = setUp(claimRow(), [record('5')]);
    expect((await refusalOf(service.submitClaim(caller('TOWNSHIP_CENTER', 3), 1, 7))).code).toBe('STALE_VERSION');
    expect(claims.updates).toEqual([]);
  });

  it('lets only the community’s lead unit review, and only a submitted claim', async () => {
    const { service, records } = setUp(claimRow({ state: 'SUBMITTED' }), [record('5')]);
    const review = [{ recordId: '5', decision: 'ACCEPT' as const }];
    expect((await refusalOf(service.reviewRecords(caller('LEAD_HOSPITAL', 4), 1, review))).code).toBe('NOT_THE_REVIEWER');
    expect((await refusalOf(service.reviewRecords(caller('BUREAU', null), 1, review))).code).toBe('NOT_THE_REVIEWER');
    const open = setUp(claimRow({ state: 'OPEN' }), [record('5')]);
    expect((await refusalOf(open.service.reviewRecords(caller('LEAD_HOSPITAL', 3), 1, review))).code).toBe('CLAIM_NOT_UNDER_REVIEW');
    expect(records.saved).toEqual([]);
  });

  // The audit's "before" totals are read once the outcomes are stored, as they always were.
  it('stores the review outcomes and audits the totals with the decisions', async () => {
    const { service, records, audit } = setUp(claimRow({ state: 'SUBMITTED' }), [record('5'), record('6', '2.50')]);
    const view = await service.reviewRecords(caller('LEAD_HOSPITAL', 3), 1, [
      { recordId: '5', decision: 'ACCEPT' },
      { recordId: '6', decision: 'REJECT', reason: 'DUPLICATE_SETTLEMENT' },
    ]);
    expect(records.saved.map((o) => `${o.recordId}:${o.status}:${o.reason}`)).toEqual([
      '5:ACCEPTED:null',
      '6:REJECTED:DUPLICATE_SETTLEMENT',
    ]);
    expect(view).toMatchObject({ accepted: '10.00', rejected: '2.50', pending: '0.00' });
    expect(audit.entries).toEqual([
      expect.objectContaining({
        action: 'memberClaim.reviewRecords',
        before: { accepted: '10.00', rejected: '2.50', pending: '0.00' },
        after: expect.objectContaining({ decisions: ['5:ACCEPT', '6:REJECT:DUPLICATE_SETTLEMENT'] }),
      }),
    ]);
  });

  it('stores nothing when any decision is invalid', async () => {
    const { service, records, audit } = setUp(claimRow({ state: 'SUBMITTED' }), [record('5')]);
    const e = await refusalOf(
      service.reviewRecords(caller('LEAD_HOSPITAL', 3), 1, [
        { recordId: '5', decision: 'ACCEPT' },
        { recordId: '8', decision: 'ACCEPT' },
      ]),
    );
    expect(e.code).toBe('REVIEW_INVALID');
    expect(records.saved).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('refuses to complete pre-review while records are PENDING, naming the count, and changes nothing', async () => {
    const { service, claims, records, audit } = setUp(claimRow({ state: 'SUBMITTED' }), [
      record('5'),
      record('7'),
      { ...record('6'), status: 'REJECTED' },
    ]);
    const e = await refusalOf(service.completeReview(caller('LEAD_HOSPITAL', 3, 'Li'), 1, 1));
    expect([e.code, e.kind, e.details]).toEqual([
      'RECORDS_PENDING',
      'conflict',
      [{ field: 'acceptPending', rule: 'noPendingRecords', message: '2 record(s) PENDING' }],
    ]);
    expect(records.records.map((r) => r.status)).toEqual(['PENDING', 'PENDING', 'REJECTED']);
    expect(claims.updates).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('completes pre-review accepting the PENDING records when asked, and says how many', async () => {
    const { service, claims, records } = setUp(claimRow({ state: 'SUBMITTED' }), [record('5'), { ...record('6'), status: 'REJECTED' }]);
    const view = await service.completeReview(caller('LEAD_HOSPITAL', 3, 'Li'), 1, 1, true);
    expect(records.records.map((r) => r.status)).toEqual(['ACCEPTED', 'REJECTED']);
    expect(claims.updates).toEqual([{ id: 1, changes: { reviewed_by: 'Li', reviewed_on: '2026-10-02', state: 'REVIEWED' } }]);
    expect([view.state, view.acceptedPending]).toEqual(['REVIEWED', 1]);
  });

  it('completes pre-review with every record decided without being asked, accepting none', async () => {
    const { service, records } = setUp(claimRow({ state: 'SUBMITTED' }), [
      { ...record('5'), status: 'ACCEPTED' },
      { ...record('6'), status: 'REJECTED' },
    ]);
    const view = await service.completeReview(caller('LEAD_HOSPITAL', 3, 'Li'), 1, 1);
    expect(records.records.map((r) => r.status)).toEqual(['ACCEPTED', 'REJECTED']);
    expect([view.state, view.acceptedPending]).toEqual(['REVIEWED', 0]);
  });
});
