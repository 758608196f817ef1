import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, Page } from '../../common/pagination';
import { currentCaller } from '../../common/request-context';
import { regionOf, scopeCountyIds } from '../../domain/access-policy';
import { Access } from '../../common/access.decorators';
import { AuditQuery } from './dto/audit.dto';
import { AuditEntryView, AuditService, ChainVerification } from './audit.service';
import { AuditEntryResponse, ChainVerificationResponse } from './dto/audit.responses';

const AUDIT_READERS = ['AUDITOR', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'ADMIN'] as const;

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Access({ roles: AUDIT_READERS })
  @ApiOperation({ summary: 'Audit entries of your county, newest first, by entity, actor, action, outcome and time range' })
  @ApiPageResponse(AuditEntryResponse)
  list(@Query() q: AuditQuery): Promise<Page<AuditEntryView>> {
    return this.audit.list({
      countyIds: scopeCountyIds(currentCaller().scope),
      region: regionOf(currentCaller().scope),
      entityType: q.entityType,
      entityId: q.entityId,
      actor: q.actor,
      action: q.action,
      outcome: q.outcome,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      page: q.page,
      pageSize: q.pageSize,
    });
  }

  @Get('verify')
  @Access({ roles: ['AUDITOR', 'ADMIN'] })
  @ApiOperation({ summary: 'Recompute the whole hash chain; names the first entry that was altered' })
  @ApiOkResponse({ type: ChainVerificationResponse })
  verify(): Promise<ChainVerification> {
    return this.audit.verify();
  }
}
