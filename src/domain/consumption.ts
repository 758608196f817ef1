import { Dec, Money } from './money';

/**
 * Spending to date (SPEC §13), one definition for monitoring, the fund analysis, the
 * assessment and the year end. An approved record is accepted in pre-review (初审通过), not
 * deducted (拒付), and in a declaration the bureau approved; a community's **expenditure to
 * date** is its bureau-approved claims of funded declarations plus its imported out-of-county
 * (县外) settlements. The fund analysis and the assessment read the same approved records.
 */
export interface ConsumptionToDate {
  /** Bureau-approved claims of the member units (funded declarations). */
  memberApproved: Money;
  /** Of which the approved records of township health centres and village clinics. */
  primaryApproved: Money;
  /** Out-of-county settlements imported so far. */
  outOfCounty: Money;
}

/** Expenditure to date: member approved plus out of county. */
export function expenditureToDate(c: { memberApproved: Money; outOfCounty: Money }): Money {
  return c.memberApproved.plus(c.outOfCounty);
}

/** The county fund's expenditure to date: its communities', out of county and its private institutions'. */
export function countyExpenditureToDate(c: { memberApproved: Money; outOfCounty: Money; privateApproved: Money }): Money {
  return expenditureToDate(c).plus(c.privateApproved);
}

/** Primary share to date: primary units' expenditure to date ÷ all expenditure to date (zero before any spending). */
export function primaryShareToDate(primaryApproved: Money, expenditure: Money): Dec {
  return expenditure.isZero() ? new Dec(0) : primaryApproved.toDecimal().dividedBy(expenditure.toDecimal());
}

/** Projected primary share: primary expenditure projected to year end (× 12 ÷ elapsed months) ÷ M. */
export function projectedPrimaryShare(primaryApproved: Money, elapsedMonths: number, communityPackage: Money): Dec {
  return primaryApproved.toDecimal().dividedBy(new Dec(elapsedMonths).dividedBy(12)).dividedBy(communityPackage.toDecimal());
}
