import { ApiProperty } from '@nestjs/swagger';
import { HIT_STATUSES, HitAction, HitStatus, RULE_IDS, RuleDefinition, RuleId, SEVERITIES, Severity } from '../../../domain/review-rules';
import type { RuleSetRow } from '../review-rules.repository';
import type { RuleHitView, RuleSetView } from '../review-rules.service';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them;
// each class implements the view, so a view that changes fails the type-check here.

const HIT_ACTIONS: Record<HitAction, true> = { answer: true, accept: true, dismiss: true };
const NUMBER_MAP = { type: 'object', additionalProperties: { type: 'number' } } as const;

export class RuleDefinitionResponse implements RuleDefinition {
  @ApiProperty({ enum: RULE_IDS }) id!: RuleId;
  @ApiProperty({ example: '重复结算' }) name!: string;
  @ApiProperty({ enum: SEVERITIES, description: 'VIOLATION 明确违规, SUSPICIOUS 高度可疑' }) severity!: Severity;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ ...NUMBER_MAP, description: 'the rule’s thresholds by name (e.g. readmissionDays: 15)' }) params!: Record<string, number>;
}

export class RuleSetResponse implements RuleSetView {
  @ApiProperty({ example: 'WS' }) county!: string;
  @ApiProperty({ description: '0: no version saved yet; the defaults shown are what the rules run with' }) version!: number;
  @ApiProperty({ type: 'string', format: 'date', nullable: true }) effectiveFrom!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) savedBy!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) savedAt!: string | null;
  @ApiProperty({ type: [RuleDefinitionResponse] }) rules!: RuleDefinitionResponse[];
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { default: { type: 'number' }, min: { type: 'number' }, max: { type: 'number' } },
      },
    },
    description: 'each rule’s parameters with their default and bounds, by rule id',
  })
  parameterBounds!: RuleSetView['parameterBounds'];
  @ApiProperty({ enum: ['save'], isArray: true }) allowedActions!: 'save'[];
}

export class RuleSetVersionResponse implements RuleSetRow {
  @ApiProperty() version!: number;
  @ApiProperty({ type: 'string', format: 'date' }) effectiveFrom!: string;
  @ApiProperty({ type: [RuleDefinitionResponse] }) rules!: RuleDefinitionResponse[];
  @ApiProperty() savedBy!: string;
  @ApiProperty({ format: 'date-time' }) savedAt!: string;
}

export class RuleHitResponse implements RuleHitView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '2026-10' }) claimPeriod!: string;
  @ApiProperty() batchId!: string;
  @ApiProperty() ruleSetVersion!: number;
  @ApiProperty({ enum: RULE_IDS }) ruleId!: string;
  @ApiProperty({ example: '重复结算' }) ruleName!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty({ type: [String], description: 'the records involved; the first is the one an accepted hit rejects' }) recordIds!: string[];
  @ApiProperty({ description: 'the record an accepted hit rejects' }) recordId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what the rule found (dates, counts, the distribution)' })
  evidence!: Record<string, unknown>;
  @ApiProperty({ type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '1200.00' }) suggestedDeduction!: string;
  @ApiProperty({ example: 'DUPLICATE_SETTLEMENT', description: 'the rejection reason an accepted hit fills' }) reasonCode!: string;
  @ApiProperty({ enum: HIT_STATUSES }) status!: HitStatus;
  @ApiProperty({ type: 'string', nullable: true, description: 'the member unit’s answer (申诉)' }) answer!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) answeredBy!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) answeredAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) decidedBy!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) decisionNote!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ enum: Object.keys(HIT_ACTIONS), isArray: true }) allowedActions!: HitAction[];
}
