import type { INestApplicationContext } from '@nestjs/common';
import { BusinessClock } from '../../src/common/business-clock';
import { approveOctober, eventually, paidRecord } from '../support/claim-month';
import { approvedAllocation, CommunityFixture, createCommunityFixture, TEN_MILLION_PACKAGE } from '../support/registry-fixtures';
import { executeSurplusPlan, surplusPlanBodies } from '../support/surplus-plan';
import { ApiClient, RunningApi, startApi, startWorker, tableFingerprint } from '../support/test-app';
import { xlsxRows } from '../support/xlsx';

const QUEUE_PREFIX = `cbm-sp-${process.pid}`;

/**
 * The surplus plan (结余资金分配方案, 基金管理办法 第二十三条; SPEC §9.3): a year that ends in
 * surplus waits for the plan the county government approved; its amounts reach the statements,
 * the XLSX and the postings, and the ledger reconciles.
 */
describe('surplus plans through the API', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let clock: BusinessClock;

  beforeAll(async () => {
    api = await startApi({ QUEUE_PREFIX });
    worker = await startWorker({ QUEUE_PREFIX, SCHEDULES_ENABLED: 'false', OUTBOX_SWEEP_MS: '300' });
    clock = api.app.get(BusinessClock);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  /** S = 3 000 000 of M = 10 000 000: the lead consumed 6 000 000, the township 1 000 000 (SPEC §7's surplus example). */
  async function surplusYear(): Promise<{ f: CommunityFixture; draft: any; clerk: ApiClient; approver: ApiClient }> {
    const f = await createCommunityFixture(api, 1);
    await approvedAllocation(f, 2026, TEN_MILLION_PACKAGE);
    await approveOctober(f, clock, [
      [await f.as(['MEMBER_CLERK'], f.lead), [paidRecord('L-1', f.lead, '6000000.00')]],
      [await f.as(['MEMBER_CLERK'], f.townships[0]), [paidRecord('T-1', f.townships[0], '1000000.00')]],
    ]);
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    await clerk.must('POST', '/api/v1/cycles/runs', { cycle: 'year-end', period: '2026' });
    const draft = await eventually(async () => {
      const res = await clerk.get(`/api/v1/counties/${f.county}/year-end-settlements/2026`);
      return res.status === 200 ? res.body : undefined;
    }, 'the year-end draft');
    return { f, draft, clerk, approver: await f.as(['BUREAU_APPROVER'], f.bureau) };
  }

  it('refuses to approve a year in surplus before its plan; a plan off the surplus or below the floor is refused at submission naming the rule, writing nothing', async () => {
    const { f, draft, approver } = await surplusYear();
    expect(draft.allowedActions).toEqual(['redraft']);
    expect((await approver.get(`/api/v1/year-end-settlements/${draft.id}`)).body.allowedActions).not.toContain('approve');
    const early = await approver.post(`/api/v1/year-end-settlements/${draft.id}/approve`, { version: draft.version });
    expect([early.status, early.body.code, early.body.details]).toEqual([
      409,
      'SURPLUS_PLAN_REQUIRED',
      [expect.objectContaining({ field: `communities.${f.community}`, rule: 'surplusPlanExecuted' })],
    ]);

    const { lead } = await surplusPlanBodies(f);
    const path = `/api/v1/communities/${f.community}/surplus-plans`;
    let before = await tableFingerprint(api.dataSource);
    const stranger = await lead.post(path, {
      fundYear: 2026,
      councilDecision: '理事会决议',
      units: [{ institutionCode: 'XX-1', amount: '3000000.00' }],
    });
    expect([stranger.status, stranger.body.details[0]]).toEqual([
      422,
      expect.objectContaining({ field: 'units[0].institutionCode', rule: 'memberUnit' }),
    ]);
    const noYearEnd = await lead.post(path, { fundYear: 2025, councilDecision: '理事会决议' });
    expect([noYearEnd.status, noYearEnd.body.code]).toEqual([409, 'YEAR_END_NOT_DRAFTED']);
    const negative = await lead.post(path, {
      fundYear: 2026,
      councilDecision: '理事会决议',
      units: [{ institutionCode: f.lead, amount: '-1.00' }],
    });
    expect([negative.status, negative.body.details[0].field]).toEqual([400, 'units.0.amount']);
    expect(await tableFingerprint(api.dataSource)).toEqual(before);

    // A draft may be incomplete and says which rules it breaks; submitting refuses it naming them, writing nothing.
    let plan = await lead.must('POST', path, {
      fundYear: 2026,
      councilDecision: '理事会决议',
      units: [
        { institutionCode: f.lead, amount: '1500000.00' },
        { institutionCode: f.townships[0], amount: '1500000.01' },
      ],
    });
    expect(plan.check.problems.map((p: any) => p.rule)).toEqual(['sumsToSurplus']);
    before = await tableFingerprint(api.dataSource);
    const notSumming = await lead.post(`/api/v1/surplus-plans/${plan.id}/submit`, { version: plan.version });
    expect([notSumming.status, notSumming.body.code, notSumming.body.details.map((d: any) => d.rule)]).toEqual([
      422,
      'SURPLUS_PLAN_INVALID',
      ['sumsToSurplus'],
    ]);
    expect(await tableFingerprint(api.dataSource)).toEqual(before);
    // All to the lead: the township ends with 1 000 000, below the floor of 2 500 000, and less than the proposal's tilt.
    plan = await lead.must('PATCH', `/api/v1/surplus-plans/${plan.id}`, {
      version: plan.version,
      units: [{ institutionCode: f.lead, amount: '3000000.00' }],
    });
    expect(plan.check).toMatchObject({ planned: '3000000.00', primaryFunds: '1000000.00', floorRequired: '2500000.00' });
    const belowFloor = await lead.post(`/api/v1/surplus-plans/${plan.id}/submit`, { version: plan.version });
    expect([belowFloor.status, belowFloor.body.details.map((d: any) => d.rule)]).toEqual([422, ['primaryFloor', 'tiltToPrimary']]);
    expect(belowFloor.body.message).toContain('shortfall 1500000.00');
    const again = await lead.post(path, { fundYear: 2026, councilDecision: 'x' });
    expect([again.status, again.body.code]).toEqual([409, 'SURPLUS_PLAN_EXISTS']);
  });

  it('runs the chain: returned with a comment, edited, reviewed side by side, approved, executed; the amounts reach statements, XLSX and postings', async () => {
    const { f, draft, clerk, approver } = await surplusYear();
    const who = await surplusPlanBodies(f);
    // The default proposal: 2 400 000 − 900 000 to the lead, 600 000 + 900 000 to the township.
    let plan = await who.lead.must('POST', `/api/v1/communities/${f.community}/surplus-plans`, {
      fundYear: 2026,
      councilDecision: '医共体理事会 2027 年第 1 次会议决议',
    });
    expect(plan.lines.map((l: any) => [l.institutionCode, l.proposed, l.amount])).toEqual([
      [f.lead, '1500000.00', '1500000.00'],
      [f.townships[0], '1500000.00', '1500000.00'],
    ]);
    expect(plan.check).toEqual({
      planned: '3000000.00',
      primaryPlanned: '1500000.00',
      primaryProposed: '1500000.00',
      primaryFunds: '2500000.00',
      floorRequired: '2500000.00',
      problems: [],
    });
    expect(plan.allowedActions).toEqual(expect.arrayContaining(['submit', 'withdraw']));
    const again = await who.lead.post(`/api/v1/communities/${f.community}/surplus-plans`, { fundYear: 2026, councilDecision: 'x' });
    expect([again.status, again.body.code]).toEqual([409, 'SURPLUS_PLAN_EXISTS']);

    plan = await who.lead.must('POST', `/api/v1/surplus-plans/${plan.id}/submit`, { version: plan.version });
    expect(plan.chain.steps.filter((s: any) => s.status === 'OPEN').map((s: any) => s.key)).toEqual([
      'bureauReviews',
      'healthBureauReviews',
    ]);
    // Both bodies see it in their inbox; the health bureau returns it with a comment.
    for (const body of [who.bureau, who.health]) {
      const inbox = await body.must('GET', '/api/v1/inbox');
      expect(inbox.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'surplusPlanToAct', id: plan.id })]));
    }
    const noComment = await who.health.post(`/api/v1/surplus-plans/${plan.id}/return`, {
      version: plan.version,
      step: 'healthBureauReviews',
    });
    expect(noComment.status).toBe(422);
    plan = await who.health.must('POST', `/api/v1/surplus-plans/${plan.id}/return`, {
      version: plan.version,
      step: 'healthBureauReviews',
      comment: '请向乡镇卫生院多倾斜 300 000 元',
    });
    expect(plan.chain.status).toBe('RETURNED');
    const notified = await who.lead.must('GET', '/api/v1/notifications');
    expect(notified.items.map((n: any) => n.subjectType)).toContain('surplusPlan');
    plan = await who.lead.must('PATCH', `/api/v1/surplus-plans/${plan.id}`, {
      version: plan.version,
      units: [
        { institutionCode: f.lead, amount: '1200000.00' },
        { institutionCode: f.townships[0], amount: '1800000.00' },
      ],
    });
    plan = await who.lead.must('POST', `/api/v1/surplus-plans/${plan.id}/submit`, { version: plan.version });
    plan = await who.bureau.must('POST', `/api/v1/surplus-plans/${plan.id}/approve`, { version: plan.version, step: 'bureauReviews' });
    // The applicant cannot act on a step of its own plan, and the government waits for both reviews.
    const early = await who.government.post(`/api/v1/surplus-plans/${plan.id}/approve`, {
      version: plan.version,
      step: 'governmentApproves',
    });
    expect(early.status).toBe(409);
    plan = await who.health.must('POST', `/api/v1/surplus-plans/${plan.id}/approve`, {
      version: plan.version,
      step: 'healthBureauReviews',
    });
    plan = await who.government.must('POST', `/api/v1/surplus-plans/${plan.id}/approve`, {
      version: plan.version,
      step: 'governmentApproves',
    });
    expect([plan.chain.status, plan.allowedActions]).toEqual(['APPROVED', []]);
    plan = await who.lead.must('GET', `/api/v1/surplus-plans/${plan.id}`);
    expect(plan.allowedActions).toEqual(['execute']);
    plan = await who.lead.must('POST', `/api/v1/surplus-plans/${plan.id}/execute`, { version: plan.version });
    expect([plan.chain.status, plan.yearEnd.surplusPlanApplied, plan.executedBy]).toEqual(['EXECUTED', true, expect.any(String)]);
    expect(plan.chain.history.map((h: any) => [h.action, h.step])).toEqual([
      ['submit', null],
      ['return', 'healthBureauReviews'],
      ['submit', null],
      ['approve', 'bureauReviews'],
      ['approve', 'healthBureauReviews'],
      ['approve', 'governmentApproves'],
      ['execute', null],
    ]);

    // The year end carries the plan: statements, then approval and posting.
    const redrawn = await clerk.must('GET', `/api/v1/year-end-settlements/${draft.id}`);
    expect(redrawn.summary.communities[0]).toMatchObject({
      surplusPlanId: plan.id,
      surplus: '3000000.00',
      primaryAfterShares: '2800000.00',
    });
    expect(redrawn.statements.map((s: any) => [s.institutionCode, s.surplusShare, s.floorTopUp, s.balanceDue])).toEqual([
      [f.lead, '1200000.00', '0.00', '1200000.00'],
      [f.townships[0], '1800000.00', '0.00', '1800000.00'],
    ]);
    const fresh = await approver.must('GET', `/api/v1/year-end-settlements/${draft.id}`);
    expect(fresh.allowedActions).toContain('approve');
    const approved = await approver.must('POST', `/api/v1/year-end-settlements/${draft.id}/approve`, { version: fresh.version });
    await clerk.must('POST', `/api/v1/year-end-settlements/${draft.id}/post`, { version: approved.version });
    await eventually(
      async () => ((await clerk.must('GET', `/api/v1/year-end-settlements/${draft.id}`)).state === 'POSTED' ? true : undefined),
      'the posting',
    );
    const ledger = await clerk.must('GET', `/api/v1/counties/${f.county}/ledger/2026/accounts`);
    expect(ledger.reconciled).toBe(true);
    const balances = new Map(ledger.items.map((a: any) => [a.code, a.balance]));
    expect([
      balances.get(`YEAR_END_DUE:${f.lead}`),
      balances.get(`YEAR_END_DUE:${f.townships[0]}`),
      balances.get(`YEAR_END_CLEARING:${f.community}`),
    ]).toEqual(['1200000.00', '1800000.00', '0.00']);
    expect(JSON.stringify(await xlsxRows(clerk, `/api/v1/year-end-settlements/${draft.id}/export.xlsx`))).toContain('1800000');
    const rows = await xlsxRows(who.lead, `/api/v1/communities/${f.community}/surplus-plans/export.xlsx`);
    expect(rows.some((r: unknown[]) => r.includes(f.townships[0]) && r.includes(1800000))).toBe(true);
  });

  it('a rejected plan ends its chain; the lead drafts another, and the helper runs a whole chain with the default proposal', async () => {
    const { f } = await surplusYear();
    const who = await surplusPlanBodies(f);
    let plan = await who.lead.must('POST', `/api/v1/communities/${f.community}/surplus-plans`, { fundYear: 2026, councilDecision: '决议' });
    plan = await who.lead.must('POST', `/api/v1/surplus-plans/${plan.id}/submit`, { version: plan.version });
    plan = await who.bureau.must('POST', `/api/v1/surplus-plans/${plan.id}/reject`, {
      version: plan.version,
      step: 'bureauReviews',
      comment: '理事会决议未附会议纪要',
    });
    expect(plan.chain.status).toBe('REJECTED');
    const executed = await executeSurplusPlan(f, 2026);
    expect([executed.chain.status, executed.yearEnd.surplusPlanApplied]).toEqual(['EXECUTED', true]);
    const list = await who.bureau.must('GET', `/api/v1/communities/${f.community}/surplus-plans?fundYear=2026`);
    expect(list.items.map((p: any) => p.chain.status)).toEqual(['EXECUTED', 'REJECTED']);
  });
});
