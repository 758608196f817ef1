import { ApiProperty } from '@nestjs/swagger';
import type { NotificationView, Severity } from '../notification.service';

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
