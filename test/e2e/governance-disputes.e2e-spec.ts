import type { INestApplicationContext } from '@nestjs/common';
import { BusinessClock } from '../../src/common/business-clock';
import { approveOctober, eventually, paidRecord } from '../support/claim-month';
import { approvedAllocation, createCommunityFixture, SMALL_COUNTY } from '../support/registry-fixtures';
import { RunningApi, startApi, startWorker } from '../support/test-app';
import { xlsxRows } from '../support/xlsx';

/** Its own queues, so that no other test file's worker takes these jobs. */
const QUEUE_PREFIX = `cbm-gd-${process.pid}`;
const WORKER_ENV = { QUEUE_PREFIX, SCHEDULES_ENABLED: 'false', OUTBOX_SWEEP_MS: '300' };

describe('review and disputes (评审, SPEC §9.2)', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let clock: BusinessClock;

  beforeAll(async () => {
    api = await startApi({ QUEUE_PREFIX });
    worker = await startWorker(WORKER_ENV);
    clock = api.app.get(BusinessClock);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  async function watchResult(date: string, county: string): Promise<any> {
    return eventually(async () => {
      const [row] = await api.dataSource.query(
        "SELECT result FROM cycle_result WHERE cycle = 'deadline-watch' AND period = ? AND scope = ? AND result <> '{}'",
        [date, county],
      );
      return row ? JSON.parse(row.result) : undefined;
    }, `deadline watch ${date}`);
  }

  it('a rectification past its deadline holds the community once; accepting it lifts the hold and the disbursement goes through', async () => {
    const f = await createCommunityFixture(api, 2);
    const [township, neighbour] = f.townships;
    await approvedAllocation(f, 2026, SMALL_COUNTY);
    for (const [suffix, type, name] of [
      ['PSWYH', 'REVIEW_COMMITTEE', '医共体评审委员会'],
      ['WJJ', 'HEALTH_BUREAU', '县卫生健康局'],
    ])
      await f.admin.must('POST', '/api/v1/institutions', { code: `${f.county}-${suffix}`, name, type, countyCode: f.county });
    const committee = await f.as(['APPROVER'], `${f.county}-PSWYH`);
    const health = await f.as(['APPROVER'], `${f.county}-WJJ`);
    const clerk = await f.as(['MEMBER_CLERK'], township);
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    const bureau = await f.as(['BUREAU_CLERK'], f.bureau);
    const declaration = await approveOctober(f, clock, [[clerk, [paidRecord('D-1', township, '300.00')]]]);

    // The township files; the committee asks for documents; the township sends them; the committee registers.
    clock.fix('2026-11-05');
    const filed = await clerk.must('POST', '/api/v1/disputes', {
      subjectType: 'DEDUCTION',
      subjectRef: `declaration ${declaration.id}, record D-1`,
      description: '牵头单位初审拒付理由不成立',
    });
    expect([filed.kind, filed.chain.status, filed.allowedActions]).toEqual(['DISPUTE', 'DRAFT', ['submit', 'withdraw']]);
    let d = await clerk.must('POST', `/api/v1/disputes/${filed.id}/submit`, { version: filed.version });
    const bare = await committee.post(`/api/v1/disputes/${filed.id}/request-documents`, { version: d.version });
    expect([bare.status, bare.body.code]).toEqual([422, 'COMMENT_REQUIRED']);
    d = await committee.must('POST', `/api/v1/disputes/${filed.id}/request-documents`, { version: d.version, comment: '请补充病历首页' });
    expect(d.chain.status).toBe('RETURNED');
    d = await clerk.must('POST', `/api/v1/disputes/${filed.id}/submit`, { version: d.version });
    d = await committee.must('POST', `/api/v1/disputes/${filed.id}/register`, { version: d.version });
    // An opinion names a member of the community and a deadline after today.
    const badOpinion = await committee.post(`/api/v1/disputes/${filed.id}/opinion`, {
      version: d.version,
      findings: 'x',
      rectifyingUnitCode: f.bureau,
      rectificationDeadline: '2026-11-05',
    });
    expect([badOpinion.status, badOpinion.body.details.map((x: any) => x.rule)]).toEqual([422, ['memberOfCommunity', 'afterToday']]);
    d = await committee.must('POST', `/api/v1/disputes/${filed.id}/opinion`, {
      version: d.version,
      findings: '初审拒付依据不足，牵头单位应重新审核并退还',
      rectifyingUnitCode: f.lead,
      rectificationDeadline: '2026-11-10',
    });
    expect(d.opinion).toEqual({ findings: expect.any(String), rectifyingUnitCode: f.lead, rectificationDeadline: '2026-11-10' });
    expect((await lead.must('GET', `/api/v1/disputes/${filed.id}`)).allowedActions).toEqual(['rectification']);
    expect((await committee.must('GET', `/api/v1/disputes/${filed.id}`)).allowedActions).toEqual([]);
    // A township that is neither party does not see it.
    const other = await f.as(['MEMBER_CLERK'], neighbour);
    expect((await other.get(`/api/v1/disputes/${filed.id}`)).status).toBe(404);
    expect((await other.must('GET', `/api/v1/communities/${f.community}/disputes`)).total).toBe(0);

    // The watch: nothing on the deadline; after it, one hold and one set of notices however often it runs.
    const watch = (date: string) => {
      clock.fix(date);
      return bureau.must('POST', '/api/v1/cycles/runs', { cycle: 'deadline-watch', period: date });
    };
    await watch('2026-11-10');
    expect(await watchResult('2026-11-10', f.county)).toMatchObject({ overdueRectifications: 0, rectificationHolds: 0 });
    await watch('2026-11-11');
    await watch('2026-11-11');
    expect(await watchResult('2026-11-11', f.county)).toMatchObject({ overdueRectifications: 1, rectificationHolds: 1 });
    await watch('2026-11-12');
    expect(await watchResult('2026-11-12', f.county)).toMatchObject({ overdueRectifications: 0, rectificationHolds: 0 });
    const holds = await bureau.must('GET', `/api/v1/communities/${f.community}/holds`);
    const holdList: any[] = holds.items ?? holds;
    expect(holdList).toEqual([expect.objectContaining({ state: 'ACTIVE', reason: expect.stringContaining(`评审 ${filed.id}`) })]);
    for (const body of [lead, bureau, health]) {
      const notices = (await body.must('GET', '/api/v1/notifications?kind=RECTIFICATION_OVERDUE')).items;
      expect(notices).toEqual([expect.objectContaining({ subjectType: 'dispute', subjectId: String(filed.id) })]);
    }
    clock.fix('2026-11-12');
    const held = await bureau.post(`/api/v1/declarations/${declaration.id}/disbursement`, {
      version: declaration.version,
      disbursedOn: '2026-11-12',
      reference: 'BK-1',
    });
    expect([held.status, held.body.code]).toEqual([409, 'DISBURSEMENT_HELD']);

    // The lead rectifies; the committee reopens once with a new deadline, then accepts: the hold is lifted.
    d = await lead.must('GET', `/api/v1/disputes/${filed.id}`);
    expect(d.holdId).toBe(holdList[0].id);
    d = await lead.must('POST', `/api/v1/disputes/${filed.id}/rectification`, {
      version: d.version,
      note: '已重新审核',
      evidence: [{ name: '复核记录.pdf', reference: 'RMYY-2026-11-01' }],
    });
    d = await committee.must('POST', `/api/v1/disputes/${filed.id}/reopen`, {
      version: d.version,
      comment: '请附退款凭证',
      rectificationDeadline: '2026-11-20',
    });
    expect(d.chain.steps.find((s: any) => s.key === 'unitRectifies').status).toBe('OPEN');
    d = await lead.must('POST', `/api/v1/disputes/${filed.id}/rectification`, {
      version: d.version,
      note: '已重新审核并退还',
      evidence: [{ name: '退款凭证.pdf', reference: 'RMYY-2026-11-02' }],
    });
    d = await committee.must('POST', `/api/v1/disputes/${filed.id}/accept`, { version: d.version, comment: '整改到位' });
    expect(d.chain.status).toBe('APPROVED');
    expect(d.chain.history.map((h: any) => [h.action, h.step, h.institutionCode])).toEqual([
      ['submit', null, township],
      ['return', 'committeeRegisters', `${f.county}-PSWYH`],
      ['submit', null, township],
      ['approve', 'committeeRegisters', `${f.county}-PSWYH`],
      ['approve', 'committeeOpinion', `${f.county}-PSWYH`],
      ['approve', 'unitRectifies', f.lead],
      ['return', 'committeeAccepts', `${f.county}-PSWYH`],
      ['approve', 'unitRectifies', f.lead],
      ['approve', 'committeeAccepts', `${f.county}-PSWYH`],
    ]);
    const lifted = await bureau.must('GET', `/api/v1/communities/${f.community}/holds`);
    expect((lifted.items ?? lifted).map((h: any) => h.state)).toEqual(['LIFTED']);
    const disbursed = await bureau.must('POST', `/api/v1/declarations/${declaration.id}/disbursement`, {
      version: declaration.version,
      disbursedOn: '2026-11-12',
      reference: 'BK-1',
    });
    expect(disbursed.state).toBe('DISBURSED');
    // The register (评审登记簿) as the bureau reads it; the uninvolved township's is empty.
    // (The reopening gave a new deadline, so the overdue mark was cleared for the watch; the hold stays on record.)
    const rows = await xlsxRows(bureau, `/api/v1/communities/${f.community}/disputes/export.xlsx`);
    expect(rows.slice(2).map((r) => [r[0], r[1], r[2], r[5], r[8], r[9], r[11], r[12]])).toEqual([
      [filed.id, '争议', township, '已批准', f.lead, '2026-11-20', undefined, `是（${holdList[0].id}）`],
    ]);
    expect((await xlsxRows(other, `/api/v1/communities/${f.community}/disputes/export.xlsx`)).length).toBe(2);
    // The township hears of the outcome.
    const told = (await clerk.must('GET', '/api/v1/notifications?kind=GOVERNANCE_STEP')).items;
    expect(told.map((n: any) => n.message)).toEqual(expect.arrayContaining([expect.stringContaining('APPROVED')]));
  });

  it('the committee opens a periodic review itself and may dismiss it with its findings', async () => {
    const f = await createCommunityFixture(api, 1);
    await f.admin.must('POST', '/api/v1/institutions', {
      code: `${f.county}-PSWYH`,
      name: '评审委员会',
      type: 'REVIEW_COMMITTEE',
      countyCode: f.county,
    });
    const committee = await f.as(['APPROVER'], `${f.county}-PSWYH`);
    clock.fix('2026-11-05');
    const opened = await committee.must('POST', `/api/v1/communities/${f.community}/reviews`, {
      subjectType: 'FUND_USE',
      subjectRef: '2026 年第三季度',
      description: '定期评审：基金使用情况',
    });
    const submitted = await committee.must('POST', `/api/v1/disputes/${opened.id}/submit`, { version: opened.version });
    expect(submitted.chain.steps.map((s: any) => [s.key, s.status])).toEqual([
      ['committeeOpinion', 'OPEN'],
      ['unitRectifies', 'WAITING'],
      ['committeeAccepts', 'WAITING'],
    ]);
    const dismissed = await committee.must('POST', `/api/v1/disputes/${opened.id}/dismiss`, {
      version: submitted.version,
      comment: '基金使用规范，无需整改',
    });
    expect([dismissed.kind, dismissed.chain.status, dismissed.opinion?.findings]).toEqual([
      'PERIODIC_REVIEW',
      'REJECTED',
      '基金使用规范，无需整改',
    ]);
  });
});
