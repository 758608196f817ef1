import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { HIT_STATUSES, SEVERITIES } from '../../../domain/review-rules';

export class RuleHitQuery extends PageQuery {
  @ApiPropertyOptional({ enum: HIT_STATUSES })
  @IsOptional()
  @IsIn(HIT_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: string;
}

export class CountyRuleHitQuery extends RuleHitQuery {
  @ApiProperty({ example: '2026-10', description: 'claim period YYYY-MM' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be YYYY-MM' })
  period!: string;
}

export class RuleSetDto {
  @ApiProperty({ description: 'the current version (0 when none is saved yet)' })
  @IsInt()
  @Min(0)
  version!: number;

  @ApiProperty({ example: '2026-12-01', description: 'the new version is in force from this date (today or later)' })
  @IsString()
  effectiveFrom!: string;

  @ApiProperty({
    description: 'every rule: { id, name, severity: VIOLATION | SUSPICIOUS, enabled, params: { name: number } }',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  @IsArray()
  rules!: unknown[];
}

export class HitAnswerDto {
  @ApiProperty({ description: 'the member unit’s answer (申诉)', maxLength: 2000 })
  @IsString()
  @MaxLength(2000)
  answer!: string;
}

export class HitDecisionDto {
  @ApiPropertyOptional({ description: 'the lead unit’s note (required to dismiss)', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
