import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { CHAIN_ACTIONS, CHAIN_STATUSES, ChainAction, ChainStatus } from '../../../domain/approval-chain';
import type { ChainStepView, ChainView } from '../chain-view';
import type { DisputeAction, DisputeView } from '../dispute.service';
import type { ReferralView } from '../referral.service';
import type { ReserveUseView } from '../reserve-use.service';
import type { SurplusPlanLineView, SurplusPlanView } from '../surplus-plan.service';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them.
// The classes implement the views they describe, so a view that changes fails the type-check here.

const MONEY = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '1000000.00', description: 'yuan, two decimals' } as const;
const DATE = { type: 'string', format: 'date', example: '2026-11-03' } as const;
const STEP_STATUSES: ChainStepView['status'][] = ['WAITING', 'OPEN', 'APPROVED', 'RETURNED', 'REJECTED'];
const DISPUTE_ACTIONS: Record<DisputeAction, true> = {
  submit: true,
  withdraw: true,
  register: true,
  requestDocuments: true,
  opinion: true,
  dismiss: true,
  rectification: true,
  accept: true,
  reopen: true,
};

export class ChainStepResponse implements ChainStepView {
  @ApiProperty({ example: 'financeAgrees' }) key!: string;
  @ApiProperty({ example: '财政局同意' }) title!: string;
  @ApiProperty() stage!: number;
  @ApiProperty({ enum: STEP_STATUSES }) status!: ChainStepView['status'];
  @ApiProperty({ ...DATE, nullable: true, description: 'while the step is open' }) deadline!: string | null;
}

export class ChainHistoryResponse {
  @ApiProperty({ enum: CHAIN_ACTIONS }) action!: ChainAction;
  @ApiProperty({ type: 'string', nullable: true }) step!: string | null;
  @ApiProperty() userId!: number;
  @ApiProperty() username!: string;
  @ApiProperty() institutionId!: number;
  @ApiProperty({ type: 'string', nullable: true }) institutionCode!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: 'string', nullable: true }) comment!: string | null;
}

export class ChainResponse implements ChainView {
  @ApiProperty({ enum: CHAIN_STATUSES }) status!: ChainStatus;
  @ApiProperty({ type: [ChainStepResponse] }) steps!: ChainStepResponse[];
  @ApiProperty({ type: [ChainHistoryResponse] }) history!: ChainHistoryResponse[];
}

export class AttachmentResponse {
  @ApiProperty() name!: string;
  @ApiProperty() reference!: string;
}

export class PackageIncreaseTargetResponse {
  @ApiProperty({ enum: ['PACKAGE_INCREASE'] }) kind!: 'PACKAGE_INCREASE';
  @ApiProperty({ example: 'WS-MC' }) communityCode!: string;
}

export class DirectPaymentTargetResponse {
  @ApiProperty({ enum: ['DIRECT_PAYMENT'] }) kind!: 'DIRECT_PAYMENT';
  @ApiProperty({ example: '重大疫情救治费用' }) risk!: string;
}

@ApiExtraModels(PackageIncreaseTargetResponse, DirectPaymentTargetResponse)
export class ReserveUseResponse implements ReserveUseView {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'WS' }) countyCode!: string;
  @ApiProperty({ example: 2026 }) fundYear!: number;
  @ApiProperty() purpose!: string;
  @ApiProperty(MONEY) amount!: string;
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(PackageIncreaseTargetResponse) }, { $ref: getSchemaPath(DirectPaymentTargetResponse) }] })
  target!: PackageIncreaseTargetResponse | DirectPaymentTargetResponse;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: [AttachmentResponse] }) attachments!: AttachmentResponse[];
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ ...DATE, nullable: true }) executedOn!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) executedBy!: string | null;
  @ApiProperty({ ...MONEY, description: 'the county’s adjustment reserve now (调剂金余额)' }) reserveBalance!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: ChainResponse }) chain!: ChainResponse;
  @ApiProperty({ enum: CHAIN_ACTIONS, isArray: true }) allowedActions!: ChainAction[];
}

export class DisputeSubjectResponse {
  @ApiProperty({ example: 'DEDUCTION' }) type!: string;
  @ApiProperty() reference!: string;
}

export class OpinionResponse {
  @ApiProperty() findings!: string;
  @ApiProperty({ type: 'string', nullable: true }) rectifyingUnitCode!: string | null;
  @ApiProperty({ ...DATE, nullable: true }) rectificationDeadline!: string | null;
}

export class RectificationResponse {
  @ApiProperty() note!: string;
  @ApiProperty({ type: [AttachmentResponse] }) evidence!: AttachmentResponse[];
}

export class DisputeResponse implements DisputeView {
  @ApiProperty() id!: number;
  @ApiProperty({ enum: ['DISPUTE', 'PERIODIC_REVIEW'] }) kind!: 'DISPUTE' | 'PERIODIC_REVIEW';
  @ApiProperty() communityCode!: string;
  @ApiProperty() filedBy!: string;
  @ApiProperty({ type: DisputeSubjectResponse }) subject!: DisputeSubjectResponse;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [AttachmentResponse] }) attachments!: AttachmentResponse[];
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: OpinionResponse, nullable: true }) opinion!: OpinionResponse | null;
  @ApiProperty({ type: RectificationResponse, nullable: true }) rectification!: RectificationResponse | null;
  @ApiProperty({ ...DATE, nullable: true }) overdueOn!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) holdId!: number | null;
  @ApiProperty() version!: number;
  @ApiProperty({ type: ChainResponse }) chain!: ChainResponse;
  @ApiProperty({ enum: Object.keys(DISPUTE_ACTIONS), isArray: true }) allowedActions!: DisputeAction[];
}

export class ReferralResponse implements ReferralView {
  @ApiProperty() id!: number;
  @ApiProperty() communityCode!: string;
  @ApiProperty() fromUnitCode!: string;
  @ApiProperty({ example: '532*************04' }) insuredMasked!: string;
  @ApiProperty() receivingHospital!: string;
  @ApiProperty({ type: 'string', nullable: true }) diagnosisCode!: string | null;
  @ApiProperty(DATE) validFrom!: string;
  @ApiProperty(DATE) validTo!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: ChainResponse }) chain!: ChainResponse;
  @ApiProperty({ enum: CHAIN_ACTIONS, isArray: true }) allowedActions!: ChainAction[];
}

export class SurplusPlanLineResponse implements SurplusPlanLineView {
  @ApiProperty({ example: 'WS-TC-01' }) institutionCode!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty() primary!: boolean;
  @ApiProperty(MONEY) approvedConsumption!: string;
  @ApiProperty({ ...MONEY, description: 'the default proposal: surplus share and floor top-up' }) proposed!: string;
  @ApiProperty({ ...MONEY, description: 'what the plan gives the unit' }) amount!: string;
}

export class SurplusPlanProblemResponse {
  @ApiProperty({ example: 'units' }) field!: string;
  @ApiProperty({ example: 'sumsToSurplus', enum: ['sumsToSurplus', 'primaryFloor', 'tiltToPrimary', 'notNegative'] }) rule!: string;
  @ApiProperty() message!: string;
}

export class SurplusPlanCheckResponse {
  @ApiProperty(MONEY) planned!: string;
  @ApiProperty(MONEY) primaryPlanned!: string;
  @ApiProperty(MONEY) primaryProposed!: string;
  @ApiProperty({ ...MONEY, description: 'primary units’ consumption plus their planned amounts' }) primaryFunds!: string;
  @ApiProperty({ ...MONEY, description: 'M × the primary floor rate' }) floorRequired!: string;
  @ApiProperty({ type: [SurplusPlanProblemResponse], description: 'the rules of SPEC §7 the plan breaks now; submitting refuses them' })
  problems!: SurplusPlanProblemResponse[];
}

export class SurplusPlanYearEndResponse {
  @ApiProperty() settlementId!: number;
  @ApiProperty({ example: 'DRAFT' }) state!: string;
  @ApiProperty({ ...MONEY, description: 'the community’s surplus in the year end now' }) surplus!: string;
  @ApiProperty({ description: 'the year end’s statements carry this plan’s amounts' }) surplusPlanApplied!: boolean;
}

export class SurplusPlanResponse implements SurplusPlanView {
  @ApiProperty() id!: number;
  @ApiProperty() countyCode!: string;
  @ApiProperty() communityCode!: string;
  @ApiProperty() fundYear!: number;
  @ApiProperty(MONEY) surplus!: string;
  @ApiProperty() councilDecision!: string;
  @ApiProperty({ type: [SurplusPlanLineResponse] }) lines!: SurplusPlanLineResponse[];
  @ApiProperty({ type: SurplusPlanCheckResponse }) check!: SurplusPlanCheckResponse;
  @ApiProperty({ type: SurplusPlanYearEndResponse }) yearEnd!: SurplusPlanYearEndResponse;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ ...DATE, nullable: true }) executedOn!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) executedBy!: string | null;
  @ApiProperty() version!: number;
  @ApiProperty({ type: ChainResponse }) chain!: ChainResponse;
  @ApiProperty({ enum: CHAIN_ACTIONS, isArray: true }) allowedActions!: ChainAction[];
}
