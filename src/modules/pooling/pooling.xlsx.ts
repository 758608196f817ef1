import ExcelJS from 'exceljs';
import { addExportRow, cellNumber, exportSheet, YUAN } from '../../common/xlsx-reply';
import { ProvincialFundView, SharingView } from './pooling.views';

const SHARING_LINES: [keyof SharingView['figures'], string][] = [
  ['result', '当期收支 (收入 − 支出)'],
  ['gap', '当期缺口 G'],
  ['transitionDifferenceCovered', '过渡期财政补助标准差额 (缺口地先行弥补)'],
  ['sharedGap', '按比例分担的缺口'],
  ['cityPart', '市级归集基金承担'],
  ['poolPays', '  其中: 归集基金支付'],
  ['unpaid', '  归集基金不足部分'],
  ['cityFinanceBeforeCap', '  市财政按比例应补'],
  ['cityFinanceCap', '  市财政分担上限 (筹资总额 × 上限比例)'],
  ['cityFinance', '  市财政补足'],
  ['capCutOff', '  超上限部分 (转缺口地财政)'],
  ['countyFinance', '  缺口地财政补足'],
  ['countyPart', '缺口地承担'],
  ['countyPartFromBalance', '  其中: 累计结余承担'],
  ['countyPartFromSubsidy', '  财政专项补助'],
  ['surplus', '当期结余'],
  ['surplusToCountyBalance', '  增加分县核算累计结余'],
  ['surplusToPooledFund', '  纳入市级归集基金'],
];

/** 市级统筹责任分担表: one county-year's sharing, every figure in yuan, with its inputs and who acted. */
export async function sharingWorkbook(s: SharingView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = exportSheet(wb, '责任分担', `${s.prefectureCode} ${s.countyCode} ${s.fundYear} 年度基金缺口市县分担表 (${s.state})`, [
    ['项目', 44],
    ['金额 (元)', 20],
  ]);
  const money = (label: string, amount: string) => (addExportRow(ws, [label, cellNumber(amount)]).getCell(2).numFmt = YUAN);
  money('统筹基金筹资总额 F', s.inputs.raisedTotal);
  money('当期基金收入', s.inputs.income);
  money('当期基金支出', s.inputs.expenditure);
  money('年初累计结余', s.inputs.accumulatedBalance);
  money('归集基金可用余额', s.inputs.pooledFundBalance);
  addExportRow(ws, ['归集基金分担比例', s.figures.effectiveCityShare]);
  addExportRow(ws, ['市财政分担比例', s.figures.effectiveCityFinanceShare]);
  addExportRow(ws, ['上年度出现当期缺口', s.inputs.gapLastYear ? '是' : '否']);
  addExportRow(ws, ['县政府考核未达优良', s.inputs.assessmentBelowGood ? '是' : '否']);
  addExportRow(ws, ['过渡期', s.inputs.transitionYear ? '是' : '否']);
  addExportRow(ws, []);
  for (const [key, label] of SHARING_LINES) money(label, s.figures[key]);
  addExportRow(ws, []);
  addExportRow(ws, ['测算', s.computedBy]);
  addExportRow(ws, ['财政确认', s.confirmedBy ?? '']);
  addExportRow(ws, ['执行', s.executedBy ?? '']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const REGION_COLUMNS: [keyof ProvincialFundView['regions'][number], string, number][] = [
  ['code', '地区', 14],
  ['income', '基金收入', 18],
  ['insured', '参保人数', 12],
  ['collectionRate', '征收率', 10],
  ['contribution', '上缴', 18],
  ['received', '拨付', 18],
  ['net', '净拨付(+)/净上缴(−)', 18],
  ['returned', '返还', 16],
  ['withheld', '留存', 16],
  ['held', '集中5%', 16],
  ['assessmentScore', '考核得分', 10],
  ['secondDistribution', '二次分配', 16],
  ['finalNet', '最终净额', 18],
];
const TEXT_COLUMNS = new Set(['code', 'insured', 'collectionRate', 'assessmentScore']);

/** 省级调剂金分配表: one row per region (the caller's visible regions), then the province's totals. */
export async function provincialFundWorkbook(f: ProvincialFundView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = exportSheet(
    wb,
    '调剂金',
    `${f.provinceCode} ${f.fundYear} 年度省级调剂金分配表 (${f.state}; 上缴 ${f.contributionRate}, 返还线 ${f.contributorCap}, 留存线 ${f.recipientCap}, 集中 ${f.secondDistributionRate})`,
    REGION_COLUMNS.map(([, label, width]) => [label, width] as const),
  );
  for (const r of f.regions) {
    const row = addExportRow(
      ws,
      REGION_COLUMNS.map(([key]) => (TEXT_COLUMNS.has(key) ? String(r[key]) : cellNumber(String(r[key])))),
    );
    REGION_COLUMNS.forEach(([key], i) => {
      if (!TEXT_COLUMNS.has(key)) row.getCell(i + 1).numFmt = YUAN;
    });
  }
  addExportRow(ws, []);
  for (const [label, amount] of [
    ['上缴合计', f.totalContributions],
    ['返还合计', f.totalReturned],
    ['留存合计 (省级风险调节金)', f.totalWithheld],
    ['集中合计 (年终二次分配)', f.totalHeld],
  ] as const)
    addExportRow(ws, [label, cellNumber(amount)]).getCell(2).numFmt = YUAN;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
