import { DomainError } from '../../domain/domain-error';
import { Money } from '../../domain/money';
import { Caller } from '../../common/caller';
import { as, FakeAudit, FakeCalendar, FakeClock, FakeLedger, FakeParameters, FakeTransactions } from './claims-fakes.spec-helper';
import { MemberClaimRepository } from './member-claim.repository';
import { NewPassDown, PassDownRepository, PassDownRow } from './pass-down.repository';
import { DeclarationFunds, PassDownService } from './pass-down.service';
import { SettlementRecordRepository } from './settlement-record.repository';

class FakePassDowns {
  rows = new Map<number, PassDownRow>();
  inserted: NewPassDown[] = [];
  paid: [number, string, string, boolean][] = [];
  lead: { id: number; code: string } | undefined = { id: 1, code: 'L' };
  manager = {};
  find(_m: unknown, id: number) {
    const r = this.rows.get(id);
    return Promise.resolve(r && { ...r });
  }
  insert(_m: unknown, p: NewPassDown) {
    this.inserted.push(p);
    return Promise.resolve(500 + this.inserted.length);
  }
  markPaid(_m: unknown, id: number, on: string, by: string, late: boolean) {
    this.paid.push([id, on, by, late]);
    Object.assign(this.rows.get(id)!, { state: 'PAID', paid_on: on, paid_by: by, late: late ? 1 : 0 });
    return Promise.resolve();
  }
  leadUnitOf() {
    return Promise.resolve(this.lead);
  }
}

/** The declared claims of declaration 7, FUNDED, by institution id: what the pass-downs move on. */
class FakeClaims {
  states = new Map<number, { state: string; version: number; passedDownOn: string | null }>([
    [1, { state: 'FUNDED', version: 4, passedDownOn: null }],
    [2, { state: 'FUNDED', version: 4, passedDownOn: null }],
  ]);
  constructor(private readonly members: ReturnType<typeof approved>[]) {}
  membersOfDeclaration() {
    return Promise.resolve(this.members);
  }
  ofDeclarationMember(_m: unknown, declarationId: number, institutionId: number) {
    const c = this.states.get(institutionId);
    return Promise.resolve(declarationId === 7 && c ? { id: 100 + institutionId, state: c.state, version: c.version } : undefined);
  }
  update(_m: unknown, id: number, changes: { state: string; passed_down_on: string }) {
    const c = this.states.get(id - 100)!;
    Object.assign(c, { state: changes.state, version: c.version + 1, passedDownOn: changes.passed_down_on });
    return Promise.resolve();
  }
}

const approved = (institutionId: number, code: string, amount: string) => ({
  institutionId,
  institutionCode: code,
  claimId: institutionId,
  totals: { records: 1, claimed: amount, pending: '0.00', accepted: amount, rejected: '0.00', deducted: '0.00', approved: amount },
});

const passDown = (over: Partial<PassDownRow> = {}): PassDownRow => ({
  id: 9,
  declaration_id: 7,
  level: 'MEMBER',
  upstream_id: null,
  payer_id: 1,
  payer_code: 'L',
  payee_id: 2,
  payee_code: 'T',
  approved: '60.00',
  amount: '60.00',
  received_on: '2026-10-10',
  deadline: '2026-10-17',
  deadline_confirmed: 1,
  state: 'DUE',
  version: 1,
  paid_on: null,
  paid_by: null,
  late: 0,
  community_code: 'C1',
  county_id: 1,
  fund_year: 2026,
  period: '2026-09',
  ...over,
});

function setUp() {
  const passDowns = new FakePassDowns();
  const members = [approved(1, 'L', '40.00'), approved(2, 'T', '60.00')];
  const claims = new FakeClaims(members);
  const units = [
    { unitId: 2, code: 'T', approved: Money.of('20.00') },
    { unitId: 3, code: 'V', approved: Money.of('40.00') },
  ];
  const ledger = new FakeLedger();
  const audit = new FakeAudit();
  const clock = new FakeClock('2026-10-20');
  const service = new PassDownService(
    as(new FakeTransactions()),
    as<PassDownRepository>(passDowns),
    as<MemberClaimRepository>(claims),
    as<SettlementRecordRepository>({ approvedByUnit: () => Promise.resolve(units) }),
    as(audit),
    as(ledger),
    as(new FakeCalendar()),
    as(clock),
    as(new FakeParameters()),
  );
  return { service, passDowns, ledger, audit, clock, units, members, claims };
}

const funds: DeclarationFunds = {
  id: 7,
  countyId: 1,
  fundYear: 2026,
  communityId: 3,
  communityCode: 'C1',
  period: '2026-09',
  received: Money.of('100.00'),
  receivedOn: '2026-10-10',
  passDownWorkingDays: 5,
};

const caller = (id: number, code: string) =>
  ({
    name: 'payer',
    roles: ['LEAD_FINANCE'],
    scope: { kind: 'community', countyId: 1, communityId: 3 },
    institution: { id, code, type: 'LEAD_HOSPITAL', countyId: 1, communityId: 3 },
  }) as unknown as Caller;

const refusalOf = async (p: Promise<unknown>): Promise<DomainError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('PassDownService (SPEC §4 step 6)', () => {
  it('needs an active lead unit, creating nothing without one', async () => {
    const s = setUp();
    s.passDowns.lead = undefined;
    expect((await refusalOf(s.service.createMemberPassDowns({} as never, funds))).code).toBe('NO_LEAD_UNIT');
    expect(s.passDowns.inserted).toEqual([]);
  });

  it('splits the disbursement between members; the lead’s own share is paid on receipt and posted', async () => {
    const s = setUp();
    await s.service.createMemberPassDowns({} as never, funds);
    expect(s.passDowns.inserted.map((p) => [p.payeeId, p.amount, p.deadline, p.paid])).toEqual([
      [1, '40.00', '2026-10-10+5', { on: '2026-10-10', by: 'system' }],
      [2, '60.00', '2026-10-10+5', null],
    ]);
    expect(s.ledger.legs()).toEqual(['pass-down.501 COMMUNITY_HELD:C1 → MEMBER_FUNDS:L 40.00']);
    // The lead's own claim is passed down on receipt; the township's waits for its payment.
    expect(Object.fromEntries(s.claims.states)).toEqual({
      1: { state: 'PASSED_DOWN', version: 5, passedDownOn: '2026-10-10' },
      2: { state: 'FUNDED', version: 4, passedDownOn: null },
    });
    expect(s.audit.entries.map((e) => [e.action, e.entityId])).toEqual([['memberClaim.passDown', '101']]);
  });

  it('records a member with nothing approved as passed down on receipt: nothing is left to transfer', async () => {
    const s = setUp();
    s.members[1] = approved(2, 'T', '0.00');
    await s.service.createMemberPassDowns({} as never, funds);
    expect(s.passDowns.inserted.map((p) => [p.payeeId, p.amount, p.paid])).toEqual([
      [1, '100.00', { on: '2026-10-10', by: 'system' }],
      [2, '0.00', { on: '2026-10-10', by: 'system' }],
    ]);
    expect([...s.claims.states.values()].map((c) => [c.state, c.passedDownOn])).toEqual([
      ['PASSED_DOWN', '2026-10-10'],
      ['PASSED_DOWN', '2026-10-10'],
    ]);
  });

  it('is paid by its payer only, on a day not in the future', async () => {
    const s = setUp();
    s.passDowns.rows.set(9, passDown());
    expect((await refusalOf(s.service.pay(caller(2, 'T'), 9, 1, '2026-10-12'))).code).toBe('NOT_THE_PAYER');
    expect((await refusalOf(s.service.pay(caller(1, 'L'), 9, 1, '2026-10-21'))).code).toBe('VALIDATION_FAILED');
    expect([s.ledger.posted, s.passDowns.paid]).toEqual([[], []]);
  });

  it('records a late payment, posts it and passes the township’s villages their shares', async () => {
    const s = setUp();
    s.passDowns.rows.set(9, passDown());
    const view = await s.service.pay(caller(1, 'L'), 9, 1, '2026-10-19');
    expect(s.ledger.legs()).toEqual(['pass-down.9 COMMUNITY_HELD:C1 → MEMBER_FUNDS:T 60.00']);
    expect(s.passDowns.paid).toEqual([[9, '2026-10-19', 'payer', true]]);
    expect(s.passDowns.inserted).toEqual([
      expect.objectContaining({ level: 'VILLAGE', upstreamId: 9, payerId: 2, payeeId: 3, approved: '40.00', amount: '40.00', paid: null }),
    ]);
    expect(view).toMatchObject({ state: 'PAID', late: true });
    expect(s.claims.states.get(2)).toEqual({ state: 'PASSED_DOWN', version: 5, passedDownOn: '2026-10-19' });
    expect(s.audit.entries.map((e) => e.action)).toEqual(['memberClaim.passDown', 'passDown.pay']);
  });

  it('creates no village pass-downs when only the township provided care', async () => {
    const s = setUp();
    s.units.splice(1, 1);
    s.passDowns.rows.set(9, passDown());
    await s.service.pay(caller(1, 'L'), 9, 1, '2026-10-12');
    expect(s.passDowns.inserted).toEqual([]);
  });
});
