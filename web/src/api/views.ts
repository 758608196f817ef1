import type { Schemas } from './client';

// Described by the OpenAPI document: the generated types.
export type SettlementRecordView = Schemas['SettlementRecordResponse'];
export type DeclarationView = Schemas['DeclarationResponse'];
export type DeclarationMemberView = Schemas['DeclarationMemberResponse'];
export type DeclarationAction = DeclarationView['allowedActions'][number];
export type PassDownView = Schemas['PassDownResponse'];

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

export interface NotificationView {
  id: number;
  kind: string;
  severity: string;
  subjectType: string;
  subjectId: string;
  message: string;
  createdAt: string;
  readAt: string | null;
  readBy: string | null;
}

export interface AccountBalanceView {
  code: string;
  debits: string;
  credits: string;
  balance: string;
  name: string;
  nature: '资产' | '负债' | '净资产' | '支出';
  normalSide: '借' | '贷';
  balanceSide: '借' | '贷' | '平';
  balanceAmount: string;
}

export interface AccountsExtra {
  totalDebits: string;
  totalCredits: string;
  reconciled: boolean;
  trialBalance: { debitBalances: string; creditBalances: string; balanced: boolean };
}

export interface LedgerTransferView {
  id: string;
  amount: string;
  memo: string;
  entry: { summary: string; lines: { side: '借' | '贷'; account: string; accountName: string; amount: string }[] };
  referenceType: string;
  referenceId: string;
  postedBy: string;
  postedAt: string;
}

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
