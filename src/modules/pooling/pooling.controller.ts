import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../../common/access.decorators';
import { ApiPageResponse, Page, pageInMemory } from '../../common/pagination';
import { currentCaller } from '../../common/request-context';
import { FundYearPipe } from '../../common/route-params';
import { NoQuery } from '../../common/validation';
import { sendXlsx, XLSX } from '../../common/xlsx-reply';
import { Role } from '../../domain/access-policy';
import { CountyService } from '../registry';
import { CityPoolingService } from './city-pooling.service';
import {
  ComputeSharingDto,
  DraftProvincialFundDto,
  FundResultDto,
  FundYearQuery,
  PoolingTermsDto,
  VersionOnlyDto,
} from './dto/pooling.dto';
import { ProvincialFundService } from './provincial-fund.service';
import { provincialFundWorkbook, sharingWorkbook } from './pooling.xlsx';
import { FundResultView, PoolingTermsView, ProvincialFundView, SharingView } from './pooling.views';

/** Who reads fund results, sharings and the provincial fund: the bureaus, approving bodies and auditors of the county or level. */
const POOLING_READERS: readonly Role[] = ['BUREAU_CLERK', 'BUREAU_APPROVER', 'APPROVER', 'AUDITOR'];

@ApiTags('pooling')
@ApiBearerAuth()
@Controller('counties/:countyCode/fund-results')
export class CountyFundResultController {
  constructor(
    private readonly pooling: CityPoolingService,
    private readonly counties: CountyService,
  ) {}

  @Put(':fundYear')
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({
    summary: 'Enter the county fund’s year as its books hold it (income, expenditure, opening balance; F from the allocation unless given)',
    description: 'The first entry of a year names no version; a correction names the version it replaces (409 when stale). Audited.',
  })
  @ApiOkResponse({ type: FundResultView })
  @ApiUnprocessableEntityResponse({ description: 'no F: no approved allocation and none given' })
  enter(
    @Param('countyCode') countyCode: string,
    @Param('fundYear', FundYearPipe) fundYear: number,
    @Body() dto: FundResultDto,
  ): Promise<FundResultView> {
    return this.pooling.enterFundResult(currentCaller(), countyCode, fundYear, dto);
  }

  @Get()
  @Access({ roles: POOLING_READERS, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'The county fund’s results, newest year first' })
  @ApiPageResponse(FundResultView)
  async list(@Param('countyCode') countyCode: string, @Query() q: FundYearQuery): Promise<Page<FundResultView>> {
    const county = await this.counties.getCounty(countyCode);
    return pageInMemory(await this.pooling.fundResults([county.id], q.fundYear), q);
  }

  @Get(':fundYear')
  @Access({ roles: POOLING_READERS, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'One year: income, expenditure, gap or surplus, accumulated balance, and its sharing' })
  @ApiOkResponse({ type: FundResultView })
  @ApiNotFoundResponse()
  get(@Param('countyCode') countyCode: string, @Param('fundYear', FundYearPipe) fundYear: number): Promise<FundResultView> {
    return this.pooling.fundResult(countyCode, fundYear);
  }
}

@ApiTags('pooling')
@ApiBearerAuth()
@Controller('prefectures/:code')
export class PrefecturePoolingController {
  constructor(private readonly pooling: CityPoolingService) {}

  @Get('fund-results')
  @Access({ roles: POOLING_READERS, target: { kind: 'prefecture', param: 'code' } })
  @ApiOperation({ summary: 'The fund results of every county of the prefecture' })
  @ApiPageResponse(FundResultView)
  async fundResults(@Param('code') code: string, @Query() q: FundYearQuery): Promise<Page<FundResultView>> {
    return pageInMemory(await this.pooling.fundResults(await this.pooling.countyIdsOfPrefecture(code), q.fundYear), q);
  }

  @Get('pooling-terms/:fundYear')
  @Access({ roles: POOLING_READERS, target: { kind: 'prefecture', param: 'code' } })
  @ApiOperation({ summary: 'The city’s pooling terms of the year (the SPEC §12.1 defaults until set) and the pooled fund now' })
  @ApiOkResponse({ type: PoolingTermsView })
  terms(@Param('code') code: string, @Param('fundYear', FundYearPipe) fundYear: number): Promise<PoolingTermsView> {
    return this.pooling.terms(code, fundYear);
  }

  @Put('pooling-terms/:fundYear')
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'prefecture', param: 'code' } })
  @ApiOperation({
    summary: 'Set the year’s terms: shares, cap, penalties, transition, the pooled fund’s opening balance (versioned, audited)',
  })
  @ApiOkResponse({ type: PoolingTermsView })
  @ApiForbiddenResponse({ description: 'not a user of this prefecture' })
  setTerms(
    @Param('code') code: string,
    @Param('fundYear', FundYearPipe) fundYear: number,
    @Body() dto: PoolingTermsDto,
  ): Promise<PoolingTermsView> {
    return this.pooling.setTerms(currentCaller(), code, fundYear, dto);
  }

  @Post('gap-sharings')
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'prefecture', param: 'code' } })
  @ApiOperation({ summary: 'Compute a county’s gap sharing (or surplus split) for a year; recomputes while not confirmed' })
  @ApiCreatedResponse({ type: SharingView })
  @ApiUnprocessableEntityResponse({ description: 'county not of this prefecture, or no figures for the year' })
  @ApiConflictResponse({ description: 'already confirmed' })
  async compute(
    @Param('code') code: string,
    @Body() dto: ComputeSharingDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SharingView> {
    const { view, created } = await this.pooling.compute(currentCaller(), code, dto);
    void reply.status(created ? 201 : 200);
    return view;
  }

  @Get('gap-sharings')
  @Access({ roles: POOLING_READERS, target: { kind: 'prefecture', param: 'code' } })
  @ApiOperation({ summary: 'The prefecture’s gap sharings' })
  @ApiPageResponse(SharingView)
  async sharings(@Param('code') code: string, @Query() q: FundYearQuery): Promise<Page<SharingView>> {
    return pageInMemory(await this.pooling.sharingsOf(code, q.fundYear), q);
  }
}

@ApiTags('pooling')
@ApiBearerAuth()
@Controller('gap-sharings')
export class GapSharingController {
  constructor(private readonly pooling: CityPoolingService) {}

  @Get(':id')
  @Access({ roles: POOLING_READERS, target: { kind: 'citySharing', param: 'id' } })
  @ApiOkResponse({ type: SharingView })
  @ApiNotFoundResponse()
  get(@Param('id', ParseIntPipe) id: number): Promise<SharingView> {
    return this.pooling.sharing(id);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'citySharing', param: 'id' } })
  @ApiOperation({ summary: 'The prefecture’s finance bureau confirms the sharing (not whoever computed it)' })
  @ApiOkResponse({ type: SharingView })
  @ApiConflictResponse({ description: 'not computed, or a stale version' })
  confirm(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionOnlyDto): Promise<SharingView> {
    return this.pooling.confirm(currentCaller(), id, dto.version);
  }

  @Post(':id/execute')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_CLERK', 'BUREAU_APPROVER'], target: { kind: 'citySharing', param: 'id' } })
  @ApiOperation({ summary: 'Execute a confirmed sharing: post its movements in the county’s fund-year ledger' })
  @ApiOkResponse({ type: SharingView })
  @ApiConflictResponse({ description: 'not confirmed, a stale version, or the pooled fund changed since it was computed' })
  execute(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionOnlyDto): Promise<SharingView> {
    return this.pooling.execute(currentCaller(), id, dto.version);
  }

  @Get(':id/statement.xlsx')
  @Access({ roles: POOLING_READERS, target: { kind: 'citySharing', param: 'id' } })
  @ApiProduces(XLSX)
  @ApiOperation({ summary: '市县分担表: the sharing as a spreadsheet' })
  async statement(@Param('id', ParseIntPipe) id: number, @Query() _q: NoQuery, @Res() reply: FastifyReply): Promise<void> {
    const s = await this.pooling.sharing(id);
    sendXlsx(reply, `${s.countyCode}-${s.fundYear}-市县分担表.xlsx`, await sharingWorkbook(s));
  }
}

@ApiTags('pooling')
@ApiBearerAuth()
@Controller()
export class ProvincialFundController {
  constructor(private readonly funds: ProvincialFundService) {}

  @Post('provinces/:code/adjustment-funds')
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'province', param: 'code' } })
  @ApiOperation({ summary: 'Draft (or redraft, naming the version) the year’s provincial adjustment fund from its prefectures’ figures' })
  @ApiCreatedResponse({ type: ProvincialFundView })
  @ApiUnprocessableEntityResponse({ description: 'a region that is not a prefecture of the province' })
  async draft(
    @Param('code') code: string,
    @Body() dto: DraftProvincialFundDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProvincialFundView> {
    const { view, created } = await this.funds.draft(currentCaller(), code, dto);
    void reply.status(created ? 201 : 200);
    return view;
  }

  @Get('provinces/:code/adjustment-funds')
  @Access({ roles: POOLING_READERS, target: { kind: 'province', param: 'code' } })
  @ApiOperation({ summary: 'The province’s adjustment fund years (a prefecture sees its own region’s line)' })
  @ApiPageResponse(ProvincialFundView)
  async list(@Param('code') code: string, @Query() q: FundYearQuery): Promise<Page<ProvincialFundView>> {
    const all = await this.funds.fundsOf(code, currentCaller().scope);
    return pageInMemory(
      all.filter((f) => q.fundYear === undefined || f.fundYear === q.fundYear),
      q,
    );
  }

  @Get('adjustment-funds/:id')
  @Access({ roles: POOLING_READERS, target: { kind: 'provincialFund', param: 'id' } })
  @ApiOkResponse({ type: ProvincialFundView })
  @ApiNotFoundResponse()
  get(@Param('id', ParseIntPipe) id: number): Promise<ProvincialFundView> {
    return this.funds.fund(id, currentCaller().scope);
  }

  @Post('adjustment-funds/:id/approve')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_APPROVER'], target: { kind: 'provincialFund', param: 'id' } })
  @ApiOperation({ summary: 'Approve the drafted fund (another person than who drafted it)' })
  @ApiOkResponse({ type: ProvincialFundView })
  @ApiConflictResponse({ description: 'not drafted, or a stale version' })
  approve(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionOnlyDto): Promise<ProvincialFundView> {
    return this.funds.approve(currentCaller(), id, dto.version);
  }

  @Post('adjustment-funds/:id/post')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_CLERK', 'BUREAU_APPROVER'], target: { kind: 'provincialFund', param: 'id' } })
  @ApiOperation({ summary: 'Post the approved fund: its figures are final' })
  @ApiOkResponse({ type: ProvincialFundView })
  @ApiConflictResponse({ description: 'not approved, or a stale version' })
  post(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionOnlyDto): Promise<ProvincialFundView> {
    return this.funds.post(currentCaller(), id, dto.version);
  }

  @Get('adjustment-funds/:id/statement.xlsx')
  @Access({ roles: POOLING_READERS, target: { kind: 'provincialFund', param: 'id' } })
  @ApiProduces(XLSX)
  @ApiOperation({ summary: '省级调剂金分配表: one row per region (a prefecture: its own)' })
  async statement(@Param('id', ParseIntPipe) id: number, @Query() _q: NoQuery, @Res() reply: FastifyReply): Promise<void> {
    const f = await this.funds.fund(id, currentCaller().scope);
    sendXlsx(reply, `${f.provinceCode}-${f.fundYear}-省级调剂金分配表.xlsx`, await provincialFundWorkbook(f));
  }
}
