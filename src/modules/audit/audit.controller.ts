import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Page } from '../../common/pagination';
import { currentCaller } from '../../common/request-context';
import { Access } from '../access/access.decorators';
import { AuditQuery } from '../access/dto/access.dto';
import { AuditEntry } from './audit-entry.entity';
import { AuditService, ChainVerification } from './audit.service';

const AUDIT_READERS = ['AUDITOR', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'ADMIN'] as const;

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Access({ roles: AUDIT_READERS })
  @ApiOperation({ summary: 'Audit entries of your county, newest first, by entity, actor and time range' })
  async list(@Query() q: AuditQuery): Promise<Page<Omit<AuditEntry, 'occurredAt'> & { occurredAt: string }>> {
    const qb = this.dataSource.manager
      .createQueryBuilder(AuditEntry, 'a')
      .where('a.actor_institution IN (SELECT code FROM institution WHERE county_id = :county)', { county: currentCaller().scope.countyId })
      .orderBy('a.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    if (q.entityType) qb.andWhere('a.entity_type = :entityType', { entityType: q.entityType });
    if (q.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: q.entityId });
    if (q.actor) qb.andWhere('a.actor = :actor', { actor: q.actor });
    if (q.from) qb.andWhere('a.occurred_at >= :from', { from: new Date(q.from) });
    if (q.to) qb.andWhere('a.occurred_at < :to', { to: new Date(q.to) });
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() })), page: q.page, pageSize: q.pageSize, total };
  }

  @Get('verify')
  @Access({ roles: ['AUDITOR', 'ADMIN'] })
  @ApiOperation({ summary: 'Recompute the whole hash chain; names the first entry that was altered' })
  verify(): Promise<ChainVerification> {
    return this.audit.verify();
  }
}
