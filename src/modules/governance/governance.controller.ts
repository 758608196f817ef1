import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '../../common/idempotency.interceptor';
import { currentCaller } from '../../common/request-context';
import { Access } from '../access';
import { CountyService, VersionedDto } from '../registry';
import { ReserveUseApplicationDto, ReserveUseQuery, StepActionDto } from './dto/governance.dto';
import { ReserveUseService } from './reserve-use.service';

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
  @ApiOperation({ summary: 'The county’s reserve uses, newest first, by fund year and chain status' })
  async list(@Param('countyCode') countyCode: string, @Query() q: ReserveUseQuery) {
    const county = await this.counties.getCounty(countyCode);
    return this.uses.list(currentCaller(), county, q);
  }

  @Get('reserve-uses/:id')
  @Access({ roles: READERS, target: { kind: 'reserveUse', param: 'id' } })
  @ApiOperation({ summary: 'A reserve use with its chain: each step, its deadline, the history, and what the caller may do now' })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.uses.get(currentCaller(), id);
  }

  @Post('reserve-uses/:id/submit')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'reserveUse', param: 'id' } })
  @ApiOperation({ summary: 'The applicant sends the application (again, after a return) to the finance bureau' })
  submit(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.uses.act(currentCaller(), id, { action: 'submit', version: dto.version });
  }

  @Post('reserve-uses/:id/withdraw')
  @HttpCode(200)
  @Access({ roles: ['BUREAU_CLERK'], target: { kind: 'reserveUse', param: 'id' } })
  withdraw(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.uses.act(currentCaller(), id, { action: 'withdraw', version: dto.version });
  }

  @Post('reserve-uses/:id/approve')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'reserveUse', param: 'id' } })
  @ApiOperation({ summary: 'The body of the open step agrees (财政局同意, 州医保局审核)' })
  approve(@Param('id', ParseIntPipe) id: number, @Body() dto: StepActionDto) {
    return this.uses.act(currentCaller(), id, { action: 'approve', version: dto.version, step: dto.step, comment: dto.comment });
  }

  @Post('reserve-uses/:id/return')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'reserveUse', param: 'id' } })
  @ApiOperation({ summary: 'Send the application back to the bureau with a comment (退回)' })
  returnToApplicant(@Param('id', ParseIntPipe) id: number, @Body() dto: StepActionDto) {
    return this.uses.act(currentCaller(), id, { action: 'return', version: dto.version, step: dto.step, comment: dto.comment });
  }

  @Post('reserve-uses/:id/reject')
  @HttpCode(200)
  @Access({ roles: ['APPROVER'], target: { kind: 'reserveUse', param: 'id' } })
  @ApiOperation({ summary: 'Refuse the application with a comment; it ends there' })
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
  execute(@Param('id', ParseIntPipe) id: number, @Body() dto: VersionedDto) {
    return this.uses.act(currentCaller(), id, { action: 'execute', version: dto.version });
  }
}
