import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { currentCaller } from '../../common/request-context';
import { NoQuery } from '../../common/validation';
import { sendXlsx, XLSX } from '../../common/xlsx-reply';
import { Access } from '../access';
import { DrawSampleDto, StatementResponseDto } from './dto/claims.dto';
import { DeclarationStatementsResponse, SampleResponse, UnitStatementResponse } from './dto/claims.responses';
import { SampleService } from './sample.service';
import { StatementService } from './statement.service';
import { statementWorkbook } from './statement.xlsx';

const READERS = [
  'BUREAU_CLERK',
  'BUREAU_APPROVER',
  'LEAD_FINANCE',
  'MEMBER_CLERK',
  'PRIVATE_CLERK',
  'VILLAGE_CLERK',
  'AUDITOR',
  'APPROVER',
] as const;
const DECLARATION_READERS = ['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'AUDITOR', 'APPROVER'] as const;

const sizeOf = (dto: DrawSampleDto) => (dto.count !== undefined ? { count: dto.count } : { share: dto.share! });

@ApiTags('claims')
@ApiBearerAuth()
@Controller('member-claims')
export class ClaimStatementController {
  constructor(
    private readonly statements: StatementService,
    private readonly samples: SampleService,
  ) {}

  @Get(':id/statement')
  @Access({ roles: READERS, target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary:
      'The unit’s monthly statement (结算单) of a declared claim: claimed, rejected and deducted by reason, approved, its share of funded, deposit and advance offset, the pass-down, dates, the ledger transfers, and its answer',
  })
  @ApiOkResponse({ type: UnitStatementResponse })
  statement(@Param('id', ParseIntPipe) id: number) {
    return this.statements.forClaim(currentCaller(), id);
  }

  @Get(':id/statement.xlsx')
  @Access({ roles: READERS, target: { kind: 'memberClaim', param: 'id' } })
  @ApiProduces(XLSX)
  @ApiOperation({ summary: 'The unit’s monthly statement (结算单) as a workbook' })
  async statementXlsx(@Param('id', ParseIntPipe) id: number, @Query() _q: NoQuery, @Res() reply: FastifyReply): Promise<void> {
    const s = await this.statements.forClaim(currentCaller(), id);
    const title = `${s.institutionCode} ${s.period} 结算单`;
    sendXlsx(reply, `${s.institutionCode}-${s.period}-结算单.xlsx`, await statementWorkbook(title, [s], null, null));
  }

  @Post(':id/statement/confirm')
  @HttpCode(200)
  @Access({ roles: ['MEMBER_CLERK', 'PRIVATE_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary: 'The unit confirms its statement (对账确认) once the declaration is approved; the figures it confirmed are kept',
  })
  @ApiOkResponse({ type: UnitStatementResponse })
  confirm(@Param('id', ParseIntPipe) id: number, @Body() dto: StatementResponseDto) {
    return this.statements.confirm(currentCaller(), id, dto.note);
  }

  @Post(':id/statement/dispute')
  @HttpCode(200)
  @Access({ roles: ['MEMBER_CLERK', 'PRIVATE_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary:
      'The unit disputes its statement, naming the dispute it filed about it (POST /disputes, subject DEDUCTION or YEAR_END_STATEMENT)',
  })
  @ApiOkResponse({ type: UnitStatementResponse })
  dispute(@Param('id', ParseIntPipe) id: number, @Body() dto: StatementResponseDto) {
    return this.statements.dispute(currentCaller(), id, dto.note, dto.disputeId);
  }

  @Post(':id/samples')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE', 'BUREAU_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary:
      'Draw a reproducible sample (抽样) of a submitted claim’s records, stratified by unit: a share or a count; the seed is recorded (drawn at random when not given)',
  })
  @ApiOkResponse({ type: SampleResponse })
  drawForClaim(@Param('id', ParseIntPipe) id: number, @Body() dto: DrawSampleDto) {
    return this.samples.drawForClaim(currentCaller(), id, sizeOf(dto), dto.seed);
  }

  @Get(':id/sample')
  @Access({ roles: ['LEAD_FINANCE', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary: 'The claim’s latest sample: the sampled records with their review outcome and the extrapolation of the rejection rate',
  })
  @ApiOkResponse({ type: SampleResponse })
  claimSample(@Param('id', ParseIntPipe) id: number) {
    return this.samples.latestOfClaim(id);
  }
}

@ApiTags('claims')
@ApiBearerAuth()
@Controller('declarations')
export class DeclarationStatementController {
  constructor(
    private readonly statements: StatementService,
    private readonly samples: SampleService,
  ) {}

  @Get(':id/statements')
  @Access({ roles: DECLARATION_READERS, target: { kind: 'declaration', param: 'id' } })
  @ApiOperation({
    summary: 'Every unit’s monthly statement (结算单) of the declaration, with the column totals (equal to the declaration’s figures)',
  })
  @ApiOkResponse({ type: DeclarationStatementsResponse })
  declarationStatements(@Param('id', ParseIntPipe) id: number) {
    return this.statements.forDeclaration(currentCaller(), id);
  }

  @Get(':id/statements.xlsx')
  @Access({ roles: DECLARATION_READERS, target: { kind: 'declaration', param: 'id' } })
  @ApiProduces(XLSX)
  @ApiOperation({ summary: 'Every unit’s monthly statement of the declaration as a workbook (结算单汇总)' })
  async statementsXlsx(@Param('id', ParseIntPipe) id: number, @Query() _q: NoQuery, @Res() reply: FastifyReply): Promise<void> {
    const s = await this.statements.forDeclaration(currentCaller(), id);
    const title = `${s.communityCode} ${s.period} 结算单汇总`;
    sendXlsx(reply, `${s.communityCode}-${s.period}-结算单.xlsx`, await statementWorkbook(title, s.units, s.totals, s.declaration));
  }

  @Post(':id/samples')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'declaration', param: 'id' } })
  @ApiOperation({
    summary:
      'Draw a reproducible sample (抽样) of a declaration’s accepted records under the bureau’s review, stratified by claiming unit; the seed is recorded',
  })
  @ApiOkResponse({ type: SampleResponse })
  drawForDeclaration(@Param('id', ParseIntPipe) id: number, @Body() dto: DrawSampleDto) {
    return this.samples.drawForDeclaration(currentCaller(), id, sizeOf(dto), dto.seed);
  }

  @Get(':id/sample')
  @Access({ roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'], target: { kind: 'declaration', param: 'id' } })
  @ApiOperation({ summary: 'The declaration’s latest sample, its records and the extrapolation of its deduction rate' })
  @ApiOkResponse({ type: SampleResponse })
  declarationSample(@Param('id', ParseIntPipe) id: number) {
    return this.samples.latestOfDeclaration(id);
  }
}
