import fc from 'fast-check';
import { Dec, Money } from './money';
import {
  adjustProvincialFund,
  AdjustmentFundRegion,
  DEFAULT_PROVINCIAL_FUND_TERMS,
  distributeHeldByScore,
  ProvincialAdjustment,
} from './provincial-adjustment-fund';
import { refusal } from './refusal.spec-helper';

const region = (code: string, income: string, insured: string, collectionRate: string, assessmentScore: string): AdjustmentFundRegion => ({
  code,
  income: Money.of(income),
  insured,
  collectionRate,
  assessmentScore,
});
// SPEC §12.2 worked example; A has no score there (a net contributor takes no part in the second distribution).
const example = [
  region('A', '1000000000.00', '500000', '0.95', '0'),
  region('B', '100000000.00', '900000', '0.90', '90'),
  region('C', '300000000.00', '700000', '0.92', '80'),
];
const column = (r: ProvincialAdjustment, key: 'contribution' | 'received' | 'net' | 'returned' | 'withheld' | 'netAfterCaps' | 'held') =>
  r.regions.map((x) => x[key].toString());

describe('adjustProvincialFund (SPEC §12.2, 省级调剂金)', () => {
  it('reproduces the worked example to the fen', () => {
    const r = adjustProvincialFund(example, DEFAULT_PROVINCIAL_FUND_TERMS);
    expect(column(r, 'contribution')).toEqual(['200000000.00', '20000000.00', '60000000.00']);
    expect(column(r, 'received')).toEqual(['68947641.27', '117573872.47', '93478486.26']);
    expect(column(r, 'net')).toEqual(['-131052358.73', '97573872.47', '33478486.26']);
    expect(column(r, 'returned')).toEqual(['41052358.73', '0.00', '0.00']);
    expect(column(r, 'withheld')).toEqual(['0.00', '77573872.47', '0.00']);
    expect(column(r, 'netAfterCaps')).toEqual(['-90000000.00', '20000000.00', '33478486.26']);
    expect(column(r, 'held')).toEqual(['0.00', '1000000.00', '1673924.31']);
    expect(r.totalHeld.toString()).toBe('2673924.31');
    expect(r.regions.map((x) => x.secondDistribution.toString())).toEqual(['0.00', '1415606.99', '1258317.32']);
    expect(r.totalContributions.toString()).toBe('280000000.00');
    expect(r.totalReturned.toString()).toBe('41052358.73');
    expect(r.totalWithheld.toString()).toBe('77573872.47');
    expect(r.provincialRiskFundChange.toString()).toBe('36521513.74');
    expect(r.regions.map((x) => x.finalNet.toString())).toEqual(['-90000000.00', '20415606.99', '33062879.27']);
  });

  it('distributes by insured × collection rate, so a lower collection rate receives less', () => {
    const lower = adjustProvincialFund(
      example.map((x) => (x.code === 'B' ? { ...x, collectionRate: '0.80' } : x)),
      DEFAULT_PROVINCIAL_FUND_TERMS,
    );
    expect(lower.regions[1].received.lt(Money.of('117573872.47'))).toBe(true);
    expect(Money.sum(lower.regions.map((x) => x.received)).toString()).toBe('280000000.00');
  });

  it('gives a net contributor’s score no weight, and follows the recipients’ scores', () => {
    const scoredA = adjustProvincialFund(
      example.map((x) => (x.code === 'A' ? { ...x, assessmentScore: '100' } : x)),
      DEFAULT_PROVINCIAL_FUND_TERMS,
    );
    expect(scoredA.regions.map((x) => x.secondDistribution.toString())).toEqual(['0.00', '1415606.99', '1258317.32']);
    const equal = distributeHeldByScore(Money.of('2673924.31'), [
      { code: 'C', assessmentScore: '85' },
      { code: 'B', assessmentScore: '85' },
    ]);
    // Equal halves of an odd number of fen: the earlier code takes the spare one.
    expect([equal.get('B')?.toString(), equal.get('C')?.toString()]).toEqual(['1336962.16', '1336962.15']);
  });

  it('does not depend on the order the regions are given in', () => {
    const reversed = adjustProvincialFund([...example].reverse(), DEFAULT_PROVINCIAL_FUND_TERMS);
    expect(reversed.regions.map((x) => `${x.code}:${x.received}:${x.secondDistribution}`)).toEqual([
      'A:68947641.27:0.00',
      'B:117573872.47:1415606.99',
      'C:93478486.26:1258317.32',
    ]);
  });

  it('refuses bad regions, rates and scores with the field named', () => {
    expect(refusal(() => adjustProvincialFund([], DEFAULT_PROVINCIAL_FUND_TERMS)).details[0]).toMatchObject({
      field: 'regions',
      rule: 'notEmpty',
    });
    const twice = refusal(() => adjustProvincialFund([...example, example[0]], DEFAULT_PROVINCIAL_FUND_TERMS));
    expect([twice.code, twice.details[0].rule]).toEqual(['PROVINCIAL_FUND_INPUT_INVALID', 'unique']);
    expect(refusal(() => adjustProvincialFund([{ ...example[0], insured: '1.5' }], DEFAULT_PROVINCIAL_FUND_TERMS)).details[0].field).toBe(
      'regions.0.insured',
    );
    expect(refusal(() => adjustProvincialFund([{ ...example[0], collectionRate: '95' }], DEFAULT_PROVINCIAL_FUND_TERMS)).code).toBe(
      'RATE_INVALID',
    );
    expect(
      refusal(() => adjustProvincialFund([{ ...example[0], assessmentScore: '-1' }], DEFAULT_PROVINCIAL_FUND_TERMS)).details[0],
    ).toMatchObject({
      field: 'regions.0.assessmentScore',
      rule: 'nonNegativeScore',
    });
    const noScores = refusal(() =>
      adjustProvincialFund(
        example.map((x) => ({ ...x, assessmentScore: '0' })),
        DEFAULT_PROVINCIAL_FUND_TERMS,
      ),
    );
    expect(noScores.details[0].rule).toBe('someRecipientScore');
    expect(
      refusal(() =>
        adjustProvincialFund(
          example.map((x) => ({ ...x, insured: '0' })),
          DEFAULT_PROVINCIAL_FUND_TERMS,
        ),
      ).details[0].rule,
    ).toBe('someDistributionWeight');
  });

  it('conserves every amount: contributions = distributed, caps and holds consistent, held = second distribution', () => {
    const regionsArb = fc
      .uniqueArray(
        fc.record({
          code: fc.stringMatching(/^[A-Z]{1,3}$/),
          incomeCents: fc.bigInt({ min: 0n, max: 10n ** 13n }),
          insured: fc.integer({ min: 0, max: 10_000_000 }),
          collectionPercent: fc.integer({ min: 0, max: 100 }),
          score: fc.integer({ min: 0, max: 100 }),
        }),
        { minLength: 1, maxLength: 8, selector: (x) => x.code },
      )
      .filter((xs) => xs.some((x) => x.insured > 0 && x.collectionPercent > 0))
      .map((xs) =>
        xs.map((x): AdjustmentFundRegion => ({
          code: x.code,
          income: Money.fromCents(x.incomeCents),
          insured: String(x.insured),
          collectionRate: (x.collectionPercent / 100).toFixed(2),
          assessmentScore: String(x.score + 1), // every recipient scores: the zero-score refusal has its own test
        })),
      );
    const percent = (max: number) => fc.integer({ min: 0, max }).map((p) => (p / 100).toFixed(2));
    fc.assert(
      fc.property(
        regionsArb,
        fc.record({
          contributionRate: percent(50),
          contributorCap: percent(30),
          recipientCap: percent(50),
          secondDistributionRate: percent(20),
        }),
        (regions, terms) => {
          const r = adjustProvincialFund(regions, terms);
          const sum = (f: (x: (typeof r.regions)[number]) => Money) => Money.sum(r.regions.map(f));
          const income = new Map(regions.map((x) => [x.code, x.income]));
          return (
            sum((x) => x.contribution).eq(r.totalContributions) &&
            sum((x) => x.received).eq(r.totalContributions) &&
            sum((x) => x.net).isZero() &&
            sum((x) => x.returned).eq(r.totalReturned) &&
            sum((x) => x.withheld).eq(r.totalWithheld) &&
            sum((x) => x.held).eq(r.totalHeld) &&
            sum((x) => x.secondDistribution).eq(r.totalHeld) &&
            sum((x) => x.finalNet)
              .plus(r.provincialRiskFundChange)
              .isZero() &&
            r.regions.every((x) => {
              const cap = x.net.isNegative() ? terms.contributorCap : terms.recipientCap;
              const capAmount = x.net.isZero() ? Money.ZERO : Money.roundHalfUp((income.get(x.code) as Money).times(cap));
              return (
                x.contribution.eq(Money.roundHalfUp((income.get(x.code) as Money).times(terms.contributionRate))) &&
                x.cap.eq(capAmount) &&
                !x.returned.isNegative() &&
                !x.withheld.isNegative() &&
                !x.held.isNegative() &&
                !x.secondDistribution.isNegative() &&
                // Only a net contributor gets a return, only a net recipient is withheld, held or shares the second distribution.
                (x.net.isNegative() || x.returned.isZero()) &&
                (x.net.isPositive() || (x.withheld.isZero() && x.held.isZero() && x.secondDistribution.isZero())) &&
                // After the caps a region is within its cap on its side and keeps the side it was on.
                x.netAfterCaps.eq(x.net.plus(x.returned).minus(x.withheld)) &&
                (x.net.isNegative() ? x.netAfterCaps.negated().eq(x.returned.isPositive() ? x.cap : x.net.negated()) : true) &&
                (x.net.isPositive() ? x.netAfterCaps.eq(x.withheld.isPositive() ? x.cap : x.net) : true) &&
                x.held.eq(x.net.isPositive() ? Money.roundHalfUp(x.netAfterCaps.times(terms.secondDistributionRate)) : Money.ZERO) &&
                x.finalNet.eq(x.netAfterCaps.minus(x.held).plus(x.secondDistribution))
              );
            })
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('splits the held total by score exactly, ties to the earlier code', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.uniqueArray(fc.record({ code: fc.stringMatching(/^[A-Z]{1,3}$/), score: fc.integer({ min: 0, max: 100 }) }), {
          minLength: 1,
          maxLength: 8,
          selector: (x) => x.code,
        }),
        (cents, scored) => {
          fc.pre(scored.some((x) => x.score > 0));
          const held = Money.fromCents(cents);
          const out = distributeHeldByScore(
            held,
            scored.map((x) => ({ code: x.code, assessmentScore: new Dec(x.score) })),
          );
          const total = scored.reduce((a, x) => a + x.score, 0);
          return (
            Money.sum(out.values()).eq(held) &&
            scored.every((x) => {
              const exact = held.times(x.score).dividedBy(total);
              const got = (out.get(x.code) as Money).toDecimal();
              return got.minus(exact).abs().lt('0.01');
            })
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
