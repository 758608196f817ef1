import { fundYearOf, periodOf, quarterOf } from './claim-cycle';
import { DomainError } from './domain-error';
import { Dec, Money } from './money';
import { IsoDate } from './working-days';

/**
 * Money that moves for a community outside the monthly declaration (SPEC §4, §9.2): the
 * quarterly advance (按季度预拨) and out-of-county settlements (县外) paid by the bureau.
 */

/**
 * The quarterly advance is paid in the quarterly mode only (a non-zero rate), within its quarter
 * and not in the future.
 */
export function assertAdvanceDue(advance: { fundYear: number; quarter: number; paidOn: IsoDate; rate: Dec }, today: IsoDate): void {
  const { fundYear, quarter, paidOn } = advance;
  if (advance.rate.isZero())
    throw new DomainError(
      'ADVANCE_MODE_OFF',
      'conflict',
      `quarterly advance is off for ${fundYear} (quarterlyAdvanceRate is 0); the bureau turns it on in the policy parameters`,
      [{ field: 'fundYear', rule: 'advanceModeOn', message: String(fundYear) }],
    );
  if (paidOn > today || fundYearOf(periodOf(paidOn)) !== fundYear || quarterOf(periodOf(paidOn)) !== quarter)
    throw new DomainError(
      'VALIDATION_FAILED',
      'unprocessable',
      `the advance for Q${quarter} ${fundYear} is paid within that quarter and not in the future`,
      [{ field: 'paidOn', rule: 'inQuarter', message: paidOn }],
    );
}

/** The community's package M of an approved allocation; the advance is a share of it. */
export function requirePackage(communityPackage: Money | null | undefined, communityCode: string, fundYear: number): Money {
  if (!communityPackage)
    throw new DomainError('NO_PACKAGE', 'unprocessable', `no approved package for ${communityCode} in ${fundYear}`, [
      { field: 'fundYear', rule: 'allocationApproved', message: String(fundYear) },
    ]);
  return communityPackage;
}

/**
 * Out-of-county settlements count against M: their fund-paid total is funded up to what is left
 * of the package, the rest unfunded.
 */
export function fundOutOfCounty(
  settlements: readonly { fundPaid: Money }[],
  packageBalance: Money,
): { total: Money; funded: Money; unfunded: Money } {
  const total = Money.sum(settlements.map((s) => s.fundPaid));
  const funded = total.lt(packageBalance) ? total : packageBalance;
  return { total, funded, unfunded: total.minus(funded) };
}
