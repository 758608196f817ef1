import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Access } from '../../common/access.decorators';
import { ApiPageResponse, pageInMemory, PageQuery } from '../../common/pagination';
import { FundYearPipe } from '../../common/route-params';
import { NoQuery } from '../../common/validation';
import { sendXlsx, XLSX } from '../../common/xlsx-reply';
import { CountyService } from '../registry';
import { LedgerService } from './ledger.service';
import { ledgerWorkbook } from './ledger.xlsx';
import { AccountBalanceResponse, LedgerTransferResponse, TrialBalanceResponse } from './dto/ledger.responses';

const LEDGER_READERS = ['BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'] as const;

export class LedgerTransferQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'declaration', description: 'only transfers posted for this kind of document' })
  @IsOptional()
  @Matches(/^[A-Za-z][A-Za-z0-9_.-]{0,49}$/, { message: 'referenceType must be a word of letters, digits, _ . -' })
  referenceType?: string;

  @ApiPropertyOptional({ example: '12', description: 'only transfers posted for this document (with referenceType)' })
  @IsOptional()
  @MaxLength(100)
  referenceId?: string;

  @ApiPropertyOptional({ example: 'FUND_POOL', description: 'only transfers debiting or crediting this account' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]*(:[A-Za-z0-9_-]+)?$/, {
    message: 'account must be an account code such as FUND_POOL or COMMUNITY_PACKAGE:<code>',
  })
  @MaxLength(100)
  account?: string;
}

/** The fund-year ledger of a county, read-only: balances and transfers. */
@ApiTags('fund year')
@ApiBearerAuth()
@Controller('counties/:countyCode/ledger')
export class LedgerController {
  constructor(
    private readonly counties: CountyService,
    private readonly ledger: LedgerService,
  ) {}

  @Get(':fundYear/accounts')
  @Access({ roles: LEDGER_READERS, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({
    summary: 'Account balances derived from the transfers, with the year’s totals and a reconciliation flag',
    description:
      'Each account also as a finance office reads it: name, nature (资产/负债/净资产/支出), normal side (借/贷), and its balance as a non-negative amount with its side (余额方向 借/贷/平); `balance` stays signed (credits − debits).',
  })
  @ApiExtraModels(TrialBalanceResponse)
  @ApiPageResponse(AccountBalanceResponse, {
    totalDebits: { type: 'string', description: 'yuan, every account' },
    totalCredits: { type: 'string', description: 'yuan, every account' },
    trialBalance: { $ref: getSchemaPath(TrialBalanceResponse) },
    reconciled: { type: 'boolean' },
  })
  async accounts(@Param('countyCode') countyCode: string, @Param('fundYear', FundYearPipe) fundYear: number, @Query() q: PageQuery) {
    const county = await this.counties.getCounty(countyCode);
    // A county-year has a few dozen accounts, and the totals and the reconciliation need them all: paged in memory.
    const { accounts, ...totals } = await this.ledger.balances(county.id, fundYear);
    return { ...pageInMemory(accounts, q), ...totals };
  }

  @Get(':fundYear/transfers')
  @Access({ roles: LEDGER_READERS, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({
    summary:
      'The transfers of the year, oldest first, optionally of one document or one account; each also as an entry (分录): a 借 line and a 贷 line of one amount',
  })
  @ApiPageResponse(LedgerTransferResponse)
  async transfers(
    @Param('countyCode') countyCode: string,
    @Param('fundYear', FundYearPipe) fundYear: number,
    @Query() q: LedgerTransferQuery,
  ) {
    const county = await this.counties.getCounty(countyCode);
    return this.ledger.transfers(county.id, fundYear, q, q);
  }

  @Get(':fundYear/export.xlsx')
  @Access({ roles: LEDGER_READERS, target: { kind: 'county', param: 'countyCode' } })
  @ApiProduces(XLSX)
  @ApiOperation({ summary: 'The ledger as a spreadsheet: 科目余额表 (balances with nature and 余额方向, trial balance) and 记账分录' })
  async export(
    @Param('countyCode') countyCode: string,
    @Param('fundYear', FundYearPipe) fundYear: number,
    @Query() _query: NoQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const county = await this.counties.getCounty(countyCode);
    const [balances, transfers] = [await this.ledger.balances(county.id, fundYear), await this.ledger.allTransfers(county.id, fundYear)];
    sendXlsx(
      reply,
      `${county.code}-${fundYear}-基金科目余额表.xlsx`,
      await ledgerWorkbook({ countyCode: county.code, fundYear }, balances, transfers),
    );
  }
}
