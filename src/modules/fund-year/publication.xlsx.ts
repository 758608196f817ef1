import ExcelJS from 'exceljs';
import { addExportRow, cellNumber, YUAN } from '../../common/xlsx-reply';
import { Dec, Money } from '../../domain/money';
import { AllocationView } from './allocation.service';
import { BudgetPlanView } from './budget-plan.service';

const WAN = '#,##0.000000';
const STATE_LABEL: Record<string, string> = {
  DRAFT: '草稿',
  SUBMITTED: '已提交',
  APPROVED: '已审批',
  PUBLISHED: '已公示',
  SUPERSEDED: '已更正',
};
const CATEGORY_LABEL: Record<string, string> = {
  OUT_OF_COUNTY: '县外异地',
  OUTPATIENT: '门诊',
  INPATIENT: '住院',
  CHRONIC_SPECIAL: '慢特病门诊',
};

function sheet(workbook: ExcelJS.Workbook, name: string, title: string, subtitle: string): ExcelJS.Worksheet {
  const ws = workbook.addWorksheet(name, {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  addExportRow(ws, [title]).font = { bold: true, size: 14 };
  addExportRow(ws, [subtitle]);
  addExportRow(ws, []);
  return ws;
}

function amountRow(ws: ExcelJS.Worksheet, label: string, amount: string, note = ''): void {
  const row = addExportRow(ws, [label, cellNumber(amount), cellNumber(Money.of(amount).toWanYuan()), note]);
  row.getCell(2).numFmt = YUAN;
  row.getCell(3).numFmt = WAN;
}

/** 医保基金打包预算分配表 (公示): every figure of SPEC §3 and each community's package. */
export async function allocationWorkbook(a: AllocationView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'capitation-budget-manager';
  const ws = sheet(
    wb,
    '预算分配',
    `${a.countyCode} ${a.fundYear}年度城乡居民医保基金打包预算分配表`,
    `文档 ${a.id}（第${a.documentVersion}版）状态：${STATE_LABEL[a.state] ?? a.state}`,
  );
  ws.columns = [{ width: 34 }, { width: 20 }, { width: 18 }, { width: 30 }];
  const header = addExportRow(ws, ['项目', '金额（元）', '金额（万元）', '说明']);
  header.font = { bold: true };
  const f = a.figures;
  amountRow(
    ws,
    '筹资总额 F',
    f.raisedTotal,
    `筹资人数 ${a.inputs.insuredCount} × 标准 ${a.inputs.perCapitaStandard} + 利息 ${a.inputs.interest}`,
  );
  amountRow(ws, '调剂金 A', f.adjustmentReserve, `F × ${a.parameters.adjustmentReserveRate}`);
  amountRow(ws, '大病保险基金 C', f.criticalIllnessFund, `人数 × ${a.inputs.criticalIllnessPremiumPerPerson}`);
  amountRow(ws, '家庭医生签约服务费', a.inputs.familyDoctorFee);
  amountRow(ws, '净基数 B', f.netBase, 'F − A − 家庭医生签约服务费 − C');
  amountRow(ws, '医共体基础份额', f.communityBaseShare, `B × ${a.parameters.communityBaseShareRate}`);
  amountRow(ws, '增量资金池', f.increasePool, `B × ${a.parameters.increasePoolRate}`);
  amountRow(ws, '政策调整支出 P', a.inputs.policyAdjustmentExpenditure);
  amountRow(ws, '医共体预算增加资金 R', f.communityIncrease, '增量资金池 − P');
  amountRow(ws, '医共体预算资金总额 M', f.communityPackage, '基础份额 + R');
  amountRow(ws, '民营定点医疗机构资金', f.privatePool, `B × ${a.parameters.privatePoolRate}`);
  addExportRow(ws, []);
  addExportRow(ws, ['医共体', '打包额度（元）', '打包额度（万元）', '参保人数']).font = { bold: true };
  for (const c of a.communities) {
    const row = addExportRow(ws, [
      `${c.communityCode} ${c.communityName}`,
      cellNumber(c.package),
      cellNumber(Money.of(c.package).toWanYuan()),
      c.enrolledPopulation,
    ]);
    row.getCell(2).numFmt = YUAN;
    row.getCell(3).numFmt = WAN;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** 医共体基金收支预算表: the plan by category and by member unit, with the primary-care floor. */
export async function budgetPlanWorkbook(p: BudgetPlanView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'capitation-budget-manager';
  const ws = sheet(
    wb,
    '基金收支预算',
    `${p.communityCode} ${p.fundYear}年度医共体基金收支预算表`,
    `预算 ${p.id}（第${p.documentVersion}版）状态：${STATE_LABEL[p.state] ?? p.state}`,
  );
  ws.columns = [{ width: 16 }, { width: 30 }, { width: 12 }, { width: 20 }, { width: 18 }];
  addExportRow(ws, ['类别', '成员单位', '基层机构', '金额（元）', '金额（万元）']).font = { bold: true };
  for (const l of p.lines) {
    const row = addExportRow(ws, [
      CATEGORY_LABEL[l.category],
      l.institutionCode ? `${l.institutionCode} ${l.institutionName}` : '—',
      l.primary ? '是' : '否',
      cellNumber(l.amount),
      cellNumber(Money.of(l.amount).toWanYuan()),
    ]);
    row.getCell(4).numFmt = YUAN;
    row.getCell(5).numFmt = WAN;
  }
  addExportRow(ws, []);
  const total = addExportRow(ws, ['合计', '', '', cellNumber(p.total), cellNumber(Money.of(p.total).toWanYuan())]);
  total.font = { bold: true };
  total.getCell(4).numFmt = YUAN;
  total.getCell(5).numFmt = WAN;
  const primary = addExportRow(ws, [
    '其中基层医疗机构',
    `占比 ${new Dec(p.primaryShare).times(100).toFixed(2)}%（不低于 ${p.floor.rate}）`,
    '',
    cellNumber(p.primaryTotal),
    cellNumber(Money.of(p.primaryTotal).toWanYuan()),
  ]);
  primary.getCell(4).numFmt = YUAN;
  primary.getCell(5).numFmt = WAN;
  for (const w of p.warnings) addExportRow(ws, ['提示', w.message]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
