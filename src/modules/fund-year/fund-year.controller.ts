import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { assertPublished } from '../../domain/fund-year-allocation';
import { PolicyParameters } from '../../domain/policy-parameters';
import { DocumentAction } from '../../domain/document-lifecycle';
import { currentCaller } from '../../common/request-context';
import { ApiPageResponse, Page, PageQuery, pageInMemory } from '../../common/pagination';
import { Access, ANY_ROLE, Public } from '../../common/access.decorators';
import { CalendarService } from '../calendar';
import { CountyService } from '../registry';
import { AllocationPreview, AllocationService, AllocationView } from './allocation.service';
import { BudgetPlanService, BudgetPlanView } from './budget-plan.service';
import {
  AllocationPreviewResponse,
  AllocationResponse,
  BudgetPlanPreviewResponse,
  BudgetPlanResponse,
  PolicyParametersResponse,
  PolicyParametersVersionResponse,
  PublishedAllocationResponse,
} from './dto/fund-year.responses';
import {
  AllocationInputsDto,
  AllocationQuery,
  BudgetPlanQuery,
  CreateAllocationDto,
  CreateBudgetPlanDto,
  PolicyParametersDto,
  TransitionDto,
  UpdateAllocationDto,
  UpdateBudgetPlanDto,
} from './dto/fund-year.dto';
import { PolicyParametersService, PolicyParametersVersionView, PolicyParametersView } from './policy-parameters.service';
import { allocationWorkbook, budgetPlanWorkbook } from './publication.xlsx';
import { sendXlsx, XLSX } from '../../common/xlsx-reply';
import { fieldsGiven, FundYearPipe, fundYearParam } from '../../common/route-params';

const BUREAU = ['BUREAU_CLERK', 'BUREAU_APPROVER'] as const;

@ApiTags('fund year')
@ApiBearerAuth()
@Controller('counties/:countyCode')
export class CountyFundYearController {
  constructor(
    private readonly counties: CountyService,
    private readonly parameters: PolicyParametersService,
    private readonly calendar: CalendarService,
  ) {}

  @Get('policy-parameters/:fundYear')
  @Access({ roles: ANY_ROLE, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'Rates and thresholds for a fund year (saved, carried from last year, or defaults)' })
  @ApiOkResponse({ type: PolicyParametersResponse })
  async getParameters(
    @Param('countyCode') countyCode: string,
    @Param('fundYear', FundYearPipe) fundYear: number,
  ): Promise<PolicyParametersView> {
    const county = await this.counties.getCounty(countyCode);
    return this.parameters.current(this.counties.manager, county, fundYear);
  }

  @Get('policy-parameters/:fundYear/versions')
  @Access({ roles: ANY_ROLE, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'Every saved version of the year’s parameters, newest first, with who saved it and when' })
  @ApiPageResponse(PolicyParametersVersionResponse)
  async parameterVersions(
    @Param('countyCode') countyCode: string,
    @Param('fundYear', FundYearPipe) fundYear: number,
    @Query() q: PageQuery,
  ): Promise<Page<PolicyParametersVersionView>> {
    const county = await this.counties.getCounty(countyCode);
    return pageInMemory(await this.parameters.versions(county, fundYear), q);
  }

  @Put('policy-parameters/:fundYear')
  @Access({ roles: BUREAU, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'Save a new version of the year’s parameters (bureau only); `version` must be current' })
  @ApiOkResponse({ type: PolicyParametersResponse })
  async saveParameters(
    @Param('countyCode') countyCode: string,
    @Param('fundYear', FundYearPipe) fundYear: number,
    @Body() dto: PolicyParametersDto,
  ): Promise<PolicyParametersView> {
    const county = await this.counties.getCounty(countyCode);
    const { version, ...values } = dto;
    const changes = fieldsGiven(values) as Partial<PolicyParameters>;
    return this.parameters.save(county, fundYear, version, changes);
  }

  @Get('periods/:period/deadlines')
  @Access({ roles: ANY_ROLE, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({
    summary:
      'Member cut-off, declaration deadline (每月5日前, moved to the next working day) and bureau payment deadline of a claim period',
  })
  async deadlines(@Param('countyCode') countyCode: string, @Param('period') period: string) {
    const county = await this.counties.getCounty(countyCode);
    const fundYear = /^\d{4}-\d{2}$/.test(period) ? Number(period.slice(0, 4)) : 0;
    const params = await this.parameters.current(this.counties.manager, county, fundYearParam(fundYear));
    return { countyCode, period, parametersVersion: params.version, ...(await this.calendar.cycleDeadlines(period, params.values)) };
  }
}

@ApiTags('fund year')
@ApiBearerAuth()
@Controller('allocations')
export class AllocationController {
  constructor(private readonly allocations: AllocationService) {}

  @Post()
  @Access({ roles: ['BUREAU_CLERK'] })
  @ApiOperation({ summary: 'Draft the fund-year allocation (SPEC §3); every figure is computed and returned by name' })
  @ApiCreatedResponse({ type: AllocationResponse, description: 'created (200 with the same draft when one exists for the year)' })
  async create(@Body() dto: CreateAllocationDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<AllocationView> {
    const { view, created } = await this.allocations.create(currentCaller(), dto);
    void reply.status(created ? 201 : 200);
    return view;
  }

  @Post('preview')
  @HttpCode(200)
  @Access({ roles: BUREAU })
  @ApiOperation({
    summary:
      'The figures a draft with these inputs would have (F, A, C, B, shares, R, M by community); computed as a draft is, stored nowhere',
  })
  @ApiOkResponse({ type: AllocationPreviewResponse })
  preview(@Body() dto: CreateAllocationDto): Promise<AllocationPreview> {
    return this.allocations.preview(currentCaller(), dto);
  }

  @Get()
  @Access({ roles: ANY_ROLE })
  @ApiPageResponse(AllocationResponse)
  list(@Query() q: AllocationQuery): Promise<Page<AllocationView>> {
    return this.allocations.list(currentCaller(), q);
  }

  @Get(':id')
  @Access({ roles: ANY_ROLE, target: { kind: 'allocation', param: 'id' } })
  @ApiOkResponse({ type: AllocationResponse })
  get(@Param('id', ParseIntPipe) id: number): Promise<AllocationView> {
    return this.allocations.get(currentCaller(), id);
  }

  @Patch(':id')
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'allocation', param: 'id' } })
  @ApiOperation({ summary: 'Change a draft’s inputs' })
  @ApiOkResponse({ type: AllocationResponse })
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateAllocationDto): Promise<AllocationView> {
    return this.allocations.update(currentCaller(), id, dto);
  }

  @Post(':id/corrections')
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'allocation', param: 'id' } })
  @ApiOperation({ summary: 'Correct an approved allocation: a new draft version referencing it' })
  @ApiOkResponse({ type: AllocationResponse })
  correct(@Param('id', ParseIntPipe) id: number, @Body() dto: AllocationInputsDto): Promise<AllocationView> {
    return this.allocations.correct(currentCaller(), id, dto);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'allocation', param: 'id' } })
  @ApiOkResponse({ type: AllocationResponse })
  submit(@Param('id', ParseIntPipe) id: number, @Body() dto: TransitionDto): Promise<AllocationView> {
    return this.move(id, 'submit', dto);
  }

  @Post(':id/return')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_APPROVER'], target: { kind: 'allocation', param: 'id' } })
  @ApiOkResponse({ type: AllocationResponse })
  returnForChanges(@Param('id', ParseIntPipe) id: number, @Body() dto: TransitionDto): Promise<AllocationView> {
    return this.move(id, 'return', dto);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_APPROVER'], target: { kind: 'allocation', param: 'id' } })
  @ApiOperation({ summary: 'Approve (maker-checker: not the person who drafted or submitted it); posts the ledger transfers' })
  @ApiOkResponse({ type: AllocationResponse })
  approve(@Param('id', ParseIntPipe) id: number, @Body() dto: TransitionDto): Promise<AllocationView> {
    return this.move(id, 'approve', dto);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Access({ roles: BUREAU, target: { kind: 'allocation', param: 'id' } })
  @ApiOperation({ summary: 'Publish (公示) an approved allocation' })
  @ApiOkResponse({ type: AllocationResponse })
  publish(@Param('id', ParseIntPipe) id: number, @Body() dto: TransitionDto): Promise<AllocationView> {
    return this.move(id, 'publish', dto);
  }

  @Get(':id/export.xlsx')
  @Access({ roles: ANY_ROLE, target: { kind: 'allocation', param: 'id' } })
  @ApiProduces(XLSX)
  @ApiOperation({ summary: 'The allocation as a printable spreadsheet, Chinese headers, 元 and 万元' })
  async export(@Param('id', ParseIntPipe) id: number, @Res() reply: FastifyReply): Promise<void> {
    const a = await this.allocations.get(currentCaller(), id);
    sendXlsx(reply, `${a.countyCode}-${a.fundYear}-医保打包预算分配-v${a.documentVersion}.xlsx`, await allocationWorkbook(a));
  }

  private move(id: number, action: DocumentAction, dto: TransitionDto): Promise<AllocationView> {
    return this.allocations.transition(currentCaller(), id, action, dto.version, dto.comment);
  }
}

@ApiTags('fund year')
@Controller('public')
export class PublicationController {
  constructor(private readonly allocations: AllocationService) {}

  @Public()
  @Get('allocations/:countyCode/:fundYear')
  @ApiOperation({ summary: 'Published allocation figures (公示), readable without signing in' })
  @ApiOkResponse({ type: PublishedAllocationResponse })
  async published(@Param('countyCode') countyCode: string, @Param('fundYear', FundYearPipe) fundYear: number) {
    const a = assertPublished(await this.allocations.published(countyCode, fundYear), countyCode, fundYear);
    return {
      countyCode: a.countyCode,
      fundYear: a.fundYear,
      documentVersion: a.documentVersion,
      publishedAt: a.publishedAt,
      figures: a.figures,
      communities: a.communities.map(({ communityCode, communityName, package: pkg }) => ({ communityCode, communityName, package: pkg })),
    };
  }
}

@ApiTags('fund year')
@ApiBearerAuth()
@Controller('budget-plans')
export class BudgetPlanController {
  constructor(private readonly plans: BudgetPlanService) {}

  @Post()
  @Access({ roles: ['LEAD_FINANCE'] })
  @ApiOperation({ summary: 'Draft the community budget plan (SPEC §3.1); below the primary-care floor it is refused with 422' })
  @ApiCreatedResponse({ type: BudgetPlanResponse })
  create(@Body() dto: CreateBudgetPlanDto): Promise<BudgetPlanView> {
    return this.plans.create(currentCaller(), dto);
  }

  @Post('preview')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE'] })
  @ApiOperation({
    summary:
      'The figures a plan would have, nothing stored: total against M, primary share, and the floor’s required amount and shortfall (the editor’s floor meter); a plan missing M or the floor is reported here, refused only when drafted',
  })
  @ApiOkResponse({ type: BudgetPlanPreviewResponse })
  preview(@Body() dto: CreateBudgetPlanDto): Promise<BudgetPlanPreviewResponse> {
    return this.plans.preview(currentCaller(), dto);
  }

  @Get()
  @Access({ roles: ANY_ROLE })
  @ApiPageResponse(BudgetPlanResponse)
  list(@Query() q: BudgetPlanQuery): Promise<Page<BudgetPlanView>> {
    return this.plans.list(currentCaller(), q);
  }

  @Get(':id')
  @Access({ roles: ANY_ROLE, target: { kind: 'budgetPlan', param: 'id' } })
  @ApiOkResponse({ type: BudgetPlanResponse })
  get(@Param('id', ParseIntPipe) id: number): Promise<BudgetPlanView> {
    return this.plans.get(currentCaller(), id);
  }

  @Patch(':id')
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'budgetPlan', param: 'id' } })
  @ApiOperation({
    summary:
      'Replace the lines of a draft plan (new, or returned by the bureau); `version` must be current; below the primary-care floor or off M it is refused with 422 and nothing changes',
  })
  @ApiOkResponse({ type: BudgetPlanResponse })
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateBudgetPlanDto): Promise<BudgetPlanView> {
    return this.plans.edit(currentCaller(), id, dto);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'budgetPlan', param: 'id' } })
  @ApiOkResponse({ type: BudgetPlanResponse })
  submit(@Param('id', ParseIntPipe) id: number, @Body() dto: TransitionDto): Promise<BudgetPlanView> {
    return this.plans.transition(currentCaller(), id, 'submit', dto.version);
  }

  @Post(':id/return')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_APPROVER'], target: { kind: 'budgetPlan', param: 'id' } })
  @ApiOkResponse({ type: BudgetPlanResponse })
  returnForChanges(@Param('id', ParseIntPipe) id: number, @Body() dto: TransitionDto): Promise<BudgetPlanView> {
    return this.plans.transition(currentCaller(), id, 'return', dto.version);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_APPROVER'], target: { kind: 'budgetPlan', param: 'id' } })
  @ApiOkResponse({ type: BudgetPlanResponse })
  approve(@Param('id', ParseIntPipe) id: number, @Body() dto: TransitionDto): Promise<BudgetPlanView> {
    return this.plans.transition(currentCaller(), id, 'approve', dto.version);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Access({ roles: BUREAU, target: { kind: 'budgetPlan', param: 'id' } })
  @ApiOkResponse({ type: BudgetPlanResponse })
  publish(@Param('id', ParseIntPipe) id: number, @Body() dto: TransitionDto): Promise<BudgetPlanView> {
    return this.plans.transition(currentCaller(), id, 'publish', dto.version);
  }

  @Get(':id/export.xlsx')
  @Access({ roles: ANY_ROLE, target: { kind: 'budgetPlan', param: 'id' } })
  @ApiProduces(XLSX)
  async export(@Param('id', ParseIntPipe) id: number, @Res() reply: FastifyReply): Promise<void> {
    const p = await this.plans.get(currentCaller(), id);
    sendXlsx(reply, `${p.communityCode}-${p.fundYear}-基金收支预算-v${p.documentVersion}.xlsx`, await budgetPlanWorkbook(p));
  }
}
