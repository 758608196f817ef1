import { assertAdvanceDue, fundOutOfCounty, requirePackage } from './community-funding';
import { Dec, Money } from './money';
import { refusal } from './refusal.spec-helper';

describe('quarterly advance and out-of-county funding (SPEC §4)', () => {
  const advance = { fundYear: 2026, quarter: 2, paidOn: '2026-04-02', rate: new Dec('0.8') };

  it('is paid in the quarterly mode, within its quarter, not in the future', () => {
    expect(() => assertAdvanceDue(advance, '2026-04-02')).not.toThrow();
    expect(refusal(() => assertAdvanceDue({ ...advance, rate: new Dec(0) }, '2026-04-02'))).toMatchObject({
      code: 'ADVANCE_MODE_OFF',
      kind: 'conflict',
      details: [{ field: 'fundYear', rule: 'advanceModeOn', message: '2026' }],
    });
    expect(refusal(() => assertAdvanceDue(advance, '2026-04-01')).details).toEqual([
      { field: 'paidOn', rule: 'inQuarter', message: '2026-04-02' },
    ]);
    expect(refusal(() => assertAdvanceDue({ ...advance, paidOn: '2026-03-31' }, '2026-04-02')).message).toBe(
      'the advance for Q2 2026 is paid within that quarter and not in the future',
    );
  });

  it('needs the community’s approved package', () => {
    expect(requirePackage(Money.of('5.00'), 'C1', 2026).toString()).toBe('5.00');
    expect(refusal(() => requirePackage(null, 'C1', 2026))).toMatchObject({
      code: 'NO_PACKAGE',
      message: 'no approved package for C1 in 2026',
    });
  });

  it('funds out-of-county settlements up to what is left of M', () => {
    const f = fundOutOfCounty([{ fundPaid: Money.of('70.00') }, { fundPaid: Money.of('30.00') }], Money.of('60.00'));
    expect([f.total.toString(), f.funded.toString(), f.unfunded.toString()]).toEqual(['100.00', '60.00', '40.00']);
    const g = fundOutOfCounty([{ fundPaid: Money.of('10.00') }], Money.of('60.00'));
    expect([g.funded.toString(), g.unfunded.toString()]).toEqual(['10.00', '0.00']);
  });
});
