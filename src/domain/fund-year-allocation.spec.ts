import fc from 'fast-check';
import { DomainError } from './domain-error';
import {
  allocateFundYear,
  AllocationRates,
  DEFAULT_ALLOCATION_RATES,
  FundYearAllocation,
  FundYearInputs,
  splitPackageBetweenCommunities,
} from './fund-year-allocation';
import { Dec, Money } from './money';
import { defaultPolicyParameters } from './policy-parameters';
import { refusal } from './refusal.spec-helper';

const rates: AllocationRates = { ...DEFAULT_ALLOCATION_RATES };
const example: FundYearInputs = {
  insuredCount: 312_457n,
  perCapitaStandard: Money.of('830.00'),
  interest: Money.of('1234567.89'),
  criticalIllnessPremiumPerPerson: Money.of('65.00'),
  familyDoctorFee: Money.of('2849300.00'),
  policyAdjustmentExpenditure: Money.of('1500000.00'),
};
const texts = (a: FundYearAllocation) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v.toString()]));

describe('allocateFundYear (SPEC §3)', () => {
  it('reproduces the worked example to the fen', () => {
    expect(texts(allocateFundYear(example, rates))).toEqual({
      raisedTotal: '260573877.89',
      adjustmentReserve: '39086081.68',
      criticalIllnessFund: '20309705.00',
      netBase: '198328791.21',
      communityBaseShare: '151721525.28',
      increasePool: '16857947.25',
      privatePool: '29749318.68',
      communityIncrease: '15357947.25',
      communityPackage: '167079472.53',
    });
  });

  it('gives the same figures for rates as stored text, as Dec, and for the count as text', () => {
    const stored = defaultPolicyParameters(2021);
    expect(texts(allocateFundYear({ ...example, insuredCount: '312457' }, stored))).toEqual(texts(allocateFundYear(example, rates)));
  });

  it('rounds A half up: 0.15 × F ending in .5 fen goes up', () => {
    // F = 0.10 → A = 0.015 → 0.02 (half up), so B = 0.08.
    const a = allocateFundYear(
      {
        ...example,
        insuredCount: 1n,
        perCapitaStandard: Money.of('0.10'),
        interest: Money.ZERO,
        criticalIllnessPremiumPerPerson: Money.ZERO,
        familyDoctorFee: Money.ZERO,
        policyAdjustmentExpenditure: Money.ZERO,
      },
      rates,
    );
    expect(a.adjustmentReserve.toString()).toBe('0.02');
    expect(a.netBase.toString()).toBe('0.08');
  });

  it('refuses a net base that is not positive, naming the fields', () => {
    const e = refusal(() => allocateFundYear({ ...example, familyDoctorFee: Money.of('300000000.00') }, rates));
    expect(e).toMatchObject({ code: 'NET_BASE_NOT_POSITIVE', kind: 'unprocessable' });
    expect(e.details.map((d) => d.field)).toEqual(['familyDoctorFee', 'criticalIllnessPremiumPerPerson']);
    expect(e.message).toContain('= -');
    // B exactly zero is refused too.
    const zero = allocateFundYear({ ...example, familyDoctorFee: Money.ZERO }, rates).netBase;
    expect(refusal(() => allocateFundYear({ ...example, familyDoctorFee: zero }, rates)).code).toBe('NET_BASE_NOT_POSITIVE');
  });

  it('refuses a negative R, and accepts R = 0 at exactly the increase pool', () => {
    const e = refusal(() => allocateFundYear({ ...example, policyAdjustmentExpenditure: Money.of('16857947.26') }, rates));
    expect(e).toMatchObject({
      code: 'COMMUNITY_INCREASE_NEGATIVE',
      kind: 'unprocessable',
      details: [expect.objectContaining({ field: 'policyAdjustmentExpenditure' })],
    });
    expect(e.details[0].message).toContain('at most 16857947.25');
    const edge = allocateFundYear({ ...example, policyAdjustmentExpenditure: Money.of('16857947.25') }, rates);
    expect(edge.communityIncrease.toString()).toBe('0.00');
    expect(edge.communityPackage.eq(edge.communityBaseShare)).toBe(true);
  });

  it('refuses shares of B that do not sum to 1, and rates outside 0..1 or written as percentages', () => {
    expect(refusal(() => allocateFundYear(example, { ...rates, privatePoolRate: new Dec('0.149') }))).toMatchObject({
      code: 'ALLOCATION_RATES_INVALID',
    });
    expect(refusal(() => allocateFundYear(example, { ...rates, communityBaseShareRate: '76.5' }))).toMatchObject({
      code: 'RATE_INVALID',
      details: [expect.objectContaining({ field: 'communityBaseShareRate' })],
    });
    expect(refusal(() => allocateFundYear(example, { ...rates, adjustmentReserveRate: '1e-1' })).code).toBe('RATE_INVALID');
    expect(refusal(() => allocateFundYear(example, { ...rates, adjustmentReserveRate: new Dec('-0.01') })).code).toBe('RATE_INVALID');
  });

  it('refuses a bad insured count and negative amounts, naming each field', () => {
    for (const n of ['-1', '1.5', 'abc', ''])
      expect(refusal(() => allocateFundYear({ ...example, insuredCount: n }, rates))).toMatchObject({
        code: 'ALLOCATION_INPUT_INVALID',
        details: [expect.objectContaining({ field: 'insuredCount' })],
      });
    expect(refusal(() => allocateFundYear({ ...example, insuredCount: -5n }, rates)).code).toBe('ALLOCATION_INPUT_INVALID');
    const e = refusal(() => allocateFundYear({ ...example, interest: Money.of('-0.01'), familyDoctorFee: Money.of('-1') }, rates));
    expect(e.details.map((d) => d.field)).toEqual(['interest', 'familyDoctorFee']);
  });

  it('keeps the default rates only as a frozen seed', () => {
    expect(Object.isFrozen(DEFAULT_ALLOCATION_RATES)).toBe(true);
    expect(Object.values(DEFAULT_ALLOCATION_RATES).map((r) => r.toString())).toEqual(['0.15', '0.765', '0.085', '0.15']);
  });

  // Rates with up to three decimals whose B-shares sum to 1.
  const ratesArb = fc
    .record({ reserve: fc.integer({ min: 0, max: 300 }), base: fc.integer({ min: 0, max: 1000 }), pool: fc.integer({ min: 0, max: 1000 }) })
    .filter((r) => r.base + r.pool <= 1000)
    .map((r) => ({
      adjustmentReserveRate: new Dec(r.reserve).dividedBy(1000),
      communityBaseShareRate: new Dec(r.base).dividedBy(1000),
      increasePoolRate: new Dec(r.pool).dividedBy(1000),
      privatePoolRate: new Dec(1000 - r.base - r.pool).dividedBy(1000),
    }));

  it('satisfies every identity of §3 for any inputs it accepts', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2_000_000n }),
        fc.bigInt({ min: 0n, max: 200_000n }),
        fc.bigInt({ min: 0n, max: 500_000_000n }),
        fc.bigInt({ min: 0n, max: 10_000n }),
        fc.bigInt({ min: 0n, max: 10_000_000_000n }),
        fc.bigInt({ min: 0n, max: 3_000_000_000n }),
        ratesArb,
        (n, sCents, iCents, cCents, dCents, pCents, r) => {
          const inputs: FundYearInputs = {
            insuredCount: n,
            perCapitaStandard: Money.fromCents(sCents),
            interest: Money.fromCents(iCents),
            criticalIllnessPremiumPerPerson: Money.fromCents(cCents),
            familyDoctorFee: Money.fromCents(dCents),
            policyAdjustmentExpenditure: Money.fromCents(pCents),
          };
          const F = inputs.perCapitaStandard.times(n.toString()).plus(inputs.interest.toDecimal());
          const A = Money.roundHalfUp(F.times(r.adjustmentReserveRate));
          const B = F.minus(A.toDecimal()).minus(Money.fromCents(dCents + cCents * n).toDecimal());
          let a: FundYearAllocation;
          try {
            a = allocateFundYear(inputs, r);
          } catch (e) {
            // The only refusals: B ≤ 0, or else R < 0 (P above the increase pool, give or take the fen of the split).
            if (!(e instanceof DomainError)) return false;
            if (B.lte(0)) return e.code === 'NET_BASE_NOT_POSITIVE';
            return (
              e.code === 'COMMUNITY_INCREASE_NEGATIVE' &&
              inputs.policyAdjustmentExpenditure.toDecimal().gt(B.times(r.increasePoolRate).minus('0.01'))
            );
          }
          if (B.lte(0)) return false;
          const within = (part: Money, rate: Dec) => part.toDecimal().minus(a.netBase.times(rate)).abs().lt('0.01');
          return (
            a.raisedTotal.toString() === F.toFixed(2) &&
            a.adjustmentReserve.toDecimal().minus(a.raisedTotal.times(r.adjustmentReserveRate)).abs().lte('0.005') &&
            a.criticalIllnessFund.toCents() === cCents * n &&
            a.netBase.eq(a.raisedTotal.minus(a.adjustmentReserve).minus(inputs.familyDoctorFee).minus(a.criticalIllnessFund)) &&
            a.netBase.isPositive() &&
            a.communityBaseShare.plus(a.increasePool).plus(a.privatePool).eq(a.netBase) &&
            within(a.communityBaseShare, r.communityBaseShareRate) &&
            within(a.increasePool, r.increasePoolRate) &&
            within(a.privatePool, r.privatePoolRate) &&
            a.communityIncrease.eq(a.increasePool.minus(inputs.policyAdjustmentExpenditure)) &&
            !a.communityIncrease.isNegative() &&
            a.communityPackage.eq(a.communityBaseShare.plus(a.communityIncrease)) &&
            // Money is conserved: F = A + C + Dfd + P + M + private pool.
            Money.sum([
              a.adjustmentReserve,
              a.criticalIllnessFund,
              inputs.familyDoctorFee,
              inputs.policyAdjustmentExpenditure,
              a.communityPackage,
              a.privatePool,
            ]).eq(a.raisedTotal)
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('splitPackageBetweenCommunities', () => {
  it('splits M by enrolled population in code order, exactly', () => {
    const parts = splitPackageBetweenCommunities(Money.of('100.00'), [
      { code: 'B', enrolledPopulation: 1n },
      { code: 'A', enrolledPopulation: 1n },
      { code: 'C', enrolledPopulation: '1' },
    ]);
    expect(parts.map((p) => `${p.code}=${p.package}`)).toEqual(['A=33.34', 'B=33.33', 'C=33.33']);
  });

  it('splits the worked-example M between two communities', () => {
    const parts = splitPackageBetweenCommunities(Money.of('167079472.53'), [
      { code: 'WS-MC-01', enrolledPopulation: 200_000n },
      { code: 'WS-MC-02', enrolledPopulation: 112_457n },
    ]);
    // 16707947253 fen × 200000 / 312457 = 10694557813 r 23459; × 112457 / 312457 = 6013389439 r 288998:
    // one spare fen, to the second community's larger remainder.
    expect(parts.map((p) => p.package.toString())).toEqual(['106945578.13', '60133894.40']);
  });

  it('refuses bad or all-zero populations and duplicate codes', () => {
    expect(refusal(() => splitPackageBetweenCommunities(Money.of('1'), [{ code: 'A', enrolledPopulation: '-3' }])).details[0].field).toBe(
      'communities.0.enrolledPopulation',
    );
    expect(refusal(() => splitPackageBetweenCommunities(Money.of('1'), [{ code: 'A', enrolledPopulation: 0n }])).code).toBe(
      'ENROLLED_POPULATION_INVALID',
    );
    expect(refusal(() => splitPackageBetweenCommunities(Money.of('1'), [])).code).toBe('SPLIT_WITHOUT_PARTS');
    expect(
      refusal(() =>
        splitPackageBetweenCommunities(Money.of('1'), [
          { code: 'A', enrolledPopulation: 1n },
          { code: 'A', enrolledPopulation: 2n },
        ]),
      ).code,
    ).toBe('SPLIT_DUPLICATE_CODE');
  });

  it('always sums to M', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 13n }),
        fc
          .uniqueArray(
            fc.record({ code: fc.stringMatching(/^[A-Z]{2,4}$/), enrolledPopulation: fc.bigInt({ min: 0n, max: 2_000_000n }) }),
            { minLength: 1, maxLength: 6, selector: (c) => c.code },
          )
          .filter((cs) => cs.some((c) => c.enrolledPopulation > 0n)),
        (cents, communities) => {
          const parts = splitPackageBetweenCommunities(Money.fromCents(cents), communities);
          expect(Money.sum(parts.map((p) => p.package)).toCents()).toBe(cents);
          expect(parts.map((p) => p.code)).toEqual(communities.map((c) => c.code).sort());
        },
      ),
      { numRuns: 1000 },
    );
  });
});
