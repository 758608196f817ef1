import fc from 'fast-check';
import { DomainError } from './domain-error';
import { refusal } from './refusal.spec-helper';
import {
  checkRectificationOrder,
  checkReferral,
  referralReport,
  staysByReferral,
  checkReserveUse,
  checkSurplusPlan,
  matchReferrals,
  packageWithIncreases,
  rectificationOverdue,
  reserveUseTransfers,
  SurplusPlanUnit,
} from './governance';
import { ACCOUNTS, communityPackageAccount } from './ledger';
import { Money } from './money';

const m = (v: string) => Money.of(v);

describe('adjustment reserve use', () => {
  it('refuses a use above the balance, naming the balance and the shortfall', () => {
    const e = refusal(() => checkReserveUse(m('1000000.00'), m('1000000.01')));
    expect(e.code).toBe('RESERVE_INSUFFICIENT');
    expect(e.kind).toBe('conflict');
    expect(e.message).toContain('1000000.00');
    expect(e.details[0].message).toBe('balance 1000000.00, shortfall 0.01');
    expect(() => checkReserveUse(m('1000000.00'), m('1000000.00'))).not.toThrow();
    expect(refusal(() => checkReserveUse(m('10.00'), m('0.00'))).code).toBe('RESERVE_USE_AMOUNT_INVALID');
  });

  it('posts one transfer out of the reserve into the package or the named payment', () => {
    expect(reserveUseTransfers('WS-2026', '7', m('500000.00'), { kind: 'PACKAGE_INCREASE', communityCode: 'WS-MC' })).toEqual([
      {
        id: 'WS-2026:reserve-use:7',
        debit: ACCOUNTS.adjustmentReserve,
        credit: communityPackageAccount('WS-MC'),
        amount: m('500000.00'),
        memo: '调剂金使用 7: package increase for WS-MC',
      },
    ]);
    const [direct] = reserveUseTransfers('WS-2026', '8', m('1.00'), { kind: 'DIRECT_PAYMENT', risk: '重大疫情' });
    expect(direct.credit).toBe('RESERVE_PAYMENT:8');
    expect(packageWithIncreases(m('167079472.53'), [{ amount: m('500000.00') }, { amount: m('0.47') }]).toString()).toBe('167579473.00');
  });

  it('property: under any sequence of applications and executions the reserve never goes below zero and the ledger balances', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10_000_000_00n }),
        fc.array(fc.record({ cents: fc.bigInt({ min: 1n, max: 5_000_000_00n }), executeAt: fc.nat(20) }), { maxLength: 15 }),
        (startCents, uses) => {
          let reserve = Money.fromCents(startCents);
          let packageAccount = Money.ZERO;
          // Each use is checked when applied (may pass) and again when it executes, in any order.
          const applied = uses.filter((u) => {
            try {
              checkReserveUse(reserve, Money.fromCents(u.cents));
              return true;
            } catch (e) {
              if (!(e instanceof DomainError)) throw e;
              return false;
            }
          });
          for (const u of [...applied].sort((a, b) => a.executeAt - b.executeAt)) {
            const amount = Money.fromCents(u.cents);
            try {
              checkReserveUse(reserve, amount);
            } catch (e) {
              if (!(e instanceof DomainError)) throw e;
              continue;
            }
            for (const t of reserveUseTransfers('P', String(u.executeAt), amount, { kind: 'PACKAGE_INCREASE', communityCode: 'C' })) {
              expect(t.debit).toBe(ACCOUNTS.adjustmentReserve);
              reserve = reserve.minus(t.amount);
              packageAccount = packageAccount.plus(t.amount);
            }
            expect(reserve.isNegative()).toBe(false);
          }
          expect(reserve.plus(packageAccount).toCents()).toBe(startCents);
        },
      ),
    );
  });
});

describe('surplus plan', () => {
  // M 10 000 000.00, E 9 000 000.00: surplus 1 000 000.00; floor 25% = 2 500 000.00.
  const units = (planned: [string, string, string]): SurplusPlanUnit[] => [
    { code: 'LEAD', primary: false, approvedConsumption: m('6000000.00'), proposed: m('600000.00'), planned: m(planned[0]) },
    { code: 'TC-A', primary: true, approvedConsumption: m('2000000.00'), proposed: m('300000.00'), planned: m(planned[1]) },
    { code: 'VC-A1', primary: true, approvedConsumption: m('300000.00'), proposed: m('100000.00'), planned: m(planned[2]) },
  ];
  const plan = (planned: [string, string, string]) =>
    checkSurplusPlan({ surplus: m('1000000.00'), communityPackage: m('10000000.00'), floorRate: '0.25', units: units(planned) });

  it('accepts a plan that sums to the surplus, meets the floor and tilts at least as the proposal', () => {
    const check = plan(['500000.00', '400000.00', '100000.00']);
    expect(check.primaryFunds.toString()).toBe('2800000.00');
    expect(check.floorRequired.toString()).toBe('2500000.00');
  });

  it('refuses a plan not summing to the surplus, naming the difference', () => {
    const e = refusal(() => plan(['600000.00', '300000.00', '99999.99']));
    expect(e.code).toBe('SURPLUS_PLAN_INVALID');
    expect(e.details.map((d) => d.rule)).toEqual(['sumsToSurplus', 'tiltToPrimary']);
    expect(e.details[0].message).toContain('difference -0.01');
  });

  it('refuses a plan leaving primary units below the floor, naming the shortfall', () => {
    const e = refusal(() =>
      checkSurplusPlan({
        surplus: m('1000000.00'),
        communityPackage: m('10000000.00'),
        floorRate: '0.25',
        units: units(['1000000.00', '0.00', '0.00']).map((u) => (u.primary ? { ...u, proposed: m('0.00') } : u)),
      }),
    );
    expect(e.details.map((d) => d.rule)).toEqual(['primaryFloor']);
    expect(e.details[0].message).toContain('shortfall 200000.00');
  });

  it('refuses a plan that tilts less to primary units than the default proposal', () => {
    const e = refusal(() => plan(['700000.00', '250000.00', '50000.00']));
    expect(e.details.map((d) => d.rule)).toEqual(['tiltToPrimary']);
  });
});

describe('out-of-county referrals', () => {
  it('flags exactly the stays without an approved referral covering the admission, with the 10% reduction', () => {
    const referrals = [
      { id: 1, insuredHash: 'a', validFrom: '2026-03-01', validTo: '2026-03-31' },
      { id: 2, insuredHash: 'b', validFrom: '2026-03-10', validTo: '2026-04-10' },
      { id: 3, insuredHash: 'c', validFrom: '2026-01-01', validTo: '2026-12-31' },
    ];
    const stays = [
      { id: 10, insuredHash: 'a', admissionDate: '2026-03-31', fundPaid: m('1000.00') },
      { id: 11, insuredHash: 'b', admissionDate: '2026-04-10', fundPaid: m('2000.00') },
      { id: 12, insuredHash: 'c', admissionDate: '2026-06-01', fundPaid: m('3000.00') },
      { id: 13, insuredHash: 'a', admissionDate: '2026-04-01', fundPaid: m('4000.05') },
      { id: 14, insuredHash: 'z', admissionDate: '2026-03-15', fundPaid: m('5000.00') },
    ];
    const result = matchReferrals(stays, referrals);
    expect(result.matched).toEqual([
      { stayId: 10, referralId: 1 },
      { stayId: 11, referralId: 2 },
      { stayId: 12, referralId: 3 },
    ]);
    expect(result.flagged.map((f) => [f.stayId, f.fundPaid.toString(), f.reduction.toString()])).toEqual([
      [13, '4000.05', '400.01'],
      [14, '5000.00', '500.00'],
    ]);
    expect(result.flaggedAmount.toString()).toBe('9000.05');
    expect(result.reductionTotal.toString()).toBe('900.01');
  });
});

describe('rectification deadline', () => {
  it('is overdue only after the deadline while still open', () => {
    expect(rectificationOverdue(true, '2026-10-13', '2026-10-13')).toBe(false);
    expect(rectificationOverdue(true, '2026-10-13', '2026-10-14')).toBe(true);
    expect(rectificationOverdue(false, '2026-10-13', '2026-10-14')).toBe(false);
  });
});

describe("the committee's rectification order", () => {
  it('names a unit of the community and a deadline after today, or is refused naming each rule', () => {
    expect(() => checkRectificationOrder({ deadline: '2026-11-30', unitInCommunity: true }, '2026-11-02')).not.toThrow();
    expect(refusal(() => checkRectificationOrder({ deadline: '2026-11-02', unitInCommunity: false }, '2026-11-02'))).toMatchObject({
      code: 'OPINION_INVALID',
      details: [
        { field: 'rectifyingUnitCode', rule: 'memberOfCommunity' },
        { field: 'rectificationDeadline', rule: 'afterToday' },
      ],
    });
  });
});

describe('referrals: who records them, and the report by month', () => {
  const lead = { type: 'LEAD_HOSPITAL', communityId: 1 };
  it('is recorded by the lead unit of the community, for one of its members, over a forward window', () => {
    expect(() =>
      checkReferral({ recorder: lead, communityId: 1, fromUnitInCommunity: true, validFrom: '2026-10-01', validTo: '2026-10-31' }),
    ).not.toThrow();
    expect(
      refusal(() =>
        checkReferral({
          recorder: { type: 'TOWNSHIP_CENTER', communityId: 1 },
          communityId: 1,
          fromUnitInCommunity: false,
          validFrom: '2026-10-02',
          validTo: '2026-10-01',
        }),
      ),
    ).toMatchObject({
      code: 'REFERRAL_INVALID',
      kind: 'forbidden',
      details: [{ rule: 'leadUnit' }, { rule: 'memberOfCommunity' }, { rule: 'notBeforeValidFrom' }],
    });
  });

  it('counts each month and the year alike: every stay matched or flagged, flagged amounts and reductions adding up', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            insured: fc.integer({ min: 1, max: 4 }),
            day: fc.integer({ min: 1, max: 90 }),
            fen: fc.integer({ min: 0, max: 10_000_000 }),
          }),
          { maxLength: 30 },
        ),
        fc.array(
          fc.record({
            insured: fc.integer({ min: 1, max: 4 }),
            from: fc.integer({ min: 1, max: 90 }),
            days: fc.integer({ min: 0, max: 40 }),
          }),
          { maxLength: 8 },
        ),
        (rawStays, rawReferrals) => {
          const date = (d: number) => new Date(Date.UTC(2026, 0, d)).toISOString().slice(0, 10);
          const stays = rawStays.map((s, i) => ({
            id: i + 1,
            insuredHash: `h${s.insured}`,
            admissionDate: date(s.day),
            period: date(s.day).slice(0, 7),
            fundPaid: Money.fromCents(BigInt(s.fen)),
          }));
          const referrals = rawReferrals.map((r, i) => ({
            id: i + 1,
            insuredHash: `h${r.insured}`,
            validFrom: date(r.from),
            validTo: date(r.from + r.days),
          }));
          const { total, months } = referralReport(stays, referrals);
          expect(total.matched.length + total.flagged.length).toBe(stays.length);
          expect(months.reduce((n, m) => n + m.settlements, 0)).toBe(stays.length);
          expect(months.reduce((n, m) => n + m.flagged, 0)).toBe(total.flagged.length);
          expect(Money.sum(months.map((m) => m.flaggedAmount)).toString()).toBe(total.flaggedAmount.toString());
          expect(Money.sum(months.map((m) => m.reduction)).toString()).toBe(total.reductionTotal.toString());
        },
      ),
    );
  });
});

describe('out-of-county stays as the assessment counts them', () => {
  it('groups the stays matched with an approved referral apart from the rest, with their amounts', () => {
    const stay = (id: number, insuredHash: string, admissionDate: string, fen: bigint) => ({
      id,
      insuredHash,
      admissionDate,
      fundPaid: Money.fromCents(fen),
      totalCost: Money.fromCents(fen * 2n),
    });
    const groups = staysByReferral(
      [stay(1, 'a', '2026-10-05', 10000n), stay(2, 'b', '2026-10-05', 5000n), stay(3, 'a', '2026-11-05', 100n)],
      [{ id: 1, insuredHash: 'a', validFrom: '2026-10-01', validTo: '2026-10-31' }],
    );
    expect(groups.map((g) => [g.referred, g.settlements, g.fundPaid.toString(), g.totalCost.toString()])).toEqual([
      [true, 1, '100.00', '200.00'],
      [false, 2, '51.00', '102.00'],
    ]);
    expect(staysByReferral([], [])).toEqual([]);
  });
});
