import { Body, Controller, Delete, Get, HttpCode, Injectable, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Access, ANY_ROLE } from '../../common/access.decorators';
import { ApiPageResponse, Page, pageInMemory, PageQuery } from '../../common/pagination';
import { currentCaller } from '../../common/request-context';
import { notFound } from '../../common/record-errors';
import { Caller } from '../../common/caller';
import { scopeCountyIds } from '../../domain/access-policy';
import { orphanAlreadyDecided } from '../../domain/settlement-refund';
import {
  assertNationalCodeKind,
  assertNationalCodeValid,
  checkNationalCode,
  NATIONAL_CODE_KINDS,
  NationalCode,
  NationalCodeKind,
} from '../../domain/national-settlement';
import { VISIT_TYPES, VisitType } from '../../domain/settlement-record';
import { AuditService } from '../audit';
import { NationalIntakeRepository, OrphanRow } from './national-intake.repository';

const CODE_TABLES = 'the code tables of the national settlement extract, the same for every county';

export class NationalCodeView implements NationalCode {
  @ApiProperty({ enum: NATIONAL_CODE_KINDS }) kind!: NationalCodeKind;
  @ApiProperty({ example: '390' }) code!: string;
  @ApiProperty({ example: '城乡居民基本医疗保险' }) name!: string;
  @ApiProperty({ description: 'rows with this code are claimed under the county’s capitation' }) counts!: boolean;
  @ApiProperty({ enum: VISIT_TYPES, nullable: true, description: 'for med_type: the visit type it maps to' }) visitType!: VisitType | null;
}

export class NationalCodeDto {
  @ApiProperty({ example: '城乡居民基本医疗保险' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty() @IsBoolean() counts!: boolean;

  @ApiPropertyOptional({ enum: VISIT_TYPES, nullable: true })
  @IsOptional()
  @IsIn(VISIT_TYPES as unknown as string[])
  visitType?: VisitType | null;
}

export class NationalCodeQuery extends PageQuery {
  @ApiPropertyOptional({ enum: NATIONAL_CODE_KINDS })
  @IsOptional()
  @IsIn(NATIONAL_CODE_KINDS as unknown as string[])
  kind?: NationalCodeKind;
}

export class OrphanView implements Omit<OrphanRow, 'submitterId' | 'communityId' | 'countyId'> {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'WS-TC-01' }) submitterCode!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty({ description: 'the original settlement it refunds' }) refundOf!: string;
  @ApiProperty() unitCode!: string;
  @ApiProperty() settlementDate!: string;
  @ApiProperty({ example: '-120.00' }) fundPaid!: string;
  @ApiProperty({ example: '-150.00' }) totalCost!: string;
  @ApiProperty({ enum: ['WAITING', 'APPLIED', 'DROPPED'] }) state!: 'WAITING' | 'APPLIED' | 'DROPPED';
  @ApiProperty() receivedBy!: string;
  @ApiProperty({ type: 'string', nullable: true }) decidedBy!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) decisionReason!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: 'string', nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'string', enum: ['drop'] }, description: 'what the caller may do with it' })
  allowedActions!: 'drop'[];
}

export class OrphanQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['WAITING', 'APPLIED', 'DROPPED'] })
  @IsOptional()
  @IsIn(['WAITING', 'APPLIED', 'DROPPED'])
  state?: string;
}

export class DropOrphanDto {
  @ApiProperty({ example: '原结算在省平台已作废，退费不再入账' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

const DROPPING_ROLES = ['LEAD_FINANCE', 'BUREAU_CLERK'] as const;

/** The code tables (ADMIN edits them) and the refunds waiting for their originals (the lead or the bureau drops one). */
@Injectable()
export class NationalIntakeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: NationalIntakeRepository,
    private readonly audit: AuditService,
  ) {}

  codes(): Promise<NationalCode[]> {
    return this.repository.codes();
  }

  async saveCode(kind: string, code: string, dto: NationalCodeDto): Promise<NationalCode> {
    const entry = { kind, code, name: dto.name, counts: dto.counts, visitType: dto.visitType ?? null };
    const errors = checkNationalCode(entry);
    assertNationalCodeValid(errors);
    const before = (await this.repository.code(kind, code)) ?? null;
    const caller = currentCaller();
    await this.dataSource.transaction(async (manager) => {
      await this.repository.saveCode(manager, entry as NationalCode, caller.name);
      await this.audit.record(manager, {
        action: before ? 'national-code.update' : 'national-code.create',
        entityType: 'nationalCode',
        entityId: `${kind}/${code}`,
        before: before ? { ...before } : null,
        after: { ...entry },
      });
    });
    return entry as NationalCode;
  }

  async deleteCode(kind: string, code: string): Promise<void> {
    const before = await this.repository.code(kind, code);
    if (!before) throw notFound('national code', `${kind}/${code}`);
    await this.dataSource.transaction(async (manager) => {
      await this.repository.deleteCode(manager, kind, code);
      await this.audit.record(manager, {
        action: 'national-code.delete',
        entityType: 'nationalCode',
        entityId: `${kind}/${code}`,
        before: { ...before },
        after: null,
      });
    });
  }

  async orphans(caller: Caller, state?: string): Promise<OrphanView[]> {
    const s = caller.scope;
    const where =
      s.kind === 'county' || s.kind === 'region'
        ? { countyId: scopeCountyIds(s) }
        : s.kind === 'community'
          ? { communityId: s.communityId }
          : { submitterId: s.institutionId };
    const rows = await this.repository.orphans({ ...where, state });
    const mayDrop = caller.roles.some((r) => (DROPPING_ROLES as readonly string[]).includes(r));
    return rows.map(({ submitterId: _s, communityId: _c, countyId: _k, ...o }) => ({
      ...o,
      allowedActions: mayDrop && o.state === 'WAITING' ? ['drop' as const] : [],
    }));
  }

  async drop(caller: Caller, id: number, reason: string): Promise<OrphanView> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.decide(manager, id, 'DROPPED', caller.name, reason))) {
        const exists = (await this.repository.orphans({})).some((o) => o.id === id);
        if (!exists) throw notFound('refund orphan', String(id));
        throw orphanAlreadyDecided(id);
      }
      await this.audit.record(manager, {
        action: 'settlement.refund-orphan.drop',
        entityType: 'refundOrphan',
        entityId: String(id),
        before: { state: 'WAITING' },
        after: { state: 'DROPPED', reason },
      });
    });
    const view = (await this.orphans(caller)).find((o) => o.id === id);
    if (!view) throw notFound('refund orphan', String(id));
    return view;
  }
}

@ApiTags('claims')
@ApiBearerAuth()
@Controller()
export class NationalIntakeController {
  constructor(private readonly service: NationalIntakeService) {}

  @Get('national-codes')
  @Access({ roles: ANY_ROLE })
  @ApiOperation({
    summary:
      'The code tables of the national settlement extract (insutype, med_type, clr_type): what each code means and whether it counts',
  })
  @ApiPageResponse(NationalCodeView)
  async codes(@Query() q: NationalCodeQuery): Promise<Page<NationalCodeView>> {
    const all = await this.service.codes();
    return pageInMemory(q.kind ? all.filter((c) => c.kind === q.kind) : all, q);
  }

  @Put('national-codes/:kind/:code')
  @Access({ roles: ['ADMIN'], shared: CODE_TABLES })
  @ApiOperation({ summary: 'Add or change a code table entry (ADMIN); audited' })
  @ApiOkResponse({ type: NationalCodeView })
  saveCode(@Param('kind') kind: string, @Param('code') code: string, @Body() dto: NationalCodeDto): Promise<NationalCodeView> {
    assertNationalCodeKind(kind);
    return this.service.saveCode(kind, code, dto);
  }

  @Delete('national-codes/:kind/:code')
  @HttpCode(204)
  @Access({ roles: ['ADMIN'], shared: CODE_TABLES })
  @ApiOperation({ summary: 'Remove a code table entry (ADMIN); rows with the code are then refused as unknown; audited' })
  deleteCode(@Param('kind') kind: string, @Param('code') code: string): Promise<void> {
    return this.service.deleteCode(kind, code);
  }

  @Get('refund-orphans')
  @Access({ roles: ['LEAD_FINANCE', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'MEMBER_CLERK', 'PRIVATE_CLERK', 'AUDITOR'] })
  @ApiOperation({ summary: 'Refunds whose original settlement has not arrived (held, applied when it does, or dropped by a reviewer)' })
  @ApiPageResponse(OrphanView)
  async orphans(@Query() q: OrphanQuery): Promise<Page<OrphanView>> {
    return pageInMemory(await this.service.orphans(currentCaller(), q.state), q);
  }

  @Post('refund-orphans/:id/drop')
  @HttpCode(200)
  @Access({ roles: DROPPING_ROLES, target: { kind: 'refundOrphan', param: 'id' } })
  @ApiOperation({ summary: 'Drop a refund waiting for its original, with the reason (the lead or the bureau); audited' })
  @ApiOkResponse({ type: OrphanView })
  drop(@Param('id', ParseIntPipe) id: number, @Body() dto: DropOrphanDto): Promise<OrphanView> {
    return this.service.drop(currentCaller(), id, dto.reason);
  }
}
