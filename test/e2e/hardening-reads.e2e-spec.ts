import { Money } from '../../src/domain/money';
import { approvedAllocation, createCommunityFixture, CommunityFixture, WORKED_EXAMPLE_INPUTS } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi } from '../support/test-app';

/**
 * Reads no wider than the documented scope (SPEC §1, §10.6): drafts and documents under review
 * are seen by those who make or check them; member units see approved and published figures and
 * their own plan lines only; holds are seen by the bureau, the lead unit and auditors; a list
 * filter is honoured or refused, never ignored.
 */
describe('what each institution may read of the fund year and the holds', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  let village: string;
  let privateCode: string;
  let clerk: ApiClient;
  let approver: ApiClient;
  let auditor: ApiClient;
  let lead: ApiClient;
  let township1: ApiClient;
  let township2: ApiClient;
  let villageClerk: ApiClient;
  let privateClerk: ApiClient;
  let approved: any;
  let draft: any;
  let submitted: any;

  beforeAll(async () => {
    api = await startApi();
    f = await createCommunityFixture(api, 2);
    village = `${f.county}-VC-1`;
    privateCode = `${f.county}-MY1`;
    await f.admin.must('POST', '/api/v1/institutions', {
      code: village,
      name: '村卫生室',
      type: 'VILLAGE_CLINIC',
      countyCode: f.county,
      communityCode: f.community,
      parentCode: f.townships[0],
    });
    await f.admin.must('POST', '/api/v1/institutions', {
      code: privateCode,
      name: '民营医院',
      type: 'PRIVATE_DESIGNATED',
      countyCode: f.county,
    });
    clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    approver = await f.as(['BUREAU_APPROVER'], f.bureau);
    auditor = await f.as(['AUDITOR'], f.bureau);
    lead = await f.as(['LEAD_FINANCE'], f.lead);
    township1 = await f.as(['MEMBER_CLERK'], f.townships[0]);
    township2 = await f.as(['MEMBER_CLERK'], f.townships[1]);
    villageClerk = await f.as(['VILLAGE_CLERK'], village);
    privateClerk = await f.as(['PRIVATE_CLERK'], privateCode);
    approved = await approvedAllocation(f, 2021);
    draft = await clerk.must('POST', '/api/v1/allocations', { countyCode: f.county, fundYear: 2022, ...WORKED_EXAMPLE_INPUTS });
    const toSubmit = await clerk.must('POST', '/api/v1/allocations', { countyCode: f.county, fundYear: 2023, ...WORKED_EXAMPLE_INPUTS });
    submitted = await clerk.must('POST', `/api/v1/allocations/${toSubmit.id}/submit`, { version: toSubmit.version });
  });
  afterAll(() => api.close());

  const states = (body: any[]) => body.map((a) => `${a.fundYear}:${a.state}`).sort();

  describe('allocations', () => {
    it('shows drafts and documents under review to the bureau, auditors and the lead unit only', async () => {
      const all = ['2021:APPROVED', '2022:DRAFT', '2023:SUBMITTED'];
      for (const reader of [clerk, approver, auditor, lead]) {
        const res = await reader.get('/api/v1/allocations');
        expect({ who: reader.username, status: res.status, states: states(res.body.items) }).toEqual({
          who: reader.username,
          status: 200,
          states: all,
        });
      }
      for (const member of [township1, township2, villageClerk, privateClerk]) {
        const res = await member.get('/api/v1/allocations');
        expect({ who: member.username, status: res.status, states: states(res.body.items) }).toEqual({
          who: member.username,
          status: 200,
          states: ['2021:APPROVED'],
        });
        expect((await member.get(`/api/v1/allocations?fundYear=2022`)).body.items).toEqual([]);
      }
    });

    it('answers a member unit asking for a draft or submitted allocation as if it did not exist, and shows it the approved one', async () => {
      for (const member of [township1, villageClerk, privateClerk]) {
        for (const id of [draft.id, submitted.id]) {
          expect((await member.get(`/api/v1/allocations/${id}`)).status).toBe(404);
          expect((await member.get(`/api/v1/allocations/${id}/export.xlsx`)).status).toBe(404);
        }
        const res = await member.get(`/api/v1/allocations/${approved.id}`);
        expect(res.status).toBe(200);
        expect(res.body.state).toBe('APPROVED');
      }
      expect((await lead.get(`/api/v1/allocations/${draft.id}`)).status).toBe(200);
      expect((await auditor.get(`/api/v1/allocations/${submitted.id}`)).status).toBe(200);
    });

    it('refuses or honours every list filter, never ignores one', async () => {
      const unknownCounty = await clerk.get('/api/v1/allocations?countyCode=NOPE');
      expect(unknownCounty.status).toBe(422);
      expect(unknownCounty.body.details).toEqual([expect.objectContaining({ field: 'countyCode' })]);
      expect(states((await clerk.get(`/api/v1/allocations?countyCode=${f.county}`)).body.items)).toEqual([
        '2021:APPROVED',
        '2022:DRAFT',
        '2023:SUBMITTED',
      ]);
      const badState = await clerk.get('/api/v1/allocations?state=NOPE');
      expect(badState.status).toBe(400); // malformed input: the app's VALIDATION_FAILED
      expect(badState.body.details).toEqual([expect.objectContaining({ field: 'state' })]);
      expect(states((await clerk.get('/api/v1/allocations?state=DRAFT')).body.items)).toEqual(['2022:DRAFT']);
      expect((await township1.get('/api/v1/allocations?state=SUBMITTED')).body.items).toEqual([]);
      const unknownField = await clerk.get('/api/v1/allocations?communityCode=X');
      expect(unknownField.status).toBe(400);
      expect(unknownField.body.details).toEqual([expect.objectContaining({ field: 'communityCode' })]);
    });
  });

  describe('budget plans', () => {
    let plan: any;

    beforeAll(async () => {
      const M = Money.of(approved.figures.communityPackage);
      const primary = Money.roundHalfUp(M.times('0.3'));
      plan = await lead.must('POST', '/api/v1/budget-plans', {
        communityCode: f.community,
        fundYear: 2021,
        lines: [
          { category: 'INPATIENT', institutionCode: f.lead, amount: M.minus(primary).toString() },
          { category: 'OUTPATIENT', institutionCode: f.townships[0], amount: '1000.00' },
          { category: 'OUTPATIENT', institutionCode: village, amount: '2000.00' },
          { category: 'OUTPATIENT', institutionCode: f.townships[1], amount: primary.minus(Money.of('3000.00')).toString() },
        ],
      });
    });

    it('keeps a plan in draft or under review from member units', async () => {
      for (const member of [township1, township2, villageClerk, privateClerk]) {
        expect((await member.get('/api/v1/budget-plans')).body.items).toEqual([]);
        expect((await member.get(`/api/v1/budget-plans/${plan.id}`)).status).toBe(404);
        expect((await member.get(`/api/v1/budget-plans/${plan.id}/export.xlsx`)).status).toBe(404);
      }
      const submittedPlan = await lead.must('POST', `/api/v1/budget-plans/${plan.id}/submit`, { version: plan.version });
      expect((await township1.get('/api/v1/budget-plans')).body.items).toEqual([]);
      expect((await township1.get(`/api/v1/budget-plans/${plan.id}`)).status).toBe(404);
      expect((await auditor.get('/api/v1/budget-plans')).body.items.map((p: any) => p.state)).toEqual(['SUBMITTED']);
      plan = await approver.must('POST', `/api/v1/budget-plans/${plan.id}/approve`, { version: submittedPlan.version });
    });

    it('shows member units an approved plan with their own unit lines only (a township also its villages’)', async () => {
      const codes = (body: any) => body.lines.map((l: any) => l.institutionCode).sort();
      const everyone = [f.lead, f.townships[0], f.townships[1], village].sort();
      expect(codes((await lead.get(`/api/v1/budget-plans/${plan.id}`)).body)).toEqual(everyone);
      expect(codes((await clerk.get(`/api/v1/budget-plans/${plan.id}`)).body)).toEqual(everyone);
      expect(codes((await auditor.get(`/api/v1/budget-plans/${plan.id}`)).body)).toEqual(everyone);
      expect(codes((await township1.get(`/api/v1/budget-plans/${plan.id}`)).body)).toEqual([f.townships[0], village].sort());
      expect(codes((await township2.get(`/api/v1/budget-plans/${plan.id}`)).body)).toEqual([f.townships[1]]);
      expect(codes((await villageClerk.get(`/api/v1/budget-plans/${plan.id}`)).body)).toEqual([village]);
      const [listed] = (await township2.get('/api/v1/budget-plans')).body.items;
      expect(codes(listed)).toEqual([f.townships[1]]);
      expect((await privateClerk.get('/api/v1/budget-plans')).body.items).toEqual([]);
      expect((await privateClerk.get(`/api/v1/budget-plans/${plan.id}`)).status).toBe(404);
    });

    it('refuses or honours every list filter, never ignores one', async () => {
      for (const url of ['/api/v1/budget-plans?communityCode=NOPE', `/api/v1/budget-plans?communityCode=${f.county}-NOPE`]) {
        const res = await clerk.get(url);
        expect(res.status).toBe(422);
        expect(res.body.details).toEqual([expect.objectContaining({ field: 'communityCode' })]);
      }
      expect((await clerk.get(`/api/v1/budget-plans?communityCode=${f.community}`)).body.items.map((p: any) => p.id)).toEqual([plan.id]);
      const badState = await clerk.get('/api/v1/budget-plans?state=NOPE');
      expect(badState.status).toBe(400); // malformed input: the app's VALIDATION_FAILED
      expect(badState.body.details).toEqual([expect.objectContaining({ field: 'state' })]);
      expect((await clerk.get('/api/v1/budget-plans?state=DRAFT')).body.items).toEqual([]);
      expect((await clerk.get('/api/v1/budget-plans?state=APPROVED')).body.items.map((p: any) => p.id)).toEqual([plan.id]);
      const unknownField = await clerk.get('/api/v1/budget-plans?countyCode=NOPE');
      expect(unknownField.status).toBe(400);
      expect(unknownField.body.details).toEqual([expect.objectContaining({ field: 'countyCode' })]);
    });
  });

  describe('disbursement holds', () => {
    let hold: any;

    beforeAll(async () => {
      hold = await clerk.must('POST', `/api/v1/communities/${f.community}/holds`, { reason: '评审整改逾期未完成' });
    });

    it('shows a community’s holds to the bureau, auditors and the lead unit, not to its member units', async () => {
      for (const reader of [clerk, approver, auditor, lead]) {
        const res = await reader.get(`/api/v1/communities/${f.community}/holds`);
        expect({ who: reader.username, status: res.status, ids: res.body.items?.map((h: any) => h.id) }).toEqual({
          who: reader.username,
          status: 200,
          ids: [hold.id],
        });
      }
      for (const member of [township1, township2, villageClerk, privateClerk]) {
        const res = await member.get(`/api/v1/communities/${f.community}/holds`);
        expect({ who: member.username, status: res.status }).toEqual({ who: member.username, status: expect.any(Number) });
        expect([403, 404]).toContain(res.status);
        expect(JSON.stringify(res.body)).not.toContain('评审整改');
      }
    });

    it('refuses or honours every list filter, never ignores one', async () => {
      expect((await lead.get(`/api/v1/communities/${f.community}/holds?state=ACTIVE`)).body.items.map((h: any) => h.id)).toEqual([hold.id]);
      expect((await lead.get(`/api/v1/communities/${f.community}/holds?state=LIFTED`)).body.items).toEqual([]);
      const badState = await lead.get(`/api/v1/communities/${f.community}/holds?state=NOPE`);
      expect(badState.status).toBe(400); // malformed input: the app's VALIDATION_FAILED
      expect(badState.body.details).toEqual([expect.objectContaining({ field: 'state' })]);
      const unknownField = await lead.get(`/api/v1/communities/${f.community}/holds?countyCode=NOPE`);
      expect(unknownField.status).toBe(400);
      expect(unknownField.body.details).toEqual([expect.objectContaining({ field: 'countyCode' })]);
      expect((await clerk.get(`/api/v1/communities/NOPE/holds`)).status).toBe(404);
    });
  });
});
