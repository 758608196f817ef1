import ExcelJS from 'exceljs';
import { addExportRow, cellNumber, exportSheet, YUAN } from '../../common/xlsx-reply';
import type { StatementFiguresView, UnitStatementView } from './statement.service';

const COLUMNS: readonly (readonly [keyof StatementFiguresView, string])[] = [
  ['claimed', '申报金额'],
  ['rejected', '初审拒付'],
  ['flaggedByRule', '智能审核提示扣减'],
  ['flaggedAccepted', '智能审核采纳'],
  ['accepted', '初审通过'],
  ['deducted', '医保局扣款'],
  ['carriedIn', '上期结转应退'],
  ['carriedOut', '结转下期应退'],
  ['extrapolatedDeduction', '抽样外推扣款'],
  ['approved', '核定金额'],
  ['funded', '拨付额度'],
  ['deposit', '质量保证金'],
  ['advanceOffset', '预拨冲抵'],
  ['cash', '本次拨付现金'],
  ['passDownDue', '应下拨'],
  ['passedDown', '已下拨'],
];

const RESPONSE: Record<string, string> = { CONFIRMED: '已确认', DISPUTED: '有异议' };

/**
 * 结算单: one row per unit (its figures, dates and answer), the totals row, then the declaration's
 * own figures; then, per unit, what was rejected and deducted by reason and the ledger transfers.
 */
export async function statementWorkbook(
  title: string,
  units: readonly UnitStatementView[],
  totals: StatementFiguresView | null,
  declaration: Partial<StatementFiguresView> | null,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'capitation-budget-manager';
  const ws = exportSheet(wb, '结算单', title, [
    ['单位编码', 14],
    ['单位名称', 24],
    ['申报单', 8],
    ['记录数', 8],
    ...COLUMNS.map(([, label]) => [`${label}（元）`, 16] as const),
    ['提交日期', 12],
    ['初审日期', 12],
    ['申报日期', 12],
    ['批准日期', 12],
    ['拨付日期', 12],
    ['下拨期限', 12],
    ['下拨日期', 12],
    ['对账', 10],
    ['争议编号', 10],
  ]);
  const money = (first: number, row: ExcelJS.Row) => {
    for (let i = 0; i < COLUMNS.length; i++) row.getCell(first + i).numFmt = YUAN;
  };
  for (const u of units) {
    const row = addExportRow(ws, [
      u.institutionCode,
      u.institutionName,
      u.claimId,
      u.records,
      ...COLUMNS.map(([k]) => cellNumber(u[k])),
      u.submittedOn,
      u.reviewedOn,
      u.declaredOn,
      u.approvedOn,
      u.fundedOn,
      u.passDownDeadline,
      u.passedDownOn,
      u.response ? RESPONSE[u.response.response] : '未确认',
      u.response?.disputeId ?? null,
    ]);
    money(5, row);
  }
  if (totals) {
    const row = addExportRow(ws, [
      '合计',
      '',
      null,
      units.reduce((a, u) => a + u.records, 0),
      ...COLUMNS.map(([k]) => cellNumber(totals[k])),
    ]);
    row.font = { bold: true };
    money(5, row);
  }
  if (declaration) {
    const row = addExportRow(ws, [
      '申报单数',
      '',
      null,
      null,
      ...COLUMNS.map(([k]) => (declaration[k] === undefined ? null : cellNumber(declaration[k]))),
    ]);
    money(5, row);
  }
  const detail = exportSheet(wb, '明细', `${title} 拒付扣款与资金流水`, [
    ['单位编码', 14],
    ['类别', 14],
    ['原因 / 流水号', 40],
    ['记录数', 8],
    ['金额（元）', 16],
    ['摘要', 40],
  ]);
  for (const u of units) {
    for (const r of u.rejectedByReason)
      addExportRow(detail, [u.institutionCode, '初审拒付', r.reason, r.records, cellNumber(r.amount)]).getCell(5).numFmt = YUAN;
    for (const r of u.deductedByReason)
      addExportRow(detail, [u.institutionCode, '医保局扣款', r.reason, r.records, cellNumber(r.amount)]).getCell(5).numFmt = YUAN;
    const kinds: Record<string, string> = {
      CARRIED_IN: '上期结转应退',
      CARRIED_OUT: '结转下期应退',
      EXTRAPOLATED_DEDUCTION: '抽样外推扣款',
    };
    for (const a of u.adjustments)
      addExportRow(detail, [
        u.institutionCode,
        kinds[a.kind],
        a.fromPeriod ? `${a.source}（${a.fromPeriod}）` : a.source,
        null,
        cellNumber(a.amount),
        a.calculation ?? '',
      ]).getCell(5).numFmt = YUAN;
    if (u.ruleHits > 0)
      addExportRow(detail, [
        u.institutionCode,
        '智能审核',
        `${u.ruleHits} 条提示，采纳 ${u.ruleHitsAccepted} 条`,
        u.ruleHits,
        cellNumber(u.flaggedByRule),
        u.ruleHitsLink,
      ]).getCell(5).numFmt = YUAN;
    for (const t of u.transfers)
      addExportRow(detail, [u.institutionCode, '资金流水', t.id, null, cellNumber(t.amount), t.memo]).getCell(5).numFmt = YUAN;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
