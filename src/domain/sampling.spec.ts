import fc from 'fast-check';
import { DomainError } from './domain-error';
import { Money } from './money';
import { allocateByStratum, drawSample, extrapolateRejection, SampleCandidate, sampleSizeFor } from './sampling';

const UNITS = ['WS-TC-01', 'WS-TC-02', 'WS-TC-03', 'WS-LH-01'];
/** Records with unique ids spread over a few units. */
const candidates: fc.Arbitrary<SampleCandidate[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 100_000 }), { minLength: 0, maxLength: 300 })
  .chain((ids) => fc.tuple(fc.constant(ids), fc.array(fc.constantFrom(...UNITS), { minLength: ids.length, maxLength: ids.length })))
  .map(([ids, units]) => ids.map((id, i) => ({ id, unitCode: units[i] })));
const seeds = fc.integer({ min: 0, max: 0xffffffff });
const sizes = fc.oneof(
  fc.integer({ min: 1, max: 400 }).map((count) => ({ count })),
  fc.integer({ min: 1, max: 100 }).map((p) => ({ share: (p / 100).toFixed(2) })),
);
const fen = fc.bigInt({ min: 0n, max: 10_000_000n }).map((c) => Money.fromCents(c));

describe('drawSample (抽样审核)', () => {
  it('draws the same sample from the same seed, whatever order the records come in', () => {
    fc.assert(
      fc.property(candidates, seeds, sizes, (cs, seed, size) => {
        const a = drawSample(cs, { seed, size });
        const b = drawSample([...cs].reverse(), { seed, size });
        expect(b).toEqual(a);
      }),
    );
  });

  it('draws only the given records, each once, as many as asked (at most all of them)', () => {
    fc.assert(
      fc.property(candidates, seeds, sizes, (cs, seed, size) => {
        const s = drawSample(cs, { seed, size });
        const ids = new Set(cs.map((c) => c.id));
        expect(new Set(s.recordIds).size).toBe(s.recordIds.length);
        expect(s.recordIds.every((id) => ids.has(id))).toBe(true);
        expect(s.recordIds.length).toBe(sampleSizeFor(cs.length, size));
        expect(s.recordIds.length).toBeLessThanOrEqual(cs.length);
      }),
    );
  });

  it('gives each unit the floor or the ceiling of its share of the sample', () => {
    fc.assert(
      fc.property(candidates, seeds, sizes, (cs, seed, size) => {
        const s = drawSample(cs, { seed, size });
        const n = s.recordIds.length;
        for (const st of s.strata) {
          const exact = (n * st.population) / cs.length;
          expect(st.sampled).toBeGreaterThanOrEqual(Math.floor(exact));
          expect(st.sampled).toBeLessThanOrEqual(Math.ceil(exact));
          const drawnHere = s.recordIds.filter((id) => cs.find((c) => c.id === id)!.unitCode === st.unitCode).length;
          expect(drawnHere).toBe(st.sampled);
        }
        expect(s.strata.reduce((a, st) => a + st.sampled, 0)).toBe(n);
      }),
    );
  });

  it('draws differently under another seed (not a fixed pick)', () => {
    const cs = Array.from({ length: 200 }, (_, i) => ({ id: i + 1, unitCode: UNITS[i % 4] }));
    const a = drawSample(cs, { seed: 1, size: { share: '0.10' } });
    const b = drawSample(cs, { seed: 2, size: { share: '0.10' } });
    expect(a.recordIds).toHaveLength(20);
    expect(a.recordIds).not.toEqual(b.recordIds);
    expect(a.strata.map((s) => s.sampled)).toEqual([5, 5, 5, 5]);
  });

  it('rounds a share half up and never draws nothing from records', () => {
    expect(sampleSizeFor(25, { share: '0.10' })).toBe(3);
    expect(sampleSizeFor(3, { share: '0.01' })).toBe(1);
    expect(sampleSizeFor(0, { share: '0.50' })).toBe(0);
    expect(sampleSizeFor(10, { count: 50 })).toBe(10);
    expect(() => sampleSizeFor(10, { share: '1.5' })).toThrow(DomainError);
    expect(() => sampleSizeFor(10, { count: 0 })).toThrow(DomainError);
    expect(() => drawSample([], { seed: -1, size: { count: 1 } })).toThrow(DomainError);
  });

  it('allocates strata by largest remainder, ties to the earlier unit', () => {
    expect(allocateByStratum(3, [1, 1, 1, 1])).toEqual([1, 1, 1, 0]);
    expect(allocateByStratum(10, [50, 30, 20])).toEqual([5, 3, 2]);
    expect(allocateByStratum(4, [5, 5, 1])).toEqual([2, 2, 0]);
  });
});

describe('extrapolateRejection (外推扣款)', () => {
  it('shows the calculation: unsampled × rejected ÷ sampled, half up', () => {
    const x = extrapolateRejection({
      sampledAmount: Money.of('1000.00'),
      sampledRejected: Money.of('50.00'),
      unsampled: [
        { id: 3, amount: Money.of('300.00') },
        { id: 1, amount: Money.of('100.01') },
      ],
    });
    expect(x.rate).toBe('0.050000');
    expect(x.unsampledAmount.toString()).toBe('400.01');
    expect(x.deduction.toString()).toBe('20.00');
    expect(x.perRecord.map((r) => [r.id, r.amount.toString()])).toEqual([
      [1, '5.00'],
      [3, '15.00'],
    ]);
    expect(x.calculation).toBe('400.01 × 50.00 ÷ 1000.00 = 20.00 (rate 0.050000)');
  });

  it('spreads the deduction over the unsampled records so the parts sum exactly, none above its record', () => {
    fc.assert(
      fc.property(fen, fc.integer({ min: 0, max: 100 }), fc.array(fen, { maxLength: 40 }), (sampled, pct, amounts) => {
        const rejected = Money.fromCents((sampled.toCents() * BigInt(pct)) / 100n);
        const unsampled = amounts.map((amount, i) => ({ id: i + 1, amount }));
        const x = extrapolateRejection({ sampledAmount: sampled, sampledRejected: rejected, unsampled });
        expect(Money.sum(x.perRecord.map((r) => r.amount)).eq(x.deduction)).toBe(true);
        expect(x.deduction.lte(x.unsampledAmount)).toBe(true);
        x.perRecord.forEach((r) => expect(r.amount.lte(unsampled.find((u) => u.id === r.id)!.amount)).toBe(true));
      }),
    );
  });

  it('refuses a rejected amount above the sample', () => {
    expect(() => extrapolateRejection({ sampledAmount: Money.of('1.00'), sampledRejected: Money.of('2.00'), unsampled: [] })).toThrow(
      DomainError,
    );
  });
});
