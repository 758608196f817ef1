import ExcelJS from 'exceljs';
import { ChainStatus } from '../../domain/approval-chain';
import { addExportRow, cellNumber, exportSheet, YUAN } from '../../common/xlsx-reply';
import type { ChainView } from './chain-view';
import type { DisputeView } from './dispute.service';
import type { ReferralView } from './referral.service';
import type { ReserveUseView } from './reserve-use.service';
import type { SurplusPlanView } from './surplus-plan.service';

/** A chain's status as the registers print it. */
const STATUS: Record<ChainStatus, string> = {
  DRAFT: '草稿',
  IN_REVIEW: '审核中',
  RETURNED: '已退回',
  APPROVED: '已批准',
  REJECTED: '未批准',
  EXECUTED: '已执行',
  WITHDRAWN: '已撤回',
};

/** The step waiting now (its title and deadline), or nothing. */
const openStep = (chain: ChainView): string =>
  chain.steps
    .filter((s) => s.status === 'OPEN')
    .map((s) => (s.deadline ? `${s.title}（${s.deadline}前）` : s.title))
    .join('、');

const lastComment = (chain: ChainView): string => [...chain.history].reverse().find((h) => h.comment)?.comment ?? '';

async function workbook(fill: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'capitation-budget-manager';
  fill(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** 调剂金使用登记簿: every use of a county's adjustment reserve with where its chain stands. */
export function reserveUseRegister(countyCode: string, uses: readonly ReserveUseView[]): Promise<Buffer> {
  return workbook((wb) => {
    const ws = exportSheet(wb, '调剂金使用', `${countyCode} 调剂金使用登记簿`, [
      ['编号', 8],
      ['年度', 8],
      ['用途', 30],
      ['金额（元）', 18],
      ['去向', 30],
      ['申请人', 18],
      ['申请时间', 22],
      ['状态', 10],
      ['当前环节', 30],
      ['最近意见', 30],
      ['执行日期', 12],
      ['执行人', 18],
    ]);
    for (const u of uses) {
      const target = u.target.kind === 'PACKAGE_INCREASE' ? `调增打包额度 ${u.target.communityCode}` : `直接支付：${u.target.risk}`;
      const row = addExportRow(ws, [
        u.id,
        u.fundYear,
        u.purpose,
        cellNumber(u.amount),
        target,
        u.createdBy,
        u.createdAt,
        STATUS[u.chain.status],
        openStep(u.chain),
        lastComment(u.chain),
        u.executedOn,
        u.executedBy,
      ]);
      row.getCell(4).numFmt = YUAN;
    }
  });
}

/** 评审登记簿: disputes and periodic reviews of a community, with opinion, rectification and hold. */
export function disputeRegister(communityCode: string, disputes: readonly DisputeView[]): Promise<Buffer> {
  return workbook((wb) => {
    const ws = exportSheet(wb, '评审', `${communityCode} 评审登记簿`, [
      ['编号', 8],
      ['类型', 10],
      ['提出单位', 16],
      ['事项', 16],
      ['事项说明', 30],
      ['状态', 10],
      ['当前环节', 30],
      ['评审意见', 36],
      ['整改单位', 16],
      ['整改期限', 12],
      ['整改情况', 30],
      ['逾期日', 12],
      ['暂缓拨付', 10],
    ]);
    for (const d of disputes)
      addExportRow(ws, [
        d.id,
        d.kind === 'DISPUTE' ? '争议' : '定期评审',
        d.filedBy,
        d.subject.type,
        `${d.subject.reference}：${d.description}`,
        STATUS[d.chain.status],
        openStep(d.chain),
        d.opinion?.findings ?? '',
        d.opinion?.rectifyingUnitCode ?? '',
        d.opinion?.rectificationDeadline ?? '',
        d.rectification?.note ?? '',
        d.overdueOn,
        d.holdId === null ? '' : `是（${d.holdId}）`,
      ]);
  });
}

/** 县外转诊登记簿: a community's referrals with their windows and approval. */
export function referralRegister(communityCode: string, referrals: readonly ReferralView[]): Promise<Buffer> {
  return workbook((wb) => {
    const ws = exportSheet(wb, '县外转诊', `${communityCode} 县外转诊登记簿`, [
      ['编号', 8],
      ['参保人', 22],
      ['转出单位', 16],
      ['接收医院', 30],
      ['诊断', 10],
      ['有效期起', 12],
      ['有效期止', 12],
      ['转诊理由', 30],
      ['状态', 10],
      ['登记人', 18],
      ['审批人', 18],
    ]);
    for (const r of referrals)
      addExportRow(ws, [
        r.id,
        r.insuredMasked,
        r.fromUnitCode,
        r.receivingHospital,
        r.diagnosisCode,
        r.validFrom,
        r.validTo,
        r.reason,
        STATUS[r.chain.status],
        r.recordedBy,
        [...r.chain.history].reverse().find((h) => h.action === 'approve')?.username ?? '',
      ]);
  });
}

/** 结余资金分配方案登记簿: a community's surplus plans, one row per plan and unit, with where each chain stands. */
export function surplusPlanRegister(communityCode: string, plans: readonly SurplusPlanView[]): Promise<Buffer> {
  return workbook((wb) => {
    const ws = exportSheet(wb, '结余分配方案', `${communityCode} 结余资金分配方案登记簿`, [
      ['方案编号', 10],
      ['年度', 8],
      ['结余（元）', 18],
      ['理事会决议', 30],
      ['单位', 14],
      ['单位名称', 24],
      ['基层', 6],
      ['默认建议（元）', 18],
      ['方案金额（元）', 18],
      ['状态', 10],
      ['当前环节', 30],
      ['执行日期', 12],
    ]);
    for (const p of plans)
      for (const l of p.lines) {
        const row = addExportRow(ws, [
          p.id,
          p.fundYear,
          cellNumber(p.surplus),
          p.councilDecision,
          l.institutionCode,
          l.institutionName,
          l.primary ? '是' : '否',
          cellNumber(l.proposed),
          cellNumber(l.amount),
          STATUS[p.chain.status],
          openStep(p.chain),
          p.executedOn,
        ]);
        for (const c of [3, 8, 9]) row.getCell(c).numFmt = YUAN;
      }
  });
}
