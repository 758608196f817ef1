import fc from 'fast-check';
import { splitPassDown } from './claim-cycle';
import { splitInCodeOrder } from './largest-remainder';
import {
  ACCOUNTS,
  AccountTotals,
  applyTransfers,
  balanceIn,
  communityPackageAccount,
  CYCLE_ACCOUNTS,
  presentAccount,
  trialBalance,
  YEAR_END_ACCOUNTS,
} from './ledger';
import { Dec, Money } from './money';
import { refusal } from './refusal.spec-helper';
import {
  communityYearEndTransfers,
  depositReleaseRate,
  settleCommunityYear,
  settlePrivateYear,
  unitFunding,
  UnitYear,
} from './year-end-settlement';

const unit = (code: string, approved: string, primary: boolean, paid = '0', deposit = '0'): UnitYear => ({
  code,
  primary,
  approvedConsumption: Money.of(approved),
  paidSoFar: Money.of(paid),
  depositWithheld: Money.of(deposit),
});
const settle = { primaryFloorRate: '0.25', surplusPrimaryWeight: '1.5', depositReleaseRate: '1' };

// SPEC §7 worked example: M = 10 000 000, out-of-county 1 200 000 → O = 1 000 000.
const example = {
  communityCode: 'WS',
  communityPackage: Money.of('10000000.00'),
  outOfCountyExpenditure: Money.of('1200000.00'),
  members: [
    unit('WS-01-LEAD', '5200000.00', false),
    unit('WS-02-TCM', '1800000.00', false),
    unit('WS-03-TC-A', '1500000.00', true),
    unit('WS-04-TC-B', '1000000.00', true),
    unit('WS-05-VC-A1', '300000.00', true),
  ],
  ...settle,
};

const cents = (m: Money) => m.toCents();
const balanceOf = balanceIn;

describe('settleCommunityYear (SPEC §7)', () => {
  it('reproduces the worked example: shares, primary after shares, balance due', () => {
    const r = settleCommunityYear(example);
    expect(r.overspend.toString()).toBe('1000000.00');
    expect(r.statements.map((s) => s.overspendShare.toString())).toEqual(['530612.25', '183673.47', '153061.22', '102040.82', '30612.24']);
    expect(r.primaryAfterShares.toString()).toBe('2514285.72');
    expect(r.primaryShareOfPackage).toBe('0.2514');
    expect(r.floor.met).toBe(true);
    // Nothing paid yet: each unit is owed its consumption less its share.
    expect(r.statements[0].balanceDue.toString()).toBe('4669387.75');
  });

  it('owes back what a unit was paid beyond its share', () => {
    const paid = { ...example, members: example.members.map((m) => ({ ...m, paidSoFar: m.approvedConsumption })) };
    const r = settleCommunityYear(paid);
    expect(r.statements.map((s) => s.balanceDue.toString())).toEqual(['-530612.25', '-183673.47', '-153061.22', '-102040.82', '-30612.24']);
  });

  it('proposes the surplus tilted to primary units and tops up the floor from it', () => {
    // M = 1 000 000, E = 800 000 with primary only 100 000: the floor needs 250 000.
    const r = settleCommunityYear({
      ...settle,
      communityCode: 'S',
      communityPackage: Money.of('1000000.00'),
      outOfCountyExpenditure: Money.ZERO,
      members: [unit('S-1', '700000.00', false), unit('S-2', '100000.00', true)],
    });
    expect(r.surplus.toString()).toBe('200000.00');
    // Weighted 700 000 : 150 000 → 164 705.88 / 35 294.12; primary then 135 294.12, short 114 705.88.
    expect(r.statements.map((s) => [s.surplusShare.toString(), s.floorTopUp.toString()])).toEqual([
      ['164705.88', '-114705.88'],
      ['35294.12', '114705.88'],
    ]);
    expect(r.primaryAfterShares.toString()).toBe('250000.00');
    expect(r.floor.met).toBe(true);
  });

  it('can move primary units’ overspend shares to the others to meet the floor (the option), or report the violation', () => {
    // With a 26% floor the example's primary funds fall 85 714.28 short.
    const violation = settleCommunityYear({ ...example, primaryFloorRate: '0.26' });
    expect([violation.floor.met, violation.floor.shortfall.toString(), violation.floorReapportioned.toString()]).toEqual([
      false,
      '85714.28',
      '0.00',
    ]);
    const moved = settleCommunityYear({ ...example, primaryFloorRate: '0.26', reapportionFloorShortfall: true });
    expect([moved.floor.met, moved.primaryAfterShares.toString(), moved.floorReapportioned.toString()]).toEqual([
      true,
      '2600000.00',
      '85714.28',
    ]);
    expect(Money.sum(moved.statements.map((s) => s.overspendShare)).toString()).toBe('1000000.00');
    // Moved from the primary units in proportion to their shares, to the others by consumption (5.2 : 1.8).
    expect(moved.statements.map((s) => s.overspendShare.toString())).toEqual([
      '594285.72',
      '205714.28',
      '107142.86',
      '71428.57',
      '21428.57',
    ]);
  });

  it('releases the deposit by score, split by what each unit had withheld', () => {
    const r = settleCommunityYear({
      ...example,
      depositReleaseRate: depositReleaseRate('85'),
      members: example.members.map((m, i) => ({ ...m, depositWithheld: Money.of(['100.00', '50.00', '0', '25.01', '0'][i]) })),
    });
    expect(r.depositWithheld.toString()).toBe('175.01');
    expect(r.depositReleased.toString()).toBe('148.76');
    expect(r.statements.map((s) => s.depositRelease.toString())).toEqual(['85.00', '42.50', '0.00', '21.26', '0.00']);
  });

  it('refuses a negative deposit or payment', () => {
    expect(refusal(() => settleCommunityYear({ ...example, members: [unit('X', '1.00', false, '-1')] })).details[0].field).toBe(
      'members.0.paidSoFar',
    );
  });
});

describe('unitFunding', () => {
  it('splits each declaration’s deposit and funded cash over its units by approved amount', () => {
    const d = {
      id: 1,
      approved: Money.of('300.00'),
      deposit: Money.of('10.00'),
      funded: Money.of('200.00'),
      units: [
        { code: 'A', approved: Money.of('200.00') },
        { code: 'B', approved: Money.of('100.00') },
      ],
    };
    const second = {
      ...d,
      id: 2,
      approved: Money.of('100.00'),
      deposit: Money.ZERO,
      funded: Money.of('100.00'),
      units: [{ code: 'B', approved: Money.of('100.00') }],
    };
    const f = unitFunding([d, second]);
    expect([...f].map(([code, u]) => [code, u.approved.toString(), u.deposit.toString(), u.paid.toString()])).toEqual([
      ['A', '200.00', '6.67', '126.67'],
      ['B', '200.00', '3.33', '163.33'],
    ]);
  });
  it('splits the funded cash as the pass-downs do: between the members that claimed, then within a township', () => {
    // 0.01 over lead L, township T and T's village V at 1.00 each. Split flat over the units, the
    // fen would go to L (a tie, code order); the pass-downs give it to T (2.00 of 3.00), and T keeps it (a tie with V).
    const units = [
      { code: 'L', approved: Money.of('1.00') },
      { code: 'T', approved: Money.of('1.00') },
      { code: 'V', approved: Money.of('1.00'), submitter: 'T' },
    ];
    const f = unitFunding([{ id: 1, approved: Money.of('3.00'), deposit: Money.ZERO, funded: Money.of('0.01'), units }]);
    expect([...f].map(([code, u]) => `${code}=${u.paid}`)).toEqual(['L=0.00', 'T=0.01', 'V=0.00']);
    const member = splitPassDown(Money.of('0.01'), [
      { code: 'L', approved: Money.of('1.00') },
      { code: 'T', approved: Money.of('2.00') },
    ]);
    const township = splitPassDown(member.find((m) => m.code === 'T')!.amount, units.slice(1));
    expect([...member.filter((m) => m.code === 'L'), ...township].map((p) => `${p.code}=${p.amount}`)).toEqual([
      'L=0.00',
      'T=0.01',
      'V=0.00',
    ]);
  });
  it('refuses records that do not add up to the declaration', () => {
    expect(
      refusal(() =>
        unitFunding([
          {
            id: 7,
            approved: Money.of('1.00'),
            deposit: Money.ZERO,
            funded: Money.ZERO,
            units: [{ code: 'A', approved: Money.of('2.00') }],
          },
        ]),
      ).code,
    ).toBe('YEAR_END_LEDGER_MISMATCH');
  });
});

describe('communityYearEndTransfers', () => {
  it('refuses to post when the ledger deposit disagrees with the statements', () => {
    const r = settleCommunityYear(example);
    expect(
      refusal(() =>
        communityYearEndTransfers('ye', r, {
          package: Money.ZERO,
          leadAdvance: Money.ZERO,
          qualityDeposit: Money.of('1.00'),
          outOfCountyUnfunded: Money.ZERO,
        }),
      ).code,
    ).toBe('YEAR_END_LEDGER_MISMATCH');
  });
});

/**
 * A community's year as the monthly cycle leaves it: members' consumption, out-of-county
 * spending funded up to M, members funded up to what is left, deposits withheld at a rate, part
 * of the package advanced and not yet offset.
 */
const communityYear = fc.record({
  m: fc.integer({ min: 100, max: 100_000_000 }),
  consumption: fc.array(fc.tuple(fc.integer({ min: 0, max: 60_000_000 }), fc.boolean()), { minLength: 1, maxLength: 8 }),
  outOfCounty: fc.integer({ min: 0, max: 30_000_000 }),
  fundedShare: fc.integer({ min: 0, max: 100 }),
  advanceShare: fc.integer({ min: 0, max: 100 }),
  depositPercent: fc.integer({ min: 0, max: 10 }),
  score: fc.integer({ min: 0, max: 100 }),
  floor: fc.constantFrom('0.20', '0.25', '0.40'),
  reapportion: fc.boolean(),
});

type CommunityYear = typeof communityYear extends fc.Arbitrary<infer T> ? T : never;

/** Settles a generated year, posts it against the ledger the cycle left, and checks both. */
function settlesAndBalances(y: CommunityYear, planWeights?: number[]) {
  const M = Money.fromCents(BigInt(y.m));
  const members = y.consumption.map(([c, primary], i) => ({
    code: `U${String(i).padStart(2, '0')}`,
    primary,
    approvedConsumption: Money.fromCents(BigInt(c)),
  }));
  const eOut = Money.fromCents(BigInt(y.outOfCounty));
  const outFunded = eOut.lt(M) ? eOut : M;
  const room = M.minus(outFunded);
  const consumed = Money.sum(members.map((m) => m.approvedConsumption));
  const fundable = consumed.lt(room) ? consumed : room;
  const funded = Money.roundHalfUp(fundable.times(y.fundedShare).dividedBy(100));
  const deposit = Money.roundHalfUp(funded.times(y.depositPercent).dividedBy(100));
  const split = (total: Money) =>
    total.isPositive()
      ? splitInCodeOrder(total, members, (m) => m.approvedConsumption.toDecimal()).map((s) => s.amount)
      : members.map(() => Money.ZERO);
  const deposits = split(deposit);
  const cash = split(funded.minus(deposit));
  const unspent = room.minus(funded);
  const advance = Money.roundHalfUp(unspent.times(y.advanceShare).dividedBy(100));
  const inputs = {
    communityCode: 'C',
    communityPackage: M,
    outOfCountyExpenditure: eOut,
    primaryFloorRate: y.floor,
    surplusPrimaryWeight: '1.5',
    depositReleaseRate: depositReleaseRate(String(y.score)),
    reapportionFloorShortfall: y.reapportion,
    members: members.map((m, i) => ({ ...m, depositWithheld: deposits[i], paidSoFar: cash[i] })),
  };
  // An approved surplus plan (§9.3): the year's surplus split by the planners' own weights.
  const proposal = settleCommunityYear(inputs);
  const weights = planWeights?.slice(0, members.length);
  const plan =
    weights && proposal.surplus.isPositive() && weights.some((w) => w > 0)
      ? new Map(
          splitInCodeOrder(proposal.surplus, members, (m) => new Dec(weights[members.indexOf(m)] ?? 0)).map((s) => [s.part.code, s.amount]),
        )
      : undefined;
  const r = plan ? settleCommunityYear({ ...inputs, surplusPlan: plan }) : proposal;
  if (plan) {
    expect(r.surplusPlanApplied).toBe(true);
    expect(r.statements.map((s) => [s.surplusShare.toString(), s.floorTopUp.toString()])).toEqual(
      members.map((m) => [plan.get(m.code)!.toString(), '0.00']),
    );
  }

  const shares = r.statements.map((s) => s.overspendShare);
  expect(Money.sum(shares).plus(r.overspendUnapportioned).eq(r.overspend)).toBe(true);
  const basis = Money.sum(members.map((m) => m.approvedConsumption)).toDecimal();
  // Only a year with no consumption to share by leaves anything unshared.
  if (!basis.isZero()) expect(r.overspendUnapportioned.isZero() && r.surplusUnallocated.isZero()).toBe(true);
  r.statements.forEach((s) => {
    expect(s.overspendShare.isNegative()).toBe(false);
    if (!r.floorReapportioned.isZero() || basis.isZero()) return; // moved on purpose to meet the floor
    const exact = r.overspend.toDecimal().times(s.approvedConsumption.toDecimal()).dividedBy(basis);
    expect(exact.minus(s.overspendShare.toDecimal()).abs().lte(new Dec('0.01'))).toBe(true);
  });
  // The option never makes the floor worse, and moves no more than the shortfall.
  if (!r.floorReapportioned.isZero())
    expect(r.floorReapportioned.lte(settleCommunityYear({ ...inputs, reapportionFloorShortfall: false }).floor.shortfall)).toBe(true);
  expect(
    Money.sum(r.statements.map((s) => s.surplusShare.plus(s.floorTopUp)))
      .plus(r.surplusUnallocated)
      .eq(r.surplus),
  ).toBe(true);

  // The ledger as the cycle left it; posting must leave clearing at zero.
  const start = new Map<string, AccountTotals>([
    [communityPackageAccount('C'), { debits: Money.ZERO, credits: unspent.minus(advance) }],
    [CYCLE_ACCOUNTS.leadAdvance('C'), { debits: Money.ZERO, credits: advance }],
    [CYCLE_ACCOUNTS.qualityDeposit('C'), { debits: Money.ZERO, credits: deposit }],
    // Where that money came from, so that the ledger balances as a whole.
    [ACCOUNTS.fundSource, { debits: unspent.plus(deposit), credits: Money.ZERO }],
  ]);
  const transfers = communityYearEndTransfers('ye', r, {
    package: unspent.minus(advance),
    leadAdvance: advance,
    qualityDeposit: deposit,
    outOfCountyUnfunded: eOut.minus(outFunded),
  });
  const after = applyTransfers(start, transfers);
  expect(balanceOf(after, YEAR_END_ACCOUNTS.clearing('C')).isZero()).toBe(true);
  expect(balanceOf(after, communityPackageAccount('C')).isZero()).toBe(true);
  expect(balanceOf(after, CYCLE_ACCOUNTS.qualityDeposit('C')).isZero()).toBe(true);
  // As the finance office reads it: every balance on its account's normal side, 借 total = 贷 total.
  const presented = [...after].map(([code, totals]) => presentAccount(code, totals));
  expect(presented.filter((a) => a.balance.side !== '平' && a.balance.side !== a.normalSide).map((a) => a.code)).toEqual([]);
  expect(trialBalance(presented).balanced).toBe(true);
  for (const s of r.statements) {
    const owed = balanceOf(after, YEAR_END_ACCOUNTS.due(s.code)).plus(balanceOf(after, YEAR_END_ACCOUNTS.receivable(s.code)));
    expect(cents(owed)).toBe(cents(s.balanceDue));
  }
  // The surplus nobody could share is retained for the surplus plan; the overspend nobody
  // could bear leaves that much of the out-of-county spending unfunded, for the bureau.
  expect(balanceOf(after, YEAR_END_ACCOUNTS.retainedSurplus('C')).eq(r.surplusUnallocated)).toBe(true);
  expect(balanceOf(after, CYCLE_ACCOUNTS.outOfCounty('C')).eq(eOut.minus(outFunded).minus(r.overspendUnapportioned))).toBe(true);
  expect(new Set(transfers.map((t) => t.id)).size).toBe(transfers.length);
  return r;
}

describe('year-end properties', () => {
  it('an approved surplus plan replaces the proposal: each unit gets the plan’s amount, nothing stays unallocated, and the postings still clear to the fen', () => {
    fc.assert(
      fc.property(
        communityYear.filter((y) => y.consumption.some(([c]) => c > 0)),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 8, maxLength: 8 }),
        (y, weights) => void settlesAndBalances(y, weights),
      ),
      { numRuns: 300 },
    );
  });

  it('a plan for another surplus, or naming a stranger, is not applied and the year says why', () => {
    const year = {
      ...settle,
      communityCode: 'S',
      communityPackage: Money.of('1000000.00'),
      outOfCountyExpenditure: Money.ZERO,
      members: [unit('S-1', '700000.00', false), unit('S-2', '100000.00', true)],
    };
    const off = settleCommunityYear({ ...year, surplusPlan: new Map([['S-2', Money.of('199999.99')]]) });
    expect([off.surplusPlanApplied, off.surplusPlanOutdated]).toEqual([
      false,
      "the surplus plan distributes 199999.99, but the year's surplus is now 200000.00",
    ]);
    expect(off.statements[1].floorTopUp.toString()).toBe('114705.88');
    const stranger = settleCommunityYear({ ...year, surplusPlan: new Map([['X-9', Money.of('200000.00')]]) });
    expect(stranger.surplusPlanOutdated).toBe('the surplus plan names X-9, not members of the community');
    const applied = settleCommunityYear({ ...year, surplusPlan: new Map([['S-2', Money.of('200000.00')]]) });
    expect(applied.statements.map((s) => s.surplusShare.toString())).toEqual(['0.00', '200000.00']);
    expect([applied.primaryAfterShares.toString(), applied.floor.met, applied.surplusUnallocated.toString()]).toEqual([
      '300000.00',
      true,
      '0.00',
    ]);
  });

  it('overspend shares sum to O exactly, none negative, each within a fen of its exact share; statements balance with the ledger', () => {
    fc.assert(
      fc.property(
        communityYear.filter((y) => y.consumption.some(([c]) => c > 0)),
        (y) => void settlesAndBalances(y),
      ),
      { numRuns: 300 },
    );
  });

  it('a year with a package and no consumption settles: the whole of M − E_out is surplus retained unallocated, or the overspend is reported unapportioned; nobody is owed or owes anything', () => {
    fc.assert(
      fc.property(
        communityYear.map((y) => ({ ...y, consumption: y.consumption.map(([, primary]) => [0, primary] as [number, boolean]) })),
        (y) => {
          const r = settlesAndBalances(y);
          const M = Money.fromCents(BigInt(y.m));
          const eOut = Money.fromCents(BigInt(y.outOfCounty));
          expect(r.totalExpenditure.eq(eOut)).toBe(true);
          if (eOut.lt(M)) {
            expect(r.surplus.eq(M.minus(eOut)) && r.surplusUnallocated.eq(r.surplus)).toBe(true);
            expect(r.overspendUnapportioned.isZero()).toBe(true);
          } else {
            expect(r.overspend.eq(eOut.minus(M)) && r.overspendUnapportioned.eq(r.overspend)).toBe(true);
            expect(r.surplusUnallocated.isZero()).toBe(true);
          }
          for (const s of r.statements) {
            expect([s.overspendShare, s.surplusShare, s.floorTopUp, s.balanceDue].every((x) => x.isZero())).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('settlePrivateYear (SPEC §7, private institutions)', () => {
  const rates = { surplusRewardRate: '0.5', overspendShareRate: '0.5', overspendLimitRate: '0.10' };
  it('pays actual plus half the unspent budget when within budget', () => {
    const s = settlePrivateYear({
      code: 'P',
      annualBudget: Money.of('1200.00'),
      approvedConsumption: Money.of('1000.00'),
      funded: Money.of('1000.00'),
      depositWithheld: Money.of('50.00'),
      ...rates,
    });
    expect([
      s.surplusShare.toString(),
      s.overspendShare.toString(),
      s.depositRelease.toString(),
      s.paidSoFar.toString(),
      s.balanceDue.toString(),
    ]).toEqual(['100.00', '0.00', '50.00', '950.00', '150.00']);
  });
  it('shares half the overspend within 10% of the budget, nothing beyond', () => {
    // Budget 1 000, actual 1 300: overspend 300, shareable 100, bureau pays 50; the institution bears 250.
    const s = settlePrivateYear({
      code: 'P',
      annualBudget: Money.of('1000.00'),
      approvedConsumption: Money.of('1300.00'),
      funded: Money.of('1000.00'),
      depositWithheld: Money.of('50.00'),
      ...rates,
    });
    expect([s.overspendShare.toString(), s.balanceDue.toString()]).toEqual(['250.00', '100.00']);
    const small = settlePrivateYear({
      code: 'P',
      annualBudget: Money.of('1000.00'),
      approvedConsumption: Money.of('1040.00'),
      funded: Money.of('1000.00'),
      depositWithheld: Money.ZERO,
      ...rates,
    });
    expect([small.overspendShare.toString(), small.balanceDue.toString()]).toEqual(['20.00', '20.00']);
  });
});
