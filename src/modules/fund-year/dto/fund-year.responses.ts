import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { PlanCategory, PlanWarning } from '../../../domain/primary-floor';
import type { BudgetPlanPreviewView } from '../budget-plan.service';
import { DOCUMENT_ACTIONS, DOCUMENT_STATES, DocumentAction } from '../../../domain/document-lifecycle';
import type { AllocationPreview, AllocationView, PackageIncreaseView } from '../allocation.service';
import type { BudgetPlanView } from '../budget-plan.service';
import { POLICY_PARAMETER_NAMES, PolicyParameters } from '../../../domain/policy-parameters';
import type { PolicyParametersVersionView, PolicyParametersView } from '../policy-parameters.service';

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

const MONEY = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '1000000.00', description: 'yuan, two decimals' } as const;

/** SPEC §3's figures by name (F raisedTotal, R adjustmentReserve, C criticalIllnessFund, B netBase, …, M communityPackage). */
export class AllocationFiguresResponse implements Record<keyof AllocationView['figures'], string> {
  @ApiProperty({ ...MONEY, description: 'F: the year’s raised fund' }) raisedTotal!: string;
  @ApiProperty({ ...MONEY, description: 'R: the adjustment reserve (调剂金)' }) adjustmentReserve!: string;
  @ApiProperty({ ...MONEY, description: 'C: the critical-illness premium' }) criticalIllnessFund!: string;
  @ApiProperty({ ...MONEY, description: 'B: the net base' }) netBase!: string;
  @ApiProperty(MONEY) communityBaseShare!: string;
  @ApiProperty(MONEY) increasePool!: string;
  @ApiProperty(MONEY) communityIncrease!: string;
  @ApiProperty({ ...MONEY, description: 'M: the communities’ package in all' }) communityPackage!: string;
  @ApiProperty(MONEY) privatePool!: string;
}

export class PackageIncreaseResponse implements PackageIncreaseView {
  @ApiProperty(MONEY) amount!: string;
  @ApiProperty({ example: 'reserveUse' }) sourceType!: string;
  @ApiProperty({ example: '3' }) sourceId!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: 'string', format: 'date' }) effectiveOn!: string;
  @ApiProperty() createdBy!: string;
}

export class AllocationCommunityResponse {
  @ApiProperty({ example: 'WS-MC' }) communityCode!: string;
  @ApiProperty() communityName!: string;
  @ApiProperty({ example: '312457' }) enrolledPopulation!: string;
  @ApiProperty({ ...MONEY, description: 'the package as allocated (and published)' }) package!: string;
  @ApiProperty({ type: [PackageIncreaseResponse] }) increases!: PackageIncreaseResponse[];
  @ApiProperty({ ...MONEY, description: 'M with the increases executed since: the figure every rule uses' }) effectivePackage!: string;
}

const TEXT_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;

export class AllocationResponse implements AllocationView {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'WS' }) countyCode!: string;
  @ApiProperty({ example: 2026 }) fundYear!: number;
  @ApiProperty({ description: 'the allocation’s version within its year (a correction is the next)' }) documentVersion!: number;
  @ApiProperty({ type: 'integer', nullable: true }) supersedesId!: number | null;
  @ApiProperty({ enum: DOCUMENT_STATES }) state!: string;
  @ApiProperty({ description: 'optimistic-lock version to send with the next action' }) version!: number;
  @ApiProperty({ ...TEXT_MAP, description: 'the inputs as entered (N, S, I, c, Dfd, P), text' }) inputs!: Record<string, string>;
  @ApiProperty({ type: AllocationFiguresResponse }) figures!: AllocationFiguresResponse;
  @ApiProperty({ type: [AllocationCommunityResponse] }) communities!: AllocationCommunityResponse[];
  @ApiProperty() parametersVersion!: number;
  @ApiProperty({ ...TEXT_MAP, description: 'the policy parameters the figures used, text' }) parameters!: Record<string, string>;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ type: 'string', nullable: true }) submittedBy!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) approvedBy!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) approvedAt!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) publishedAt!: string | null;
  @ApiProperty({ enum: DOCUMENT_ACTIONS, isArray: true }) allowedActions!: DocumentAction[];
}

export class AllocationPreviewCommunityResponse {
  @ApiProperty({ example: 'WS-MC' }) communityCode!: string;
  @ApiProperty({ example: '312457' }) enrolledPopulation!: string;
  @ApiProperty(MONEY) package!: string;
}

export class AllocationPreviewResponse implements AllocationPreview {
  @ApiProperty({ example: 'WS' }) countyCode!: string;
  @ApiProperty({ example: 2026 }) fundYear!: number;
  @ApiProperty(TEXT_MAP) inputs!: Record<string, string>;
  @ApiProperty({ type: AllocationFiguresResponse }) figures!: AllocationFiguresResponse;
  @ApiProperty({ type: [AllocationPreviewCommunityResponse] }) communities!: AllocationPreviewCommunityResponse[];
  @ApiProperty() parametersVersion!: number;
  @ApiProperty(TEXT_MAP) parameters!: Record<string, string>;
}

export class PublishedCommunityResponse {
  @ApiProperty({ example: 'WS-MC' }) communityCode!: string;
  @ApiProperty() communityName!: string;
  @ApiProperty(MONEY) package!: string;
}

/** What 公示 shows: the published figures, without the document's workings. */
export class PublishedAllocationResponse {
  @ApiProperty({ example: 'WS' }) countyCode!: string;
  @ApiProperty({ example: 2026 }) fundYear!: number;
  @ApiProperty() documentVersion!: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) publishedAt!: string | null;
  @ApiProperty({ type: AllocationFiguresResponse }) figures!: AllocationFiguresResponse;
  @ApiProperty({ type: [PublishedCommunityResponse] }) communities!: PublishedCommunityResponse[];
}

export class PlanFloorResponse {
  @ApiProperty({ example: '0.25' }) rate!: string;
  @ApiProperty(MONEY) required!: string;
  @ApiProperty() met!: boolean;
}

export class BudgetPlanLineResponse {
  @ApiProperty({ enum: ['OUT_OF_COUNTY', 'OUTPATIENT', 'INPATIENT', 'CHRONIC_SPECIAL'] }) category!: PlanCategory;
  @ApiProperty({ type: 'string', nullable: true, example: 'WS-TC-01' }) institutionCode!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) institutionName!: string | null;
  @ApiProperty() primary!: boolean;
  @ApiProperty(MONEY) amount!: string;
}

export class BudgetPlanResponse implements BudgetPlanView {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'WS-MC' }) communityCode!: string;
  @ApiProperty({ example: 2026 }) fundYear!: number;
  @ApiProperty() documentVersion!: number;
  @ApiProperty({ type: 'integer', nullable: true }) supersedesId!: number | null;
  @ApiProperty({ description: 'the approved allocation whose package M the plan divides' }) allocationId!: number;
  @ApiProperty({ enum: DOCUMENT_STATES }) state!: BudgetPlanView['state'];
  @ApiProperty() version!: number;
  @ApiProperty(MONEY) communityPackage!: string;
  @ApiProperty(MONEY) total!: string;
  @ApiProperty(MONEY) primaryTotal!: string;
  @ApiProperty({ example: '0.2818' }) primaryShare!: string;
  @ApiProperty({ type: PlanFloorResponse }) floor!: PlanFloorResponse;
  @ApiProperty({ type: [PlanWarningResponse] }) warnings!: PlanWarningResponse[];
  @ApiProperty({ type: PlanCategoryTotalsResponse }) byCategory!: PlanCategoryTotalsResponse;
  @ApiProperty({ type: [BudgetPlanLineResponse] }) lines!: BudgetPlanLineResponse[];
  @ApiProperty() createdBy!: string;
  @ApiProperty({ type: 'string', nullable: true }) submittedBy!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) approvedBy!: string | null;
  @ApiProperty({ enum: DOCUMENT_ACTIONS, isArray: true }) allowedActions!: DocumentAction[];
}

/** Every policy parameter by name, as text (rates, days, amounts). */
const PARAMETER_VALUES: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: `every parameter by name, as text: ${POLICY_PARAMETER_NAMES.join(', ')}`,
};

export class PolicyParametersResponse implements PolicyParametersView {
  @ApiProperty({ example: 'WS' }) countyCode!: string;
  @ApiProperty({ example: 2026 }) fundYear!: number;
  @ApiProperty({ description: '0 while nothing is saved for the year yet' }) version!: number;
  @ApiProperty({ enum: ['saved', 'previous-year', 'default'] }) source!: PolicyParametersView['source'];
  @ApiProperty(PARAMETER_VALUES) values!: PolicyParameters;
}

export class PolicyParametersVersionResponse implements PolicyParametersVersionView {
  @ApiProperty() version!: number;
  @ApiProperty(PARAMETER_VALUES) values!: PolicyParameters;
  @ApiProperty() changedBy!: string;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
}
