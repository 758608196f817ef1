import type { Schemas } from '../../api/client';
import type { I18nKey } from '../../app/i18n';

export type Claim = Schemas['MemberClaimResponse'];
export type UnitStatement = Schemas['UnitStatementResponse'];
export type Sample = Schemas['SampleResponse'];

/** The statement's money columns, in the order the statement and its export show them. */
export const FIGURE_COLUMNS: readonly (readonly [keyof Schemas['StatementFiguresResponse'], I18nKey])[] = [
  ['claimed', 'stmClaimedAmt'],
  ['rejected', 'stmRejected'],
  ['flaggedByRule', 'stmFlagged'],
  ['flaggedAccepted', 'stmFlaggedAccepted'],
  ['accepted', 'stmAccepted'],
  ['deducted', 'stmDeducted'],
  ['carriedIn', 'stmCarriedIn'],
  ['carriedOut', 'stmCarriedOut'],
  ['extrapolatedDeduction', 'stmExtrapolated'],
  ['approved', 'stmApproved'],
  ['funded', 'stmFunded'],
  ['deposit', 'stmDeposit'],
  ['advanceOffset', 'stmAdvance'],
  ['cash', 'stmCash'],
  ['passDownDue', 'stmPassDownDue'],
  ['passedDown', 'stmPassedDown'],
];

export const READS_DECLARATIONS = ['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'AUDITOR', 'APPROVER'];
export const SAMPLES = ['LEAD_FINANCE', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'];
