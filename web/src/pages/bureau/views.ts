// The API's answers these screens read: the OpenAPI document's where it describes them; where it
// does not yet (test/e2e/openapi-answers.e2e-spec.ts lists those), written here from the API's views.

import type { Schemas } from '../../api/client';

export type DocumentState = 'DRAFT' | 'SUBMITTED' | 'APPROVED' | 'PUBLISHED' | 'SUPERSEDED';
export type DocumentAction = 'submit' | 'return' | 'approve' | 'publish' | 'supersede';

/** The inputs of an allocation (SPEC §3), as text: counts and yuan. */
export interface AllocationInputs {
  insuredCount: string;
  perCapitaStandard: string;
  interest: string;
  criticalIllnessPremiumPerPerson: string;
  familyDoctorFee: string;
  policyAdjustmentExpenditure: string;
}

export const ALLOCATION_INPUTS: readonly (keyof AllocationInputs)[] = [
  'insuredCount',
  'perCapitaStandard',
  'interest',
  'criticalIllnessPremiumPerPerson',
  'familyDoctorFee',
  'policyAdjustmentExpenditure',
];

export type AllocationFigures = Schemas['AllocationFiguresResponse'];

/** The figures in SPEC §3's order: F, A, C, B, the shares of B, R, M. */
export const ALLOCATION_FIGURES: readonly (keyof AllocationFigures)[] = [
  'raisedTotal',
  'adjustmentReserve',
  'criticalIllnessFund',
  'netBase',
  'communityBaseShare',
  'increasePool',
  'privatePool',
  'communityIncrease',
  'communityPackage',
];

export type AllocationPreview = Schemas['AllocationPreviewResponse'];

export type AllocationView = Schemas['AllocationResponse'];

export type BudgetPlanView = Schemas['BudgetPlanResponse'];

export type YearEndView = Schemas['YearEndResponse'];

export type HoldState = 'ACTIVE' | 'LIFTED';
export interface HoldView {
  id: number;
  communityCode: string;
  state: HoldState;
  version: number;
  reason: string;
  placedBy: string;
  placedAt: string;
  liftedBy: string | null;
  liftedAt: string | null;
  liftNote: string | null;
  allowedActions: 'lift'[];
}

export interface PrivateBudgetView {
  institutionCode: string;
  institutionName: string;
  amount: string;
  setBy: string;
}

export interface PrivateBudgetsPage {
  items: PrivateBudgetView[];
  total: number;
  countyCode: string;
  fundYear: number;
  privatePool: string | null;
  budgeted: string;
}

export interface PrivatePaymentView {
  id: number;
  claimId: number;
  institutionCode: string;
  fundYear: number;
  period: string;
  state: 'APPROVED' | 'PAID';
  version: number;
  annualBudget: string;
  approved: string;
  approvedToDate: string;
  cumulativeCap: string;
  funded: string;
  deposit: string;
  cash: string;
  unfundedToDate: string;
  approvedBy: string;
  paidOn: string | null;
  paidBy: string | null;
  allowedActions: 'pay'[];
}

export type PolicyParametersView = Schemas['PolicyParametersResponse'];

export type PolicyParametersVersion = Schemas['PolicyParametersVersionResponse'];

export type YearScheduleView = Schemas['YearScheduleResponse'];
