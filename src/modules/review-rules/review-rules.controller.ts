import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ANY_ROLE } from '../../common/access.decorators';
import { ApiPageResponse, pageInMemory, PageQuery } from '../../common/pagination';
import { RuleHitResponse, RuleSetResponse, RuleSetVersionResponse } from './dto/review-rules.responses';
import { currentCaller } from '../../common/request-context';
import { CountyRuleHitQuery, HitAnswerDto, HitDecisionDto, RuleHitQuery, RuleSetDto } from './dto/review-rules.dto';
import { ReviewRulesService } from './review-rules.service';

const HIT_READERS = ['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'MEMBER_CLERK', 'PRIVATE_CLERK', 'AUDITOR', 'APPROVER'] as const;
const HIT_ID = /^\d{1,18}$/;

function hitParam(id: string): string {
  return HIT_ID.test(id) ? id : '0';
}

@ApiTags('rule review')
@ApiBearerAuth()
@Controller('counties/:countyCode')
export class CountyReviewRulesController {
  constructor(private readonly rules: ReviewRulesService) {}

  @Get('review-rules')
  @Access({ roles: ANY_ROLE, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'The county’s rule set for pre-review (智能审核): the latest version, or the defaults before one is saved' })
  @ApiOkResponse({ type: RuleSetResponse })
  ruleSet(@Param('countyCode') countyCode: string) {
    return this.rules.ruleSet(currentCaller(), countyCode);
  }

  @Get('review-rules/versions')
  @Access({ roles: ANY_ROLE, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'Every saved version of the rule set, newest first, with its effective date and who saved it' })
  @ApiPageResponse(RuleSetVersionResponse)
  async versions(@Param('countyCode') countyCode: string, @Query() q: PageQuery) {
    return pageInMemory(await this.rules.versions(countyCode), q);
  }

  @Put('review-rules')
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'Save a new version of the rule set (bureau): thresholds, severity, enabled; in force from effectiveFrom' })
  @ApiOkResponse({ type: RuleSetResponse })
  save(@Param('countyCode') countyCode: string, @Body() dto: RuleSetDto) {
    return this.rules.saveRuleSet(currentCaller(), countyCode, dto.version, dto.effectiveFrom, dto.rules);
  }

  @Get('rule-hits')
  @Access({ roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'], target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'The rules’ hits in the county for a claim period, undecided first' })
  @ApiPageResponse(RuleHitResponse)
  hits(@Param('countyCode') countyCode: string, @Query() q: CountyRuleHitQuery) {
    return this.rules.hitsOfCounty(countyCode, q.period, { status: q.status, severity: q.severity }, q.page, q.pageSize);
  }
}

@ApiTags('rule review')
@ApiBearerAuth()
@Controller('member-claims/:id/rule-hits')
export class ClaimRuleHitsController {
  constructor(private readonly rules: ReviewRulesService) {}

  @Get()
  @Access({ roles: HIT_READERS, target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary:
      'The rules’ hits on a claim: undecided first, violations before suspicions, largest suggested deduction first; with open counts',
  })
  @ApiPageResponse(RuleHitResponse, {
    open: { type: 'integer' },
    answered: { type: 'integer' },
    openDeduction: { type: 'string', description: 'suggested deductions of undecided hits, yuan' },
  })
  list(@Param('id', ParseIntPipe) id: number, @Query() q: RuleHitQuery) {
    return this.rules.hitsOfClaim(currentCaller(), id, { status: q.status, severity: q.severity }, q.page, q.pageSize);
  }

  @Post(':hitId/answer')
  @HttpCode(200)
  @Access({ roles: ['MEMBER_CLERK', 'PRIVATE_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({ summary: 'The member unit answers a hit (申诉) before the lead decides' })
  @ApiOkResponse({ type: RuleHitResponse })
  answer(@Param('id', ParseIntPipe) id: number, @Param('hitId') hitId: string, @Body() dto: HitAnswerDto) {
    return this.rules.answer(currentCaller(), id, hitParam(hitId), dto.answer);
  }

  @Post(':hitId/accept')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE', 'BUREAU_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({
    summary: 'Accept a hit: its record is rejected in pre-review with the rule’s reason code and the hit’s evidence as note',
  })
  @ApiOkResponse({ type: RuleHitResponse })
  accept(@Param('id', ParseIntPipe) id: number, @Param('hitId') hitId: string, @Body() dto: HitDecisionDto) {
    return this.rules.accept(currentCaller(), id, hitParam(hitId), dto.note ?? null);
  }

  @Post(':hitId/dismiss')
  @HttpCode(200)
  @Access({ roles: ['LEAD_FINANCE', 'BUREAU_CLERK'], target: { kind: 'memberClaim', param: 'id' } })
  @ApiOperation({ summary: 'Dismiss a hit, with a note' })
  @ApiOkResponse({ type: RuleHitResponse })
  dismiss(@Param('id', ParseIntPipe) id: number, @Param('hitId') hitId: string, @Body() dto: HitDecisionDto) {
    return this.rules.dismiss(currentCaller(), id, hitParam(hitId), dto.note ?? '');
  }
}
