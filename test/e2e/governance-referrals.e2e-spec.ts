import { approvedAllocation, createCommunityFixture, SMALL_COUNTY } from '../support/registry-fixtures';
import { RunningApi, startApi } from '../support/test-app';
import { xlsxRows } from '../support/xlsx';

describe('out-of-county referrals (县外转诊, SPEC §9.4)', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('matches imported stays with approved referrals: two of five are flagged with their amounts, and the referral rate follows', async () => {
    const f = await createCommunityFixture(api, 1);
    await approvedAllocation(f, 2026, SMALL_COUNTY);
    const bureau = await f.as(['BUREAU_CLERK'], f.bureau);
    // The lead's finance office records (one person) and approves (another).
    const recorder = await f.as(['LEAD_FINANCE', 'MEMBER_CLERK'], f.lead);
    const approver = await f.as(['LEAD_FINANCE'], f.lead);
    const insured = (n: number) => `53292719800101${String(n).padStart(4, '0')}`;
    const stay = (n: number, admissionDate: string, settlementDate: string, fundPaid: string) => ({
      externalId: `OC-${n}`,
      hospitalName: '昆明医科大学第一附属医院',
      insuredId: insured(n),
      admissionDate,
      settlementDate,
      totalCost: fundPaid,
      fundPaid,
    });
    await bureau.must('POST', `/api/v1/communities/${f.community}/out-of-county-settlements`, {
      period: '2026-10',
      records: [
        stay(1, '2026-09-28', '2026-10-05', '1000.00'), // admitted inside its referral's window (which ends before settlement)
        stay(2, '2026-10-02', '2026-10-09', '2000.00'),
        stay(3, '2026-10-10', '2026-10-20', '3000.00'),
        stay(4, '2026-10-12', '2026-10-18', '450.50'), // its referral was recorded but never approved
        stay(5, '2026-10-15', '2026-10-25', '99.99'), // no referral at all
      ],
    });
    const record = async (n: number, validFrom: string, validTo: string) => {
      const r = await recorder.must('POST', `/api/v1/communities/${f.community}/referrals`, {
        insuredId: insured(n),
        fromUnitCode: f.lead,
        receivingHospital: '昆明医科大学第一附属医院',
        diagnosisCode: 'C34.9',
        validFrom,
        validTo,
        reason: '县内无法开展的介入治疗',
      });
      return recorder.must('POST', `/api/v1/referrals/${r.id}/submit`, { version: r.version });
    };
    const pending = [
      await record(1, '2026-09-25', '2026-09-30'),
      await record(2, '2026-10-01', '2026-10-31'),
      await record(3, '2026-10-10', '2026-10-10'),
    ];
    await record(4, '2026-10-01', '2026-10-31');

    const report = () => approver.must('GET', `/api/v1/communities/${f.community}/referral-report?fundYear=2026`);
    const rate = async () =>
      (await approver.must('GET', `/api/v1/communities/${f.community}/assessments/2026`)).indicators.find(
        (i: { name: string }) => i.name === 'outOfCountyReferralRate',
      ).value;
    // Nothing approved yet: every stay is flagged, and the rate is zero.
    expect(await report()).toMatchObject({ settlements: 5, matched: 0, flagged: 5 });
    expect(await rate()).toBe('0.0000');

    // The person who recorded a referral cannot approve it; another of the lead's finance staff does.
    const own = await recorder.post(`/api/v1/referrals/${pending[0].id}/approve`, { version: pending[0].version });
    expect([own.status, own.body.code]).toEqual([403, 'SEPARATION_OF_DUTIES']);
    expect((await recorder.must('GET', `/api/v1/referrals/${pending[0].id}`)).allowedActions).toEqual(['withdraw']);
    expect((await approver.must('GET', `/api/v1/referrals/${pending[0].id}`)).allowedActions).toEqual(['approve', 'return', 'reject']);
    for (const r of pending) {
      const approved = await approver.must('POST', `/api/v1/referrals/${r.id}/approve`, { version: r.version });
      expect([approved.chain.status, approved.allowedActions]).toEqual(['APPROVED', []]);
    }

    expect(await report()).toEqual({
      communityCode: f.community,
      fundYear: 2026,
      period: null,
      settlements: 5,
      matched: 3,
      flagged: 2,
      flaggedAmount: '550.49',
      reduction: '55.05',
      months: [{ period: '2026-10', settlements: 5, matched: 3, flagged: 2, flaggedAmount: '550.49', reduction: '55.05' }],
      flaggedSettlements: [
        expect.objectContaining({
          externalId: 'OC-4',
          stayDate: '2026-10-12',
          fundPaid: '450.50',
          reduction: '45.05',
          insuredMasked: '532*************04',
        }),
        expect.objectContaining({ externalId: 'OC-5', stayDate: '2026-10-15', fundPaid: '99.99', reduction: '10.00' }),
      ],
    });
    expect(await rate()).toBe('0.6000');
    // A month of the year alone, and a referral list of the community.
    expect(await approver.must('GET', `/api/v1/communities/${f.community}/referral-report?fundYear=2026&period=2026-09`)).toMatchObject({
      settlements: 0,
      flagged: 0,
    });
    const list = await approver.must('GET', `/api/v1/communities/${f.community}/referrals?status=APPROVED`);
    expect(list.total).toBe(3);
    // The register (县外转诊登记簿): four referrals, three approved by the approver, none showing an insured id.
    const rows = await xlsxRows(approver, `/api/v1/communities/${f.community}/referrals/export.xlsx`);
    expect(rows.slice(2).map((r) => [r[1], r[8], r[10] ?? ''])).toEqual([
      ['532*************04', '审核中', ''],
      ['532*************03', '已批准', approver.username],
      ['532*************02', '已批准', approver.username],
      ['532*************01', '已批准', approver.username],
    ]);
  });

  it('refuses a referral recorded by anyone but the community’s lead unit, or with a window that runs backwards', async () => {
    const f = await createCommunityFixture(api, 1);
    const township = await f.as(['MEMBER_CLERK'], f.townships[0]);
    const body = {
      insuredId: '532927198001019999',
      fromUnitCode: f.townships[0],
      receivingHospital: '昆明医科大学第一附属医院',
      validFrom: '2026-10-02',
      validTo: '2026-10-01',
      reason: 'x',
    };
    const byTownship = await township.post(`/api/v1/communities/${f.community}/referrals`, body);
    expect(byTownship.status).toBe(403);
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    const backwards = await lead.post(`/api/v1/communities/${f.community}/referrals`, body);
    expect([backwards.status, backwards.body.details.map((d: { rule: string }) => d.rule)]).toEqual([422, ['notBeforeValidFrom']]);
  });
});
