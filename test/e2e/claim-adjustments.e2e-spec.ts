import { BusinessClock } from '../../src/common/business-clock';
import { Money } from '../../src/domain/money';
import { ReviewRulesService } from '../../src/modules/review-rules';
import { approvedAllocation, createCommunityFixture } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi } from '../support/test-app';

const sum = (xs: string[]) => Money.sum(xs.map((x) => Money.of(x))).toString();
let serial = 0;

/** An outpatient settlement whose fund pays `fundPaid` (self pays the rest of 1000.00), each for another insured person. */
function record(id: string, unitCode: string, fundPaid: string, date: string) {
  serial++;
  const total = Money.of('1000.00');
  return {
    externalId: id,
    unitCode,
    insuredId: `53292719900${String(serial).padStart(7, '0')}`,
    visitType: 'OUTPATIENT',
    visitDate: date,
    settlementDate: date,
    totalCost: total.toString(),
    coveredCost: total.toString(),
    fundPaid,
    criticalIllnessPaid: '0.00',
    medicalAidPaid: '0.00',
    selfPaid: total.minus(Money.of(fundPaid)).toString(),
  };
}

/** A refund (退费) of `of` carrying its amounts negative. */
function refund(id: string, of: string, unitCode: string, fundPaid: string, date: string) {
  return {
    ...record(id, unitCode, `-${fundPaid}`, date),
    totalCost: `-${fundPaid}`,
    coveredCost: `-${fundPaid}`,
    selfPaid: '0.00',
    refundOf: of,
  };
}

/** An inpatient stay, for the rules to find duplicates among. */
function stay(id: string, unitCode: string, insuredId: string, admission: string, discharge: string, fundPaid: string) {
  return {
    externalId: id,
    unitCode,
    insuredId,
    visitType: 'INPATIENT',
    admissionDate: admission,
    dischargeDate: discharge,
    settlementDate: discharge,
    diagnosisCode: 'J18.9',
    totalCost: '3000.00',
    coveredCost: '2800.00',
    fundPaid,
    criticalIllnessPaid: '0.00',
    medicalAidPaid: '0.00',
    selfPaid: Money.of('3000.00').minus(Money.of(fundPaid)).toString(),
  };
}

describe('claim adjustments: a month whose refunds exceed its settlements, a sample applied, rule hits on the statement', () => {
  let api: RunningApi;
  let clock: BusinessClock;

  beforeAll(async () => {
    api = await startApi();
    clock = api.app.get(BusinessClock);
  });
  afterAll(() => api.close());

  /** The community's clients and one month's cycle: submit, pre-review, declare, the bureau's review and approval. */
  async function community() {
    const f = await createCommunityFixture(api, 1);
    await approvedAllocation(f, 2026);
    const c = {
      f,
      town: await f.as(['MEMBER_CLERK'], f.townships[0]),
      leadClerk: await f.as(['MEMBER_CLERK'], f.lead),
      lead: await f.as(['LEAD_FINANCE'], f.lead),
      bureauClerk: await f.as(['BUREAU_CLERK'], f.bureau),
      bureauApprover: await f.as(['BUREAU_APPROVER'], f.bureau),
    };
    return c;
  }
  type Community = Awaited<ReturnType<typeof community>>;

  const claimOf = async (client: ApiClient, period: string) => (await client.items(`/api/v1/member-claims?period=${period}`))[0];

  async function submit(client: ApiClient, period: string) {
    const claim = await claimOf(client, period);
    return client.must('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
  }

  async function reviewAndDeclare(c: Community, period: string) {
    for (const claim of await c.lead.items(`/api/v1/member-claims?period=${period}&state=SUBMITTED`))
      await c.lead.must('POST', `/api/v1/member-claims/${claim.id}/complete-review`, { version: claim.version, acceptPending: true });
    return c.lead.must('POST', `/api/v1/communities/${c.f.community}/declarations`, { period });
  }

  async function approve(c: Community, declarationId: number) {
    const d = await c.bureauClerk.must('GET', `/api/v1/declarations/${declarationId}`);
    const reviewed = await c.bureauClerk.must('POST', `/api/v1/declarations/${declarationId}/complete-review`, { version: d.version });
    return c.bureauApprover.must('POST', `/api/v1/declarations/${declarationId}/approve`, { version: reviewed.version });
  }

  async function disburseAndPassDown(c: Community, declarationId: number, on: string) {
    clock.fix(on);
    const d = await c.bureauClerk.must('GET', `/api/v1/declarations/${declarationId}`);
    await c.bureauClerk.must('POST', `/api/v1/declarations/${declarationId}/disbursement`, {
      version: d.version,
      disbursedOn: on,
      reference: `BK-${declarationId}`,
    });
    for (const p of await c.lead.items(`/api/v1/pass-downs?declarationId=${declarationId}`))
      if (p.state !== 'PAID') await c.lead.must('POST', `/api/v1/pass-downs/${p.id}/payment`, { version: p.version, paidOn: on });
  }

  it('a refund of an approved original larger than the next month’s settlements: carried, never funded negative, the ledger reconciled', async () => {
    const c = await community();
    const { f } = c;
    const town = f.townships[0];
    // August: the township's original settlement is claimed, approved, funded and passed down.
    clock.fix('2026-08-31');
    await c.town.must('POST', '/api/v1/settlement-records', { records: [record('O-1', town, '500.00', '2026-08-12')] });
    await c.leadClerk.must('POST', '/api/v1/settlement-records', { records: [record('L-8', f.lead, '800.00', '2026-08-14')] });
    await submit(c.town, '2026-08');
    await submit(c.leadClerk, '2026-08');
    clock.fix('2026-09-02');
    const august = await reviewAndDeclare(c, '2026-08');
    expect((await approve(c, august.id)).approved).toBe('1300.00');
    await disburseAndPassDown(c, august.id, '2026-09-04');

    // September: the original is refunded in full (退费), more than the township settles in the month.
    clock.fix('2026-09-30');
    const refunded = await c.town.must('POST', '/api/v1/settlement-records', {
      records: [refund('R-1', 'O-1', town, '500.00', '2026-09-10'), record('S-1', town, '100.00', '2026-09-12')],
    });
    expect(refunded.claims).toEqual([expect.objectContaining({ period: '2026-09', records: 2 })]);
    await c.leadClerk.must('POST', '/api/v1/settlement-records', { records: [record('L-9', f.lead, '800.00', '2026-09-14')] });
    await submit(c.town, '2026-09');
    await submit(c.leadClerk, '2026-09');
    clock.fix('2026-10-02');
    const september = await reviewAndDeclare(c, '2026-09');
    // Declared: the township's claim nets to −400.00, the declaration to 400.00.
    expect(september).toMatchObject({ claimed: '400.00', adjusted: '0.00', approved: '400.00' });
    expect(september.members.find((m: { institutionCode: string }) => m.institutionCode === town).approved).toBe('-400.00');
    // Approved: the township's negative net is carried out (approved 0.00), never funded negative; the lead is funded its own.
    const approvedSeptember = await approve(c, september.id);
    expect(approvedSeptember).toMatchObject({
      claimed: '400.00',
      adjusted: '400.00',
      approved: '800.00',
      funded: '800.00',
      cash: '800.00',
    });
    expect(approvedSeptember.members.find((m: { institutionCode: string }) => m.institutionCode === town)).toMatchObject({
      claimed: '-400.00',
      adjusted: '400.00',
      approved: '0.00',
    });
    // It enters the township's next open claim as an amount owed (carried in, negative).
    const october = await claimOf(c.town, '2026-10');
    expect(october).toMatchObject({ state: 'OPEN', records: 0, adjusted: '-400.00', approved: '-400.00' });
    // Approving again is a retry: nothing is carried twice.
    expect(
      (await c.bureauApprover.post(`/api/v1/declarations/${september.id}/approve`, { version: approvedSeptember.version })).status,
    ).toBe(200);
    expect((await claimOf(c.town, '2026-10')).adjusted).toBe('-400.00');
    await disburseAndPassDown(c, september.id, '2026-10-05');
    const septemberDowns = await c.lead.items(`/api/v1/pass-downs?declarationId=${september.id}`);
    expect(septemberDowns.find((p: { payeeCode: string }) => p.payeeCode === town)).toMatchObject({ approved: '0.00', amount: '0.00' });
    const septemberSummary = await c.lead.must('GET', `/api/v1/communities/${f.community}/periods/2026-09/summary`);
    expect(septemberSummary).toMatchObject({ approved: '800.00', funded: '800.00', disbursed: '800.00', reconciled: true });

    // The statement shows it: claimed −400.00, carried out 400.00, approved 0.00; the columns sum to the declaration.
    const septemberStatements = await c.lead.must('GET', `/api/v1/declarations/${september.id}/statements`);
    const townSeptember = septemberStatements.units.find((u: { institutionCode: string }) => u.institutionCode === town);
    expect(townSeptember).toMatchObject({ claimed: '-400.00', carriedIn: '0.00', carriedOut: '400.00', approved: '0.00', funded: '0.00' });
    expect(townSeptember.adjustments).toEqual([
      expect.objectContaining({ kind: 'CARRIED_OUT', amount: '400.00', source: `declaration.${september.id}` }),
    ]);
    expect(septemberStatements.declaration.adjusted).toBe('400.00');
    for (const k of ['claimed', 'approved', 'funded', 'cash'])
      expect([k, sum(septemberStatements.units.map((u: Record<string, string>) => u[k]))]).toEqual([k, approvedSeptember[k]]);

    // October: the township's settlements absorb what it owes.
    clock.fix('2026-10-31');
    await c.town.must('POST', '/api/v1/settlement-records', { records: [record('S-2', town, '600.00', '2026-10-09')] });
    await c.leadClerk.must('POST', '/api/v1/settlement-records', { records: [record('L-10', f.lead, '500.00', '2026-10-14')] });
    await submit(c.town, '2026-10');
    await submit(c.leadClerk, '2026-10');
    clock.fix('2026-11-02');
    const octoberDeclared = await reviewAndDeclare(c, '2026-10');
    expect(octoberDeclared).toMatchObject({ claimed: '1100.00', adjusted: '-400.00', approved: '700.00' });
    const approvedOctober = await approve(c, octoberDeclared.id);
    expect(approvedOctober).toMatchObject({ adjusted: '-400.00', approved: '700.00', funded: '700.00' });
    await disburseAndPassDown(c, octoberDeclared.id, '2026-11-05');
    const octoberDowns = await c.lead.items(`/api/v1/pass-downs?declarationId=${octoberDeclared.id}`);
    expect(octoberDowns.find((p: { payeeCode: string }) => p.payeeCode === town)).toMatchObject({ amount: '200.00', state: 'PAID' });
    const townOctober = (await c.lead.must('GET', `/api/v1/declarations/${octoberDeclared.id}/statements`)).units.find(
      (u: { institutionCode: string }) => u.institutionCode === town,
    );
    expect(townOctober).toMatchObject({
      claimed: '600.00',
      carriedIn: '-400.00',
      carriedOut: '0.00',
      approved: '200.00',
      passedDown: '200.00',
    });
    expect(townOctober.adjustments).toEqual([expect.objectContaining({ kind: 'CARRIED_IN', amount: '-400.00', fromPeriod: '2026-09' })]);
    const octoberSummary = await c.lead.must('GET', `/api/v1/communities/${f.community}/periods/2026-10/summary`);
    expect(octoberSummary).toMatchObject({ approved: '700.00', disbursed: '700.00', reconciled: true });

    // Over the months: approved = originals − refunds, and the ledger holds exactly that, nothing negative posted or dropped.
    const [{ net }] = await api.dataSource.query(
      'SELECT SUM(r.fund_paid) AS net FROM settlement_record r JOIN institution i ON i.id = r.submitter_id WHERE i.code IN (?, ?)',
      [town, f.lead],
    );
    expect(sum([approvedSeptember.approved, approvedOctober.approved, '1300.00'])).toBe(Money.of(String(net)).toString());
    const ledger = await c.bureauClerk.must('GET', `/api/v1/counties/${f.county}/ledger/2026/accounts?pageSize=200`);
    expect(ledger.reconciled).toBe(true);
    const balance = (code: string) => ledger.items.find((a: { code: string }) => a.code === code)?.balance ?? '0.00';
    // The township received 500.00 (August) + 0.00 + 200.00: its settlements net of the refund.
    expect(balance(`MEMBER_FUNDS:${town}`)).toBe('700.00');
    expect(balance(`BUREAU_PAYABLE:${f.community}`)).toBe('0.00');
    expect(balance(`COMMUNITY_HELD:${f.community}`)).toBe('0.00');
    const audit = await api.dataSource.query(
      "SELECT entity_id FROM audit_log WHERE action = 'memberClaim.carryNegativeNet' AND entity_id = ?",
      [String(september.members.find((m: { institutionCode: string }) => m.institutionCode === town).claimId)],
    );
    expect(audit).toHaveLength(1);
  });

  it('a sample’s extrapolated deduction: shown only while the county’s parameter is off, applied to the fen when on; rule hits on the statement', async () => {
    const c = await community();
    const { f } = c;
    const town = f.townships[0];
    const rules = api.app.get(ReviewRulesService);

    /** A month of ten settlements of the township; the lead samples three, rejects the first, and declares. */
    async function sampledMonth(period: string, day: string, extra: Record<string, unknown>[] = []) {
      clock.fix(`${period}-28`);
      const records = Array.from({ length: 10 }, (_, i) =>
        record(`${period}-${i + 1}`, town, `${100 + i * 11}.${String(i * 7).padStart(2, '0')}`, `${period}-${day}`),
      );
      const stored = await c.town.must('POST', '/api/v1/settlement-records', { records: [...records, ...extra] });
      await rules.reviewBatch({ batchId: String(stored.batchId) });
      await c.leadClerk.must('POST', '/api/v1/settlement-records', {
        records: [record(`L-${period}`, f.lead, '900.00', `${period}-${day}`)],
      });
      await submit(c.town, period);
      await submit(c.leadClerk, period);
      const claim = await claimOf(c.town, period);
      return { claim, stored };
    }
    async function sampleAndReject(claimId: number) {
      const sample = await c.lead.must('POST', `/api/v1/member-claims/${claimId}/samples`, { seed: 42, count: 3 });
      const picked = sample.records[0];
      await c.lead.must('POST', `/api/v1/member-claims/${claimId}/review`, {
        decisions: sample.records.map((r: { id: string }) => ({
          recordId: r.id,
          decision: r.id === picked.id ? 'REJECT' : 'ACCEPT',
          ...(r.id === picked.id ? { reason: 'MISSING_DOCUMENTS' } : {}),
        })),
      });
      return sample;
    }
    /** The deduction as the policy states it, from the claim's records: unsampled (not rejected) × rejected ÷ sampled, half up. */
    async function expectedDeduction(claimId: number, sampleIds: string[]) {
      const rows = await c.lead.items(`/api/v1/member-claims/${claimId}/records?pageSize=500`);
      const settlements = rows.filter((r: { fundPaid: string }) => Money.of(r.fundPaid).isPositive());
      const sampled = settlements.filter((r: { id: string }) => sampleIds.includes(r.id));
      const rejected = sampled.filter((r: { reviewStatus: string }) => r.reviewStatus === 'REJECTED');
      const base = settlements.filter(
        (r: { id: string; reviewStatus: string }) => !sampleIds.includes(r.id) && r.reviewStatus !== 'REJECTED',
      );
      const amount = (rs: { fundPaid: string }[]) => Money.sum(rs.map((r) => Money.of(r.fundPaid)));
      return Money.roundHalfUp(
        amount(base).toDecimal().times(amount(rejected).toDecimal()).dividedBy(amount(sampled).toDecimal()),
      ).toString();
    }

    // September, parameter off (the default), with a planted duplicate stay for the rules.
    const insured = '532927199005050505';
    const { claim: september } = await sampledMonth('2026-09', '10', [
      stay('D-1', town, insured, '2026-09-02', '2026-09-07', '2000.00'),
      stay('D-2', town, insured, '2026-09-05', '2026-09-09', '1500.00'),
    ]);
    const hits = await c.lead.must('GET', `/api/v1/member-claims/${september.id}/rule-hits?pageSize=100`);
    expect(hits.items.length).toBeGreaterThan(0);
    const duplicate = hits.items.find((h: { ruleId: string }) => h.ruleId === 'DUPLICATE_SETTLEMENT');
    expect(duplicate).toBeDefined();
    await c.lead.must('POST', `/api/v1/member-claims/${september.id}/rule-hits/${duplicate.id}/accept`, { note: '重复结算' });
    const septemberSample = await sampleAndReject(september.id);
    clock.fix('2026-10-02');
    const septemberDeclared = await reviewAndDeclare(c, '2026-09');
    const offView = await c.lead.must('GET', `/api/v1/member-claims/${september.id}/sample`);
    expect(offView.extrapolation).toMatchObject({
      policyApplies: false,
      applied: false,
      appliedDeduction: null,
      sampledRecords: 3,
      rejectedRecords: 1,
    });
    expect(Money.of(offView.extrapolation.deduction).isPositive()).toBe(true);
    expect(septemberDeclared.adjusted).toBe('0.00');
    expect(await api.dataSource.query('SELECT id FROM claim_adjustment WHERE sample_id = ?', [septemberSample.id])).toHaveLength(0);
    await approve(c, septemberDeclared.id);

    // The statement's "flagged by rule" is the hits' suggested deductions, and of them the accepted one.
    const allHits = (await c.lead.must('GET', `/api/v1/member-claims/${september.id}/rule-hits?pageSize=100`)).items;
    const townSeptember = (await c.lead.must('GET', `/api/v1/declarations/${septemberDeclared.id}/statements`)).units.find(
      (u: { institutionCode: string }) => u.institutionCode === town,
    );
    expect(townSeptember).toMatchObject({
      flaggedByRule: sum(allHits.map((h: { suggestedDeduction: string }) => h.suggestedDeduction)),
      flaggedAccepted: duplicate.suggestedDeduction,
      ruleHits: allHits.length,
      ruleHitsAccepted: 1,
      ruleHitsLink: `/api/v1/member-claims/${september.id}/rule-hits`,
      extrapolatedDeduction: '0.00',
    });
    expect(Money.of(townSeptember.flaggedByRule).isPositive()).toBe(true);
    // The accepted hit's record is among the rejected ones.
    expect(Money.of(townSeptember.rejected).gte(Money.of(offView.extrapolation.sampledRejected))).toBe(true);

    // The bureau turns the parameter on; October's sample is then applied when the period is declared.
    const params = await c.bureauClerk.must('GET', `/api/v1/counties/${f.county}/policy-parameters/2026`);
    expect(params.values.applySampleExtrapolation).toBe('0');
    const bad = await c.bureauClerk.call('PUT', `/api/v1/counties/${f.county}/policy-parameters/2026`, {
      version: params.version,
      applySampleExtrapolation: '2',
    });
    expect([bad.status, JSON.stringify(bad.body.details)]).toEqual([422, expect.stringContaining('applySampleExtrapolation')]);
    await c.bureauClerk.must('PUT', `/api/v1/counties/${f.county}/policy-parameters/2026`, {
      version: params.version,
      applySampleExtrapolation: '1',
    });
    const { claim: october } = await sampledMonth('2026-10', '12');
    const octoberSample = await sampleAndReject(october.id);
    const expected = await expectedDeduction(
      october.id,
      octoberSample.records.map((r: { id: string }) => r.id),
    );
    const before = await c.lead.must('GET', `/api/v1/member-claims/${october.id}/sample`);
    expect(before.extrapolation).toMatchObject({ policyApplies: true, applied: false, deduction: expected });
    clock.fix('2026-11-02');
    const octoberDeclared = await reviewAndDeclare(c, '2026-10');
    const member = octoberDeclared.members.find((m: { institutionCode: string }) => m.institutionCode === town);
    expect(member.adjusted).toBe(`-${expected}`);
    expect(member.approved).toBe(Money.of(member.accepted).minus(Money.of(expected)).toString());
    expect(octoberDeclared).toMatchObject({
      adjusted: `-${expected}`,
      approved: Money.of(octoberDeclared.accepted).minus(Money.of(expected)).toString(),
    });
    const after = await c.lead.must('GET', `/api/v1/member-claims/${october.id}/sample`);
    expect(after.extrapolation).toMatchObject({ applied: true, appliedDeduction: expected });
    const [audited] = await api.dataSource.query(
      "SELECT changes FROM audit_log WHERE action = 'sample.extrapolation.apply' AND entity_id = ? ORDER BY id DESC LIMIT 1",
      [String(october.id)],
    );
    // The calculation as audited: sampled count, rejected, rate, base, deduction.
    const trail = JSON.stringify(JSON.parse(audited.changes));
    for (const shown of ['sampledRecords', 'rejectedRecords', 'rate', 'base', `"${expected}"`, after.extrapolation.calculation])
      expect(trail).toContain(shown);
    const approvedOctober = await approve(c, octoberDeclared.id);
    expect(approvedOctober).toMatchObject({ approved: octoberDeclared.approved, funded: octoberDeclared.approved });
    const townOctober = (await c.lead.must('GET', `/api/v1/declarations/${octoberDeclared.id}/statements`)).units.find(
      (u: { institutionCode: string }) => u.institutionCode === town,
    );
    expect(townOctober).toMatchObject({ extrapolatedDeduction: `-${expected}`, approved: member.approved });
    expect(townOctober.adjustments).toEqual([
      expect.objectContaining({ kind: 'EXTRAPOLATED_DEDUCTION', sampleId: octoberSample.id, calculation: after.extrapolation.calculation }),
    ]);
  });
});
