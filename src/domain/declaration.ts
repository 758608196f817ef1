import {
  assertNotInFuture,
  fundYearOf,
  mayReviewClaim,
  MemberClaimState,
  nextPeriod,
  REVIEW_REASON_CODES,
  ReviewReasonCode,
} from './claim-cycle';
import { DomainError, ErrorDetail } from './domain-error';
import { IsoDate } from './working-days';

/**
 * Member claims and the declaration (SPEC §4 steps 1–5): what the lead unit's pre-review (初审),
 * its declaration (申报) and the bureau's deductions (拒付) and disbursement (拨付) may do, as pure
 * decisions over loaded facts. Each refusal names its rule; the services persist what is decided.
 */

// ---------------------------------------------------------------- member claims

/** A claim is submitted with its settlement records: an empty one is refused. */
export function assertClaimHasRecords(claimId: number, records: number): void {
  if (records === 0)
    throw new DomainError('CLAIM_EMPTY', 'unprocessable', `claim ${claimId} holds no settlement records`, [
      { field: 'id', rule: 'hasRecords', message: String(claimId) },
    ]);
}

/**
 * A unit submits its own claim (SPEC §1: a user acts within its institution): the lead unit,
 * whose scope is the whole community, never submits a member's claim for it.
 */
export function assertClaimant(
  caller: { id: number; code: string },
  claim: { id: number; institutionId: number; institutionCode: string },
): void {
  if (caller.id !== claim.institutionId)
    throw new DomainError(
      'NOT_THE_CLAIMANT',
      'forbidden',
      `claim ${claim.id} is ${claim.institutionCode}'s to submit, not ${caller.code}'s`,
      [{ field: 'id', rule: 'claimant', message: claim.institutionCode }],
    );
}

/** The lead unit pre-reviews its community's claims; the bureau a private institution's. */
export function assertClaimReviewer(
  reviewer: { type: string; communityId: number | null },
  claim: { id: number; institutionCode: string; communityId: number | null },
): void {
  if (!mayReviewClaim(reviewer, { communityId: claim.communityId })) {
    const who = claim.communityId === null ? 'the bureau' : 'the lead unit of its community';
    throw new DomainError('NOT_THE_REVIEWER', 'forbidden', `claim ${claim.id} of ${claim.institutionCode} is reviewed by ${who}`, [
      { field: 'id', rule: 'reviewer', message: who },
    ]);
  }
}

/** Records are accepted or rejected while their claim is SUBMITTED. */
export function assertClaimUnderReview(claim: { id: number; state: MemberClaimState }): void {
  if (claim.state !== 'SUBMITTED')
    throw new DomainError(
      'CLAIM_NOT_UNDER_REVIEW',
      'conflict',
      `claim ${claim.id} is ${claim.state}: records are reviewed while it is SUBMITTED`,
      [{ field: 'state', rule: 'transition', message: claim.state }],
    );
}

/**
 * Pre-review ends with every record decided: records still PENDING refuse it, unless the
 * reviewer says to accept them (`acceptPending`). Returns how many are accepted that way.
 */
export function decidePendingAtReviewEnd(claimId: number, pending: number, acceptPending: boolean): { acceptedPending: number } {
  if (pending > 0 && !acceptPending)
    throw new DomainError(
      'RECORDS_PENDING',
      'conflict',
      `claim ${claimId} still has ${pending} record(s) PENDING: accept or reject them, or complete the review with acceptPending: true to accept them`,
      [{ field: 'acceptPending', rule: 'noPendingRecords', message: `${pending} record(s) PENDING` }],
    );
  return { acceptedPending: pending };
}

export interface RecordDecision {
  recordId: string;
  decision: 'ACCEPT' | 'REJECT';
  reason?: ReviewReasonCode;
  note?: string;
}

/** A record's pre-review outcome as stored. */
export interface RecordReviewOutcome {
  recordId: string;
  status: 'ACCEPTED' | 'REJECTED';
  reason: ReviewReasonCode | null;
  note: string | null;
}

function reasonError(field: string, reason: unknown): ErrorDetail | null {
  if (typeof reason === 'string' && (REVIEW_REASON_CODES as readonly string[]).includes(reason)) return null;
  return { field, rule: 'reasonCode', message: `reason must be one of ${REVIEW_REASON_CODES.join(', ')}` };
}

/** The records a request names, once each (the ids to look up in the claim or declaration). */
export function namedRecords(items: readonly { recordId: string }[]): string[] {
  return [...new Set(items.map((d) => d.recordId))];
}

/**
 * The lead unit's pre-review of records (初审): a rejection needs a reason code (and a note for
 * OTHER), a record appears once and belongs to the claim. Every problem is reported at once and
 * nothing is changed; otherwise the outcome of each record.
 */
export function decideRecordReview(
  claimId: number,
  decisions: readonly RecordDecision[],
  inClaim: ReadonlySet<string>,
): RecordReviewOutcome[] {
  const errors: ErrorDetail[] = [];
  decisions.forEach((d, i) => {
    if (d.decision === 'REJECT') {
      const e = reasonError(`decisions.${i}.reason`, d.reason);
      if (e) errors.push(e);
      else if (d.reason === 'OTHER' && !d.note?.trim())
        errors.push({ field: `decisions.${i}.note`, rule: 'requiredForOther', message: 'a rejection for OTHER needs a note' });
    }
  });
  if (namedRecords(decisions).length !== decisions.length)
    errors.push({ field: 'decisions', rule: 'uniqueRecord', message: 'a record appears twice' });
  decisions.forEach((d, i) => {
    if (!inClaim.has(d.recordId))
      errors.push({ field: `decisions.${i}.recordId`, rule: 'inClaim', message: `record ${d.recordId} is not in claim ${claimId}` });
  });
  if (errors.length)
    throw new DomainError('REVIEW_INVALID', 'unprocessable', `${errors.length} problem(s) with the review; nothing was changed`, errors);
  return decisions.map((d) => ({
    recordId: d.recordId,
    status: d.decision === 'ACCEPT' ? 'ACCEPTED' : 'REJECTED',
    reason: d.decision === 'ACCEPT' ? null : (d.reason ?? null),
    note: d.note?.trim() || null,
  }));
}

// ---------------------------------------------------------------- declaring a period

/** A period is declared in the next month, once it has ended. */
export function assertPeriodEnded(period: string, today: IsoDate): void {
  if (today < `${nextPeriod(period)}-01`)
    throw new DomainError('PERIOD_NOT_ENDED', 'unprocessable', `${period} has not ended yet: it is declared in the next month`, [
      { field: 'period', rule: 'periodEnded', message: period },
    ]);
}

export interface ClaimToDeclare {
  id: number;
  institutionCode: string;
  state: MemberClaimState;
}

export interface DeclarationDecision<C extends ClaimToDeclare> {
  /** Pre-reviewed claims: they go into the declaration. */
  declared: C[];
  /** Claims nobody submitted: their records move on to `rollOverTo`. */
  rolledOver: C[];
  rollOverTo: string;
}

/**
 * What declaring a period does with its member claims (SPEC §4 step 3): a claim still under
 * review (or returned to its unit for correction) blocks it, at least one pre-reviewed claim is needed, and claims still open roll over to
 * the next period — except December's, which stay for the year end (a fund year pays its own).
 */
export function decideDeclaration<C extends ClaimToDeclare>(period: string, claims: readonly C[]): DeclarationDecision<C> {
  const underReview = claims.filter((c) => c.state === 'SUBMITTED' || c.state === 'RETURNED');
  if (underReview.length) {
    throw new DomainError(
      'CLAIMS_UNDER_REVIEW',
      'conflict',
      `finish pre-review of ${underReview.map((c) => `${c.institutionCode} (claim ${c.id})`).join(', ')} before declaring ${period}`,
      underReview.map((c) => ({ field: 'claims', rule: 'reviewed', message: `claim ${c.id} of ${c.institutionCode} is ${c.state}` })),
    );
  }
  const declared = claims.filter((c) => c.state === 'REVIEWED');
  if (declared.length === 0)
    throw new DomainError('NOTHING_TO_DECLARE', 'unprocessable', `no pre-reviewed member claim for ${period}`, [
      { field: 'period', rule: 'hasReviewedClaims', message: period },
    ]);
  const rollOverTo = nextPeriod(period);
  const rolledOver = fundYearOf(rollOverTo) === fundYearOf(period) ? claims.filter((c) => c.state === 'OPEN') : [];
  return { declared, rolledOver, rollOverTo };
}

// ---------------------------------------------------------------- the bureau's review

/** Deductions are made while the declaration is DECLARED (under the bureau's review). */
export function assertDeclarationUnderReview(declaration: { id: number; state: string }): void {
  if (declaration.state !== 'DECLARED')
    throw new DomainError(
      'DECLARATION_NOT_UNDER_REVIEW',
      'conflict',
      `declaration ${declaration.id} is ${declaration.state}: deductions are made while it is DECLARED`,
      [{ field: 'state', rule: 'transition', message: declaration.state }],
    );
}

export interface Deduction {
  recordId: string;
  /** null withdraws an earlier deduction. */
  reason: ReviewReasonCode | null;
  note?: string;
}

/** A record's deduction as stored (reason null: none). */
export interface DeductionOutcome {
  recordId: string;
  reason: ReviewReasonCode | null;
  note: string | null;
}

/**
 * The bureau's deductions (拒付): a reason code (a note for OTHER), or null to withdraw; each
 * record once, in the declaration and accepted in pre-review. `reviewStatusOf`: the review status
 * of each named record found in the declaration.
 */
export function decideDeductions(
  declarationId: number,
  deductions: readonly Deduction[],
  reviewStatusOf: ReadonlyMap<string, string>,
): DeductionOutcome[] {
  const errors: ErrorDetail[] = [];
  deductions.forEach((d, i) => {
    if (d.reason !== null) {
      const e = reasonError(`deductions.${i}.reason`, d.reason);
      if (e) errors.push(e);
      else if (d.reason === 'OTHER' && !d.note?.trim())
        errors.push({ field: `deductions.${i}.note`, rule: 'requiredForOther', message: 'a deduction for OTHER needs a note' });
    }
  });
  if (namedRecords(deductions).length !== deductions.length)
    errors.push({ field: 'deductions', rule: 'uniqueRecord', message: 'a record appears twice' });
  deductions.forEach((d, i) => {
    const s = reviewStatusOf.get(d.recordId);
    if (s === undefined)
      errors.push({
        field: `deductions.${i}.recordId`,
        rule: 'inDeclaration',
        message: `record ${d.recordId} is not in declaration ${declarationId}`,
      });
    else if (s !== 'ACCEPTED')
      errors.push({
        field: `deductions.${i}.recordId`,
        rule: 'accepted',
        message: `record ${d.recordId} was rejected in pre-review; only accepted records are deducted`,
      });
  });
  if (errors.length)
    throw new DomainError(
      'DEDUCTION_INVALID',
      'unprocessable',
      `${errors.length} problem(s) with the deductions; nothing was changed`,
      errors,
    );
  return deductions.map((d) => ({ recordId: d.recordId, reason: d.reason, note: d.reason === null ? null : d.note?.trim() || null }));
}

/** A declaration goes back to the clerk with a reason; returns the note as recorded. */
export function returnNote(note: string | undefined): string {
  if (!note?.trim())
    throw new DomainError('NOTE_REQUIRED', 'unprocessable', 'say why the declaration goes back', [
      { field: 'note', rule: 'required', message: 'a return needs a note' },
    ]);
  return note.trim();
}

// ---------------------------------------------------------------- disbursement

/** Refuses money going to a community under an active hold (暂缓拨付). */
export function assertNotHeld(communityCode: string, activeHold: { id: number; reason: string } | undefined): void {
  if (activeHold)
    throw new DomainError(
      'DISBURSEMENT_HELD',
      'conflict',
      `disbursements to ${communityCode} are on hold (hold ${activeHold.id}: ${activeHold.reason}) until the hold is lifted`,
      [{ field: 'communityCode', rule: 'noActiveHold', message: `hold ${activeHold.id}` }],
    );
}

/** The bureau's disbursement is dated: not in the future, not before the declaration. */
export function assertDisbursementDate(disbursedOn: IsoDate, declaredOn: IsoDate, today: IsoDate): void {
  assertNotInFuture('disbursedOn', 'disbursement', disbursedOn, today);
  if (disbursedOn < declaredOn)
    throw new DomainError(
      'VALIDATION_FAILED',
      'unprocessable',
      `the disbursement date ${disbursedOn} is before the declaration (${declaredOn})`,
      [{ field: 'disbursedOn', rule: 'afterDeclaration', message: disbursedOn }],
    );
}

// ---------------------------------------------------------------- return for correction (退回补正)

/** Records are withdrawn from a claim only while it is RETURNED to its unit for correction. */
export function assertClaimReturned(claim: { id: number; state: MemberClaimState }): void {
  if (claim.state !== 'RETURNED')
    throw new DomainError(
      'CLAIM_NOT_RETURNED',
      'conflict',
      `claim ${claim.id} is ${claim.state}: records are withdrawn while it is RETURNED`,
      [{ field: 'state', rule: 'transition', message: claim.state }],
    );
}

/** Every named record must be one of the claim's. */
export function assertRecordsInClaim(claimId: number, ids: readonly string[], inClaim: ReadonlySet<string>): void {
  const outside = ids.filter((r) => !inClaim.has(r));
  if (outside.length)
    throw new DomainError(
      'RECORD_NOT_IN_CLAIM',
      'unprocessable',
      `records ${outside.join(', ')} are not in claim ${claimId}`,
      outside.map((r) => ({ field: 'recordIds', rule: 'inClaim', message: r })),
    );
}
