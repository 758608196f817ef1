// The claims module's public surface (SPEC §4): what other modules may call or import.
export { ClaimsModule } from './claims.module';
export { MemberClaimService } from './member-claim.service';
export { DeclarationService } from './declaration.service';
export { DisbursementService } from './disbursement.service';
export { PassDownService, type PassDownView, type DeclarationFunds } from './pass-down.service';
export { CommunityFundingService, type CommunityRef, type HoldView, type OutOfCountyImportOutcome } from './community-funding.service';
export { CycleViewsService, type InboxItem, type PeriodSummary } from './cycle-views.service';
export {
  PrivateSettlementService,
  type PrivateBudgetView,
  type PrivateBudgetsView,
  type PrivatePaymentView,
} from './private-settlement.service';
export { type MemberClaimView, type DeclarationView, type DeclarationFigures } from './claim.views';
export { MemberClaimRepository, type ClaimOpening, type ClaimFilter } from './member-claim.repository';
export { SettlementRecordRepository, RowsNotLoaded, SETTLEMENT_RECORD_COLUMNS, type ClaimTotals } from './settlement-record.repository';
export { DeclarationRepository } from './declaration.repository';
export { CommunityLockRepository } from './community-lock.repository';
export { Transactions } from './transactions';
export { UnitTotalRepository } from './unit-total.repository';
export { TotalsReconciliationService, type TotalsReconciliation } from './totals-reconciliation.service';
export { APPROVED_RECORD_SQL, FUNDED_DECLARATION_SQL, sqlList } from './record-totals';
export * from './claims.module';
export * from './community-lock.repository';
export * from './consumption.repository';
export * from './declaration.repository';
export * from './member-claim.repository';
export * from './settlement-record.repository';
export * from './transactions';
