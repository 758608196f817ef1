import { BusinessClock } from '../../src/common/business-clock';
import { Money } from '../../src/domain/money';
import { FundAnalysisService } from '../../src/modules/assessment/fund-analysis.service';
import { PerformanceAssessmentService } from '../../src/modules/assessment/performance-assessment.service';
import { approvedAllocation, CommunityFixture, createCommunityFixture, SMALL_COUNTY } from '../support/registry-fixtures';
import { outpatientRecord } from '../support/settlement-records';
import { ApiClient, RunningApi, startApi } from '../support/test-app';
import { xlsxRows } from '../support/xlsx';

/** An inpatient record discharged and settled on `day` whose fund pays `fundPaid` of `totalCost` (the patient the rest). */
function inpatient(
  externalId: string,
  unitCode: string,
  day: string,
  totalCost: string,
  fundPaid: string,
  over: Record<string, unknown> = {},
) {
  return {
    externalId,
    unitCode,
    insuredId: '532927199001011234',
    visitType: 'INPATIENT',
    admissionDate: day,
    dischargeDate: day,
    settlementDate: day,
    totalCost,
    coveredCost: totalCost,
    fundPaid,
    criticalIllnessPaid: '0.00',
    medicalAidPaid: '0.00',
    selfPaid: Money.of(totalCost).minus(Money.of(fundPaid)).toString(),
    ...over,
  };
}

const ooc = (externalId: string, settlementDate: string, totalCost: string, fundPaid: string, referralNo?: string) => ({
  externalId,
  hospitalName: '昆明医科大学第一附属医院',
  insuredId: '532927198001010001',
  settlementDate,
  totalCost,
  fundPaid,
  ...(referralNo ? { referralNo } : {}),
});

describe('performance assessment and quarterly fund analysis over HTTP (SPEC §8, §6)', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  let other: CommunityFixture;
  let clock: BusinessClock;
  let lead: ApiClient;
  let bureau: ApiClient;
  let auditor: ApiClient;
  let township: ApiClient;
  let village: string;
  let communityId: number;

  const assessmentPath = () => `/api/v1/communities/${f.community}/assessments/2026`;
  const enteredPath = () => `${assessmentPath()}/entered-values`;
  const indicator = (a: { indicators: { name: string }[] }, name: string) => a.indicators.find((i) => i.name === name);

  /** Members submit their claims of `period`; the lead unit rejects `reject` in pre-review and completes it. */
  async function claimAndReview(period: string, submissions: [ApiClient, Record<string, unknown>[]][], reject: string[] = []) {
    for (const [client, records] of submissions) {
      expect((await client.post('/api/v1/settlement-records', { records })).status).toBe(201);
      const [claim] = await client.items(`/api/v1/member-claims?period=${period}`);
      await client.must('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
    }
    for (const claim of await lead.items(`/api/v1/member-claims?period=${period}&state=SUBMITTED`)) {
      const rows: { id: string; externalId: string }[] = await lead.items(`/api/v1/member-claims/${claim.id}/records?pageSize=500`);
      const decisions = rows
        .filter((r) => reject.includes(r.externalId))
        .map((r) => ({ recordId: r.id, decision: 'REJECT', reason: 'OVER_STANDARD' }));
      if (decisions.length) await lead.must('POST', `/api/v1/member-claims/${claim.id}/review`, { decisions });
      const current = await lead.must('GET', `/api/v1/member-claims/${claim.id}`);
      await lead.must('POST', `/api/v1/member-claims/${claim.id}/complete-review`, { version: current.version, acceptPending: true });
    }
  }

  /** The bureau clerk completes the review of a declaration and a bureau approver approves it. */
  async function approveDeclaration(id: number) {
    const current = await bureau.must('GET', `/api/v1/declarations/${id}`);
    const reviewed = await bureau.must('POST', `/api/v1/declarations/${id}/complete-review`, { version: current.version });
    await (await f.as(['BUREAU_APPROVER'], f.bureau)).must('POST', `/api/v1/declarations/${id}/approve`, { version: reviewed.version });
  }

  async function declareAndApprove(period: string) {
    const declared = await lead.must('POST', `/api/v1/communities/${f.community}/declarations`, { period });
    await approveDeclaration(declared.id);
  }

  beforeAll(async () => {
    api = await startApi();
    clock = api.app.get(BusinessClock);
    f = await createCommunityFixture(api, 2);
    other = await createCommunityFixture(api, 1);
    village = `${f.county}-VC-1`;
    await f.admin.must('POST', '/api/v1/institutions', {
      code: village,
      name: '村卫生室',
      type: 'VILLAGE_CLINIC',
      countyCode: f.county,
      communityCode: f.community,
      parentCode: f.townships[0],
    });
    await approvedAllocation(f, 2025, SMALL_COUNTY);
    await approvedAllocation(f, 2026, SMALL_COUNTY);
    lead = await f.as(['LEAD_FINANCE'], f.lead);
    bureau = await f.as(['BUREAU_CLERK'], f.bureau);
    auditor = await f.as(['AUDITOR'], f.bureau);
    township = await f.as(['MEMBER_CLERK'], f.townships[0]);
    const leadClerk = await f.as(['MEMBER_CLERK'], f.lead);
    const township2 = await f.as(['MEMBER_CLERK'], f.townships[1]);
    [{ id: communityId }] = await api.dataSource.query('SELECT id FROM medical_community WHERE code = ?', [f.community]);
    const [t1, t2] = f.townships;

    // 2025: three admissions at the lead hospital of patients insured in township 1; four out-of-county settlements.
    clock.fix('2025-10-31');
    await claimAndReview('2025-10', [
      [leadClerk, ['P-1', 'P-2', 'P-3'].map((id) => inpatient(id, f.lead, '2025-10-15', '800.00', '500.00', { insuredTownshipCode: t1 }))],
    ]);
    await bureau.must('POST', `/api/v1/communities/${f.community}/out-of-county-settlements`, {
      period: '2025-10',
      records: ['O-1', 'O-2', 'O-3', 'O-4'].map((id) => ooc(id, '2025-10-20', '150.00', '100.00')),
    });
    // The bureau approves October 2025: only records of approved declarations count (SPEC §13).
    clock.fix('2025-11-04');
    await declareAndApprove('2025-10');

    // 2026: October's records, one rejected in pre-review and one deducted by the bureau.
    clock.fix('2026-10-31');
    await claimAndReview(
      '2026-10',
      [
        [
          leadClerk,
          [
            inpatient('L-1', f.lead, '2026-10-10', '1000.00', '700.00', { insuredTownshipCode: t1, clinicalPathway: true }),
            inpatient('L-2', f.lead, '2026-10-11', '2000.00', '1200.00', { insuredTownshipCode: t2 }),
            inpatient('L-3', f.lead, '2026-10-12', '500.00', '300.00', { clinicalPathway: true }),
            inpatient('L-4', f.lead, '2026-10-13', '600.00', '400.00', { insuredTownshipCode: t2 }),
            outpatientRecord('L-5', f.lead),
          ],
        ],
        [
          township,
          [
            inpatient('T1-1', t1, '2026-10-14', '800.00', '600.00', { insuredTownshipCode: t1, clinicalPathway: true }),
            inpatient('T1-2', t1, '2026-10-15', '400.00', '280.00', { insuredTownshipCode: t2 }),
            outpatientRecord('T1-3', village, { insuredTownshipCode: t1 }),
            inpatient('T1-4', t1, '2026-10-16', '600.00', '500.00', { insuredTownshipCode: t2 }),
          ],
        ],
        [township2, [inpatient('T2-1', t2, '2026-10-17', '300.00', '210.00', { insuredTownshipCode: t2 }), outpatientRecord('T2-2', t2)]],
      ],
      ['T1-4'],
    );
    await bureau.must('POST', `/api/v1/communities/${f.community}/out-of-county-settlements`, {
      period: '2026-10',
      records: [
        ooc('O-5', '2026-10-20', '1500.00', '1000.00', 'ZZ-2026-001'),
        ooc('O-6', '2026-10-21', '800.00', '500.00', 'ZZ-2026-002'),
        ooc('O-7', '2026-10-22', '400.00', '300.00'),
      ],
    });
    // The patient of O-5 and O-6 was referred out for those two days (approved by another person); O-7 was not.
    const referrer = await f.as(['LEAD_FINANCE', 'MEMBER_CLERK'], f.lead);
    const referral = await referrer.must('POST', `/api/v1/communities/${f.community}/referrals`, {
      insuredId: '532927198001010001',
      fromUnitCode: f.lead,
      receivingHospital: '昆明医科大学第一附属医院',
      validFrom: '2026-10-20',
      validTo: '2026-10-21',
      reason: '县内无法开展的手术',
    });
    const submitted = await referrer.must('POST', `/api/v1/referrals/${referral.id}/submit`, { version: referral.version });
    await lead.must('POST', `/api/v1/referrals/${referral.id}/approve`, { version: submitted.version });
    clock.fix('2026-11-04');
    const declared = await lead.must('POST', `/api/v1/communities/${f.community}/declarations`, { period: '2026-10' });
    const leadClaim = (await lead.items('/api/v1/member-claims?period=2026-10')).find(
      (c: { institutionCode: string }) => c.institutionCode === f.lead,
    );
    const l4 = (await lead.items(`/api/v1/member-claims/${leadClaim.id}/records?pageSize=500`)).find(
      (r: { externalId: string }) => r.externalId === 'L-4',
    );
    await bureau.must('POST', `/api/v1/declarations/${declared.id}/deductions`, {
      deductions: [{ recordId: l4.id, reason: 'OVER_STANDARD' }],
    });
    await approveDeclaration(declared.id);
  });
  afterAll(() => api.close());

  it('computes the seven indicators from approved records, with last year beside them and the default weights', async () => {
    const a = await bureau.must('GET', assessmentPath());
    // Approved inpatients: L-1, L-2, L-3, T1-1, T1-2, T2-1 (L-4 deducted, T1-4 rejected); out of county: 3.
    expect(indicator(a, 'inCountyInpatientRate')).toMatchObject({
      value: '0.6667',
      previous: '0.4286',
      target: '0.9000',
      status: 'BELOW_TARGET',
      weight: '20.00',
      points: '14.81',
    });
    expect(indicator(a, 'outOfCountyInpatientCount')).toMatchObject({
      value: '3',
      previous: '4',
      change: '-1',
      status: 'MET',
      points: '15.00',
    });
    // Outside the insured township: L-1, L-2 (a county hospital) and T1-2 (a township-2 patient in township 1); last year 3.
    expect(indicator(a, 'outsideTownshipInpatientCount')).toMatchObject({
      value: '3',
      previous: '3',
      status: 'DID_NOT_FALL',
      points: '0.00',
    });
    // 3 290.00 ÷ 5 000.00, no prefecture average entered yet.
    expect(indicator(a, 'inpatientCompensationRatio')).toMatchObject({
      value: '0.6580',
      previous: '0.6250',
      target: null,
      status: 'NO_TARGET',
      points: '0.00',
    });
    expect(indicator(a, 'clinicalPathwayRate')).toMatchObject({ value: '0.5000', status: 'MET', points: '10.00' });
    expect(indicator(a, 'outOfCountyReferralRate')).toMatchObject({ value: '0.6667', previous: '0.0000', points: '6.67' });
    // Primary: 600 + 280 + 60 (village) + 210 + 60 = 1 210.00 of M = 7 225.00 against the 25% floor: 20 × 0.16747… ÷ 0.25 = 13.40.
    expect(indicator(a, 'primaryShare')).toMatchObject({ value: '0.1675', previous: '0.0000', target: '0.2500', points: '13.40' });
    expect(a).toMatchObject({
      communityCode: f.community,
      fundYear: 2026,
      score: '59.88',
      scheme: { version: 0, source: 'default' },
      enteredValues: { version: 0 },
      primaryFloorRate: '0.25',
    });
    expect(a.figures.current).toMatchObject({
      inpatientRecords: 6,
      outOfCountySettlements: 3,
      outOfCountyReferred: 2,
      inpatientFundPaid: '3290.00',
      inpatientTotalCost: '5000.00',
      primaryApproved: '1210.00',
      communityPackage: '7225.00',
    });
    // The year-end settlement asks the service directly, inside its own transaction.
    expect((await api.app.get(PerformanceAssessmentService).assess(api.dataSource.manager, communityId, 2026)).score).toBe('59.88');
  });

  it('takes values the bureau enters, versioned and audited, refusing bad ones with the field named', async () => {
    const entered = await bureau.call('PUT', enteredPath(), { version: 0, prefectureCompensationRatio: '0.70' });
    expect(entered.status).toBe(200);
    expect(entered.body).toMatchObject({
      version: 1,
      values: { prefectureCompensationRatio: '0.70', outOfCountyInpatientCount: null },
      enteredBy: bureau.username,
    });
    let a = await bureau.must('GET', assessmentPath());
    // 15 × 0.658 ÷ 0.70 = 14.10
    expect(indicator(a, 'inpatientCompensationRatio')).toMatchObject({ target: '0.7000', status: 'BELOW_TARGET', points: '14.10' });
    expect(a.score).toBe('73.98');

    const stale = await bureau.call('PUT', enteredPath(), { version: 0, prefectureCompensationRatio: '0.60' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'STALE_VERSION', details: [{ field: 'version' }] });
    const typed = await bureau.call('PUT', enteredPath(), { version: 1, prefectureCompensationRatio: '70%' });
    expect(typed.status).toBe(400);
    expect(typed.body.details).toEqual([expect.objectContaining({ field: 'prefectureCompensationRatio', rule: 'matches' })]);
    const aboveOne = await bureau.call('PUT', enteredPath(), { version: 1, prefectureCompensationRatio: '1.5' });
    expect(aboveOne.status).toBe(422);
    expect(aboveOne.body.details).toEqual([expect.objectContaining({ field: 'prefectureCompensationRatio', rule: 'rate' })]);
    const negative = await bureau.call('PUT', enteredPath(), { version: 1, outsideTownshipInpatientCount: -2 });
    expect(negative.status).toBe(400);
    expect(negative.body.details[0].field).toBe('outsideTownshipInpatientCount');
    expect((await bureau.must('GET', enteredPath())).version).toBe(1);

    // The bureau's count replaces the records' one: 2 fell below last year's 3.
    const override = await bureau.must('PUT', enteredPath(), { version: 1, outsideTownshipInpatientCount: 2 });
    expect(override).toMatchObject({ version: 2, values: { prefectureCompensationRatio: '0.70', outsideTownshipInpatientCount: 2 } });
    a = await lead.must('GET', assessmentPath());
    expect(indicator(a, 'outsideTownshipInpatientCount')).toMatchObject({ value: '2', entered: true, status: 'MET', points: '10.00' });
    expect(a.score).toBe('83.98');
    expect(await bureau.must('PUT', enteredPath(), { version: 2, outsideTownshipInpatientCount: null })).toMatchObject({
      version: 3,
      values: { outsideTownshipInpatientCount: null },
    });
    expect((await auditor.must('GET', assessmentPath())).score).toBe('73.98');

    const audit = await api.dataSource.query(
      "SELECT action FROM audit_log WHERE entity_type = 'assessmentEnteredValues' AND entity_id = ? ORDER BY id",
      [`${f.community}/2026`],
    );
    expect(audit.map((r: { action: string }) => r.action)).toEqual([
      'assessmentEnteredValues.save',
      'assessmentEnteredValues.save',
      'assessmentEnteredValues.save',
    ]);
  });

  it('lets the bureau set weights that sum to 100, per county and year', async () => {
    const path = `/api/v1/counties/${f.county}/assessment-weights/2026`;
    expect(await lead.must('GET', path)).toMatchObject({
      version: 0,
      source: 'default',
      weights: { inCountyInpatientRate: '20.00', primaryShare: '20.00' },
      targets: { inCountyInpatientRate: '0.90' },
    });
    const notHundred = await bureau.call('PUT', path, { version: 0, weights: { primaryShare: '25.00' } });
    expect(notHundred.status).toBe(422);
    expect(notHundred.body).toMatchObject({ code: 'ASSESSMENT_SCHEME_INVALID', details: [{ field: 'weights', rule: 'sumTo100' }] });
    const asNumber = await bureau.call('PUT', path, { version: 0, weights: { primaryShare: 25 } });
    expect(asNumber.status).toBe(400);
    expect(asNumber.body.details.map((d: { field: string }) => d.field)).toContain('weights.primaryShare');
    const unknown = await bureau.call('PUT', path, { version: 0, weights: { bedOccupancy: '5.00' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'weights.bedOccupancy', rule: 'unknownField' })]);
    const badTarget = await bureau.call('PUT', path, { version: 0, targets: { clinicalPathwayRate: '50' } });
    expect(badTarget.status).toBe(400);
    expect(badTarget.body.details[0].field).toBe('targets.clinicalPathwayRate');
    expect((await lead.call('PUT', path, { version: 0, weights: { primaryShare: '20.00' } })).status).toBe(403);
    const [{ n: before }] = await api.dataSource.query(
      'SELECT COUNT(*) AS n FROM assessment_scheme s JOIN county c ON c.id = s.county_id WHERE c.code = ?',
      [f.county],
    );
    expect(Number(before)).toBe(0);

    const saved = await bureau.must('PUT', path, { version: 0, weights: { primaryShare: '25.00', inCountyInpatientRate: '15.00' } });
    expect(saved).toMatchObject({
      version: 1,
      source: 'saved',
      weights: { primaryShare: '25.00', inCountyInpatientRate: '15.00', outOfCountyInpatientCount: '15.00' },
      changedBy: bureau.username,
    });
    // 15 × 0.6667 ÷ 0.9 = 11.11; 25 × 0.66990 = 16.75: 11.11 + 15 + 0 + 14.10 + 10 + 6.67 + 16.75
    const a = await bureau.must('GET', assessmentPath());
    expect(a).toMatchObject({ score: '73.63', scheme: { version: 1, source: 'saved' } });
    expect(indicator(a, 'primaryShare')).toMatchObject({ weight: '25.00', points: '16.75' });
    expect((await bureau.call('PUT', path, { version: 0, weights: { primaryShare: '25.00' } })).status).toBe(409);
    // A later year starts from this one.
    expect(await auditor.must('GET', `/api/v1/counties/${f.county}/assessment-weights/2027`)).toMatchObject({
      version: 0,
      source: 'previous-year',
      weights: { primaryShare: '25.00' },
    });
    const [entry] = await api.dataSource.query("SELECT changes FROM audit_log WHERE action = 'assessmentScheme.save' AND entity_id = ?", [
      `${f.county}/2026`,
    ]);
    expect(entry.changes).toContain('weights.primaryShare');
  });

  it('shows the assessment to the bureau, the community’s lead unit and auditors only', async () => {
    expect((await township.get(assessmentPath())).status).toBe(403);
    expect((await township.call('PUT', enteredPath(), { version: 3, prefectureCompensationRatio: '0.5' })).status).toBe(403);
    expect((await lead.call('PUT', enteredPath(), { version: 3, prefectureCompensationRatio: '0.5' })).status).toBe(403);
    const foreignLead = await other.as(['LEAD_FINANCE'], other.lead);
    expect((await foreignLead.get(assessmentPath())).status).toBe(404);
    expect(
      (
        await (
          await other.as(['BUREAU_CLERK'], other.bureau)
        ).call('PUT', enteredPath(), { version: 3, prefectureCompensationRatio: '0.5' })
      ).status,
    ).toBe(403);
    expect((await bureau.must('GET', enteredPath())).values.prefectureCompensationRatio).toBe('0.70');
  });

  it('drafts the quarter’s fund analysis once, refreshes the figures of a draft, keeps the commentary, submits and exports it', async () => {
    const draftPath = `/api/v1/communities/${f.community}/fund-analyses`;
    const early = await lead.post(draftPath, { fundYear: 2026, quarter: 4 });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'QUARTER_NOT_ENDED', details: [{ field: 'quarter', rule: 'quarterEnded' }] });
    expect((await lead.post(draftPath, { fundYear: 2026, quarter: 5 })).body.details).toEqual([
      expect.objectContaining({ field: 'quarter', rule: 'max' }),
    ]);
    expect((await township.post(draftPath, { fundYear: 2026, quarter: 4 })).status).toBe(403);

    clock.fix('2027-01-05');
    const created = await lead.post(draftPath, { fundYear: 2026, quarter: 4 });
    expect(created.status).toBe(201);
    const doc = created.body;
    expect(doc).toMatchObject({
      communityCode: f.community,
      fundYear: 2026,
      quarter: 4,
      state: 'DRAFT',
      version: 1,
      summary: null,
      allowedActions: ['refresh', 'edit', 'submit'],
    });
    const c = doc.content;
    expect(c.periods).toEqual({ from: '2026-10', to: '2026-12' });
    expect(c.patientFlow).toEqual({
      inTownship: { visits: 2, admissions: 3 },
      countyHospitals: { visits: 1, admissions: 3 },
      inCounty: { visits: 3, admissions: 6 },
      outOfCounty: { visits: null, admissions: 3 },
      inCountyAdmissionRate: '0.6667',
      outsideTownshipAdmissions: 3,
    });
    expect(c.fundFlow.byUnit.map((u: { unitCode: string; approved: string }) => `${u.unitCode}=${u.approved}`)).toEqual([
      `${f.lead}=2260.00`,
      `${f.townships[0]}=880.00`,
      `${f.townships[1]}=270.00`,
      `${village}=60.00`,
    ]);
    expect(c.fundFlow).toMatchObject({
      inCounty: '3470.00',
      outOfCounty: '1800.00',
      total: '5270.00',
      primary: '1210.00',
      outOfCountyShare: '0.3416',
    });
    expect(c.fundFlow.byCategory.map((k: { category: string; amount: string }) => `${k.category}=${k.amount}`)).toEqual([
      'OUTPATIENT=180.00',
      'INPATIENT=3290.00',
      'CHRONIC_SPECIAL=0.00',
      'MATERNITY=0.00',
      'OUT_OF_COUNTY=1800.00',
    ]);
    // 5 270.00 spent of M × 12 ÷ 12 = 7 225.00; primary 1 210.00 below the 25% floor.
    expect(c.risk.burn).toMatchObject({
      expenditure: '5270.00',
      budgetToDate: '7225.00',
      burnRatio: '0.7294',
      level: 'NORMAL',
      primaryShareToDate: '0.2296', // SPEC §13: 1 210.00 ÷ 5 270.00 of expenditure to date (was ÷ the 7 225.00 budget to date)
      primaryBelowFloor: true,
    });
    expect(c.risk.alerts).toHaveLength(1);
    const yoy = Object.fromEntries(c.yearOnYear.items.map((i: { item: string }) => [i.item, i]));
    expect(c.yearOnYear).toMatchObject({ previousFundYear: 2025, available: true });
    expect(yoy.outOfCountyAdmissions).toMatchObject({ current: '3', previous: '4', change: '-1', changeRate: '-0.2500' });
    expect(yoy.inCountyFund).toMatchObject({ current: '3470.00', previous: '1500.00', change: '1970.00', changeRate: '1.3133' });
    expect(yoy.totalFund).toMatchObject({ current: '5270.00', previous: '1900.00', changeRate: '1.7737' });

    // Drafting again (the scheduled job, or another click) yields the same one document.
    const again = await bureau.post(draftPath, { fundYear: 2026, quarter: 4 });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: doc.id, version: 1 });
    expect(await api.app.get(FundAnalysisService).draft(communityId, 2026, 4)).toEqual({ id: doc.id, created: false });
    const [{ n }] = await api.dataSource.query('SELECT COUNT(*) AS n FROM fund_analysis WHERE community_id = ?', [communityId]);
    expect(Number(n)).toBe(1);

    // The lead unit comments; the bureau cannot, a stale version is refused.
    const docPath = `/api/v1/fund-analyses/${doc.id}`;
    const emptySubmit = await lead.post(`${docPath}/submit`, { version: 1 });
    expect(emptySubmit.status).toBe(422);
    expect(emptySubmit.body.details).toEqual([expect.objectContaining({ field: 'summary', rule: 'requiredToSubmit' })]);
    expect((await bureau.patch(docPath, { version: 1, summary: 'x' })).status).toBe(403);
    const tooLong = await lead.patch(docPath, { version: 1, summary: 'x'.repeat(5001) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.details[0]).toMatchObject({ field: 'summary', rule: 'maxLength' });
    const edited = await lead.must('PATCH', docPath, {
      version: 1,
      summary: '四季度县外住院人次下降，基层占比仍低于底线。',
      risks: '基层基金占比不足',
    });
    expect(edited).toMatchObject({
      version: 2,
      summary: '四季度县外住院人次下降，基层占比仍低于底线。',
      risks: '基层基金占比不足',
      measures: null,
    });
    expect((await lead.patch(docPath, { version: 1, measures: '加强转诊管理' })).status).toBe(409);

    // A late out-of-county import changes the figures: a re-draft refreshes them and keeps the commentary.
    await bureau.must('POST', `/api/v1/communities/${f.community}/out-of-county-settlements`, {
      period: '2026-12',
      records: [ooc('O-8', '2026-12-03', '300.00', '200.00', 'ZZ-2026-003')],
    });
    expect((await lead.post(draftPath, { fundYear: 2026, quarter: 4 })).status).toBe(200);
    const refreshed = await auditor.must('GET', docPath);
    expect(refreshed).toMatchObject({
      version: 3,
      summary: edited.summary,
      risks: edited.risks,
      content: { patientFlow: { outOfCounty: { admissions: 4 } }, fundFlow: { outOfCounty: '2000.00', total: '5470.00' } },
    });

    const submitted = await lead.must('POST', `${docPath}/submit`, { version: 3 });
    expect(submitted).toMatchObject({ state: 'SUBMITTED', version: 4, submittedBy: lead.username, allowedActions: [] });
    expect(await lead.must('POST', `${docPath}/submit`, { version: 3 })).toMatchObject({ state: 'SUBMITTED', version: 4 }); // a retried submit
    const afterSubmit = await lead.patch(docPath, { version: 4, summary: 'changed' });
    expect(afterSubmit.status).toBe(409);
    expect(afterSubmit.body.code).toBe('ILLEGAL_TRANSITION');
    // Once submitted, new figures change nothing.
    await bureau.must('POST', `/api/v1/communities/${f.community}/out-of-county-settlements`, {
      period: '2026-12',
      records: [ooc('O-9', '2026-12-04', '300.00', '200.00')],
    });
    expect(await lead.must('POST', draftPath, { fundYear: 2026, quarter: 4 })).toMatchObject({
      id: doc.id,
      version: 4,
      state: 'SUBMITTED',
      content: { fundFlow: { total: '5470.00' } },
    });

    expect(await auditor.items(draftPath)).toEqual([expect.objectContaining({ id: doc.id, quarter: 4, state: 'SUBMITTED', version: 4 })]);
    const audit = await api.dataSource.query(
      "SELECT action FROM audit_log WHERE entity_type = 'fundAnalysis' AND entity_id = ? ORDER BY id",
      [String(doc.id)],
    );
    expect(audit.map((r: { action: string }) => r.action)).toEqual([
      'fundAnalysis.draft',
      'fundAnalysis.edit',
      'fundAnalysis.refresh',
      'fundAnalysis.submit',
    ]);

    const rows = await xlsxRows(bureau, `${docPath}/export.xlsx`);
    expect(String(rows[0][0])).toContain('2026年第4季度基金运行分析');
    const rowOf = (label: string) => rows.find((r) => r[0] === label);
    expect(rowOf('县外')?.slice(0, 3)).toEqual(['县外', '—', 4]);
    expect(rowOf('县域内合计')?.slice(1, 3)).toEqual([3, 6]);
    expect(rowOf('合计')?.[1]).toBe(5470);
    expect(rowOf('总体情况')?.[1]).toBe(edited.summary);
    expect(rows.find((r) => String(r[0]).startsWith(`${f.lead} `))?.[5]).toBe(2260);

    // Access: a township clerk and another county's lead unit see nothing.
    expect((await township.get(docPath)).status).toBe(403);
    expect((await township.get(draftPath)).status).toBe(403);
    const foreignLead = await other.as(['LEAD_FINANCE'], other.lead);
    expect((await foreignLead.get(docPath)).status).toBe(404);
    expect((await foreignLead.get(`${docPath}/export.xlsx`)).status).toBe(404);
    expect((await foreignLead.post(`${docPath}/submit`, { version: 4 })).status).toBe(403);
    expect((await lead.get('/api/v1/fund-analyses/999999999')).status).toBe(404);
  });

  it('counts only records of declarations the bureau approved (SPEC §13)', async () => {
    const inCounty = async () => indicator(await bureau.must('GET', assessmentPath()), 'inCountyInpatientRate');
    const before = await inCounty();
    clock.fix('2026-11-30');
    const leadClerk = await f.as(['MEMBER_CLERK'], f.lead);
    await claimAndReview('2026-11', [[leadClerk, [inpatient('N-1', f.lead, '2026-11-10', '900.00', '600.00')]]]);
    clock.fix('2026-12-03');
    const declared = await lead.must('POST', `/api/v1/communities/${f.community}/declarations`, { period: '2026-11' });
    expect(await inCounty()).toEqual(before);
    expect((before as { value?: string } | undefined)?.value).toBe('0.5455'); // six in-county admissions of eleven (the quarter's out-of-county ones included)
    await approveDeclaration(declared.id);
    expect(((await inCounty()) as { value?: string } | undefined)?.value).toBe('0.5833'); // seven of twelve once November's declaration is approved
  });
});
