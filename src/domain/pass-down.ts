import { assertNotInFuture, splitPassDown } from './claim-cycle';
import { DomainError } from './domain-error';
import { Money } from './money';
import { IsoDate } from './working-days';

/**
 * Pass-downs (SPEC §4 step 6): what the lead unit received for its members is split between them
 * by approved amount; what a township received, between it and its village clinics by the
 * approved amounts of the records they provided care for.
 */

export interface MemberApproved {
  institutionId: number;
  code: string;
  approved: Money;
}

export interface MemberPassDown extends MemberApproved {
  amount: Money;
  /** The lead unit's own share: no transfer between institutions. */
  own: boolean;
  /**
   * Recorded as paid on the day the lead unit receives the money: its own share, and a member
   * with nothing approved, which has nothing passed down to it (SPEC §4 step 6 passes down the
   * approved amount). The member's claim is passed down that day.
   */
  paidOnReceipt: boolean;
}

/**
 * Splits what the lead received between the declaration's members by approved amount (largest
 * remainder, in code order). A community without an active lead unit cannot receive it.
 */
export function memberPassDowns(
  communityCode: string,
  lead: { id: number; code: string } | undefined,
  received: Money,
  members: readonly MemberApproved[],
): { lead: { id: number; code: string }; shares: MemberPassDown[] } {
  if (!lead)
    throw new DomainError('NO_LEAD_UNIT', 'conflict', `community ${communityCode} has no active lead unit to receive the disbursement`);
  const shares = splitPassDown(
    received,
    members.map((m) => ({ code: m.code, approved: m.approved })),
  ).map((share) => {
    const member = members.find((m) => m.code === share.code)!;
    const own = member.institutionId === lead.id;
    return { ...member, amount: share.amount, own, paidOnReceipt: own || member.approved.isZero() };
  });
  return { lead, shares };
}

export interface UnitApproved {
  unitId: number;
  code: string;
  approved: Money;
}

/**
 * A township's pass-downs to its village clinics: what it received split by the approved amounts
 * of the records each unit provided care for; the township keeps its own share. None when only
 * the township itself provided care.
 */
export function villagePassDowns(
  townshipId: number,
  received: Money,
  units: readonly UnitApproved[],
): (UnitApproved & { amount: Money })[] {
  if (!units.some((u) => u.unitId !== townshipId)) return [];
  return splitPassDown(
    received,
    units.map((u) => ({ code: u.code, approved: u.approved })),
  )
    .map((share) => ({ ...units.find((u) => u.code === share.code)!, amount: share.amount }))
    .filter((u) => u.unitId !== townshipId);
}

/** Only the payer records a pass-down as paid. */
export function assertPassDownPayer(payer: { id: number; code: string }, caller: { id: number; code: string }): void {
  if (caller.id !== payer.id)
    throw new DomainError('NOT_THE_PAYER', 'forbidden', `${payer.code} pays this pass-down; ${caller.code} cannot record it`, [
      { field: 'id', rule: 'payer', message: payer.code },
    ]);
}

/** A pass-down is paid on a past or present day, not before the funds reached the payer. */
export function assertPassDownPaymentDate(paidOn: IsoDate, receivedOn: IsoDate, today: IsoDate): void {
  assertNotInFuture('paidOn', 'payment', paidOn, today);
  if (paidOn < receivedOn)
    throw new DomainError(
      'VALIDATION_FAILED',
      'unprocessable',
      `the payment date ${paidOn} is before the funds were received (${receivedOn})`,
      [{ field: 'paidOn', rule: 'afterReceipt', message: paidOn }],
    );
}

/** What reaches the lead unit for its members: what the package funded less the quality deposit withheld. */
export function receivedByLead(funded: Money, deposit: Money): Money {
  return funded.minus(deposit);
}
