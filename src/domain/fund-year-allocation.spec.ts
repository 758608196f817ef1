import fc from 'fast-check';
import { allocateFundYear, FundYearInputs, splitPackageBetweenCommunities } from './fund-year-allocation';
import { Money } from './money';
import { defaultPolicyParameters } from './policy-parameters';

const rates = defaultPolicyParameters(2021);
const example: FundYearInputs = {
  insuredCount: 312_457n,
  perCapitaStandard: Money.of('830.00'),
  interest: Money.of('1234567.89'),
  criticalIllnessPremiumPerPerson: Money.of('65.00'),
  familyDoctorFee: Money.of('2849300.00'),
  policyAdjustmentExpenditure: Money.of('1500000.00'),
};

describe('allocateFundYear (SPEC §3)', () => {
  it('reproduces the worked example to the fen', () => {
    const a = allocateFundYear(example, rates);
    expect(Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v.toString()]))).toEqual({
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

  it('rejects a non-positive net base and a negative increase', () => {
    expect(() => allocateFundYear({ ...example, familyDoctorFee: Money.of('300000000.00') }, rates)).toThrow(expect.objectContaining({ code: 'NET_BASE_NOT_POSITIVE' }));
    expect(() => allocateFundYear({ ...example, policyAdjustmentExpenditure: Money.of('16857947.26') }, rates)).toThrow(expect.objectContaining({ code: 'COMMUNITY_INCREASE_NEGATIVE' }));
    expect(allocateFundYear({ ...example, policyAdjustmentExpenditure: Money.of('16857947.25') }, rates).communityIncrease.toString()).toBe('0.00');
  });

  it('always splits B exactly into the three shares, each within a fen of its exact value', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1000n, max: 2_000_000n }),
        fc.bigInt({ min: 30_000n, max: 200_000n }),
        fc.bigInt({ min: 0n, max: 500_000_000n }),
        (n, sCents, iCents) => {
          const inputs = { ...example, insuredCount: n, perCapitaStandard: Money.fromCents(sCents), interest: Money.fromCents(iCents), familyDoctorFee: Money.of('0'), policyAdjustmentExpenditure: Money.of('0'), criticalIllnessPremiumPerPerson: Money.of('10') };
          const a = allocateFundYear(inputs, rates);
          expect(a.communityBaseShare.plus(a.increasePool).plus(a.privatePool).eq(a.netBase)).toBe(true);
          const within = (part: Money, rate: string) => part.toDecimal().minus(a.netBase.times(rate)).abs().lte('0.01');
          expect(within(a.communityBaseShare, '0.765') && within(a.increasePool, '0.085') && within(a.privatePool, '0.15')).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('splits M between communities by enrolled population, exactly', () => {
    const parts = splitPackageBetweenCommunities(Money.of('100.00'), [
      { code: 'B', enrolledPopulation: 1n },
      { code: 'A', enrolledPopulation: 1n },
      { code: 'C', enrolledPopulation: 1n },
    ]);
    expect(parts.map((p) => `${p.code}=${p.package}`)).toEqual(['A=33.34', 'B=33.33', 'C=33.33']);
  });
});
