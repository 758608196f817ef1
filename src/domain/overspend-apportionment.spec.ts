import fc from 'fast-check';
import { Money } from './money';
import {
  apportionOverspend,
  DEFAULT_SURPLUS_PRIMARY_WEIGHT,
  MemberConsumption,
  proposeSurplusDistribution,
} from './overspend-apportionment';
import { refusal } from './refusal.spec-helper';

const m = (code: string, amount: string, primary: boolean): MemberConsumption => ({ code, approvedConsumption: Money.of(amount), primary });
// SPEC §7 worked example; codes sort in the order SPEC lists the units.
const example = {
  communityPackage: Money.of('10000000.00'),
  members: [
    m('WS-01-LEAD', '5200000.00', false), // lead hospital
    m('WS-02-TCM', '1800000.00', false), // county TCM hospital
    m('WS-03-TC-A', '1500000.00', true), // township A
    m('WS-04-TC-B', '1000000.00', true), // township B
    m('WS-05-VC-A1', '300000.00', true), // village A1
  ],
  outOfCountyExpenditure: Money.of('1200000.00'),
  primaryFloorRate: '0.25',
};
const shareTexts = (shares: { code: string; overspendShare: Money }[]) => shares.map((s) => `${s.code}=${s.overspendShare}`);

describe('apportionOverspend (SPEC §7, 超支不补)', () => {
  it('reproduces the worked example to the fen', () => {
    const r = apportionOverspend(example);
    expect(r.totalExpenditure.toString()).toBe('11000000.00');
    expect(r.overspend.toString()).toBe('1000000.00');
    expect(shareTexts(r.shares)).toEqual([
      'WS-01-LEAD=530612.25',
      'WS-02-TCM=183673.47',
      'WS-03-TC-A=153061.22',
      'WS-04-TC-B=102040.82',
      'WS-05-VC-A1=30612.24',
    ]);
    expect(r.primaryAfterShares.toString()).toBe('2514285.72');
    expect(r.primaryShareOfPackage.toFixed(4)).toBe('0.2514');
    expect(r.floor).toMatchObject({ met: true, required: Money.of('2500000.00') });
  });

  it('breaks the example’s one tie by code: the lead and village A1 have equal remainders', () => {
    // Exact shares in fen: 53061224.4898, 18367346.9388, 15306122.4490, 10204081.6327, 3061224.4898.
    // Three spare fen: .9388 (TCM), .6327 (township B), then lead and village A1 tie at 24/49 of a fen;
    // the earlier code wins. SPEC's cents need the lead's code to sort before village A1's.
    const villageFirst = {
      ...example,
      members: example.members.map((x) => (x.code === 'WS-05-VC-A1' ? { ...x, code: 'WS-00-VC-A1' } : x)),
    };
    expect(shareTexts(apportionOverspend(villageFirst).shares)).toEqual([
      'WS-00-VC-A1=30612.25',
      'WS-01-LEAD=530612.24',
      'WS-02-TCM=183673.47',
      'WS-03-TC-A=153061.22',
      'WS-04-TC-B=102040.82',
    ]);
  });

  it('does not depend on the order the members are given in', () => {
    expect(shareTexts(apportionOverspend({ ...example, members: [...example.members].reverse() }).shares)).toEqual(
      shareTexts(apportionOverspend(example).shares),
    );
  });

  it('can attribute out-of-county spending to the lead unit', () => {
    const r = apportionOverspend({ ...example, attributeOutOfCountyToLead: 'WS-01-LEAD' });
    // Basis: lead 6 400 000 of E = 11 000 000.
    expect(r.shares[0].consumptionBasis.toString()).toBe('6400000.00');
    expect(shareTexts(r.shares)).toEqual([
      'WS-01-LEAD=581818.18',
      'WS-02-TCM=163636.36',
      'WS-03-TC-A=136363.64',
      'WS-04-TC-B=90909.09',
      'WS-05-VC-A1=27272.73',
    ]);
    expect(Money.sum(r.shares.map((s) => s.overspendShare)).eq(r.overspend)).toBe(true);
    expect(refusal(() => apportionOverspend({ ...example, attributeOutOfCountyToLead: 'WS-03-TC-A' })).details[0].field).toBe(
      'attributeOutOfCountyToLead',
    );
    expect(refusal(() => apportionOverspend({ ...example, attributeOutOfCountyToLead: 'NOPE' })).code).toBe('YEAR_END_INPUT_INVALID');
  });

  it('reports an unmet floor after shares as a violation', () => {
    const r = apportionOverspend({ ...example, primaryFloorRate: '0.26' });
    expect(r.floor).toMatchObject({ met: false, shortfall: Money.of('85714.28') });
  });

  it('apportions nothing when there is no overspend', () => {
    const r = apportionOverspend({ ...example, outOfCountyExpenditure: Money.of('200000.00') });
    expect(r.overspend.isZero()).toBe(true);
    expect(r.shares.every((s) => s.overspendShare.isZero() && s.fundsAfterShare.eq(s.approvedConsumption))).toBe(true);
  });

  it('refuses bad inputs, naming the fields', () => {
    const e = refusal(() =>
      apportionOverspend({
        ...example,
        communityPackage: Money.ZERO,
        outOfCountyExpenditure: Money.of('-1'),
        members: [m('A', '-1.00', false), m('A', '1.00', true)],
      }),
    );
    expect(e.code).toBe('YEAR_END_INPUT_INVALID');
    expect(e.details.map((d) => d.field)).toEqual([
      'communityPackage',
      'outOfCountyExpenditure',
      'members.0.approvedConsumption',
      'members.1.code',
    ]);
    expect(refusal(() => apportionOverspend({ ...example, members: [] })).details[0].field).toBe('members');
  });

  it('leaves an overspend unapportioned, and says so, when no member unit has consumption to share it by', () => {
    const r = apportionOverspend({
      ...example,
      members: [m('A', '0', false), m('B', '0', true)],
      outOfCountyExpenditure: Money.of('10000000.01'),
    });
    expect(r.overspend.toString()).toBe('0.01');
    expect(r.overspendUnapportioned.toString()).toBe('0.01');
    expect(r.shares.map((s) => s.overspendShare.toString())).toEqual(['0.00', '0.00']);
    // With the option, the lead bears it as its own out-of-county consumption.
    const lead = apportionOverspend({
      ...example,
      members: [m('A', '0', false), m('B', '0', true)],
      outOfCountyExpenditure: Money.of('10000000.01'),
      attributeOutOfCountyToLead: 'A',
    });
    expect(lead.overspendUnapportioned.isZero()).toBe(true);
    expect(shareTexts(lead.shares)).toEqual(['A=0.01', 'B=0.00']);
  });

  const membersArb = fc
    .uniqueArray(
      fc.record({ code: fc.stringMatching(/^[A-Z]{2,5}$/), cents: fc.bigInt({ min: 0n, max: 10n ** 10n }), primary: fc.boolean() }),
      { minLength: 1, maxLength: 8, selector: (x) => x.code },
    )
    .map((xs) => xs.map((x) => ({ code: x.code, approvedConsumption: Money.fromCents(x.cents), primary: x.primary })));

  it('conserves money: shares sum to O, each within a fen of O × E_i / ΣE, funds after shares sum to M − E_out', () => {
    fc.assert(
      fc.property(
        membersArb,
        fc.bigInt({ min: 1n, max: 10n ** 11n }),
        fc.bigInt({ min: 0n, max: 10n ** 10n }),
        (members, mCents, outCents) => {
          const M = Money.fromCents(mCents);
          const eOut = Money.fromCents(outCents);
          const sumE = Money.sum(members.map((x) => x.approvedConsumption));
          const O = sumE.plus(eOut).minus(M);
          const r = apportionOverspend({ communityPackage: M, members, outOfCountyExpenditure: eOut, primaryFloorRate: '0.25' });
          if (O.isPositive() && sumE.isZero())
            // Nothing to share by: the whole overspend reported, no unit bearing any of it.
            return r.overspendUnapportioned.eq(O) && r.shares.every((s) => s.overspendShare.isZero());
          if (!r.overspendUnapportioned.isZero()) return false;
          const o = r.overspend.toCents();
          const e = sumE.toCents();
          // |O_i − O × E_i / ΣE| < 1 fen, in integers: |O_i × ΣE − O × E_i| < ΣE.
          const withinAFen = r.shares.every((s) => {
            const d = s.overspendShare.toCents() * e - o * s.approvedConsumption.toCents();
            return d > -e && d < e;
          });
          return (
            r.overspend.eq(O.isPositive() ? O : Money.ZERO) &&
            Money.sum(r.shares.map((s) => s.overspendShare)).eq(r.overspend) &&
            r.shares.every((s) => !s.overspendShare.isNegative()) &&
            (o === 0n || withinAFen) &&
            // 超支不补: when overspent, what the units keep plus E_out is exactly M.
            (o === 0n ||
              Money.sum(r.shares.map((s) => s.fundsAfterShare))
                .plus(eOut)
                .eq(M)) &&
            r.shares.map((s) => s.code).join() ===
              members
                .map((x) => x.code)
                .sort()
                .join()
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('proposeSurplusDistribution (SPEC §7, 结余留用)', () => {
  const lowSpend = {
    ...example,
    members: [
      m('WS-01-LEAD', '4000000.00', false),
      m('WS-02-TCM', '1600000.00', false),
      m('WS-03-TC-A', '1500000.00', true),
      m('WS-04-TC-B', '1000000.00', true),
      m('WS-05-VC-A1', '300000.00', true),
    ],
    outOfCountyExpenditure: Money.of('1000000.00'),
  };

  it('splits S by consumption share with primary units weighted ×1.5', () => {
    // E = 9 400 000, S = 600 000. Weights: 4 000 000, 1 600 000, 2 250 000, 1 500 000, 450 000 (Σ 9 800 000).
    const r = proposeSurplusDistribution({ ...lowSpend, primaryWeight: DEFAULT_SURPLUS_PRIMARY_WEIGHT });
    expect(r.surplus.toString()).toBe('600000.00');
    expect(r.shares.map((s) => s.surplusShare.toString())).toEqual(['244897.96', '97959.18', '137755.10', '91836.74', '27551.02']);
    expect(r.shares.every((s) => s.floorTopUp.isZero())).toBe(true);
    expect(r.primaryAfterShares.toString()).toBe('3057142.86');
    expect(r.floor.met).toBe(true);
    expect(Money.sum(r.shares.map((s) => s.surplusShare)).eq(r.surplus)).toBe(true);
  });

  it('uses the weight it is given, and refuses one that tilts away from primary units', () => {
    const plain = proposeSurplusDistribution({ ...lowSpend, primaryWeight: '1' });
    expect(plain.shares[0].surplusShare.toString()).toBe('285714.29'); // 600 000 × 4 000 000 / 8 400 000
    expect(refusal(() => proposeSurplusDistribution({ ...lowSpend, primaryWeight: '0.9' })).details[0]).toMatchObject({
      field: 'primaryWeight',
      rule: 'atLeastOne',
    });
  });

  it('tops a primary shortfall up from the surplus first, taking it from the other units’ shares', () => {
    // Primary consumption 1 000 000 of M 10 000 000; floor 25% needs 2 500 000.
    const r = proposeSurplusDistribution({
      ...example,
      members: [m('WS-01-LEAD', '6000000.00', false), m('WS-03-TC-A', '600000.00', true), m('WS-04-TC-B', '400000.00', true)],
      outOfCountyExpenditure: Money.ZERO,
    });
    expect(r.surplus.toString()).toBe('3000000.00');
    expect(r.floor).toMatchObject({ met: true, shortfall: Money.ZERO });
    expect(r.primaryAfterShares.toString()).toBe('2500000.00');
    expect(r.shares.map((s) => `${s.code}:${s.surplusShare}:${s.floorTopUp}`)).toEqual([
      // Weighted proposal 6 000 000 : 900 000 : 600 000 → 2 400 000 / 360 000 / 240 000; primary is then
      // 1 600 000, so 900 000 moves from the lead to the townships by consumption 600 000 : 400 000.
      'WS-01-LEAD:2400000.00:-900000.00',
      'WS-03-TC-A:360000.00:540000.00',
      'WS-04-TC-B:240000.00:360000.00',
    ]);
    expect(Money.sum(r.shares.map((s) => s.floorTopUp)).isZero()).toBe(true);
  });

  it('reports what the surplus cannot cover as the floor’s shortfall', () => {
    const r = proposeSurplusDistribution({
      ...example,
      members: [m('WS-01-LEAD', '9500000.00', false), m('WS-03-TC-A', '100000.00', true)],
      outOfCountyExpenditure: Money.ZERO,
    });
    // S = 400 000 by 9 500 000 : 150 000; all of the lead's share moves, and primary reaches 500 000 of the 2 500 000 required.
    expect(r.shares.map((s) => `${s.code}:${s.surplusShare}:${s.floorTopUp}`)).toEqual([
      'WS-01-LEAD:393782.38:-393782.38',
      'WS-03-TC-A:6217.62:393782.38',
    ]);
    expect(r.primaryAfterShares.toString()).toBe('500000.00');
    expect(r.floor).toMatchObject({ met: false, shortfall: Money.of('2000000.00') });
  });

  it('leaves the whole surplus unallocated, and the floor unmet, when no member unit has consumption to share it by', () => {
    const r = proposeSurplusDistribution({
      ...example,
      members: [m('WS-01-LEAD', '0', false), m('WS-03-TC-A', '0', true)],
      outOfCountyExpenditure: Money.of('1200000.00'),
    });
    expect(r.surplus.toString()).toBe('8800000.00');
    expect(r.surplusUnallocated.toString()).toBe('8800000.00');
    expect(r.shares.every((s) => s.surplusShare.isZero() && s.floorTopUp.isZero())).toBe(true);
    expect(r.floor).toMatchObject({ met: false, shortfall: Money.of('2500000.00') });
  });

  it('proposes nothing when there is no surplus', () => {
    const r = proposeSurplusDistribution(example); // E = 11 000 000 > M
    expect(r.surplus.isZero()).toBe(true);
    expect(r.shares.every((s) => s.surplusShare.isZero() && s.floorTopUp.isZero())).toBe(true);
  });

  it('always hands out exactly S, never makes a share negative, and meets the floor whenever S could', () => {
    const membersArb = fc
      .uniqueArray(
        fc.record({ code: fc.stringMatching(/^[A-Z]{2,5}$/), cents: fc.bigInt({ min: 0n, max: 10n ** 9n }), primary: fc.boolean() }),
        { minLength: 1, maxLength: 8, selector: (x) => x.code },
      )
      .filter((xs) => xs.some((x) => x.cents > 0n))
      .map((xs) => xs.map((x) => ({ code: x.code, approvedConsumption: Money.fromCents(x.cents), primary: x.primary })));
    fc.assert(
      fc.property(
        membersArb,
        fc.bigInt({ min: 1n, max: 10n ** 10n }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 10, max: 30 }),
        (members, extraCents, percent, weightTenths) => {
          const sumE = Money.sum(members.map((x) => x.approvedConsumption));
          const M = sumE.plus(Money.fromCents(extraCents));
          const floorRate = (percent / 100).toFixed(2);
          const r = proposeSurplusDistribution({
            communityPackage: M,
            members,
            outOfCountyExpenditure: Money.ZERO,
            primaryFloorRate: floorRate,
            primaryWeight: (weightTenths / 10).toFixed(1),
          });
          const hasPrimary = members.some((x) => x.primary);
          const primaryBefore = Money.sum(members.filter((x) => x.primary).map((x) => x.approvedConsumption));
          const required = Money.roundHalfUp(M.times(floorRate));
          return (
            r.surplus.eq(M.minus(sumE)) &&
            Money.sum(r.shares.map((s) => s.surplusShare)).eq(r.surplus) &&
            Money.sum(r.shares.map((s) => s.floorTopUp)).isZero() &&
            Money.sum(r.shares.map((s) => s.fundsAfterShare)).eq(M) &&
            r.shares.every(
              (s) =>
                !s.surplusShare.plus(s.floorTopUp).isNegative() && (s.primary ? !s.floorTopUp.isNegative() : !s.floorTopUp.isPositive()),
            ) &&
            // The floor is met whenever primary consumption plus the whole surplus could reach it.
            (!hasPrimary || primaryBefore.plus(r.surplus).lt(required) || r.floor.met) &&
            // Top-ups only ever happen to reach the floor, never beyond it.
            (!r.shares.some((s) => s.floorTopUp.isPositive()) || r.primaryAfterShares.lte(required))
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
