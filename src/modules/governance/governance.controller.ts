import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { DisputeResponse, ReferralResponse, ReserveUseResponse, SurplusPlanResponse } from './dto/governance.responses';
import type { FastifyReply } from 'fastify';
import { NoQuery } from '../../common/validation';
import { sendXlsx, XLSX } from '../../common/xlsx-reply';
import { disputeRegister, referralRegister, reserveUseRegister, surplusPlanRegister } from './governance.xlsx';
import { Idempotent } from '../../common/idempotency.interceptor';
import { ApiPageResponse, everyItem } from '../../common/pagination';
import { currentCaller } from '../../common/request-context';
import { Access } from '../access';
import { CountyService, VersionedDto } from '../registry';
import {
  CommentDto,
  DisputeFilingDto,
  DisputeQuery,
  OpinionDto,
  RectificationDto,
  ReferralDto,
  ReferralQuery,
  ReferralReportQuery,
  ReopenDto,
  ReserveUseApplicationDto,
  ReserveUseQuery,
  StepActionDto,
  SurplusPlanDto,
  SurplusPlanEditDto,
  SurplusPlanQuery,
} from './dto/governance.dto';
import { DisputeService } from './dispute.service';
import { ReferralService } from './referral.service';
import { ReserveUseService } from './reserve-use.service';
import { SurplusPlanService } from './surplus-plan.service';

/** Who reads reserve uses: the bureau, the approving bodies and auditors of the county. */
const READERS = ['BUREAU_CLERK', 'BUREAU_APPROVER', 'APPROVER', 'AUDITOR'] as const;

@ApiTags('governance')
@ApiBearerAuth()
@Controller()
export class ReserveUseController {
  constructor(
    private readonly uses: ReserveUseService,
    private readonly counties: CountyService,
  ) {}

  @Post('counties/:countyCode/reserve-uses')
  @Idempotent()
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({
    summary:
      'Apply to use the adjustment reserve (调剂金): a package increase for a community or a direct payment for a named risk; refused beyond the reserve balance',
  })
  @ApiCreatedResponse({ type: ReserveUseResponse, description: 'created (200 with the same document when an Idempotency-Key is repeated)' })
  async apply(@Param('countyCode') countyCode: string, @Body() dto: ReserveUseApplicationDto) {
    const county = await this.counties.getCounty(countyCode);
    return this.uses.apply(currentCaller(), county, {
      fundYear: dto.fundYear,
      purpose: dto.purpose,
      amount: dto.amount,
      target:
        dto.target.kind === 'PACKAGE_INCREASE'
          ? { kind: 'PACKAGE_INCREASE', communityCode: dto.target.communityCode! }
          : { kind: 'DIRECT_PAYMENT', risk: dto.target.risk! },
      reason: dto.reason,
      attachments: (dto.attachments ?? []).map((a) => ({ name: a.name, reference: a.reference })),
    });
  }

  @Get('counties/:countyCode/reserve-uses')
  @Access({ roles: READERS, target: { kind: 'county', param: 'countyCode' } })
  @ApiPageResponse(ReserveUseResponse)
  @ApiOperation({ summary: 'The county’s reserve uses, newest first, by fund year and chain status' })
  async list(@Param('countyCode') countyCode: string, @Query() q: ReserveUseQuery) {
    const county = await this.counties.getCounty(countyCode);
    return this.uses.list(currentCaller(), county, q);
  }

  @Get('counties/:countyCode/reserve-uses/export.xlsx')
  @Access({ roles: READERS, target: { kind: 'county', param: 'countyCode' } })
  @ApiProduces(XLSX)
  @ApiOperation({
    summary: 'The county’s reserve uses as a register (调剂金使用登记簿): amount, target, status, the step waiting, execution',
  })
  async exportUses(@Param('countyCode') countyCode: string, @Query() _q: NoQuery, @Res() reply: FastifyReply): Promise<void> {
    const county = await this.counties.getCounty(countyCode);
    const uses = await everyItem((w) => this.uses.list(currentCaller(), county, w));
    sendXlsx(reply, `${county.code}-调剂金使用登记簿.xlsx`, await reserveUseRegister(county.code, uses));
  }

  @Get('reserve-uses/:id')
  @Access({ roles: READERS, target: { kind: 'reserveUse', param: 'id' } })
  @ApiOperation({ summary: 'A reserve use with its chain: each step, its deadline, the history, and what the caller may do now' })
  @ApiOkResponse({ type: ReserveUseResponse })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.uses.get(currentCaller(), id);
  }

  @Post('reserve-uses/:id/submit')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'reserveUse', param: 'id' } })
  @ApiOperation({ summary: 'The applicant sends the application (again, after a return) to the finance bureau' })
  @ApiOkResponse({ type: ReserveUseResponse })
  submit(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.uses.act(currentCaller(), id, { action: 'submit', version: dto.version });
  }

  @Post('reserve-uses/:id/withdraw')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'reserveUse', param: 'id' } })
  @ApiOkResponse({ type: ReserveUseResponse })
  withdraw(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.uses.act(currentCaller(), id, { action: 'withdraw', version: dto.version });
  }

  @Post('reserve-uses/:id/approve')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'reserveUse', param: 'id' } })
  @ApiOperation({ summary: 'The body of the open step agrees (财政局同意, 州医保局审核)' })
  @ApiOkResponse({ type: ReserveUseResponse })
  approve(@Param('id', ParseIntPipe) id: number, @Body() dto: StepActionDto) {
    return this.uses.act(currentCaller(), id, { action: 'approve', version: dto.version, step: dto.step, comment: dto.comment });
  }

  @Post('reserve-uses/:id/return')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'reserveUse', param: 'id' } })
  @ApiOperation({ summary: 'Send the application back to the bureau with a comment (退回)' })
  @ApiOkResponse({ type: ReserveUseResponse })
  returnToApplicant(@Param('id', ParseIntPipe) id: number, @Body() dto: StepActionDto) {
    return this.uses.act(currentCaller(), id, { action: 'return', version: dto.version, step: dto.step, comment: dto.comment });
  }

  @Post('reserve-uses/:id/reject')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'reserveUse', param: 'id' } })
  @ApiOperation({ summary: 'Refuse the application with a comment; it ends there' })
  @ApiOkResponse({ type: ReserveUseResponse })
  reject(@Param('id', ParseIntPipe) id: number, @Body() dto: StepActionDto) {
    return this.uses.act(currentCaller(), id, { action: 'reject', version: dto.version, step: dto.step, comment: dto.comment });
  }

  @Post('reserve-uses/:id/execute')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'reserveUse', param: 'id' } })
  @ApiOperation({
    summary:
      'Execute the approved use: the transfer out of the reserve (never below zero, checked again now) and, for a package increase, the community’s new M',
  })
  @ApiOkResponse({ type: ReserveUseResponse })
  execute(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.uses.act(currentCaller(), id, { action: 'execute', version: dto.version });
  }
}

/** Who reads disputes: the county's bodies, the lead unit, and the member units involved (the service narrows those). */
const DISPUTE_READERS = ['BUREAU_CLERK', 'BUREAU_APPROVER', 'APPROVER', 'AUDITOR', 'LEAD_FINANCE', 'MEMBER_CLERK'] as const;
const MEMBERS = ['MEMBER_CLERK', 'LEAD_FINANCE'] as const;

@ApiTags('governance')
@ApiBearerAuth()
@Controller()
export class DisputeController {
  constructor(
    private readonly disputes: DisputeService,
    private readonly counties: CountyService,
  ) {}

  @Post('disputes')
  @Idempotent()
  @Access({ roles: MEMBERS })
  @ApiOperation({
    summary:
      'A member unit files a dispute (评审申请) with its community’s review committee about an allocation, a plan line, a deduction or a year-end statement',
  })
  @ApiCreatedResponse({ type: DisputeResponse, description: 'created (200 with the same document when an Idempotency-Key is repeated)' })
  async file(@Body() dto: DisputeFilingDto) {
    return this.disputes.file(currentCaller(), filing(dto));
  }

  @Post('communities/:communityCode/reviews')
  @Idempotent()
  @Access({ roles: ['APPROVER'], target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({ summary: 'The review committee opens a periodic review (定期评审) of a community' })
  @ApiCreatedResponse({ type: DisputeResponse, description: 'created (200 with the same document when an Idempotency-Key is repeated)' })
  async openReview(@Param('communityCode') code: string, @Body() dto: DisputeFilingDto) {
    return this.disputes.openReview(currentCaller(), await this.counties.getCommunity(code), filing(dto));
  }

  @Get('communities/:communityCode/disputes')
  @Access({ roles: DISPUTE_READERS, target: { kind: 'community', param: 'communityCode' } })
  @ApiPageResponse(DisputeResponse)
  @ApiOperation({ summary: 'The community’s disputes and reviews, newest first (a member unit sees those it filed or must rectify)' })
  async list(@Param('communityCode') code: string, @Query() q: DisputeQuery) {
    return this.disputes.list(currentCaller(), await this.counties.getCommunity(code), q);
  }

  @Get('communities/:communityCode/disputes/export.xlsx')
  @Access({ roles: DISPUTE_READERS, target: { kind: 'community', param: 'communityCode' } })
  @ApiProduces(XLSX)
  @ApiOperation({ summary: 'The community’s disputes and reviews as a register (评审登记簿), as far as the caller may see them' })
  async exportDisputes(@Param('communityCode') code: string, @Query() _q: NoQuery, @Res() reply: FastifyReply): Promise<void> {
    const community = await this.counties.getCommunity(code);
    const disputes = await everyItem((w) => this.disputes.list(currentCaller(), community, w));
    sendXlsx(reply, `${community.code}-评审登记簿.xlsx`, await disputeRegister(community.code, disputes));
  }

  @Get('disputes/:id')
  @Access({ roles: DISPUTE_READERS, target: { kind: 'dispute', param: 'id' } })
  @ApiOperation({ summary: 'A dispute or review with its opinion, rectification, hold and chain' })
  @ApiOkResponse({ type: DisputeResponse })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.disputes.get(currentCaller(), id);
  }

  @Post('disputes/:id/submit')
  @HttpCode(200)
  @Access({ roles: [...MEMBERS, 'APPROVER'], target: { kind: 'dispute', param: 'id' } })
  @ApiOperation({
    summary: 'Send the dispute (again, with the documents asked for) to the review committee; the committee starts its own review',
  })
  @ApiOkResponse({ type: DisputeResponse })
  submit(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.disputes.act(currentCaller(), id, { action: 'submit', version: dto.version });
  }

  @Post('disputes/:id/withdraw')
  @HttpCode(200)
  @Access({ roles: [...MEMBERS, 'APPROVER'], target: { kind: 'dispute', param: 'id' } })
  @ApiOkResponse({ type: DisputeResponse })
  withdraw(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.disputes.act(currentCaller(), id, { action: 'withdraw', version: dto.version });
  }

  @Post('disputes/:id/register')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'dispute', param: 'id' } })
  @ApiOperation({ summary: 'The committee registers the dispute (受理)' })
  @ApiOkResponse({ type: DisputeResponse })
  register(@Param('id', ParseIntPipe) id: number, @Body() dto: CommentDto) {
    return this.disputes.act(currentCaller(), id, {
      action: 'approve',
      step: 'committeeRegisters',
      version: dto.version,
      comment: dto.comment,
    });
  }

  @Post('disputes/:id/request-documents')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'dispute', param: 'id' } })
  @ApiOperation({ summary: 'The committee asks the unit for documents (the comment says which); the unit submits again' })
  @ApiOkResponse({ type: DisputeResponse })
  requestDocuments(@Param('id', ParseIntPipe) id: number, @Body() dto: CommentDto) {
    return this.disputes.act(currentCaller(), id, {
      action: 'return',
      step: 'committeeRegisters',
      version: dto.version,
      comment: dto.comment,
    });
  }

  @Post('disputes/:id/opinion')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'dispute', param: 'id' } })
  @ApiOperation({ summary: 'The committee’s opinion (评审意见): findings, the unit that must rectify, the rectification deadline' })
  @ApiOkResponse({ type: DisputeResponse })
  opinion(@Param('id', ParseIntPipe) id: number, @Body() dto: OpinionDto) {
    return this.disputes.act(currentCaller(), id, {
      action: 'approve',
      step: 'committeeOpinion',
      version: dto.version,
      opinion: { findings: dto.findings, rectifyingUnitCode: dto.rectifyingUnitCode, rectificationDeadline: dto.rectificationDeadline },
    });
  }

  @Post('disputes/:id/dismiss')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'dispute', param: 'id' } })
  @ApiOperation({ summary: 'The committee finds nothing to rectify (the comment gives its findings); the dispute ends' })
  @ApiOkResponse({ type: DisputeResponse })
  dismiss(@Param('id', ParseIntPipe) id: number, @Body() dto: CommentDto) {
    return this.disputes.act(currentCaller(), id, {
      action: 'reject',
      step: 'committeeOpinion',
      version: dto.version,
      comment: dto.comment,
    });
  }

  @Post('disputes/:id/rectification')
  @HttpCode(200)
  @Access({ roles: MEMBERS, target: { kind: 'dispute', param: 'id' } })
  @ApiOperation({ summary: 'The unit named in the opinion records its rectification with evidence (整改)' })
  @ApiOkResponse({ type: DisputeResponse })
  rectify(@Param('id', ParseIntPipe) id: number, @Body() dto: RectificationDto) {
    return this.disputes.act(currentCaller(), id, {
      action: 'approve',
      step: 'unitRectifies',
      version: dto.version,
      rectification: { note: dto.note, evidence: dto.evidence.map((e) => ({ name: e.name, reference: e.reference })) },
    });
  }

  @Post('disputes/:id/accept')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'dispute', param: 'id' } })
  @ApiOperation({
    summary: 'The committee accepts the rectification (整改验收): the dispute closes and the hold its deadline placed is lifted',
  })
  @ApiOkResponse({ type: DisputeResponse })
  accept(@Param('id', ParseIntPipe) id: number, @Body() dto: CommentDto) {
    return this.disputes.act(currentCaller(), id, {
      action: 'approve',
      step: 'committeeAccepts',
      version: dto.version,
      comment: dto.comment,
    });
  }

  @Post('disputes/:id/reopen')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'dispute', param: 'id' } })
  @ApiOperation({ summary: 'The committee sends the rectification back (the comment says why), optionally with a new deadline' })
  @ApiOkResponse({ type: DisputeResponse })
  reopen(@Param('id', ParseIntPipe) id: number, @Body() dto: ReopenDto) {
    return this.disputes.act(currentCaller(), id, {
      action: 'return',
      step: 'committeeAccepts',
      version: dto.version,
      comment: dto.comment,
      newDeadline: dto.rectificationDeadline,
    });
  }
}

function filing(dto: DisputeFilingDto) {
  return {
    subjectType: dto.subjectType,
    subjectRef: dto.subjectRef,
    description: dto.description,
    attachments: (dto.attachments ?? []).map((a) => ({ name: a.name, reference: a.reference })),
  };
}

/** The lead unit's finance office records and approves referrals (two people); its clerks, the county's bodies and auditors read them. */
const REFERRAL_READERS = ['LEAD_FINANCE', 'MEMBER_CLERK', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'APPROVER', 'AUDITOR'] as const;

@ApiTags('governance')
@ApiBearerAuth()
@Controller()
export class ReferralController {
  constructor(
    private readonly referrals: ReferralService,
    private readonly counties: CountyService,
  ) {}

  @Post('communities/:communityCode/referrals')
  @Idempotent()
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({
    summary: 'The lead unit records an out-of-county referral (县外转诊): who, from which unit, to which hospital, valid when',
  })
  @ApiCreatedResponse({ type: ReferralResponse, description: 'created (200 with the same document when an Idempotency-Key is repeated)' })
  async record(@Param('communityCode') code: string, @Body() dto: ReferralDto) {
    return this.referrals.record(currentCaller(), await this.counties.getCommunity(code), {
      insuredId: dto.insuredId,
      fromUnitCode: dto.fromUnitCode,
      receivingHospital: dto.receivingHospital,
      diagnosisCode: dto.diagnosisCode ?? null,
      validFrom: dto.validFrom,
      validTo: dto.validTo,
      reason: dto.reason,
    });
  }

  @Get('communities/:communityCode/referrals')
  @Access({ roles: REFERRAL_READERS, target: { kind: 'community', param: 'communityCode' } })
  @ApiPageResponse(ReferralResponse)
  @ApiOperation({ summary: 'The community’s referrals, newest first, by chain status (APPROVED: in force)' })
  async list(@Param('communityCode') code: string, @Query() q: ReferralQuery) {
    return this.referrals.list(currentCaller(), await this.counties.getCommunity(code), q);
  }

  @Get('communities/:communityCode/referral-report')
  @Access({ roles: REFERRAL_READERS, target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({
    summary:
      'Out-of-county settlements of a year (or month) matched with approved referrals: matched, flagged with amounts, and the 10% reduction the settlement system applied (reported, not applied)',
  })
  async report(@Param('communityCode') code: string, @Query() q: ReferralReportQuery) {
    return this.referrals.report(await this.counties.getCommunity(code), q.fundYear, q.period);
  }

  @Get('communities/:communityCode/referrals/export.xlsx')
  @Access({ roles: REFERRAL_READERS, target: { kind: 'community', param: 'communityCode' } })
  @ApiProduces(XLSX)
  @ApiOperation({ summary: 'The community’s referrals as a register (县外转诊登记簿)' })
  async exportReferrals(@Param('communityCode') code: string, @Query() _q: NoQuery, @Res() reply: FastifyReply): Promise<void> {
    const community = await this.counties.getCommunity(code);
    const referrals = await everyItem((w) => this.referrals.list(currentCaller(), community, w));
    sendXlsx(reply, `${community.code}-县外转诊登记簿.xlsx`, await referralRegister(community.code, referrals));
  }

  @Get('referrals/:id')
  @Access({ roles: REFERRAL_READERS, target: { kind: 'referral', param: 'id' } })
  @ApiOkResponse({ type: ReferralResponse })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.referrals.get(currentCaller(), id);
  }

  @Post('referrals/:id/submit')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'referral', param: 'id' } })
  @ApiOkResponse({ type: ReferralResponse })
  submit(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.referrals.act(currentCaller(), id, { action: 'submit', version: dto.version });
  }

  @Post('referrals/:id/withdraw')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'referral', param: 'id' } })
  @ApiOkResponse({ type: ReferralResponse })
  withdraw(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.referrals.act(currentCaller(), id, { action: 'withdraw', version: dto.version });
  }

  @Post('referrals/:id/approve')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'referral', param: 'id' } })
  @ApiOperation({ summary: 'Another of the lead unit’s finance staff approves the referral (not the one who recorded it)' })
  @ApiOkResponse({ type: ReferralResponse })
  approve(@Param('id', ParseIntPipe) id: number, @Body() dto: CommentDto) {
    return this.referrals.act(currentCaller(), id, { action: 'approve', version: dto.version, comment: dto.comment });
  }

  @Post('referrals/:id/return')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'referral', param: 'id' } })
  @ApiOkResponse({ type: ReferralResponse })
  returnForChanges(@Param('id', ParseIntPipe) id: number, @Body() dto: CommentDto) {
    return this.referrals.act(currentCaller(), id, { action: 'return', version: dto.version, comment: dto.comment });
  }

  @Post('referrals/:id/reject')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'referral', param: 'id' } })
  @ApiOkResponse({ type: ReferralResponse })
  reject(@Param('id', ParseIntPipe) id: number, @Body() dto: CommentDto) {
    return this.referrals.act(currentCaller(), id, { action: 'reject', version: dto.version, comment: dto.comment });
  }
}

/** The lead unit's finance office drafts, edits and executes surplus plans; the bureau, the county's bodies, the lead's clerks and auditors read them. */
const SURPLUS_PLAN_READERS = ['LEAD_FINANCE', 'MEMBER_CLERK', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'APPROVER', 'AUDITOR'] as const;
/** The bodies that review and approve a plan: the bureau's approvers, and the health bureau's and county government's. */
const SURPLUS_PLAN_REVIEWERS = ['BUREAU_APPROVER', 'APPROVER'] as const;

@ApiTags('governance')
@ApiBearerAuth()
@Controller()
export class SurplusPlanController {
  constructor(
    private readonly plans: SurplusPlanService,
    private readonly counties: CountyService,
  ) {}

  @Post('communities/:communityCode/surplus-plans')
  @Idempotent()
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'community', param: 'communityCode' } })
  @ApiOperation({
    summary:
      'The lead unit drafts the surplus plan (结余资金分配方案) of a year that ends in surplus, from the default proposal or with its own amounts (checked against SPEC §7)',
  })
  @ApiCreatedResponse({
    type: SurplusPlanResponse,
    description: 'created (200 with the same document when an Idempotency-Key is repeated)',
  })
  async draft(@Param('communityCode') code: string, @Body() dto: SurplusPlanDto) {
    const community = await this.counties.getCommunity(code);
    return this.plans.draft(currentCaller(), community, { fundYear: dto.fundYear, councilDecision: dto.councilDecision, units: dto.units });
  }

  @Get('communities/:communityCode/surplus-plans')
  @Access({ roles: SURPLUS_PLAN_READERS, target: { kind: 'community', param: 'communityCode' } })
  @ApiPageResponse(SurplusPlanResponse)
  @ApiOperation({ summary: 'The community’s surplus plans, newest first, by fund year and chain status' })
  async list(@Param('communityCode') code: string, @Query() q: SurplusPlanQuery) {
    return this.plans.list(currentCaller(), await this.counties.getCommunity(code), q);
  }

  @Get('communities/:communityCode/surplus-plans/export.xlsx')
  @Access({ roles: SURPLUS_PLAN_READERS, target: { kind: 'community', param: 'communityCode' } })
  @ApiProduces(XLSX)
  @ApiOperation({ summary: 'The community’s surplus plans as a register (结余资金分配方案登记簿), one row per plan and unit' })
  async exportPlans(@Param('communityCode') code: string, @Query() _q: NoQuery, @Res() reply: FastifyReply): Promise<void> {
    const community = await this.counties.getCommunity(code);
    const plans = await everyItem((w) => this.plans.list(currentCaller(), community, w));
    sendXlsx(reply, `${community.code}-结余资金分配方案登记簿.xlsx`, await surplusPlanRegister(community.code, plans));
  }

  @Get('surplus-plans/:id')
  @Access({ roles: SURPLUS_PLAN_READERS, target: { kind: 'surplusPlan', param: 'id' } })
  @ApiOkResponse({ type: SurplusPlanResponse })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.plans.get(currentCaller(), id);
  }

  @Patch('surplus-plans/:id')
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'surplusPlan', param: 'id' } })
  @ApiOperation({ summary: 'The lead unit edits a draft or returned plan: amounts per unit (checked) and the council’s decision' })
  @ApiOkResponse({ type: SurplusPlanResponse })
  edit(@Param('id', ParseIntPipe) id: number, @Body() dto: SurplusPlanEditDto) {
    return this.plans.edit(currentCaller(), id, { version: dto.version, councilDecision: dto.councilDecision, units: dto.units });
  }

  @Post('surplus-plans/:id/submit')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'surplusPlan', param: 'id' } })
  @ApiOkResponse({ type: SurplusPlanResponse })
  submit(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.plans.act(currentCaller(), id, { action: 'submit', version: dto.version });
  }

  @Post('surplus-plans/:id/withdraw')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'surplusPlan', param: 'id' } })
  @ApiOkResponse({ type: SurplusPlanResponse })
  withdraw(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.plans.act(currentCaller(), id, { action: 'withdraw', version: dto.version });
  }

  @Post('surplus-plans/:id/approve')
  @HttpCode(200)
  @Access({ roles: SURPLUS_PLAN_REVIEWERS, target: { kind: 'surplusPlan', param: 'id' } })
  @ApiOperation({ summary: 'The body of the open step approves (县医保局审核, 卫健局审核, 县人民政府审批)' })
  @ApiOkResponse({ type: SurplusPlanResponse })
  approve(@Param('id', ParseIntPipe) id: number, @Body() dto: StepActionDto) {
    return this.plans.act(currentCaller(), id, { action: 'approve', version: dto.version, step: dto.step, comment: dto.comment });
  }

  @Post('surplus-plans/:id/return')
  @HttpCode(200)
  @Access({ roles: SURPLUS_PLAN_REVIEWERS, target: { kind: 'surplusPlan', param: 'id' } })
  @ApiOperation({ summary: 'The body of the open step sends the plan back to the lead unit, with a required comment' })
  @ApiOkResponse({ type: SurplusPlanResponse })
  returnForChanges(@Param('id', ParseIntPipe) id: number, @Body() dto: StepActionDto) {
    return this.plans.act(currentCaller(), id, { action: 'return', version: dto.version, step: dto.step, comment: dto.comment });
  }

  @Post('surplus-plans/:id/reject')
  @HttpCode(200)
  @Access({ roles: SURPLUS_PLAN_REVIEWERS, target: { kind: 'surplusPlan', param: 'id' } })
  @ApiOkResponse({ type: SurplusPlanResponse })
  reject(@Param('id', ParseIntPipe) id: number, @Body() dto: StepActionDto) {
    return this.plans.act(currentCaller(), id, { action: 'reject', version: dto.version, step: dto.step, comment: dto.comment });
  }

  @Post('surplus-plans/:id/execute')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE'], target: { kind: 'surplusPlan', param: 'id' } })
  @ApiOperation({
    summary:
      'The lead unit executes the approved plan: the year end is drafted again with the plan’s amounts in its statements and postings',
  })
  @ApiOkResponse({ type: SurplusPlanResponse })
  execute(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.plans.act(currentCaller(), id, { action: 'execute', version: dto.version });
  }
}
