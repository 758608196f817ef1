import { ApiProperty } from '@nestjs/swagger';
import type { AccountNature, BalanceSide, EntrySide } from '../../../domain/ledger';
import type { AccountBalance, JournalEntryView, LedgerTransferView, TrialBalanceView } from '../ledger.service';

// Answer bodies of the ledger as the OpenAPI document (and the web console's typed client)
// describes them; the classes implement the views, so a view that changes fails the type-check.

const MONEY = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '1234.50', description: 'yuan, two decimals' } as const;
const NATURES: readonly AccountNature[] = ['资产', '负债', '净资产', '支出'];
const SIDES: readonly EntrySide[] = ['借', '贷'];
const BALANCE_SIDES: readonly BalanceSide[] = ['借', '贷', '平'];

export class AccountBalanceResponse implements AccountBalance {
  @ApiProperty({ example: 'PACKAGE:WS-MC' }) code!: string;
  @ApiProperty(MONEY) debits!: string;
  @ApiProperty(MONEY) credits!: string;
  @ApiProperty({ ...MONEY, description: 'signed: credits − debits' }) balance!: string;
  @ApiProperty({ example: '医共体打包资金' }) name!: string;
  @ApiProperty({ enum: NATURES }) nature!: AccountNature;
  @ApiProperty({ enum: SIDES }) normalSide!: EntrySide;
  @ApiProperty({ enum: BALANCE_SIDES, description: '余额方向' }) balanceSide!: BalanceSide;
  @ApiProperty({ ...MONEY, description: 'the balance as a non-negative amount on balanceSide' }) balanceAmount!: string;
}

export class JournalLineResponse {
  @ApiProperty({ enum: SIDES }) side!: EntrySide;
  @ApiProperty() account!: string;
  @ApiProperty() accountName!: string;
  @ApiProperty(MONEY) amount!: string;
}

export class JournalEntryResponse implements JournalEntryView {
  @ApiProperty({ description: '摘要' }) summary!: string;
  @ApiProperty({ type: [JournalLineResponse] }) lines!: JournalLineResponse[];
}

export class LedgerTransferResponse implements LedgerTransferView {
  @ApiProperty() id!: string;
  @ApiProperty() debit!: string;
  @ApiProperty() credit!: string;
  @ApiProperty(MONEY) amount!: string;
  @ApiProperty() memo!: string;
  @ApiProperty({ type: JournalEntryResponse }) entry!: JournalEntryResponse;
  @ApiProperty() referenceType!: string;
  @ApiProperty() referenceId!: string;
  @ApiProperty() postedBy!: string;
  @ApiProperty({ format: 'date-time' }) postedAt!: string;
}

export class TrialBalanceResponse implements TrialBalanceView {
  @ApiProperty({ ...MONEY, description: 'the debit balances together' }) debitBalances!: string;
  @ApiProperty({ ...MONEY, description: 'the credit balances together' }) creditBalances!: string;
  @ApiProperty({ description: '试算平衡: the two are equal' }) balanced!: boolean;
}
