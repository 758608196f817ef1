import { BusinessClock } from '../../src/common/business-clock';
import { Money } from '../../src/domain/money';
import { approvedAllocation, CommunityFixture, createCommunityFixture } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi } from '../support/test-app';
import { xlsxRows } from '../support/xlsx';

const sum = (xs: string[]) => Money.sum(xs.map((x) => Money.of(x))).toString();

/** A settlement record of October 2026 whose fund pays `fundPaid` (self pays the rest of 1000.00). */
function record(id: string, unitCode: string, fundPaid: string, day = '15') {
  const total = Money.of('1000.00');
  return {
    externalId: id,
    unitCode,
    insuredId: `5329271990020${id.replace(/\D/g, '').padStart(5, '0')}`,
    visitType: 'OUTPATIENT',
    visitDate: `2026-10-${day}`,
    settlementDate: `2026-10-${day}`,
    totalCost: total.toString(),
    coveredCost: total.toString(),
    fundPaid,
    criticalIllnessPaid: '0.00',
    medicalAidPaid: '0.00',
    selfPaid: total.minus(Money.of(fundPaid)).toString(),
  };
}

const FIGURES = ['claimed', 'rejected', 'accepted', 'deducted', 'approved', 'funded', 'deposit', 'advanceOffset', 'cash'] as const;

describe('return for correction, sample review and the monthly statement per unit', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  let clock: BusinessClock;
  let t1: ApiClient;
  let t2: ApiClient;
  let leadClerk: ApiClient;
  let lead: ApiClient;
  let bureauClerk: ApiClient;
  let bureauApprover: ApiClient;

  beforeAll(async () => {
    api = await startApi();
    clock = api.app.get(BusinessClock);
    clock.fix('2026-10-31');
    f = await createCommunityFixture(api, 2);
    await approvedAllocation(f, 2026);
    t1 = await f.as(['MEMBER_CLERK'], f.townships[0]);
    t2 = await f.as(['MEMBER_CLERK'], f.townships[1]);
    leadClerk = await f.as(['MEMBER_CLERK'], f.lead);
    lead = await f.as(['LEAD_FINANCE'], f.lead);
    bureauClerk = await f.as(['BUREAU_CLERK'], f.bureau);
    bureauApprover = await f.as(['BUREAU_APPROVER'], f.bureau);
  });
  afterAll(() => api.close());

  it('returns a claim for correction, samples, declares, and the units’ statements sum to the declaration to the fen', async () => {
    const t1Records = [
      record('A-1', f.townships[0], '300.00'),
      record('A-2', f.townships[0], '120.55'),
      record('A-3', f.townships[0], '80.10'),
    ];
    const t2Records = Array.from({ length: 10 }, (_, i) =>
      record(`B-${i + 1}`, f.townships[1], `${100 + i}.${String(i * 7).padStart(2, '0')}`),
    );
    const leadRecords = [record('L-1', f.lead, '800.00'), record('L-2', f.lead, '700.01')];
    for (const [client, records] of [
      [t1, t1Records],
      [t2, t2Records],
      [leadClerk, leadRecords],
    ] as const) {
      expect((await client.post('/api/v1/settlement-records', { records })).status).toBe(201);
      const [claim] = await client.items('/api/v1/member-claims?period=2026-10');
      await client.must('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
    }
    const claimOf = async (client: ApiClient) => (await client.items('/api/v1/member-claims?period=2026-10'))[0];
    const t1Claim = await claimOf(t1);
    const t2Claim = await claimOf(t2);

    // 退回补正: the lead returns the township's claim with reasons; only the reviewer may.
    const submitted = await lead.must('GET', `/api/v1/member-claims/${t1Claim.id}`);
    expect(submitted.allowedActions).toEqual(['returnForCorrection', 'completeReview']);
    const rows = await lead.items(`/api/v1/member-claims/${t1Claim.id}/records?pageSize=500`);
    const a2 = rows.find((r: { externalId: string }) => r.externalId === 'A-2').id;
    expect(
      (
        await t1.post(`/api/v1/member-claims/${t1Claim.id}/return`, {
          version: submitted.version,
          reasons: [{ reason: 'OTHER', note: 'x' }],
        })
      ).status,
    ).toBe(403);
    expect((await lead.post(`/api/v1/member-claims/${t1Claim.id}/return`, { version: submitted.version, reasons: [] })).status).toBe(400);
    const returned = await lead.must('POST', `/api/v1/member-claims/${t1Claim.id}/return`, {
      version: submitted.version,
      reasons: [{ reason: 'OVER_STANDARD', note: '收费超标准，请更正', recordId: a2 }],
    });
    expect(returned).toMatchObject({ state: 'RETURNED', returns: 1, returnedBy: expect.any(String), allowedActions: [] });
    expect(returned.returnReasons).toEqual([{ reason: 'OVER_STANDARD', note: '收费超标准，请更正', recordId: a2 }]);
    // A returned claim blocks the declaration like one under review.
    clock.fix('2026-11-03');
    const blocked = await lead.post(`/api/v1/communities/${f.community}/declarations`, { period: '2026-10' });
    expect([blocked.status, blocked.body.code]).toEqual([409, 'CLAIMS_UNDER_REVIEW']);
    // The township sees it in its inbox, withdraws the record, uploads the corrected one and resubmits.
    const inbox = await t1.items('/api/v1/inbox');
    expect(inbox.filter((i: { kind: string }) => i.kind === 'claimReturned').map((i: { id: number }) => i.id)).toEqual([t1Claim.id]);
    expect((await t1.must('GET', `/api/v1/member-claims/${t1Claim.id}`)).allowedActions).toEqual(['resubmit']);
    const withdrawn = await t1.must('POST', `/api/v1/member-claims/${t1Claim.id}/withdraw-records`, { recordIds: [a2] });
    expect(withdrawn).toMatchObject({ withdrawn: 1, records: 2, claimed: '380.10' });
    const corrected = await t1.post('/api/v1/settlement-records', { records: [record('A-2', f.townships[0], '100.55')] });
    expect(corrected.status).toBe(201);
    expect(corrected.body.claims).toEqual([expect.objectContaining({ period: '2026-10', claimId: t1Claim.id, records: 1 })]);
    const now = await t1.must('GET', `/api/v1/member-claims/${t1Claim.id}`);
    expect(now).toMatchObject({ state: 'RETURNED', records: 3, claimed: '480.65' });
    const resubmitted = await t1.must('POST', `/api/v1/member-claims/${t1Claim.id}/resubmit`, { version: now.version });
    expect(resubmitted).toMatchObject({ state: 'SUBMITTED', submittedOn: '2026-11-03' });
    const history = await lead.must('GET', `/api/v1/member-claims/${t1Claim.id}/versions`);
    expect(
      history.versions.map((v: { seq: number; event: string; totals: { claimed: string } }) => [v.seq, v.event, v.totals.claimed]),
    ).toEqual([
      [1, 'SUBMITTED', '500.65'],
      [2, 'RETURNED', '500.65'],
      [3, 'RESUBMITTED', '480.65'],
    ]);
    expect(history.versions[1].reasons[0]).toMatchObject({ reason: 'OVER_STANDARD', recordId: a2 });
    expect(history.withdrawn).toEqual([expect.objectContaining({ recordId: a2, externalId: 'A-2', fundPaid: '120.55' })]);

    // 抽样: the lead draws a reproducible sample of the other township's claim, reviews it, sees the extrapolation.
    expect((await t2.post(`/api/v1/member-claims/${t2Claim.id}/samples`, { share: '0.3' })).status).toBe(403);
    const sample = await lead.must('POST', `/api/v1/member-claims/${t2Claim.id}/samples`, { seed: 20261103, share: '0.3' });
    expect(sample).toMatchObject({
      subject: 'CLAIM',
      seed: 20261103,
      population: 10,
      strata: [{ unitCode: f.townships[1], population: 10, sampled: 3 }],
    });
    const again = await lead.must('POST', `/api/v1/member-claims/${t2Claim.id}/samples`, { seed: 20261103, share: '0.3' });
    expect(again.records.map((r: { id: string }) => r.id)).toEqual(sample.records.map((r: { id: string }) => r.id));
    const picked = sample.records[0];
    await lead.must('POST', `/api/v1/member-claims/${t2Claim.id}/review`, {
      decisions: sample.records.map((r: { id: string }) => ({
        recordId: r.id,
        decision: r.id === picked.id ? 'REJECT' : 'ACCEPT',
        ...(r.id === picked.id ? { reason: 'MISSING_DOCUMENTS' } : {}),
      })),
    });
    const reviewedSample = await lead.must('GET', `/api/v1/member-claims/${t2Claim.id}/sample`);
    const sampledAmount = sum(sample.records.map((r: { fundPaid: string }) => r.fundPaid));
    const unsampledAmount = Money.of(t2Claim.claimed).minus(Money.of(sampledAmount)).toString();
    const expectedDeduction = Money.roundHalfUp(
      Money.of(unsampledAmount).toDecimal().times(Money.of(picked.fundPaid).toDecimal()).dividedBy(Money.of(sampledAmount).toDecimal()),
    ).toString();
    expect(reviewedSample.extrapolation).toMatchObject({
      sampledAmount,
      sampledRejected: picked.fundPaid,
      undecided: 0,
      unsampledRecords: 7,
      unsampledAmount,
      deduction: expectedDeduction,
      applied: false,
    });
    expect(reviewedSample.extrapolation.calculation).toBe(
      `${unsampledAmount} × ${picked.fundPaid} ÷ ${sampledAmount} = ${expectedDeduction} (rate ${reviewedSample.extrapolation.rate})`,
    );

    for (const c of await lead.items('/api/v1/member-claims?period=2026-10&state=SUBMITTED'))
      await lead.must('POST', `/api/v1/member-claims/${c.id}/complete-review`, { version: c.version, acceptPending: true });
    const declared = await lead.must('POST', `/api/v1/communities/${f.community}/declarations`, { period: '2026-10' });

    // The bureau samples the declaration's accepted records, stratified by claiming unit, and deducts one.
    const bureauSample = await bureauClerk.must('POST', `/api/v1/declarations/${declared.id}/samples`, { seed: 7, count: 4 });
    expect(bureauSample.records).toHaveLength(4);
    expect(bureauSample.strata.map((s: { unitCode: string }) => s.unitCode)).toEqual([f.lead, f.townships[0], f.townships[1]].sort());
    const deducted = await bureauClerk.must('POST', `/api/v1/declarations/${declared.id}/deductions`, {
      deductions: [{ recordId: bureauSample.records[0].id, reason: 'OVER_STANDARD' }],
    });
    // Before approval the statements are shown, not yet answered.
    const early = await lead.must('GET', `/api/v1/declarations/${declared.id}/statements`);
    expect(early.units.every((u: { allowedActions: string[] }) => u.allowedActions.length === 0)).toBe(true);
    const reviewed = await bureauClerk.must('POST', `/api/v1/declarations/${declared.id}/complete-review`, { version: deducted.version });
    const approved = await bureauApprover.must('POST', `/api/v1/declarations/${declared.id}/approve`, { version: reviewed.version });
    clock.fix('2026-11-20');
    await bureauClerk.must('POST', `/api/v1/declarations/${declared.id}/disbursement`, {
      version: approved.version,
      disbursedOn: '2026-11-20',
      reference: 'BK-2026-11-0077',
    });

    // 结算单: every unit's statement sums to the declaration's figures to the fen.
    const all = await lead.must('GET', `/api/v1/declarations/${declared.id}/statements`);
    const decl = await lead.must('GET', `/api/v1/declarations/${declared.id}`);
    expect(all.units).toHaveLength(3);
    for (const k of FIGURES) {
      expect([k, all.totals[k]]).toEqual([k, decl[k]]);
      expect([k, sum(all.units.map((u: Record<string, string>) => u[k]))]).toEqual([k, decl[k]]);
    }
    expect(all.totals.flaggedByRule).toBe('0.00');
    const passDowns = await lead.items(`/api/v1/pass-downs?declarationId=${declared.id}`);
    expect(all.totals.passDownDue).toBe(sum(passDowns.map((p: { amount: string }) => p.amount)));
    const t2Statement = await t2.must('GET', `/api/v1/member-claims/${t2Claim.id}/statement`);
    // The unit reads the same statement the lead reads; only the unit is offered to answer it.
    const { allowedActions: offered, ...t2Figures } = t2Statement;
    expect(offered).toEqual(['confirm', 'dispute']);
    expect(all.units.find((u: { claimId: number }) => u.claimId === t2Claim.id)).toEqual({ ...t2Figures, allowedActions: [] });
    expect(t2Statement.rejectedByReason).toEqual([{ reason: 'MISSING_DOCUMENTS', records: 1, amount: picked.fundPaid }]);
    expect(t2Statement).toMatchObject({ declaredOn: '2026-11-03', fundedOn: '2026-11-20', allowedActions: ['confirm', 'dispute'] });
    expect(t2Statement.transfers.length).toBeGreaterThan(0);
    expect(
      sum(
        t2Statement.transfers
          .filter((t: { referenceType: string }) => t.referenceType === 'passDown')
          .map((t: { amount: string }) => t.amount),
      ),
    ).toBe(t2Statement.passedDown);
    // Only the unit itself answers; it confirms (对账确认), audited, with the figures it confirmed.
    expect((await lead.post(`/api/v1/member-claims/${t2Claim.id}/statement/confirm`, {})).status).toBe(403);
    const confirmed = await t2.must('POST', `/api/v1/member-claims/${t2Claim.id}/statement/confirm`, { note: '核对无误' });
    expect(confirmed.response).toMatchObject({ response: 'CONFIRMED', note: '核对无误', figuresChanged: false, respondedOn: '2026-11-20' });
    // The township disputes through the dispute workflow: a dispute it filed, subject DEDUCTION.
    expect((await t1.post(`/api/v1/member-claims/${t1Claim.id}/statement/dispute`, {})).body.code).toBe('STATEMENT_DISPUTE_REQUIRED');
    const dispute = await t1.must('POST', '/api/v1/disputes', {
      subjectType: 'DEDUCTION',
      subjectRef: `declaration ${declared.id} statement ${f.townships[0]}`,
      description: '扣款理由不成立',
    });
    const disputed = await t1.must('POST', `/api/v1/member-claims/${t1Claim.id}/statement/dispute`, {
      disputeId: dispute.id,
      note: '见争议',
    });
    expect(disputed.response).toMatchObject({ response: 'DISPUTED', disputeId: dispute.id });
    const audit = await api.dataSource.query(
      "SELECT action FROM audit_log WHERE action LIKE 'unitStatement.%' OR action LIKE 'sample.%' OR action LIKE 'memberClaim.%return%' ORDER BY id",
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['memberClaim.returnForCorrection', 'sample.draw', 'unitStatement.confirm', 'unitStatement.dispute']),
    );

    // XLSX: the same figures, one row per unit, then the totals.
    const sheet = await xlsxRows(lead, `/api/v1/declarations/${declared.id}/statements.xlsx`);
    const totalsRow = sheet.find((r) => r[0] === '合计')!;
    const header = sheet.find((r) => r.includes('核定金额（元）'))!;
    expect(totalsRow[header.indexOf('申报金额（元）')]).toBe(Number(decl.claimed));
    expect(totalsRow[header.indexOf('核定金额（元）')]).toBe(Number(decl.approved));
    const own = await xlsxRows(t2, `/api/v1/member-claims/${t2Claim.id}/statement.xlsx`);
    expect(own.find((r) => r[0] === f.townships[1])![4]).toBe(Number(t2Statement.claimed));
  });
});
