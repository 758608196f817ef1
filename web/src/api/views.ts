import type { Schemas } from './client';

// Described by the OpenAPI document: the generated types (an API change the console does not follow fails its type-check).
export type SettlementRecordView = Schemas['SettlementRecordResponse'];
export type DeclarationView = Schemas['DeclarationResponse'];
export type DeclarationMemberView = Schemas['DeclarationMemberResponse'];
export type DeclarationAction = DeclarationView['allowedActions'][number];
export type PassDownView = Schemas['PassDownResponse'];
export type NotificationView = Schemas['NotificationResponse'];
export type AccountBalanceView = Schemas['AccountBalanceResponse'];
export type LedgerTransferView = Schemas['LedgerTransferResponse'];

/** Input vocabularies the console offers (the API validates them). */
export type ReviewStatus = 'PENDING' | 'ACCEPTED' | 'REJECTED';

export const REASON_CODES = [
  'DUPLICATE_SETTLEMENT',
  'OUT_OF_CATALOGUE',
  'OVER_STANDARD',
  'UNREASONABLE_TREATMENT',
  'NO_REFERRAL',
  'MISSING_DOCUMENTS',
  'INELIGIBLE_PATIENT',
  'OTHER',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export type ChainView = Schemas['ChainResponse'];
export type ChainStatus = ChainView['status'];
export type ReserveUseView = Schemas['ReserveUseResponse'];
export type ChainAction = ReserveUseView['allowedActions'][number];
export type DisputeView = Schemas['DisputeResponse'];
export type DisputeAction = DisputeView['allowedActions'][number];
export type ReferralView = Schemas['ReferralResponse'];

export const DISPUTE_SUBJECTS = ['ALLOCATION', 'BUDGET_PLAN_LINE', 'DEDUCTION', 'YEAR_END_STATEMENT', 'FUND_USE'] as const;
export type SurplusPlanView = Schemas['SurplusPlanResponse'];
