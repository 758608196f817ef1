import ExcelJS from 'exceljs';
import { addExportRow, cellNumber, YUAN } from '../../common/xlsx-reply';
import { FlowCount } from '../../domain/fund-analysis';
import { FundAnalysisView } from './fund-analysis.service';

const PERCENT = '0.00%';
const STATE_LABEL: Record<string, string> = { DRAFT: '草稿', SUBMITTED: '已提交' };
const LEVEL_LABEL: Record<string, string> = { NORMAL: '正常', WATCH: '关注', WARNING: '预警', ALARM: '警报' };

/** A decimal text as a spreadsheet number, or a dash where there is none. */
const num = (decimal: string | null): number | string => (decimal === null ? '—' : cellNumber(decimal));

function heading(ws: ExcelJS.Worksheet, text: string): void {
  addExportRow(ws, []);
  addExportRow(ws, [text]).font = { bold: true, size: 12 };
}

function header(ws: ExcelJS.Worksheet, cells: string[]): void {
  addExportRow(ws, cells).font = { bold: true };
}

function row(ws: ExcelJS.Worksheet, cells: (string | number | null)[], formats: Record<number, string> = {}): void {
  const r = addExportRow(
    ws,
    cells.map((c) => c ?? '—'),
  );
  for (const [col, fmt] of Object.entries(formats)) r.getCell(Number(col)).numFmt = fmt;
}

/** 医共体基金运行分析 of one quarter: patient flow, fund flow, risk, year on year and the lead unit's commentary. */
export async function fundAnalysisWorkbook(a: FundAnalysisView): Promise<Buffer> {
  const c = a.content;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'capitation-budget-manager';
  const ws = wb.addWorksheet('基金运行分析', {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = [{ width: 30 }, { width: 22 }, { width: 16 }, { width: 18 }, { width: 14 }, { width: 14 }];
  addExportRow(ws, [`${a.communityCode} ${a.communityName} ${c.fundYear}年第${c.quarter}季度基金运行分析`]).font = { bold: true, size: 14 };
  addExportRow(ws, [
    `分析 ${a.id}（第${a.version}版）状态：${STATE_LABEL[a.state] ?? a.state}；结算期 ${c.periods.from} 至 ${c.periods.to}`,
  ]);

  heading(ws, '一、患者流向');
  header(ws, ['就诊层级', '门诊人次', '住院人次']);
  const flow = (label: string, f: FlowCount) => row(ws, [label, f.visits, f.admissions]);
  flow('乡镇内（乡镇卫生院及村卫生室）', c.patientFlow.inTownship);
  flow('县级医院', c.patientFlow.countyHospitals);
  flow('县域内合计', c.patientFlow.inCounty);
  flow('县外', c.patientFlow.outOfCounty);
  row(ws, ['县域内住院率', num(c.patientFlow.inCountyAdmissionRate)], { 2: PERCENT });
  row(ws, ['参保地乡镇外住院人次', c.patientFlow.outsideTownshipAdmissions]);

  heading(ws, '二、基金流向');
  header(ws, ['成员单位', '类型', '基层机构', '门诊人次', '住院人次', '基金支付（元）']);
  for (const u of c.fundFlow.byUnit)
    row(ws, [`${u.unitCode} ${u.unitName}`, u.unitType, u.primary ? '是' : '否', u.visits, u.admissions, num(u.approved)], { 6: YUAN });
  addExportRow(ws, []);
  header(ws, ['类别', '基金支付（元）', '占比']);
  for (const k of c.fundFlow.byCategory) row(ws, [k.label, num(k.amount), num(k.share)], { 2: YUAN, 3: PERCENT });
  row(ws, ['县域内', num(c.fundFlow.inCounty)], { 2: YUAN });
  row(ws, ['县外', num(c.fundFlow.outOfCounty), num(c.fundFlow.outOfCountyShare)], { 2: YUAN, 3: PERCENT });
  row(ws, ['合计', num(c.fundFlow.total)], { 2: YUAN });
  row(ws, ['其中基层医疗机构', num(c.fundFlow.primary)], { 2: YUAN });

  heading(ws, '三、运行风险');
  const r = c.risk;
  row(ws, ['医共体预算资金总额 M', num(r.communityPackage)], { 2: YUAN });
  row(ws, [`年初至季末（${r.elapsedMonths}个月）成员单位基金支付`, num(r.yearToDate.memberApproved)], { 2: YUAN });
  row(ws, ['其中基层医疗机构', num(r.yearToDate.primaryApproved)], { 2: YUAN });
  row(ws, ['县外异地结算', num(r.yearToDate.outOfCounty)], { 2: YUAN });
  if (r.burn) {
    row(ws, ['序时预算', num(r.burn.budgetToDate)], { 2: YUAN });
    row(ws, ['基金支出进度（支出 ÷ 序时预算）', num(r.burn.burnRatio), LEVEL_LABEL[r.burn.level] ?? r.burn.level]);
    row(ws, ['预计全年支出', num(r.burn.projectedExpenditure)], { 2: YUAN });
    row(ws, ['预计超支', num(r.burn.projectedOverspend)], { 2: YUAN });
    row(ws, ['预计基层占比', num(r.burn.projectedPrimaryShare), `底线 ${r.burn.primaryFloorRate}`], { 2: PERCENT });
  }
  for (const alert of r.alerts) row(ws, ['提示', alert]);

  heading(ws, `四、同比（${c.yearOnYear.previousFundYear}年同期）`);
  header(ws, ['项目', '本期', '上年同期', '增减', '增减率']);
  for (const i of c.yearOnYear.items) {
    const money = i.item.endsWith('Fund');
    row(
      ws,
      [i.label, num(i.current), num(i.previous), num(i.change), num(i.changeRate)],
      money ? { 2: YUAN, 3: YUAN, 4: YUAN, 5: PERCENT } : { 5: PERCENT },
    );
  }

  heading(ws, '五、分析说明');
  for (const [label, text] of [
    ['总体情况', a.summary],
    ['存在的风险和问题', a.risks],
    ['下一步措施', a.measures],
  ] as const) {
    const r2 = addExportRow(ws, [label, text ?? '']);
    r2.getCell(2).alignment = { wrapText: true, vertical: 'top' };
  }
  if (a.submittedAt) addExportRow(ws, [`提交：${a.submittedBy} ${a.submittedAt}`]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
