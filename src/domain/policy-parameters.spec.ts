import { DomainError } from './domain-error';
import { allocateFundYear } from './fund-year-allocation';
import { Money } from './money';
import { carryForwardParameters, defaultPolicyParameters, validatePolicyParameters } from './policy-parameters';

describe('policy parameters', () => {
  it('seeds a new parameter set from the SPEC defaults, as exact decimal text', () => {
    expect(defaultPolicyParameters(2020)).toMatchObject({
      adjustmentReserveRate: '0.15',
      communityBaseShareRate: '0.765',
      increasePoolRate: '0.085',
      privatePoolRate: '0.15',
      primaryFloorRate: '0.20',
    });
    expect(defaultPolicyParameters(2021).primaryFloorRate).toBe('0.25');
    expect(validatePolicyParameters(defaultPolicyParameters(2026))).toEqual(defaultPolicyParameters(2026));
  });

  it('is accepted as allocation rates directly', () => {
    const a = allocateFundYear(
      {
        insuredCount: '312457',
        perCapitaStandard: Money.of('830'),
        interest: Money.of('1234567.89'),
        criticalIllnessPremiumPerPerson: Money.of('65'),
        familyDoctorFee: Money.of('2849300'),
        policyAdjustmentExpenditure: Money.of('1500000'),
      },
      defaultPolicyParameters(2026),
    );
    expect(a.communityPackage.toString()).toBe('167079472.53');
  });

  it('lists every problem at once', () => {
    let error: DomainError | undefined;
    try {
      validatePolicyParameters({ ...defaultPolicyParameters(2026), privatePoolRate: '0.16', declarationDay: '31', burnWarning: '1.30' });
    } catch (e) {
      error = e as DomainError;
    }
    expect(error?.code).toBe('POLICY_PARAMETERS_INVALID');
    expect(error?.details.map((d) => d.field)).toEqual(['declarationDay']);
    try {
      validatePolicyParameters({ ...defaultPolicyParameters(2026), privatePoolRate: '0.16', burnWarning: '1.30' });
    } catch (e) {
      error = e as DomainError;
    }
    expect(error?.details.map((d) => d.rule)).toEqual(['sharesSumToOne', 'ascending']);
  });
});

describe('carryForwardParameters', () => {
  it('starts a year from the previous one, never below the new year’s primary floor', () => {
    const from2020 = carryForwardParameters({ ...defaultPolicyParameters(2020), qualityDepositRate: '0.05' }, 2021);
    expect(from2020).toMatchObject({ qualityDepositRate: '0.05', primaryFloorRate: defaultPolicyParameters(2021).primaryFloorRate });
    expect(carryForwardParameters({ primaryFloorRate: '0.3' }, 2022).primaryFloorRate).toBe('0.3');
  });
});
