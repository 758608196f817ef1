import { ApiProperty } from '@nestjs/swagger';
import type { NotificationView, Severity } from '../notification.service';
import type { CommunitySummary, YearEndSummary } from '../../../domain/county-year-end';
import type { YearEndAction } from '../../../domain/year-end-settlement';
import type { StatementView, YearEndView } from '../year-end.service';
import type { JobRunView, PendingOutboxRow } from '../../../queue';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them;
// the class implements the view, so a view that changes fails the type-check here.

const SEVERITIES: Record<Severity, true> = { INFO: true, WATCH: true, WARNING: true, ALARM: true };

export class NotificationResponse implements NotificationView {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'GOVERNANCE_STEP' }) kind!: string;
  @ApiProperty({ enum: Object.keys(SEVERITIES) }) severity!: Severity;
  @ApiProperty({ example: 'reserveUse' }) subjectType!: string;
  @ApiProperty({ example: '12' }) subjectId!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) details!: Record<string, unknown> | null;
  @ApiProperty({ type: 'string', format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) readAt!: Date | null;
  @ApiProperty({ type: 'string', nullable: true }) readBy!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) deliveredAt!: Date | null;
}

export class PaymentCapacityReadingResponse {
  @ApiProperty({ example: '259344214.70', description: 'what the county raised for the fund year' }) fundRaised!: string;
  @ApiProperty({ example: '0.00', description: 'the county fund’s expenditure so far' }) countyExpenditure!: string;
  @ApiProperty({ example: '0.00' }) averageMonthlyExpenditure!: string;
  @ApiProperty({ type: 'string', nullable: true, example: '11.20', description: 'months of payment capacity; null when nothing was spent' })
  months!: string | null;
  @ApiProperty({ description: 'below the warning months of the policy parameters' }) warning!: boolean;
  @ApiProperty({ description: 'read before October, ahead of the fourth-quarter premium collection' }) seasonal!: boolean;
}

/** One month's monitoring reading of a community (src/domain/fund-monitoring.ts), money as decimal text. */
export class MonitoringReadingResponse {
  @ApiProperty({ example: 'WS-MC' }) communityCode!: string;
  @ApiProperty({ example: '2026-10' }) period!: string;
  @ApiProperty({ example: '166079472.53', description: 'the package M in force' }) communityPackage!: string;
  @ApiProperty({ example: '0.00' }) memberApproved!: string;
  @ApiProperty({ example: '0.00' }) primaryApproved!: string;
  @ApiProperty({ example: '0.00' }) outOfCounty!: string;
  @ApiProperty({ example: '0.00', description: 'member approved + out of county, January to the period' }) expenditure!: string;
  @ApiProperty({ example: '138399560.44', description: 'M × elapsed months ÷ 12' }) budgetToDate!: string;
  @ApiProperty({ example: '0.0000', description: 'expenditure ÷ budget to date' }) burnRatio!: string;
  @ApiProperty({ enum: ['NORMAL', 'WATCH', 'WARNING', 'ALARM'] }) level!: string;
  @ApiProperty({ example: '0.00' }) projectedExpenditure!: string;
  @ApiProperty({ example: '0.00' }) projectedOverspend!: string;
  @ApiProperty({ example: '0.0000' }) primaryShareToDate!: string;
  @ApiProperty({ example: '0.0000' }) projectedPrimaryShare!: string;
  @ApiProperty({ example: '0.25' }) primaryFloorRate!: string;
  @ApiProperty() primaryBelowFloor!: boolean;
  @ApiProperty({ type: PaymentCapacityReadingResponse }) paymentCapacity!: PaymentCapacityReadingResponse;
}

export class BurnThresholdsResponse {
  @ApiProperty({ example: '1.05' }) watch!: string;
  @ApiProperty({ example: '1.1' }) warning!: string;
  @ApiProperty({ example: '1.2' }) alarm!: string;
}

const MONEY = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '1000000.00', description: 'yuan, two decimals' } as const;
const YEAR_END_ACTIONS: Record<YearEndAction, true> = { redraft: true, approve: true, post: true };

export class YearEndStatementResponse implements StatementView {
  @ApiProperty({ example: 'WS-TC-01' }) institutionCode!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty({ enum: ['MEMBER', 'PRIVATE'] }) kind!: 'MEMBER' | 'PRIVATE';
  @ApiProperty({ type: 'string', nullable: true }) communityCode!: string | null;
  @ApiProperty() primary!: boolean;
  @ApiProperty(MONEY) approvedConsumption!: string;
  @ApiProperty(MONEY) overspendShare!: string;
  @ApiProperty({ ...MONEY, description: 'the surplus share (the approved surplus plan’s amount once applied)' }) surplusShare!: string;
  @ApiProperty(MONEY) floorTopUp!: string;
  @ApiProperty(MONEY) depositWithheld!: string;
  @ApiProperty(MONEY) depositRelease!: string;
  @ApiProperty(MONEY) paidSoFar!: string;
  @ApiProperty({ ...MONEY, description: 'positive: owed to the unit; negative: the unit owes (offset next year)' }) balanceDue!: string;
}

export class YearEndFloorResponse {
  @ApiProperty({ example: '0.25' }) floorRate!: string;
  @ApiProperty(MONEY) required!: string;
  @ApiProperty(MONEY) shortfall!: string;
  @ApiProperty() met!: boolean;
}

export class ClosingBalancesResponse {
  @ApiProperty(MONEY) package!: string;
  @ApiProperty(MONEY) leadAdvance!: string;
  @ApiProperty(MONEY) qualityDeposit!: string;
}

export class CommunityYearEndResponse implements CommunitySummary {
  @ApiProperty({ example: 'WS-MC' }) communityCode!: string;
  @ApiProperty(MONEY) communityPackage!: string;
  @ApiProperty(MONEY) outOfCountyExpenditure!: string;
  @ApiProperty(MONEY) outOfCountyUnfunded!: string;
  @ApiProperty(MONEY) totalExpenditure!: string;
  @ApiProperty(MONEY) overspend!: string;
  @ApiProperty(MONEY) surplus!: string;
  @ApiProperty(MONEY) primaryAfterShares!: string;
  @ApiProperty({ example: '0.2514' }) primaryShareOfPackage!: string;
  @ApiProperty({ type: YearEndFloorResponse }) floor!: YearEndFloorResponse;
  @ApiProperty() floorViolation!: boolean;
  @ApiProperty(MONEY) floorReapportioned!: string;
  @ApiProperty(MONEY) surplusUnallocated!: string;
  @ApiProperty(MONEY) overspendUnapportioned!: string;
  @ApiProperty({ type: 'string', nullable: true }) decisionNeeded!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'the executed surplus plan the statements carry' }) surplusPlanId?:
    number | null;
  @ApiProperty({ type: 'string', nullable: true }) score!: string | null;
  @ApiProperty(MONEY) depositWithheld!: string;
  @ApiProperty(MONEY) depositReleased!: string;
  @ApiProperty({ type: ClosingBalancesResponse }) closingBalances!: ClosingBalancesResponse;
}

export class YearEndOptionsResponse {
  @ApiProperty() attributeOutOfCountyToLead!: boolean;
  @ApiProperty() reapportionFloorShortfall!: boolean;
  @ApiProperty({ example: '1.5' }) surplusPrimaryWeight!: string;
  @ApiProperty() parametersVersion!: number;
}

export class YearEndTransferResponse {
  @ApiProperty({ example: 'yearend.WS.2026.WS-MC.package' }) id!: string;
  @ApiProperty({ example: 'COMMUNITY_PACKAGE:WS-MC' }) debit!: string;
  @ApiProperty({ example: 'YEAR_END_CLEARING:WS-MC' }) credit!: string;
  @ApiProperty(MONEY) amount!: string;
  @ApiProperty() memo!: string;
}

export class PrivateYearEndResponse {
  @ApiProperty() count!: number;
  @ApiProperty(MONEY) balanceDue!: string;
}

export class PendingDeclarationResponse {
  @ApiProperty({ example: 'WS-MC' }) communityCode!: string;
  @ApiProperty({ example: '2026-12' }) period!: string;
  @ApiProperty({ example: 'DECLARED' }) state!: string;
}

export class YearEndSummaryResponse implements Omit<YearEndSummary, 'transfers'> {
  @ApiProperty({ type: YearEndOptionsResponse }) options!: YearEndOptionsResponse;
  @ApiProperty({ type: [CommunityYearEndResponse] }) communities!: CommunityYearEndResponse[];
  @ApiProperty({ type: PrivateYearEndResponse }) privateInstitutions!: PrivateYearEndResponse;
  @ApiProperty({ type: [PendingDeclarationResponse] }) pendingDeclarations!: PendingDeclarationResponse[];
  @ApiProperty({ description: 'settlement records the year end read' }) records!: number;
  @ApiProperty({ type: [YearEndTransferResponse], description: 'the transfers posting it makes, in order' })
  transfers!: YearEndTransferResponse[];
}

export class YearEndResponse implements Omit<YearEndView, 'summary'> {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'WS' }) countyCode!: string;
  @ApiProperty({ example: 2026 }) fundYear!: number;
  @ApiProperty({ enum: ['DRAFT', 'APPROVED', 'POSTED'] }) state!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'how many times it was drafted' }) revision!: number;
  @ApiProperty() draftedBy!: string;
  @ApiProperty({ type: 'string', format: 'date-time' }) draftedAt!: Date;
  @ApiProperty({ type: 'string', nullable: true }) approvedBy!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) approvedAt!: Date | null;
  @ApiProperty({ type: 'string', nullable: true }) postingRequestedBy!: string | null;
  @ApiProperty() postedTransfers!: number;
  @ApiProperty() totalTransfers!: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) postedAt!: Date | null;
  @ApiProperty({ type: YearEndSummaryResponse }) summary!: YearEndSummaryResponse;
  @ApiProperty({ type: [YearEndStatementResponse] }) statements!: YearEndStatementResponse[];
  @ApiProperty({ enum: Object.keys(YEAR_END_ACTIONS), isArray: true }) allowedActions!: YearEndAction[];
}

export class UnitYearEndStatementResponse {
  @ApiProperty() settlementId!: number;
  @ApiProperty({ enum: ['DRAFT', 'APPROVED', 'POSTED'] }) state!: string;
  @ApiProperty({ example: 2026 }) fundYear!: number;
  @ApiProperty({ type: YearEndStatementResponse }) statement!: YearEndStatementResponse;
}

export class CycleResponse {
  @ApiProperty({ example: 'deadline-watch' }) cycle!: string;
  @ApiProperty({ example: 'county', description: 'what one run covers (a county or a community)' }) scope!: string;
  @ApiProperty({ example: 'previous month', description: 'the period a run works on' }) period!: string;
  @ApiProperty({ type: 'string', nullable: true, example: '0 1 * * *', description: 'cron pattern; null when not scheduled' }) schedule!:
    string | null;
  @ApiProperty({ example: 'Asia/Shanghai' }) timezone!: string;
}

export class CycleRunRefResponse {
  @ApiProperty({ example: 'monitoring' }) cycle!: string;
  @ApiProperty({ example: '2026-10' }) period!: string;
  @ApiProperty({ example: 'WS-MC' }) scope!: string;
  @ApiProperty({ example: 'cycle.run.monitoring.2026-10.WS-MC' }) jobId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'the kept result when the run already happened' })
  result!: Record<string, unknown> | null;
}

export class CycleResultResponse {
  @ApiProperty({ example: 'monitoring' }) cycle!: string;
  @ApiProperty({ example: '2026-10' }) period!: string;
  @ApiProperty({ example: 'WS-MC' }) scope!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'what the run kept (a monitoring reading, counts, a draft’s id)',
  })
  result!: unknown;
  @ApiProperty() jobId!: string;
  @ApiProperty({ type: 'string', format: 'date-time' }) createdAt!: Date;
}

export class JobRunResponse implements JobRunView {
  @ApiProperty() id!: number;
  @ApiProperty() jobId!: string;
  @ApiProperty({ example: 'yearend.post' }) jobName!: string;
  @ApiProperty() queue!: string;
  @ApiProperty() attempt!: number;
  @ApiProperty({ description: 'host:pid of the worker' }) worker!: string;
  @ApiProperty({ type: 'string', format: 'date-time' }) startedAt!: Date;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) finishedAt!: Date | null;
  @ApiProperty({ enum: ['RUNNING', 'DONE', 'FAILED'] }) outcome!: JobRunView['outcome'];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) counts!: Record<string, unknown> | null;
  @ApiProperty({ type: 'string', nullable: true }) error!: string | null;
}

export class PendingOutboxResponse implements PendingOutboxRow {
  @ApiProperty() jobId!: string;
  @ApiProperty() jobName!: string;
  @ApiProperty({ type: 'string', format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) enqueuedAt!: Date | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: 'string', nullable: true }) lastError!: string | null;
}

export class MarkedReadResponse {
  @ApiProperty({ description: 'notifications marked read by this call' }) marked!: number;
}

export class WebhookResponse {
  @ApiProperty({ type: 'string', nullable: true, example: 'https://his.example/hooks/capitation' }) url!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ required: false }) version?: number;
  @ApiProperty({ required: false }) updatedBy?: string;
  @ApiProperty({ type: 'string', format: 'date-time', required: false }) updatedAt?: Date;
  @ApiProperty({ required: false, description: 'the signing secret, shown only when set or rotated' }) secret?: string;
}
