import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EnteredValues } from '../../domain/performance-assessment';
import { currentCaller } from '../../common/request-context';
import { ApiPageResponse } from '../../common/pagination';
import { FundAnalysisResponse, FundAnalysisSummaryResponse } from './dto/assessment.responses';
import { VersionedDto } from '../registry';
import { CountyService } from '../registry';
import { Access } from '../access';
import {
  AssessmentSchemeDto,
  DraftFundAnalysisDto,
  EnteredValuesDto,
  FundAnalysisNarrativeDto,
  FundAnalysisQuery,
} from './dto/assessment.dto';
import { FundAnalysisService, FundAnalysisView } from './fund-analysis.service';
import { fundAnalysisWorkbook } from './fund-analysis.xlsx';
import { Assessment, AssessmentSchemeView, EnteredValuesView, PerformanceAssessmentService } from './performance-assessment.service';
import { fieldsGiven, FundYearPipe } from '../../common/route-params';
import { sendXlsx, XLSX } from '../../common/xlsx-reply';

const BUREAU = ['BUREAU_CLERK', 'BUREAU_APPROVER'] as const;
/** The bureau, the lead unit (of its own community only, by scope) and auditors. */
const READERS = [...BUREAU, 'LEAD_FINANCE', 'AUDITOR'] as const;

@ApiTags('assessment')
@ApiBearerAuth()
@Controller('communities/:communityCode')
export class CommunityAssessmentController {
  constructor(
    private readonly assessments: PerformanceAssessmentService,
    private readonly analyses: FundAnalysisService,
  ) {}

  @Get('assessments/:fundYear')
  @Access({ roles: READERS, target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({
    summary:
      'Performance assessment (绩效考核, SPEC §8) computed live: seven indicators with year-on-year change, points and the weighted score',
  })
  async assessment(@Param('communityCode') code: string, @Param('fundYear', FundYearPipe) fundYear: number): Promise<Assessment> {
    return this.assessments.assessByCode(code, fundYear);
  }

  @Get('assessments/:fundYear/entered-values')
  @Access({ roles: READERS, target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({ summary: 'Values the bureau entered for the year (prefecture average compensation ratio, admission counts)' })
  async enteredValues(@Param('communityCode') code: string, @Param('fundYear', FundYearPipe) fundYear: number): Promise<EnteredValuesView> {
    return this.assessments.enteredValues(code, fundYear);
  }

  @Put('assessments/:fundYear/entered-values')
  @Access({ roles: BUREAU, target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({ summary: 'Enter or correct values the records cannot give (bureau); `version` must be current; null clears a value' })
  async saveEnteredValues(
    @Param('communityCode') code: string,
    @Param('fundYear', FundYearPipe) fundYear: number,
    @Body() dto: EnteredValuesDto,
  ): Promise<EnteredValuesView> {
    const { version, ...values } = dto;
    return this.assessments.saveEnteredValues(code, fundYear, version, fieldsGiven(values) as Partial<EnteredValues>);
  }

  @Post('fund-analyses')
  @Access({ roles: ['LEAD_FINANCE', ...BUREAU], target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({
    summary: 'Draft the quarterly fund analysis (基金运行分析) after the quarter ends; a draft is refreshed, a submitted one left as it is',
  })
  @ApiCreatedResponse({ type: FundAnalysisResponse, description: 'drafted (200 when the quarter’s analysis exists: refreshed if a draft)' })
  async draft(
    @Param('communityCode') code: string,
    @Body() dto: DraftFundAnalysisDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FundAnalysisView> {
    const { view, created } = await this.analyses.draftByCode(currentCaller(), code, dto.fundYear, dto.quarter);
    void reply.status(created ? 201 : 200);
    return view;
  }

  @Get('fund-analyses')
  @Access({ roles: READERS, target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({ summary: 'The community’s quarterly fund analyses, latest first' })
  @ApiPageResponse(FundAnalysisSummaryResponse)
  list(@Param('communityCode') code: string, @Query() q: FundAnalysisQuery) {
    return this.analyses.list(currentCaller(), code, q);
  }
}

@ApiTags('assessment')
@ApiBearerAuth()
@Controller('counties/:countyCode')
export class CountyAssessmentController {
  constructor(
    private readonly counties: CountyService,
    private readonly assessments: PerformanceAssessmentService,
  ) {}

  @Get('assessment-weights/:fundYear')
  @Access({ roles: READERS, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({
    summary: 'Indicator weights and targets of the performance assessment for a year (saved, carried from an earlier year, or defaults)',
  })
  async scheme(@Param('countyCode') countyCode: string, @Param('fundYear', FundYearPipe) fundYear: number): Promise<AssessmentSchemeView> {
    return this.assessments.scheme(await this.counties.getCounty(countyCode), fundYear);
  }

  @Put('assessment-weights/:fundYear')
  @Access({ roles: BUREAU, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'Save a new version of the weights (summing to 100) and targets (bureau); `version` must be current' })
  async saveScheme(
    @Param('countyCode') countyCode: string,
    @Param('fundYear', FundYearPipe) fundYear: number,
    @Body() dto: AssessmentSchemeDto,
  ): Promise<AssessmentSchemeView> {
    const county = await this.counties.getCounty(countyCode);
    return this.assessments.saveScheme(county, fundYear, dto.version, {
      weights: dto.weights && fieldsGiven(dto.weights),
      targets: dto.targets && fieldsGiven(dto.targets),
    });
  }
}

@ApiTags('assessment')
@ApiBearerAuth()
@Controller('fund-analyses')
export class FundAnalysisController {
  constructor(private readonly analyses: FundAnalysisService) {}

  @Get(':id')
  @Access({ roles: READERS, target: { kind: 'fundAnalysis', param: 'id' } })
  @ApiOperation({ summary: 'A quarterly fund analysis: patient flow, fund flow, risk, year on year and the lead unit’s commentary' })
  @ApiOkResponse({ type: FundAnalysisResponse })
  get(@Param('id', ParseIntPipe) id: number): Promise<FundAnalysisView> {
    return this.analyses.get(currentCaller(), id);
  }

  @Patch(':id')
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'fundAnalysis', param: 'id' } })
  @ApiOperation({ summary: 'Edit the commentary (summary, risks, measures) while the analysis is a draft; `version` must be current' })
  @ApiOkResponse({ type: FundAnalysisResponse })
  edit(@Param('id', ParseIntPipe) id: number, @Body() dto: FundAnalysisNarrativeDto): Promise<FundAnalysisView> {
    const { version, ...changes } = dto;
    return this.analyses.edit(currentCaller(), id, version, fieldsGiven(changes));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'fundAnalysis', param: 'id' } })
  @ApiOperation({ summary: 'Submit the analysis to the bureau (the lead unit); it needs a summary and is fixed from then on' })
  @ApiOkResponse({ type: FundAnalysisResponse })
  submit(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto): Promise<FundAnalysisView> {
    return this.analyses.submit(currentCaller(), id, dto.version);
  }

  @Get(':id/export.xlsx')
  @Access({ roles: READERS, target: { kind: 'fundAnalysis', param: 'id' } })
  @ApiProduces(XLSX)
  @ApiOperation({ summary: 'The analysis as a spreadsheet (基金运行分析表)' })
  async export(@Param('id', ParseIntPipe) id: number, @Res() reply: FastifyReply): Promise<void> {
    const a = await this.analyses.get(currentCaller(), id);
    const filename = `${a.communityCode}-${a.fundYear}Q${a.quarter}-基金运行分析-v${a.version}.xlsx`;
    sendXlsx(reply, filename, await fundAnalysisWorkbook(a));
  }
}
