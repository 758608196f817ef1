import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../../common/pagination';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor?: string;

  @ApiPropertyOptional({ example: 'user.create', description: 'the action recorded, e.g. allocation.approve, user.password, auth.login' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({ enum: ['SUCCESS', 'DENIED', 'REJECTED'] })
  @IsOptional()
  @IsIn(['SUCCESS', 'DENIED', 'REJECTED'])
  outcome?: 'SUCCESS' | 'DENIED' | 'REJECTED';

  @ApiPropertyOptional({ description: 'ISO-8601 instant, inclusive' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/)
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 instant, exclusive' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/)
  to?: string;
}
