import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, MaxLength, Min } from 'class-validator';
import { CYCLE_NAMES } from '../../../domain/cycle-schedule';
import { INSTITUTION_CODE_PATTERN } from '../../../domain/institution-registry';
import { JOB_NAMES } from '../../../queue/jobs';
import { PageQuery } from '../../../common/pagination';
import { toBool } from '../../registry';

export class TriggerCycleDto {
  @ApiProperty({ enum: CYCLE_NAMES })
  @IsIn(CYCLE_NAMES, { message: `cycle must be one of ${CYCLE_NAMES.join(', ')}` })
  cycle!: string;

  @ApiProperty({
    description:
      'the period the cycle works on: YYYY-MM (period-open, monitoring), YYYY-MM-DD (deadline-watch), YYYY-Qn (fund-analysis, quarterly-advance), YYYY (year-end)',
    example: '2026-10',
  })
  @IsString()
  @MaxLength(10)
  period!: string;

  @ApiPropertyOptional({ description: 'one community (community cycles); by default every community the caller may act for' })
  @IsOptional()
  @Matches(INSTITUTION_CODE_PATTERN, { message: 'communityCode must be an institution-style code' })
  communityCode?: string;
}

export class CycleResultQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CYCLE_NAMES })
  @IsOptional()
  @IsIn(CYCLE_NAMES)
  cycle?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10)
  period?: string;
}

export class JobRunQuery extends PageQuery {
  @ApiPropertyOptional({ enum: JOB_NAMES })
  @IsOptional()
  @IsIn(JOB_NAMES)
  jobName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  jobId?: string;

  @ApiPropertyOptional({ enum: ['RUNNING', 'DONE', 'FAILED'] })
  @IsOptional()
  @IsIn(['RUNNING', 'DONE', 'FAILED'])
  outcome?: string;
}

export class NotificationQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'only unread ones' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  kind?: string;
}

export class WebhookDto {
  @ApiProperty({ example: 'https://his.example.cn/hooks/capitation' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an http(s) URL' })
  @MaxLength(500)
  url!: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled: boolean = true;

  @ApiPropertyOptional({ description: 'current version; required to change an existing webhook' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ description: 'issue a new signing secret' })
  @IsOptional()
  @IsBoolean()
  rotateSecret?: boolean;
}
