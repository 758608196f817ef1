import ExcelJS from 'exceljs';
import { addExportRow, cellNumber, YUAN } from '../../common/xlsx-reply';
import { Dec, Money } from '../../domain/money';
import { YearEndView } from './year-end.service';

const STATE_LABEL: Record<string, string> = { DRAFT: '草稿', APPROVED: '已审批', POSTED: '已记账' };
const COLUMNS = [
  ['单位编码', 16],
  ['单位名称', 26],
  ['基层', 6],
  ['审核确认费用', 16],
  ['超支分担', 16],
  ['结余分配', 16],
  ['基层保底调剂', 16],
  ['质量保证金（扣留）', 18],
  ['质量保证金（返还）', 18],
  ['已拨付', 16],
  ['应补（+）/应退（−）', 18],
] as const;

/** 年终清算表: one sheet per community with its summary and unit statements, one for private institutions. */
export async function yearEndWorkbook(y: YearEndView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'capitation-budget-manager';
  const groups = [
    ...y.summary.communities.map((c) => ({ key: c.communityCode, title: `${c.communityCode} 医共体`, community: c })),
    { key: '民营定点', title: '民营定点医疗机构', community: null },
  ];
  for (const g of groups) {
    const statements = y.statements.filter((s) => (g.community ? s.communityCode === g.key : s.kind === 'PRIVATE'));
    if (!g.community && statements.length === 0) continue;
    const ws = wb.addWorksheet(g.key.slice(0, 31), {
      pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    });
    ws.columns = COLUMNS.map(([, width]) => ({ width }));
    addExportRow(ws, [`${y.countyCode} ${y.fundYear}年度 ${g.title} 年终清算表`]).font = { bold: true, size: 14 };
    addExportRow(ws, [
      `清算单 ${y.id}（第${y.revision}稿） 状态：${STATE_LABEL[y.state] ?? y.state}${y.approvedBy ? ` 审批：${y.approvedBy}` : ''}`,
    ]);
    if (g.community) {
      const c = g.community;
      const lines: [string, string][] = [
        ['打包额度 M', c.communityPackage],
        ['县外异地支出', c.outOfCountyExpenditure],
        ['总支出 E', c.totalExpenditure],
        ['超支 O（超支不补）', c.overspend],
        ['结余 S（结余留用）', c.surplus],
        ['基层医疗机构资金', c.primaryAfterShares],
        ['基层保底要求', c.floor.required],
        ['基层保底缺口（违规）', c.floor.shortfall],
      ];
      // A year with no consumption to share by: what waits for a decision (drafts before these fields have none).
      if (Money.of(c.surplusUnallocated ?? '0').isPositive()) lines.push(['结余未分配（留用，待结余分配方案）', c.surplusUnallocated]);
      if (Money.of(c.overspendUnapportioned ?? '0').isPositive())
        lines.push(['超支未分担（无消耗可分，待医保局决定）', c.overspendUnapportioned]);
      for (const [label, amount] of lines) {
        const row = addExportRow(ws, [label, cellNumber(amount)]);
        row.getCell(2).numFmt = YUAN;
      }
      addExportRow(ws, [
        '基层占比',
        `${new Dec(c.primaryShareOfPackage).times(100).toFixed(2)}%`,
        '',
        `保底 ${new Dec(c.floor.floorRate).times(100).toFixed(2)}%`,
        c.floorViolation ? '未达标' : '达标',
        c.score !== null ? `绩效得分 ${c.score}` : '',
      ]);
      if (c.decisionNeeded) addExportRow(ws, ['待决定', c.decisionNeeded]);
    }
    addExportRow(ws, []);
    addExportRow(
      ws,
      COLUMNS.map(([label]) => label),
    ).font = { bold: true };
    for (const s of statements) {
      const row = addExportRow(ws, [
        s.institutionCode,
        s.institutionName,
        s.primary ? '是' : '',
        ...[
          s.approvedConsumption,
          s.overspendShare,
          s.surplusShare,
          s.floorTopUp,
          s.depositWithheld,
          s.depositRelease,
          s.paidSoFar,
          s.balanceDue,
        ].map(cellNumber),
      ]);
      for (let i = 4; i <= 11; i++) row.getCell(i).numFmt = YUAN;
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
