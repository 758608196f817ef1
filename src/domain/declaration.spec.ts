import {
  assertClaimHasRecords,
  assertClaimReviewer,
  assertClaimUnderReview,
  assertDeclarationUnderReview,
  assertDisbursementDate,
  assertNotHeld,
  assertPeriodEnded,
  decideDeclaration,
  decideDeductions,
  decidePendingAtReviewEnd,
  decideRecordReview,
  returnNote,
} from './declaration';
import { approvedAmount, assertNotInFuture } from './claim-cycle';
import { Money } from './money';
import { refusal } from './refusal.spec-helper';

describe('member claims: submission and pre-review (SPEC §4 steps 1–2)', () => {
  it('refuses to submit a claim without records', () => {
    expect(refusal(() => assertClaimHasRecords(7, 0))).toMatchObject({
      code: 'CLAIM_EMPTY',
      kind: 'unprocessable',
      message: 'claim 7 holds no settlement records',
      details: [{ field: 'id', rule: 'hasRecords', message: '7' }],
    });
    expect(() => assertClaimHasRecords(7, 1)).not.toThrow();
  });

  it('ends pre-review only with every record decided, unless the reviewer accepts the pending ones', () => {
    expect(refusal(() => decidePendingAtReviewEnd(7, 3, false))).toMatchObject({
      code: 'RECORDS_PENDING',
      kind: 'conflict',
      message:
        'claim 7 still has 3 record(s) PENDING: accept or reject them, or complete the review with acceptPending: true to accept them',
      details: [{ field: 'acceptPending', rule: 'noPendingRecords', message: '3 record(s) PENDING' }],
    });
    expect(decidePendingAtReviewEnd(7, 3, true)).toEqual({ acceptedPending: 3 });
    expect(decidePendingAtReviewEnd(7, 0, false)).toEqual({ acceptedPending: 0 });
    expect(decidePendingAtReviewEnd(7, 0, true)).toEqual({ acceptedPending: 0 });
  });

  it('lets the lead unit review its community’s claims and the bureau a private institution’s', () => {
    const lead = { type: 'LEAD_HOSPITAL', communityId: 3 };
    expect(() => assertClaimReviewer(lead, { id: 1, institutionCode: 'T1', communityId: 3 })).not.toThrow();
    expect(refusal(() => assertClaimReviewer(lead, { id: 1, institutionCode: 'T1', communityId: 4 }))).toMatchObject({
      code: 'NOT_THE_REVIEWER',
      kind: 'forbidden',
      message: 'claim 1 of T1 is reviewed by the lead unit of its community',
    });
    expect(refusal(() => assertClaimReviewer(lead, { id: 2, institutionCode: 'P1', communityId: null })).details).toEqual([
      { field: 'id', rule: 'reviewer', message: 'the bureau' },
    ]);
  });

  it('reviews records only while the claim is SUBMITTED', () => {
    expect(() => assertClaimUnderReview({ id: 1, state: 'SUBMITTED' })).not.toThrow();
    expect(refusal(() => assertClaimUnderReview({ id: 1, state: 'REVIEWED' }))).toMatchObject({
      code: 'CLAIM_NOT_UNDER_REVIEW',
      kind: 'conflict',
      details: [{ field: 'state', rule: 'transition', message: 'REVIEWED' }],
    });
  });

  it('turns decisions into stored outcomes, trimming notes', () => {
    expect(
      decideRecordReview(
        1,
        [
          { recordId: '10', decision: 'ACCEPT', note: '  ' },
          { recordId: '11', decision: 'REJECT', reason: 'OTHER', note: ' duplicate bill ' },
        ],
        new Set(['10', '11']),
      ),
    ).toEqual([
      { recordId: '10', status: 'ACCEPTED', reason: null, note: null },
      { recordId: '11', status: 'REJECTED', reason: 'OTHER', note: 'duplicate bill' },
    ]);
  });

  it('reports every problem of a review at once: reason, note for OTHER, duplicates, records outside the claim', () => {
    const e = refusal(() =>
      decideRecordReview(
        5,
        [
          { recordId: '1', decision: 'REJECT' },
          { recordId: '2', decision: 'REJECT', reason: 'OTHER' },
          { recordId: '2', decision: 'ACCEPT' },
          { recordId: '9', decision: 'ACCEPT' },
        ],
        new Set(['1', '2']),
      ),
    );
    expect(e.code).toBe('REVIEW_INVALID');
    expect(e.message).toBe('4 problem(s) with the review; nothing was changed');
    expect(e.details.map((d) => `${d.field}:${d.rule}`)).toEqual([
      'decisions.0.reason:reasonCode',
      'decisions.1.note:requiredForOther',
      'decisions:uniqueRecord',
      'decisions.3.recordId:inClaim',
    ]);
  });
});

describe('declaring a period (SPEC §4 step 3)', () => {
  const claim = (id: number, state: 'OPEN' | 'SUBMITTED' | 'REVIEWED') => ({ id, institutionCode: `U${id}`, state });

  it('is declared once the period has ended', () => {
    expect(refusal(() => assertPeriodEnded('2026-09', '2026-09-30'))).toMatchObject({
      code: 'PERIOD_NOT_ENDED',
      details: [{ field: 'period', rule: 'periodEnded', message: '2026-09' }],
    });
    expect(() => assertPeriodEnded('2026-09', '2026-10-01')).not.toThrow();
  });

  it('declares pre-reviewed claims and rolls open ones over to the next period', () => {
    const d = decideDeclaration('2026-09', [claim(1, 'REVIEWED'), claim(2, 'OPEN'), claim(3, 'REVIEWED')]);
    expect(d.declared.map((c) => c.id)).toEqual([1, 3]);
    expect(d.rolledOver.map((c) => c.id)).toEqual([2]);
    expect(d.rollOverTo).toBe('2026-10');
  });

  it('keeps December’s open claims for the year end instead of rolling them into the next fund year', () => {
    const d = decideDeclaration('2026-12', [claim(1, 'REVIEWED'), claim(2, 'OPEN')]);
    expect(d.rolledOver).toEqual([]);
    expect(d.rollOverTo).toBe('2027-01');
  });

  it('is blocked by a claim under review, and needs a pre-reviewed claim', () => {
    expect(refusal(() => decideDeclaration('2026-09', [claim(1, 'REVIEWED'), claim(2, 'SUBMITTED')]))).toMatchObject({
      code: 'CLAIMS_UNDER_REVIEW',
      kind: 'conflict',
      message: 'finish pre-review of U2 (claim 2) before declaring 2026-09',
      details: [{ field: 'claims', rule: 'reviewed', message: 'claim 2 of U2 is SUBMITTED' }],
    });
    expect(refusal(() => decideDeclaration('2026-09', [claim(2, 'OPEN')]))).toMatchObject({
      code: 'NOTHING_TO_DECLARE',
      kind: 'unprocessable',
      message: 'no pre-reviewed member claim for 2026-09',
    });
  });

  it('approves accepted less deducted', () => {
    expect(approvedAmount(Money.of('100.00'), Money.of('30.50')).toString()).toBe('69.50');
  });
});

describe('the bureau’s review and disbursement (SPEC §4 steps 4–5)', () => {
  it('deducts while the declaration is DECLARED', () => {
    expect(() => assertDeclarationUnderReview({ id: 1, state: 'DECLARED' })).not.toThrow();
    expect(refusal(() => assertDeclarationUnderReview({ id: 1, state: 'REVIEWED' })).code).toBe('DECLARATION_NOT_UNDER_REVIEW');
  });

  it('stores deductions and withdrawals, and refuses records rejected in pre-review or outside the declaration', () => {
    const status = new Map([
      ['1', 'ACCEPTED'],
      ['2', 'REJECTED'],
    ]);
    expect(
      decideDeductions(
        4,
        [
          { recordId: '1', reason: null, note: 'ignored' },
          { recordId: '3', reason: 'OTHER', note: ' x ' },
        ],
        new Map([...status, ['3', 'ACCEPTED']]),
      ),
    ).toEqual([
      { recordId: '1', reason: null, note: null },
      { recordId: '3', reason: 'OTHER', note: 'x' },
    ]);
    const e = refusal(() =>
      decideDeductions(
        4,
        [
          { recordId: '2', reason: 'OTHER' },
          { recordId: '9', reason: null },
        ],
        status,
      ),
    );
    expect(e.code).toBe('DEDUCTION_INVALID');
    expect(e.details.map((d) => `${d.field}:${d.rule}`)).toEqual([
      'deductions.0.note:requiredForOther',
      'deductions.0.recordId:accepted',
      'deductions.1.recordId:inDeclaration',
    ]);
  });

  it('returns a declaration only with a note', () => {
    expect(returnNote('  wrong month ')).toBe('wrong month');
    expect(refusal(() => returnNote('  '))).toMatchObject({ code: 'NOTE_REQUIRED', details: [{ field: 'note', rule: 'required' }] });
  });

  it('refuses a disbursement under an active hold', () => {
    expect(() => assertNotHeld('C1', undefined)).not.toThrow();
    expect(refusal(() => assertNotHeld('C1', { id: 4, reason: 'audit' }))).toMatchObject({
      code: 'DISBURSEMENT_HELD',
      kind: 'conflict',
      message: 'disbursements to C1 are on hold (hold 4: audit) until the hold is lifted',
      details: [{ field: 'communityCode', rule: 'noActiveHold', message: 'hold 4' }],
    });
  });

  it('dates a disbursement neither in the future nor before the declaration', () => {
    expect(() => assertDisbursementDate('2026-10-10', '2026-10-05', '2026-10-10')).not.toThrow();
    expect(refusal(() => assertDisbursementDate('2026-10-11', '2026-10-05', '2026-10-10'))).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'the disbursement date 2026-10-11 is in the future',
      details: [{ field: 'disbursedOn', rule: 'notFuture', message: '2026-10-11' }],
    });
    expect(refusal(() => assertDisbursementDate('2026-10-04', '2026-10-05', '2026-10-10')).details).toEqual([
      { field: 'disbursedOn', rule: 'afterDeclaration', message: '2026-10-04' },
    ]);
  });

  it('refuses a payment dated in the future', () => {
    expect(refusal(() => assertNotInFuture('paidOn', 'payment', '2026-10-11', '2026-10-10'))).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'the payment date 2026-10-11 is in the future',
      details: [{ field: 'paidOn', rule: 'notFuture', message: '2026-10-11' }],
    });
  });
});
