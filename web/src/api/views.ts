import type { Schemas } from './client';

// Described by the OpenAPI document: the generated types.
export type SettlementRecordView = Schemas['SettlementRecordResponse'];
export type DeclarationView = Schemas['DeclarationResponse'];
export type DeclarationMemberView = Schemas['DeclarationMemberResponse'];
export type DeclarationAction = DeclarationView['allowedActions'][number];
export type PassDownView = Schemas['PassDownResponse'];
export type NotificationView = Schemas['NotificationResponse'];
export type AccountBalanceView = Schemas['AccountBalanceResponse'];
export type LedgerTransferView = Schemas['LedgerTransferResponse'];

/**
 * Answer bodies of routes whose OpenAPI document describes only their inputs (the list envelope
 * with untyped items). They mirror the API's views field for field; money stays text.
 */
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

export type ChainStatus = 'DRAFT' | 'IN_REVIEW' | 'RETURNED' | 'APPROVED' | 'REJECTED' | 'EXECUTED' | 'WITHDRAWN';
export type ChainAction = 'submit' | 'approve' | 'return' | 'reject' | 'execute' | 'withdraw';

export interface ChainView {
  status: ChainStatus;
  steps: {
    key: string;
    title: string;
    stage: number;
    status: 'WAITING' | 'OPEN' | 'APPROVED' | 'RETURNED' | 'REJECTED';
    deadline: string | null;
  }[];
  history: {
    action: ChainAction;
    step: string | null;
    username: string;
    institutionCode: string | null;
    at: string;
    comment: string | null;
  }[];
}

export interface ReserveUseView {
  id: number;
  countyCode: string;
  fundYear: number;
  purpose: string;
  amount: string;
  target: { kind: 'PACKAGE_INCREASE'; communityCode: string } | { kind: 'DIRECT_PAYMENT'; risk: string };
  reason: string;
  createdBy: string;
  createdAt: string;
  executedOn: string | null;
  executedBy: string | null;
  reserveBalance: string;
  version: number;
  chain: ChainView;
  allowedActions: ChainAction[];
}

export type DisputeAction =
  'submit' | 'withdraw' | 'register' | 'requestDocuments' | 'opinion' | 'dismiss' | 'rectification' | 'accept' | 'reopen';

export const DISPUTE_SUBJECTS = ['ALLOCATION', 'BUDGET_PLAN_LINE', 'DEDUCTION', 'YEAR_END_STATEMENT', 'FUND_USE'] as const;

export interface DisputeView {
  id: number;
  kind: 'DISPUTE' | 'PERIODIC_REVIEW';
  communityCode: string;
  filedBy: string;
  subject: { type: string; reference: string };
  description: string;
  createdBy: string;
  createdAt: string;
  opinion: { findings: string; rectifyingUnitCode: string | null; rectificationDeadline: string | null } | null;
  rectification: { note: string; evidence: { name: string; reference: string }[] } | null;
  overdueOn: string | null;
  holdId: number | null;
  version: number;
  chain: ChainView;
  allowedActions: DisputeAction[];
}
