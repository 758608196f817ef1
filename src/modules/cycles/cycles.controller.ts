import { NoQuery } from '../../common/validation';
import { ApiPageResponse, pageInMemory, PageQuery } from '../../common/pagination';
import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Put, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { currentCaller } from '../../common/request-context';
import { sendXlsx } from '../../common/xlsx-reply';
import { CYCLES, CycleName, cycleSchedules } from '../../domain/cycle-schedule';
import { JobRunsService } from '../../queue/job-runs.service';
import { OutboxService } from '../../queue/outbox.service';
import { Access, ANY_ROLE } from '../access';
import { VersionedDto } from '../registry';
import { CountyService } from '../registry';
import { CycleRunnerService } from './cycle-runner.service';
import { SCHEDULE_TIMEZONE } from './cycle-scheduler';
import { CycleResultQuery, JobRunQuery, NotificationQuery, TriggerCycleDto, WebhookDto } from './dto/cycles.dto';
import { NotificationService } from './notification.service';
import {
  BurnThresholdsResponse,
  CycleResponse,
  CycleResultResponse,
  CycleRunRefResponse,
  JobRunResponse,
  MarkedReadResponse,
  PendingOutboxResponse,
  WebhookResponse,
  CommunityYearEndResponse,
  MonitoringReadingResponse,
  NotificationResponse,
  UnitYearEndStatementResponse,
  YearEndResponse,
  YearEndStatementResponse,
} from './dto/cycles.responses';
import { MonitoringService } from './monitoring.service';
import { BusinessClock } from '../../common/business-clock';
import { YearEndService } from './year-end.service';
import { yearEndWorkbook } from './year-end.xlsx';
import { assertYearEndDrafted } from '../../domain/county-year-end';
import { FundYearPipe } from '../../common/route-params';

const BUREAU = ['BUREAU_CLERK', 'BUREAU_APPROVER'] as const;
const CYCLE_READERS = ['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'AUDITOR'] as const;

@ApiTags('cycles')
@ApiBearerAuth()
@Controller('cycles')
export class CyclesController {
  constructor(
    private readonly runner: CycleRunnerService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Access({ roles: [...CYCLE_READERS, 'ADMIN'] })
  @ApiOperation({ summary: 'The cycles, the period each works on, and their schedules (Asia/Shanghai)' })
  @ApiPageResponse(CycleResponse)
  list(@Query() q: PageQuery) {
    // The cycles are a fixed handful: paged in memory.
    const cycles = cycleSchedules(this.config.queue.scheduleOverrides, this.config.queue.schedulesEnabled).map(({ cycle, pattern }) => ({
      cycle,
      scope: CYCLES[cycle].scope,
      period: CYCLES[cycle].period,
      schedule: pattern,
      timezone: SCHEDULE_TIMEZONE,
    }));
    return pageInMemory(cycles, q);
  }

  @Post('runs')
  @HttpCode(202)
  @Access({ roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE'] })
  @ApiOperation({
    summary:
      'Run a cycle for a period now (the bureau for its county or one community, the lead unit for its community); the same runs as the schedule’s, once each',
  })
  @ApiAcceptedResponse({ type: [CycleRunRefResponse], description: 'the runs asked for, one per scope (each runs once)' })
  trigger(@Body() dto: TriggerCycleDto) {
    return this.runner.trigger(currentCaller(), dto.cycle as CycleName, dto.period, dto.communityCode);
  }

  @Get('results')
  @Access({ roles: CYCLE_READERS })
  @ApiOperation({
    summary: 'Kept results of cycle runs (monitoring readings, deadline-watch counts, drafts) in the caller’s county or community',
  })
  @ApiPageResponse(CycleResultResponse)
  results(@Query() q: CycleResultQuery) {
    return this.runner.results(currentCaller(), q.cycle as CycleName | undefined, q.period, q);
  }
}

@ApiTags('cycles')
@ApiBearerAuth()
@Controller()
export class JobRunsController {
  constructor(
    private readonly runs: JobRunsService,
    private readonly outbox: OutboxService,
  ) {}

  @Get('job-runs')
  @Access({ roles: ['ADMIN', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'] })
  @ApiOperation({ summary: 'Job runs: started, finished, outcome and counts (newest first)' })
  @ApiPageResponse(JobRunResponse)
  list(@Query() q: JobRunQuery) {
    return this.runs.list(q);
  }

  @Get('outbox')
  @Access({ roles: ['ADMIN', 'AUDITOR'] })
  @ApiOperation({ summary: 'Committed work whose job has not finished yet (waiting for Redis or a worker)' })
  @ApiPageResponse(PendingOutboxResponse)
  pending(@Query() q: PageQuery) {
    return this.outbox.pending(q);
  }
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationService) {}

  @Get()
  @Access({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'The caller’s institution’s notifications, newest first, with the unread count' })
  @ApiPageResponse(NotificationResponse, {
    unread: { type: 'integer', description: 'unread notifications of the institution, every page and kind' },
  })
  list(@Query() q: NotificationQuery) {
    return this.notifications.list(currentCaller().institution.id, q);
  }

  @Post('read-all')
  @HttpCode(200)
  @Access({ roles: ANY_ROLE })
  @ApiOkResponse({ type: MarkedReadResponse })
  markAllRead() {
    const caller = currentCaller();
    return this.notifications.markAllRead(caller.institution.id, caller.name);
  }

  @Post(':id/read')
  @HttpCode(200)
  @Access({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Mark one of the institution’s notifications read (again: no change)' })
  @ApiOkResponse({ type: NotificationResponse })
  markRead(@Param('id', ParseIntPipe) id: number) {
    const caller = currentCaller();
    return this.notifications.markRead(caller.institution.id, id, caller.name);
  }

  @Get('webhook')
  @Access({ roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'MEMBER_CLERK', 'PRIVATE_CLERK', 'ADMIN'] })
  @ApiOkResponse({ type: WebhookResponse, description: 'the institution’s webhook, or `{url: null, enabled: false}` when none is set' })
  async webhook(@Query() _query: NoQuery) {
    return (await this.notifications.webhook(currentCaller().institution.id)) ?? { url: null, enabled: false };
  }

  @Put('webhook')
  @Access({ roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'MEMBER_CLERK', 'PRIVATE_CLERK', 'ADMIN'] })
  @ApiOperation({
    summary:
      'Set the institution’s webhook: each new notification is POSTed there, signed (X-Capitation-Signature: sha256=HMAC of the body), retried with backoff. The signing secret is shown once.',
  })
  @ApiOkResponse({ type: WebhookResponse })
  setWebhook(@Body() dto: WebhookDto) {
    const caller = currentCaller();
    return this.notifications.setWebhook(caller.institution.id, caller.name, dto);
  }
}

@ApiTags('year-end')
@ApiBearerAuth()
@Controller()
export class YearEndController {
  constructor(
    private readonly yearEnd: YearEndService,
    private readonly counties: CountyService,
  ) {}

  @Get('counties/:countyCode/year-end-settlements/:fundYear')
  @Access({ roles: [...BUREAU, 'AUDITOR', 'APPROVER'], target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'The county’s year-end settlement for a fund year (drafted by the year-end cycle)' })
  @ApiOkResponse({ type: YearEndResponse })
  async forYear(@Param('countyCode') countyCode: string, @Param('fundYear', FundYearPipe) fundYear: number) {
    const county = await this.counties.getCounty(countyCode);
    return assertYearEndDrafted(await this.yearEnd.find(currentCaller(), county.id, fundYear), fundYear, countyCode);
  }

  @Get('year-end-settlements/:id')
  @Access({ roles: [...BUREAU, 'AUDITOR', 'APPROVER'], target: { kind: 'yearEndSettlement', param: 'id' } })
  @ApiOkResponse({ type: YearEndResponse })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.yearEnd.get(currentCaller(), id);
  }

  @Get('year-end-settlements/:id/export.xlsx')
  @Access({ roles: [...BUREAU, 'AUDITOR', 'APPROVER'], target: { kind: 'yearEndSettlement', param: 'id' } })
  @ApiOperation({ summary: '年终清算表: per community its summary and unit statements; private institutions' })
  async export(@Param('id', ParseIntPipe) id: number, @Res() reply: FastifyReply): Promise<void> {
    const y = await this.yearEnd.get(currentCaller(), id);
    sendXlsx(reply, `${y.countyCode}-${y.fundYear}-年终清算-${y.state}.xlsx`, await yearEndWorkbook(y));
  }

  @Post('year-end-settlements/:id/approve')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_APPROVER'], target: { kind: 'yearEndSettlement', param: 'id' } })
  @ApiOperation({
    summary:
      'Approve the draft (not by the person who drafted it); refused while declarations of the year are pending or the ledger moved since the draft',
  })
  @ApiOkResponse({ type: YearEndResponse })
  approve(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.yearEnd.approve(currentCaller(), id, dto.version);
  }

  @Post('year-end-settlements/:id/post')
  @HttpCode(202)
  @Access({ roles: [...BUREAU], target: { kind: 'yearEndSettlement', param: 'id' } })
  @ApiOperation({ summary: 'Post the approved settlement to the ledger (a job; resumable, each transfer once)' })
  @ApiAcceptedResponse({ type: YearEndResponse, description: 'posting asked for; the job posts each transfer once' })
  post(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.yearEnd.requestPosting(currentCaller(), id, dto.version);
  }

  @Post('year-end-settlements/:id/redraft')
  @HttpCode(200)
  @Access({ roles: [...BUREAU], target: { kind: 'yearEndSettlement', param: 'id' } })
  @ApiOperation({ summary: 'Draft again from the current records and ledger (a draft only; corrections before approval)' })
  @ApiOkResponse({ type: YearEndResponse })
  redraft(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.yearEnd.redraft(currentCaller(), id, dto.version);
  }

  @Get('institutions/:code/year-end-statement/:fundYear')
  @Access({
    roles: [...BUREAU, 'AUDITOR', 'APPROVER', 'LEAD_FINANCE', 'MEMBER_CLERK', 'VILLAGE_CLERK', 'PRIVATE_CLERK'],
    target: { kind: 'institution', param: 'code' },
  })
  @ApiOperation({
    summary:
      'One unit’s year-end statement (a township or village clinic, a county hospital, a private institution): what it consumed, its share, what it was paid and what is due',
  })
  @ApiOkResponse({ type: UnitYearEndStatementResponse })
  async unitStatement(@Param('code') code: string, @Param('fundYear', FundYearPipe) fundYear: number) {
    return this.yearEnd.statementOf(code, fundYear);
  }

  @Get('communities/:communityCode/year-end-statements/:fundYear')
  @Access({ roles: [...BUREAU, 'AUDITOR', 'APPROVER', 'LEAD_FINANCE'], target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({ summary: 'The community’s part of the year-end settlement: its summary and its units’ statements' })
  @ApiExtraModels(CommunityYearEndResponse)
  @ApiPageResponse(YearEndStatementResponse, {
    settlementId: { type: 'integer' },
    state: { type: 'string' },
    fundYear: { type: 'integer' },
    community: { $ref: getSchemaPath(CommunityYearEndResponse) },
  })
  async communityStatements(
    @Param('communityCode') communityCode: string,
    @Param('fundYear', FundYearPipe) fundYear: number,
    @Query() q: PageQuery,
  ) {
    const community = await this.counties.getCommunity(communityCode);
    return this.yearEnd.communityStatements({ id: community.id, code: community.code, countyId: community.countyId }, fundYear, q);
  }
}

@ApiTags('cycles')
@ApiBearerAuth()
@Controller('communities/:communityCode')
export class MonitoringController {
  constructor(
    private readonly monitoring: MonitoringService,
    private readonly counties: CountyService,
    private readonly clock: BusinessClock,
  ) {}

  @Get('monitoring/:fundYear')
  @Access({ roles: CYCLE_READERS, target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({
    summary:
      'The community’s monitoring readings of a fund year, one per month up to the business month: burn ratio against the bands, primary share against the floor, months of payment capacity (computed as the monthly cycle does; nothing kept, nobody notified)',
  })
  @ApiExtraModels(BurnThresholdsResponse)
  @ApiPageResponse(MonitoringReadingResponse, {
    communityCode: { type: 'string' },
    fundYear: { type: 'integer' },
    thresholds: { $ref: getSchemaPath(BurnThresholdsResponse) },
    primaryFloorRate: { type: 'string', description: 'the primary-care floor of the year’s policy parameters' },
    paymentCapacityWarningMonths: { type: 'string' },
  })
  async readings(@Param('communityCode') communityCode: string, @Param('fundYear', FundYearPipe) fundYear: number, @Query() q: PageQuery) {
    const community = await this.counties.getCommunity(communityCode);
    const { items, ...rest } = await this.monitoring.yearReadings(
      { id: community.id, code: community.code, countyId: community.countyId },
      fundYear,
      this.clock.today(),
    );
    return { ...pageInMemory(items, q), ...rest };
  }
}
