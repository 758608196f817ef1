import { ApiPageResponse, pageInMemory, PageQuery } from '../../common/pagination';
import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ClaimVersionsResponse,
  DeclarationResponse,
  InboxItemResponse,
  MemberClaimResponse,
  PassDownResponse,
  SettlementRecordResponse,
} from './dto/claims.responses';
import type { FastifyRequest } from 'fastify';
import { isPeriod } from '../../domain/claim-cycle';
import { InputValidationError } from '../../common/api-error';
import { Idempotent } from '../../common/idempotency.interceptor';
import { currentCaller } from '../../common/request-context';
import { VersionedDto } from '../registry';
import { Access, ANY_ROLE } from '../access';
import { CommunityFundingService } from './community-funding.service';
import { CycleViewsService } from './cycle-views.service';
import { DeclarationService } from './declaration.service';
import { DisbursementService } from './disbursement.service';
import { MemberClaimService } from './member-claim.service';
import {
  ClaimQuery,
  CompleteReviewDto,
  DeclarationQuery,
  DeductionsDto,
  DisbursementDto,
  HoldDto,
  HoldQuery,
  LiftHoldDto,
  PassDownQuery,
  PaymentDto,
  PeriodDto,
  PrivateBudgetsDto,
  PrivatePaymentQuery,
  QuarterlyAdvanceDto,
  RecordQuery,
  ReturnDto,
  ReturnForCorrectionDto,
  ReviewRecordsDto,
  WithdrawRecordsDto,
} from './dto/claims.dto';
import { PassDownService } from './pass-down.service';
import { PrivateSettlementService } from './private-settlement.service';
import { CountyService } from '../registry';
import { FundYearPipe } from '../../common/route-params';

const BUREAU = ['BUREAU_CLERK', 'BUREAU_APPROVER'] as const;
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

function periodParam(period: string): string {
  if (!isPeriod(period)) throw new InputValidationError([{ field: 'period', rule: 'period', message: 'period must be YYYY-MM' }]);
  return period;
}

@ApiTags('claims')
@ApiBearerAuth()
@Controller('member-claims')
export class MemberClaimController {
  constructor(private readonly claims: MemberClaimService) {}

  @Get()
  @Access({ roles: READERS })
  @ApiOperation({ summary: 'Member claims visible to the caller (its own, its township’s, its community’s or its county’s)' })
  @ApiPageResponse(MemberClaimResponse)
  list(@Query() q: ClaimQuery) {
    return this.claims.listInScope(currentCaller(), q);
  }

  @Get(':id')
  @Access({ roles: READERS, target: { kind: 'memberClaim', param: 'id' } })
  @ApiOkResponse({ type: MemberClaimResponse })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.claims.getClaim(currentCaller(), id);
  }

  @Get(':id/records')
  @Access({ roles: READERS, target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({ summary: 'The claim’s settlement records (insured ids masked) with pre-review and deduction outcomes' })
  @ApiPageResponse(SettlementRecordResponse)
  records(@Param('id', ParseIntPipe) id: number, @Query() q: RecordQuery) {
    return this.claims.claimRecords(id, { reviewStatus: q.reviewStatus, externalId: q.externalId }, q.page, q.pageSize);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Access({ roles: ['MEMBER_CLERK', 'PRIVATE_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary:
      'Submit the period’s claim to the lead unit, or a private institution’s to the bureau (after the cut-off it is recorded as late)',
  })
  @ApiOkResponse({ type: MemberClaimResponse })
  submit(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.claims.submitClaim(currentCaller(), id, dto.version);
  }

  @Post(':id/review')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE', 'BUREAU_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary: 'Pre-review (初审): accept or reject records with a reason code (the lead unit; the bureau for a private institution)',
  })
  @ApiOkResponse({ type: MemberClaimResponse })
  review(@Param('id', ParseIntPipe) id: number, @Body() dto: ReviewRecordsDto) {
    return this.claims.reviewRecords(currentCaller(), id, dto.decisions);
  }

  @Post(':id/complete-review')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE', 'BUREAU_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary:
      'End pre-review: refused (409 naming the count) while records are PENDING, unless acceptPending: true accepts them; the answer says how many were (acceptedPending)',
  })
  completeReview(@Param('id', ParseIntPipe) id: number, @Body() dto: CompleteReviewDto) {
    return this.claims.completeReview(currentCaller(), id, dto.version, dto.acceptPending ?? false);
  }

  @Post(':id/return')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE', 'BUREAU_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary:
      'Return a submitted claim to its unit for correction (退回补正) with reasons: the unit withdraws or corrects records and resubmits; the claim as it stood is kept as a version',
  })
  @ApiOkResponse({ type: MemberClaimResponse })
  returnForCorrection(@Param('id', ParseIntPipe) id: number, @Body() dto: ReturnForCorrectionDto) {
    return this.claims.returnForCorrection(currentCaller(), id, dto.version, dto.reasons);
  }

  @Post(':id/withdraw-records')
  @HttpCode(200)
  @Access({ roles: ['MEMBER_CLERK', 'PRIVATE_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary:
      'The unit withdraws records from its returned claim: each is kept as it was, then removed, so a corrected version may be uploaded under the same settlement id',
  })
  @ApiOkResponse({ type: MemberClaimResponse })
  withdrawRecords(@Param('id', ParseIntPipe) id: number, @Body() dto: WithdrawRecordsDto) {
    return this.claims.withdrawRecords(currentCaller(), id, dto.recordIds);
  }

  @Post(':id/resubmit')
  @HttpCode(200)
  @Access({ roles: ['MEMBER_CLERK', 'PRIVATE_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({ summary: 'Resubmit a corrected claim to its reviewer; the corrected claim is kept as a new version' })
  @ApiOkResponse({ type: MemberClaimResponse })
  resubmit(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.claims.resubmit(currentCaller(), id, dto.version);
  }

  @Get(':id/versions')
  @Access({ roles: READERS, target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary: 'Every kept version of the claim (submitted, returned with reasons, resubmitted) and the records withdrawn from it',
  })
  @ApiOkResponse({ type: ClaimVersionsResponse })
  versions(@Param('id', ParseIntPipe) id: number) {
    return this.claims.versions(id);
  }

  @Post(':id/reopen-review')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE', 'BUREAU_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  reopenReview(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.claims.reopenReview(currentCaller(), id, dto.version);
  }
}

@ApiTags('claims')
@ApiBearerAuth()
@Controller('communities/:communityCode')
export class CommunityCycleController {
  constructor(
    private readonly declarations: DeclarationService,
    private readonly funding: CommunityFundingService,
    private readonly views: CycleViewsService,
  ) {}

  @Post('declarations')
  @Idempotent()
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({ summary: 'Declare a period to the bureau (申报, by the 5th or the next working day); open member claims roll over' })
  @ApiCreatedResponse({ type: DeclarationResponse })
  async declare(@Param('communityCode') code: string, @Body() dto: PeriodDto) {
    const community = await this.funding.community(code);
    return this.declarations.declare(currentCaller(), community, dto.period);
  }

  @Get('periods/:period/summary')
  @Access({
    roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'AUDITOR', 'APPROVER'],
    target: { kind: 'community', param: 'communityCode' },
  })
  @ApiOperation({
    summary: 'A period’s claimed, accepted, deducted, approved, disbursed, passed-down and outstanding amounts, reconciled with the ledger',
  })
  async summary(@Param('communityCode') code: string, @Param('period') period: string) {
    return this.views.periodSummary(await this.funding.community(code), periodParam(period));
  }

  @Post('holds')
  @Idempotent()
  @Access({ roles: BUREAU, target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({ summary: 'Suspend disbursements to the community (暂缓拨付) until lifted' })
  async placeHold(@Param('communityCode') code: string, @Body() dto: HoldDto) {
    return this.funding.placeHold(await this.funding.community(code), currentCaller(), dto.reason);
  }

  @Get('holds')
  @Access({ roles: READERS, target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({
    summary: 'The community’s disbursement holds (the bureau, auditors and the lead unit; not member units), optionally by state',
  })
  @ApiPageResponse()
  async holds(@Param('communityCode') code: string, @Query() q: HoldQuery) {
    return this.funding.holds(currentCaller(), await this.funding.community(code), q);
  }

  @Post('quarterly-advances')
  @Idempotent()
  @Access({ roles: BUREAU, target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({ summary: 'Record the quarterly advance (按季度预拨) of quarterlyAdvanceRate × M/4; once per quarter' })
  async advance(@Param('communityCode') code: string, @Body() dto: QuarterlyAdvanceDto) {
    return this.funding.advanceQuarter(currentCaller(), await this.funding.community(code), dto.fundYear, dto.quarter, dto.paidOn);
  }

  @Post('out-of-county-settlements')
  @Idempotent()
  @Access({ roles: BUREAU, target: { kind: 'community', param: 'communityCode' } })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({ summary: 'Import a month of out-of-county settlements (县外) paid by the bureau; they count against M' })
  async outOfCounty(@Param('communityCode') code: string, @Req() req: FastifyRequest) {
    const body = req.body as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new InputValidationError([{ field: '', rule: 'object', message: 'the body must be {"period": "YYYY-MM", "records": [...]}' }]);
    const { period, records, ...rest } = body;
    const unknown = Object.keys(rest);
    if (unknown.length)
      throw new InputValidationError(
        unknown.map((field) => ({ field, rule: 'unknownField', message: `property ${field} should not exist` })),
      );
    if (!Array.isArray(records))
      throw new InputValidationError([{ field: 'records', rule: 'isArray', message: 'records must be an array' }]);
    if (records.length > 50_000)
      throw new InputValidationError([{ field: 'records', rule: 'arrayMaxSize', message: 'at most 50000 records per request' }]);
    return this.funding.importOutOfCounty(currentCaller(), await this.funding.community(code), String(period ?? ''), records);
  }
}

@ApiTags('claims')
@ApiBearerAuth()
@Controller('declarations')
export class DeclarationController {
  constructor(
    private readonly declarations: DeclarationService,
    private readonly disbursements: DisbursementService,
  ) {}

  @Get()
  @Access({ roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'AUDITOR', 'APPROVER'] })
  @ApiPageResponse(DeclarationResponse)
  list(@Query() q: DeclarationQuery) {
    return this.declarations.listInScope(currentCaller(), q);
  }

  @Get(':id')
  @Access({
    roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'AUDITOR', 'APPROVER'],
    target: { kind: 'declaration', param: 'id' },
  })
  @ApiOkResponse({ type: DeclarationResponse })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.declarations.getDeclaration(currentCaller(), id);
  }

  @Post(':id/deductions')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'declaration', param: 'id' } })
  @ApiOperation({ summary: 'Deduct (拒付) accepted records with a reason code, or withdraw a deduction (reason null)' })
  @ApiOkResponse({ type: DeclarationResponse })
  deduct(@Param('id', ParseIntPipe) id: number, @Body() dto: DeductionsDto) {
    return this.declarations.deduct(currentCaller(), id, dto.deductions);
  }

  @Post(':id/complete-review')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'declaration', param: 'id' } })
  @ApiOperation({ summary: 'Finish the bureau’s review and pass it to an approver' })
  @ApiOkResponse({ type: DeclarationResponse })
  completeReview(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.declarations.transitionDeclaration(currentCaller(), id, 'completeReview', dto.version);
  }

  @Post(':id/return')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_APPROVER'], target: { kind: 'declaration', param: 'id' } })
  @ApiOkResponse({ type: DeclarationResponse })
  returnForReview(@Param('id', ParseIntPipe) id: number, @Body() dto: ReturnDto) {
    return this.declarations.transitionDeclaration(currentCaller(), id, 'return', dto.version, dto.note);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_APPROVER'], target: { kind: 'declaration', param: 'id' } })
  @ApiOperation({
    summary: 'Approve (maker-checker: not the reviewing clerk); funds up to what is left of M, withholds the deposit, posts to the ledger',
  })
  @ApiOkResponse({ type: DeclarationResponse })
  approve(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.declarations.transitionDeclaration(currentCaller(), id, 'approve', dto.version);
  }

  @Post(':id/disbursement')
  @HttpCode(200)
  @Access({ roles: BUREAU, target: { kind: 'declaration', param: 'id' } })
  @ApiOperation({ summary: 'Record the disbursement to the lead unit (拨付), dated; refused under a hold; the pass-downs fall due' })
  @ApiOkResponse({ type: DeclarationResponse })
  disburse(@Param('id', ParseIntPipe) id: number, @Body() dto: DisbursementDto) {
    return this.disbursements.disburse(currentCaller(), id, dto.version, dto.disbursedOn, dto.reference);
  }
}

@ApiTags('claims')
@ApiBearerAuth()
@Controller()
export class PassDownController {
  constructor(
    private readonly passDowns: PassDownService,
    private readonly funding: CommunityFundingService,
    private readonly views: CycleViewsService,
  ) {}

  @Get('pass-downs')
  @Access({ roles: READERS })
  @ApiOperation({ summary: 'Pass-downs the caller pays or receives (all of them for the lead unit and the bureau)' })
  @ApiPageResponse(PassDownResponse)
  list(@Query() q: PassDownQuery) {
    return this.passDowns.listInScope(currentCaller(), q);
  }

  @Get('pass-downs/:id')
  @Access({ roles: READERS, target: { kind: 'passDown', param: 'id' } })
  @ApiOkResponse({ type: PassDownResponse })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.passDowns.get(currentCaller(), id);
  }

  @Post('pass-downs/:id/payment')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE', 'MEMBER_CLERK'], target: { kind: 'passDownPayer', param: 'id' } })
  @ApiOperation({ summary: 'The payer records the pass-down as paid, dated (5 working days after receipt; late is recorded)' })
  @ApiOkResponse({ type: PassDownResponse })
  pay(@Param('id', ParseIntPipe) id: number, @Body() dto: PaymentDto) {
    return this.passDowns.pay(currentCaller(), id, dto.version, dto.paidOn);
  }

  @Post('holds/:id/lift')
  @HttpCode(200)
  @Access({ roles: BUREAU, target: { kind: 'hold', param: 'id' } })
  @ApiOperation({ summary: 'Lift a disbursement hold' })
  lift(@Param('id', ParseIntPipe) id: number, @Body() dto: LiftHoldDto) {
    return this.funding.liftHold(id, currentCaller(), dto.version, dto.note);
  }

  @Get('inbox')
  @Access({ roles: ANY_ROLE })
  @ApiOperation({
    summary:
      'What waits for the caller’s institution: claims to submit or review, periods to declare, declarations to review, approve or pay, pass-downs due, with deadlines and overdue flags',
  })
  @ApiPageResponse(InboxItemResponse, {
    institutionCode: { type: 'string' },
    today: { type: 'string', description: 'YYYY-MM-DD' },
    overdue: { type: 'integer', description: 'items past their deadline, over every page' },
  })
  inbox(@Query() q: PageQuery) {
    return this.views.inbox(currentCaller(), q);
  }
}

@ApiTags('claims')
@ApiBearerAuth()
@Controller()
export class PrivateSettlementController {
  constructor(
    private readonly settlement: PrivateSettlementService,
    private readonly counties: CountyService,
  ) {}

  @Put('counties/:countyCode/private-budgets/:fundYear')
  @Access({ roles: BUREAU, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'Set private designated institutions’ annual budgets (总额控制) for a year; together within the private pool' })
  async setBudgets(
    @Param('countyCode') countyCode: string,
    @Param('fundYear', FundYearPipe) fundYear: number,
    @Body() dto: PrivateBudgetsDto,
  ) {
    const county = await this.counties.getCounty(countyCode);
    return this.settlement.setBudgets(currentCaller(), county, fundYear, dto.budgets);
  }

  @Get('counties/:countyCode/private-budgets/:fundYear')
  @Access({ roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR', 'APPROVER'], target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'The private institutions’ budgets of a year, with the private pool and what they add up to (budgeted)' })
  @ApiPageResponse(undefined, {
    countyCode: { type: 'string' },
    fundYear: { type: 'integer' },
    privatePool: { type: 'string', description: 'yuan; null before an allocation is in force' },
    budgeted: { type: 'string', description: 'yuan, every budget of the year' },
  })
  async budgets(@Param('countyCode') countyCode: string, @Param('fundYear', FundYearPipe) fundYear: number, @Query() q: PageQuery) {
    const county = await this.counties.getCounty(countyCode);
    // A county has a handful of private institutions: the year's budgets are loaded whole and paged in memory.
    const { budgets, total, ...year } = await this.settlement.budgets(this.counties.manager, county, fundYear);
    return { ...pageInMemory(budgets, q), ...year, budgeted: total };
  }

  @Post('member-claims/:id/private-payment')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_APPROVER'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary: 'Settle a reviewed private institution’s claim: approved claims up to budget × months / 12, less the deposit (maker-checker)',
  })
  approve(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.settlement.approve(currentCaller(), id, dto.version);
  }

  @Get('private-payments')
  @Access({ roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'PRIVATE_CLERK', 'AUDITOR', 'APPROVER'] })
  @ApiPageResponse()
  list(@Query() q: PrivatePaymentQuery) {
    return this.settlement.page({ scope: currentCaller().scope, fundYear: q.fundYear, state: q.state }, q, currentCaller());
  }

  @Get('private-payments/:id')
  @Access({
    roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'PRIVATE_CLERK', 'AUDITOR', 'APPROVER'],
    target: { kind: 'privatePayment', param: 'id' },
  })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.settlement.get(currentCaller(), id);
  }

  @Post('private-payments/:id/payment')
  @HttpCode(200)
  @Access({ roles: BUREAU, target: { kind: 'privatePayment', param: 'id' } })
  @ApiOperation({ summary: 'Record the payment to the private institution, dated' })
  pay(@Param('id', ParseIntPipe) id: number, @Body() dto: PaymentDto) {
    return this.settlement.pay(currentCaller(), id, dto.version, dto.paidOn);
  }
}
