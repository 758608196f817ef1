import ExcelJS from 'exceljs';
import { addExportRow, cellNumber, exportSheet as sheet, YUAN } from '../../common/xlsx-reply';
import type { AccountBalance, LedgerTransferView, TrialBalanceView } from './ledger.service';

const BALANCE_COLUMNS = [
  ['科目编码', 34],
  ['科目名称', 34],
  ['性质', 8],
  ['正常余额方向', 12],
  ['借方发生额', 18],
  ['贷方发生额', 18],
  ['余额方向', 10],
  ['余额', 18],
] as const;

const ENTRY_COLUMNS = [
  ['分录号', 44],
  ['记账时间', 22],
  ['摘要', 34],
  ['借/贷', 6],
  ['科目编码', 34],
  ['科目名称', 34],
  ['金额', 18],
  ['业务单据', 28],
] as const;

/**
 * The fund-year ledger as a finance office reads it: 科目余额表 (each account's nature, normal
 * side, debit and credit totals, and its balance as amount and side, with the trial balance),
 * then 记账分录 (each transfer as a 借 line and a 贷 line of one amount).
 */
export async function ledgerWorkbook(
  l: { countyCode: string; fundYear: number },
  balances: { accounts: AccountBalance[]; totalDebits: string; totalCredits: string; trialBalance: TrialBalanceView; reconciled: boolean },
  transfers: LedgerTransferView[],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'capitation-budget-manager';

  const ws = sheet(wb, '科目余额表', `${l.countyCode} ${l.fundYear}年度 基金科目余额表`, BALANCE_COLUMNS);
  for (const a of balances.accounts) {
    const row = addExportRow(ws, [
      a.code,
      a.name,
      a.nature,
      a.normalSide,
      cellNumber(a.debits),
      cellNumber(a.credits),
      a.balanceSide,
      cellNumber(a.balanceAmount),
    ]);
    for (const i of [5, 6, 8]) row.getCell(i).numFmt = YUAN;
  }
  const totals = addExportRow(ws, ['合计', '', '', '', cellNumber(balances.totalDebits), cellNumber(balances.totalCredits), '', null]);
  totals.font = { bold: true };
  for (const i of [5, 6]) totals.getCell(i).numFmt = YUAN;
  addExportRow(ws, []);
  for (const [label, amount] of [
    ['借方余额合计', balances.trialBalance.debitBalances],
    ['贷方余额合计', balances.trialBalance.creditBalances],
  ] as const) {
    const row = addExportRow(ws, [label, cellNumber(amount)]);
    row.getCell(2).numFmt = YUAN;
  }
  addExportRow(ws, ['试算平衡', balances.trialBalance.balanced && balances.reconciled ? '平衡' : '不平衡']);

  const es = sheet(wb, '记账分录', `${l.countyCode} ${l.fundYear}年度 记账分录`, ENTRY_COLUMNS);
  for (const t of transfers) {
    for (const line of t.entry.lines) {
      const row = addExportRow(es, [
        t.id,
        t.postedAt,
        t.entry.summary,
        line.side,
        line.account,
        line.accountName,
        cellNumber(line.amount),
        `${t.referenceType} ${t.referenceId}`,
      ]);
      row.getCell(7).numFmt = YUAN;
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
