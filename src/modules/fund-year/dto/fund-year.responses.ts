import { ApiProperty } from '@nestjs/swagger';
import { PlanCategory, PlanWarning } from '../../../domain/primary-floor';
import type { BudgetPlanPreviewView } from '../budget-plan.service';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them;
// the class implements the view, so a view that changes fails the type-check here.

export class PlanFloorPreviewResponse {
  @ApiProperty({ example: '0.25', description: 'the primary-care floor in force (share of M)' }) rate!: string;
  @ApiProperty({ example: '41519868.13', description: 'floor × M, half up to the fen' }) required!: string;
  @ApiProperty({ example: '0.01', description: 'required − planned primary funds, zero when met' }) shortfall!: string;
  @ApiProperty() met!: boolean;
}

export class PlanWarningResponse implements PlanWarning {
  @ApiProperty({ enum: ['PRIMARY_BELOW_LAST_YEAR'] }) code!: 'PRIMARY_BELOW_LAST_YEAR';
  @ApiProperty() message!: string;
}

export class PlanCategoryTotalsResponse implements Record<PlanCategory, string> {
  @ApiProperty({ example: '1000000.00' }) OUT_OF_COUNTY!: string;
  @ApiProperty({ example: '1000000.00' }) OUTPATIENT!: string;
  @ApiProperty({ example: '1000000.00' }) INPATIENT!: string;
  @ApiProperty({ example: '1000000.00' }) CHRONIC_SPECIAL!: string;
}

export class BudgetPlanPreviewResponse implements BudgetPlanPreviewView {
  @ApiProperty({ example: 'WS-MC' }) communityCode!: string;
  @ApiProperty({ example: 2026 }) fundYear!: number;
  @ApiProperty({ description: 'the approved allocation whose package M the plan divides' }) allocationId!: number;
  @ApiProperty({ example: '166079472.53', description: 'the package M in force' }) communityPackage!: string;
  @ApiProperty({ example: '166079472.53', description: 'the lines’ sum' }) total!: string;
  @ApiProperty({ example: '0.00', description: 'M − total (positive: still to plan; negative: planned over M)' }) unplanned!: string;
  @ApiProperty({ description: 'the lines total M exactly (a plan is refused otherwise)' }) totalMatches!: boolean;
  @ApiProperty({ example: '41519868.13', description: 'funds planned for township health centres and village clinics' })
  primaryTotal!: string;
  @ApiProperty({ example: '0.2500', description: 'primary funds ÷ M, four decimals' }) primaryShare!: string;
  @ApiProperty({ type: PlanFloorPreviewResponse }) floor!: PlanFloorPreviewResponse;
  @ApiProperty({ type: PlanCategoryTotalsResponse }) byCategory!: PlanCategoryTotalsResponse;
  @ApiProperty({ type: [PlanWarningResponse] }) warnings!: PlanWarningResponse[];
}
