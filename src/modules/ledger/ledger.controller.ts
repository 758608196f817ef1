import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../../common/access.decorators';
import { FundYearPipe } from '../../common/route-params';
import { CountyService } from '../registry';
import { LedgerService } from './ledger.service';

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
  @ApiOperation({ summary: 'Account balances derived from the transfers, with a reconciliation flag' })
  async accounts(@Param('countyCode') countyCode: string, @Param('fundYear', FundYearPipe) fundYear: number) {
    const county = await this.counties.getCounty(countyCode);
    return this.ledger.balances(county.id, fundYear);
  }

  @Get(':fundYear/transfers')
  @Access({ roles: LEDGER_READERS, target: { kind: 'county', param: 'countyCode' } })
  @ApiOperation({ summary: 'Every transfer of the year, oldest first' })
  async transfers(@Param('countyCode') countyCode: string, @Param('fundYear', FundYearPipe) fundYear: number) {
    const county = await this.counties.getCounty(countyCode);
    return this.ledger.transfers(county.id, fundYear);
  }
}
