import { ReviewRulesService } from '../../src/modules/review-rules';
import { ReviewRulesRepository } from '../../src/modules/review-rules/review-rules.repository';
import { outpatientRecord } from '../support/settlement-records';
import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi } from '../support/test-app';

/** Rule-based pre-review (智能审核) over HTTP: the rule set, the batch review job, hits, answers and decisions. */
describe('rule-based pre-review', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  let clerk: ApiClient;
  let lead: ApiClient;
  let bureau: ApiClient;
  let village: string;

  const stay = (id: string, unit: string, admission: string, discharge: string, over: Record<string, unknown> = {}) =>
    outpatientRecord(id, unit, {
      visitType: 'INPATIENT',
      visitDate: undefined,
      admissionDate: admission,
      dischargeDate: discharge,
      settlementDate: discharge,
      diagnosisCode: 'J18.9',
      totalCost: '3000.00',
      coveredCost: '2800.00',
      fundPaid: '2000.00',
      criticalIllnessPaid: '0.00',
      medicalAidPaid: '0.00',
      selfPaid: '1000.00',
      ...over,
    });

  beforeAll(async () => {
    api = await startApi({ BUSINESS_DATE: '2026-10-31' });
    f = await createCommunityFixture(api, 1);
    village = `${f.county}-VC-9`;
    await f.admin.must('POST', '/api/v1/institutions', {
      code: village,
      name: '村卫生室',
      type: 'VILLAGE_CLINIC',
      countyCode: f.county,
      communityCode: f.community,
      parentCode: f.townships[0],
    });
    clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
    lead = await f.as(['LEAD_FINANCE'], f.lead);
    bureau = await f.as(['BUREAU_CLERK'], f.bureau);
  });
  afterAll(() => api.close());

  it('the bureau reads the default rule set and saves a version; a bad threshold is refused with its field', async () => {
    const set = await bureau.must('GET', `/api/v1/counties/${f.county}/review-rules`);
    expect(set.version).toBe(0);
    expect(set.allowedActions).toEqual(['save']);
    expect(set.rules.map((r: { id: string }) => r.id)).toContain('DUPLICATE_SETTLEMENT');
    const rules = set.rules.map((r: { id: string; params: Record<string, number> }) =>
      r.id === 'SPLIT_ADMISSION' ? { ...r, params: { readmissionDays: 10 } } : r,
    );
    const bad = await bureau.call('PUT', `/api/v1/counties/${f.county}/review-rules`, {
      version: 0,
      effectiveFrom: '2026-10-31',
      rules: rules.map((r: { id: string }) => (r.id === 'LENGTH_OF_STAY' ? { ...r, params: { minDays: 1, maxDays: 9999 } } : r)),
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body.details)).toContain('maxDays');
    expect(
      (await lead.call('PUT', `/api/v1/counties/${f.county}/review-rules`, { version: 0, effectiveFrom: '2026-10-31', rules })).status,
    ).toBe(403);
    const saved = await bureau.must('PUT', `/api/v1/counties/${f.county}/review-rules`, { version: 0, effectiveFrom: '2026-10-31', rules });
    expect(saved.version).toBe(1);
    const stale = await bureau.call('PUT', `/api/v1/counties/${f.county}/review-rules`, { version: 0, effectiveFrom: '2026-10-31', rules });
    expect(stale.status).toBe(409);
    const versions = await bureau.must('GET', `/api/v1/counties/${f.county}/review-rules/versions`);
    expect(versions.total).toBe(1);
  });

  it('reviews a batch once: a planted duplicate and a village inpatient stay are hits; the unit answers, the lead accepts and dismisses', async () => {
    const records = [
      stay('RR-1', f.townships[0], '2026-10-02', '2026-10-07'),
      stay('RR-2', f.townships[0], '2026-10-05', '2026-10-09', { fundPaid: '1500.00', selfPaid: '1500.00' }),
      stay('RR-3', village, '2026-10-10', '2026-10-12', { insuredId: '532927199001019999' }),
      outpatientRecord('RR-4', f.townships[0], { insuredId: '532927199001018888' }),
    ];
    const stored = await clerk.post('/api/v1/settlement-records', { records });
    expect(stored.status).toBe(201);
    const service = api.app.get(ReviewRulesService);
    // A crash after the hits are written and before the commit leaves nothing: the job runs again whole.
    const repo = api.app.get(ReviewRulesRepository);
    const save = repo.saveRun.bind(repo);
    const crash = jest.spyOn(repo, 'saveRun').mockImplementationOnce(async (...args) => {
      await save(...args);
      throw new Error('worker killed');
    });
    await expect(service.reviewBatch({ batchId: String(stored.body.batchId) })).rejects.toThrow('worker killed');
    crash.mockRestore();
    const [{ n }] = await api.dataSource.query('SELECT COUNT(*) AS n FROM review_hit WHERE batch_id = ?', [stored.body.batchId]);
    expect(Number(n)).toBe(0);
    const run = await service.reviewBatch({ batchId: String(stored.body.batchId) });
    expect(run).toMatchObject({ reviewed: true, records: 4, hits: 2 });
    // Run again (a retried job): nothing changes.
    expect(await service.reviewBatch({ batchId: String(stored.body.batchId) })).toMatchObject({ reviewed: false, hits: 0 });

    const claimId = stored.body.claims[0].claimId;
    const list = await lead.must('GET', `/api/v1/member-claims/${claimId}/rule-hits`);
    expect(list.total).toBe(2);
    expect(list.open).toBe(2);
    expect(list.openDeduction).toBe('3500.00');
    const ids = await api.dataSource.query(
      "SELECT CAST(id AS CHAR) AS id, external_id FROM settlement_record WHERE external_id IN ('RR-1','RR-2','RR-3') ORDER BY external_id",
    );
    const rec = Object.fromEntries(ids.map((r: { id: string; external_id: string }) => [r.external_id, r.id]));
    const dup = list.items.find((h: { ruleId: string }) => h.ruleId === 'DUPLICATE_SETTLEMENT');
    expect(dup).toMatchObject({
      severity: 'VIOLATION',
      recordIds: [rec['RR-2'], rec['RR-1']],
      suggestedDeduction: '1500.00',
      status: 'OPEN',
      reasonCode: 'DUPLICATE_SETTLEMENT',
      allowedActions: ['dismiss'], // accepted only once the claim is submitted for pre-review
    });
    const village_hit = list.items.find((h: { ruleId: string }) => h.ruleId === 'NON_ADMITTING_UNIT');
    expect(village_hit).toMatchObject({ recordIds: [rec['RR-3']], suggestedDeduction: '2000.00' });

    // The township answers (申诉); it cannot decide.
    const mine = await clerk.must('GET', `/api/v1/member-claims/${claimId}/rule-hits`);
    expect(mine.items[0].allowedActions).toEqual(['answer']);
    expect((await clerk.post(`/api/v1/member-claims/${claimId}/rule-hits/${dup.id}/accept`, {})).status).toBe(403);
    expect((await clerk.post(`/api/v1/member-claims/${claimId}/rule-hits/${dup.id}/answer`, { answer: ' ' })).status).toBe(422);
    const answered = await clerk.must('POST', `/api/v1/member-claims/${claimId}/rule-hits/${dup.id}/answer`, { answer: '系统重复上传' });
    expect(answered).toMatchObject({ status: 'ANSWERED', answer: '系统重复上传' });

    // The claim is submitted; the lead accepts the duplicate: the record is rejected with the hit's reason.
    const claim = await clerk.must('GET', `/api/v1/member-claims/${claimId}`);
    await clerk.must('POST', `/api/v1/member-claims/${claimId}/submit`, { version: claim.version });
    const submitted = await lead.must('GET', `/api/v1/member-claims/${claimId}/rule-hits?status=ANSWERED`);
    expect(submitted.items.map((h: { allowedActions: string[] }) => h.allowedActions)).toEqual([['accept', 'dismiss']]);
    const accepted = await lead.must('POST', `/api/v1/member-claims/${claimId}/rule-hits/${dup.id}/accept`, { note: '核实重复' });
    expect(accepted).toMatchObject({ status: 'ACCEPTED', decidedBy: expect.any(String), allowedActions: [] });
    const [record] = await lead.items(`/api/v1/member-claims/${claimId}/records?externalId=RR-2`);
    expect(record).toMatchObject({ reviewStatus: 'REJECTED', reviewReason: 'DUPLICATE_SETTLEMENT' });
    expect(record.reviewNote).toContain('重复结算');
    expect((await lead.post(`/api/v1/member-claims/${claimId}/rule-hits/${dup.id}/dismiss`, { note: 'x' })).status).toBe(409);

    // A dismissal needs a note; the village stay is dismissed and its record stays pending.
    expect((await lead.post(`/api/v1/member-claims/${claimId}/rule-hits/${village_hit.id}/dismiss`, {})).status).toBe(422);
    await lead.must('POST', `/api/v1/member-claims/${claimId}/rule-hits/${village_hit.id}/dismiss`, { note: '日间观察' });
    const [villageRecord] = await lead.items(`/api/v1/member-claims/${claimId}/records?externalId=RR-3`);
    expect(villageRecord.reviewStatus).toBe('PENDING');

    const county = await bureau.must('GET', `/api/v1/counties/${f.county}/rule-hits?period=2026-10&status=ACCEPTED`);
    expect(county.items.map((h: { id: string }) => h.id)).toEqual([dup.id]);
    // Another claim's id does not reach this hit.
    expect((await lead.post(`/api/v1/member-claims/999999/rule-hits/${dup.id}/dismiss`, { note: 'x' })).status).toBe(404);
  });
});
