import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../../common/access.decorators';
import { FundYearPipe } from '../../common/route-params';
import { sendXlsx, XLSX } from '../../common/xlsx-reply';
import { CountyService } from '../registry';
import { LedgerService } from './ledger.service';
import { ledgerWorkbook } from './ledger.xlsx';

const LEDGER_READERS = ['BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'] as const;

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
    summary: 'Account balances derived from the transfers, with a reconciliation flag',
    description:
      'Each account also as a finance office reads it: name, nature (资产/负债/净资产/支出), normal side (借/贷), and its balance as a non-negative amount with its side (余额方向 借/贷/平); `balance` stays signed (credits − debits).',
  })
  async accounts(@Param('countyCode') countyCode: string, @Param('fundYear', FundYearPipe) fundYear: number) {
    const county = await this.counties.getCounty(countyCode);
    return this.ledger.balances(county.id, fundYear);
  }

  @Get(':fundYear/transfers')
  @Access({ roles: LEDGER_READERS, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({
    summary: 'Every transfer of the year, oldest first, each also as an entry (分录): a 借 line and a 贷 line of one amount',
  })
  async transfers(@Param('countyCode') countyCode: string, @Param('fundYear', FundYearPipe) fundYear: number) {
    const county = await this.counties.getCounty(countyCode);
    return this.ledger.transfers(county.id, fundYear);
  }

  @Get(':fundYear/export.xlsx')
  @Access({ roles: LEDGER_READERS, target: { kind: 'county', param: 'countyCode' } })
  @ApiProduces(XLSX)
  @ApiOperation({ summary: 'The ledger as a spreadsheet: 科目余额表 (balances with nature and 余额方向, trial balance) and 记账分录' })
  async export(
    @Param('countyCode') countyCode: string,
    @Param('fundYear', FundYearPipe) fundYear: number,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const county = await this.counties.getCounty(countyCode);
    const [balances, transfers] = [await this.ledger.balances(county.id, fundYear), await this.ledger.transfers(county.id, fundYear)];
    sendXlsx(
      reply,
      `${county.code}-${fundYear}-基金科目余额表.xlsx`,
      await ledgerWorkbook({ countyCode: county.code, fundYear }, balances, transfers),
    );
  }
}
