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

export interface SettlementRecordView {
  id: string;
  externalId: string;
  unitCode: string;
  visitType: string;
  settlementDate: string;
  insuredMasked: string;
  totalCost: string;
  fundPaid: string;
  reviewStatus: ReviewStatus;
  reviewReason: ReasonCode | null;
  reviewNote: string | null;
  deductionReason: ReasonCode | null;
  deductionNote: string | null;
}

export interface DeclarationMemberView {
  institutionCode: string;
  claimId: number;
  records: number;
  claimed: string;
  rejected: string;
  accepted: string;
  deducted: string;
  approved: string;
}

export type DeclarationAction = 'completeReview' | 'return' | 'approve' | 'disburse';

export interface DeclarationView {
  id: number;
  communityCode: string;
  fundYear: number;
  period: string;
  state: 'DECLARED' | 'REVIEWED' | 'APPROVED' | 'DISBURSED';
  version: number;
  deadline: string;
  deadlineConfirmed: boolean;
  declaredOn: string;
  declaredBy: string;
  late: boolean;
  records: number;
  claimed: string;
  rejected: string;
  accepted: string;
  deducted: string;
  approved: string;
  funded: string;
  unfunded: string;
  cash: string;
  reviewedBy: string | null;
  returnNote: string | null;
  approvedBy: string | null;
  paymentDue: string;
  paymentOverdue: boolean;
  disbursedOn: string | null;
  disbursedBy: string | null;
  disbursementRef: string | null;
  paymentLate: boolean;
  members: DeclarationMemberView[];
  allowedActions: DeclarationAction[];
}

export interface PassDownView {
  id: number;
  declarationId: number;
  period: string;
  communityCode: string;
  level: 'MEMBER' | 'VILLAGE';
  payerCode: string;
  payeeCode: string;
  approved: string;
  amount: string;
  receivedOn: string;
  deadline: string;
  state: 'DUE' | 'PAID';
  version: number;
  paidOn: string | null;
  paidBy: string | null;
  late: boolean;
  overdue: boolean;
  allowedActions: 'pay'[];
}

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
