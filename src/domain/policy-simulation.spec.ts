import fc from 'fast-check';
import { DEFAULT_CITY_POOLING_TERMS, GOOD_STANDING, shareCountyFundResult } from './city-gap-sharing';
import { settleYearEnd } from './county-year-end';
import { workedExample } from './county-year-end.spec-helper';
import { DomainError } from './domain-error';
import { Money } from './money';
import { defaultPolicyParameters, policyTerms } from './policy-parameters';
import {
  ledgerWithout,
  parseParameterChange,
  parseParameterVariation,
  SimulationCase,
  simulateYearEnd,
  simulationCaseFromJson,
  simulationCaseToJson,
  variationGrid,
  yearEndDifferences,
} from './policy-simulation';

const m = (v: string) => Money.of(v);

/** SPEC §7's worked example as a stored year end, with an allocation of two communities' worth and city figures. */
function workedCase(): SimulationCase {
  const parameters = defaultPolicyParameters(2026);
  const inputs = workedExample();
  const stored = settleYearEnd(inputs, policyTerms(parameters));
  return {
    countyCode: 'WS',
    fundYear: 2026,
    parameters,
    inputs,
    allocation: null,
    city: {
      county: {
        countyCode: 'WS',
        raisedTotal: m('100000000.00'),
        income: m('90000000.00'),
        expenditure: m('95000000.00'),
        accumulatedBalance: m('1000000.00'),
      },
      pooledFundBalance: m('800000.00'),
      standing: GOOD_STANDING,
      terms: { ...DEFAULT_CITY_POOLING_TERMS },
    },
    stored: {
      state: 'POSTED',
      summary: JSON.parse(JSON.stringify(stored.summary)),
      statements: stored.statements.map((l) => ({ code: l.unit.code, balanceDue: l.s.balanceDue.toString() })),
    },
  };
}

describe('policy simulation', () => {
  it('with nothing changed reproduces the stored year end, and the city sharing of the stored terms', () => {
    const c = workedCase();
    const r = simulateYearEnd(c, {});
    expect(r.refusal).toBeNull();
    expect(yearEndDifferences(c.stored!, r.settlement!)).toEqual([]);
    expect(r.citySharing).toEqual(shareCountyFundResult(c.city!.county, c.city!.pooledFundBalance, c.city!.standing, c.city!.terms));
  });

  it('a changed floor moves the floor lines; a changed city share moves the sharing; the stored figures are named where they differ', () => {
    const c = workedCase();
    const r = simulateYearEnd(c, { primaryFloorRate: '0.40', cityShare: '0.20' });
    const community = r.settlement!.summary.communities[0];
    expect(community.floor).toMatchObject({ floorRate: '0.40', required: '4000000.00' });
    expect(yearEndDifferences(c.stored!, r.settlement!)).toContain('communities.0.floor.floorRate: stored 0.25, computed 0.40');
    // Gap 5 000 000.00: the city part is 20% of it, not 30%.
    expect(r.citySharing!.cityPart.toString()).toBe('1000000.00');
    expect(simulateYearEnd(c, {}).citySharing!.cityPart.toString()).toBe('1500000.00');
  });

  it('refuses what the policy refuses, without settling', () => {
    const c = workedCase();
    expect(simulateYearEnd(c, { surplusPrimaryWeight: '0.5' }).refusal).toMatchObject({ code: 'POLICY_PARAMETERS_INVALID' });
    expect(simulateYearEnd(c, { privatePoolRate: '0.20' }).refusal?.message).toMatch(/must sum to 1, not 1.05/);
    expect(simulateYearEnd(c, { cityShare: '1.5' }).refusal).toMatchObject({ code: 'RATE_INVALID' });
    expect(() => simulateYearEnd(c, { floor: '0.2' })).toThrow(/unknown parameter "floor"/);
  });

  it('reads changes and variations from the command line, naming what is wrong', () => {
    expect(parseParameterChange('primaryFloorRate=0.22')).toEqual(['primaryFloorRate', '0.22']);
    expect(() => parseParameterChange('primaryFloorRate=-1')).toThrow(DomainError);
    expect(() => parseParameterChange('=1')).toThrow(/name=value/);
    expect(parseParameterVariation('primaryFloorRate=0.20:0.22:0.01').values).toEqual(['0.2', '0.21', '0.22']);
    expect(parseParameterVariation('surplusPrimaryWeight=1:2:0.3').values).toEqual(['1', '1.3', '1.6', '1.9']);
    expect(() => parseParameterVariation('primaryFloorRate=0.2:0.3')).toThrow(/from:to:step/);
    expect(() => parseParameterVariation('primaryFloorRate=0.2:0.3:0')).toThrow(/step must be positive/);
    expect(() => parseParameterVariation('primaryFloorRate=0:1:0.000001')).toThrow(/more than 100000/);
    const grid = variationGrid({ reserve: 'x' }, [
      { name: 'a', values: ['1', '2'] },
      { name: 'b', values: ['3', '4', '5'] },
    ]);
    expect(grid).toHaveLength(6);
    expect(grid[5]).toEqual({ reserve: 'x', a: '2', b: '5' });
  });

  it('keeps an exported county-year exactly through its JSON text', () => {
    const c = workedCase();
    const back = simulationCaseFromJson(JSON.parse(JSON.stringify(simulationCaseToJson(c))));
    expect(yearEndDifferences(c.stored!, simulateYearEnd(back, {}).settlement!)).toEqual([]);
    expect(simulateYearEnd(back, { cityShare: '0.25' }).citySharing).toEqual(simulateYearEnd(c, { cityShare: '0.25' }).citySharing);
    expect(() => simulationCaseFromJson({ format: 'other' })).toThrow(/county-year-simulation\/1/);
    expect(() => simulationCaseFromJson({ format: 'county-year-simulation/1', inputs: { records: 'x' } })).toThrow(/cannot be read/);
  });

  it('takes transfers back off the ledger exactly (property)', () => {
    const cents = fc.bigInt({ min: 1n, max: 10_000_000_00n }).map(Money.fromCents);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C'), fc.constantFrom('D', 'E'), cents), { maxLength: 20 }), (moves) => {
        const totals = new Map<string, { debits: Money; credits: Money }>();
        for (const [debit, credit, amount] of moves) {
          const d = totals.get(debit) ?? { debits: Money.ZERO, credits: Money.ZERO };
          totals.set(debit, { debits: d.debits.plus(amount), credits: d.credits });
          const c = totals.get(credit) ?? { debits: Money.ZERO, credits: Money.ZERO };
          totals.set(credit, { debits: c.debits, credits: c.credits.plus(amount) });
        }
        const back = ledgerWithout(
          totals,
          moves.map(([debit, credit, amount]) => ({ debit, credit, amount })),
        );
        for (const t of back.values()) expect(t.debits.isZero() && t.credits.isZero()).toBe(true);
      }),
    );
  });
});
