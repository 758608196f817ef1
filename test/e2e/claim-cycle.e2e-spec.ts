import { BusinessClock } from '../../src/common/business-clock';
import { Money } from '../../src/domain/money';
import { approvedAllocation, CommunityFixture, createCommunityFixture, SMALL_COUNTY } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi, tableFingerprint } from '../support/test-app';

const sum = (xs: string[]) => Money.sum(xs.map((x) => Money.of(x))).toString();

/** A settlement record of October 2026 whose fund pays `fundPaid` (self pays the rest of 1000.00). */
function record(id: string, unitCode: string, fundPaid: string, day = '15') {
  const total = Money.of('1000.00');
  return {
    externalId: id,
    unitCode,
    insuredId: `5329271990010${id.replace(/\D/g, '').padStart(5, '0')}`,
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

describe('one month of the claim cycle over HTTP, each step by its own user (SPEC §4)', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  let clock: BusinessClock;
  let t1: ApiClient; // township 1 clerk, also acting for its village clinics V1 and V2
  let t2: ApiClient;
  let leadClerk: ApiClient;
  let lead: ApiClient; // lead unit finance office
  let bureauClerk: ApiClient;
  let bureauApprover: ApiClient;
  let v1: string;
  let v2: string;

  beforeAll(async () => {
    api = await startApi();
    clock = api.app.get(BusinessClock);
    clock.fix('2026-10-31');
    f = await createCommunityFixture(api, 2);
    v1 = `${f.county}-VC-1`;
    v2 = `${f.county}-VC-2`;
    for (const v of [v1, v2])
      await f.admin.must('POST', '/api/v1/institutions', {
        code: v,
        name: `村卫生室 ${v}`,
        type: 'VILLAGE_CLINIC',
        countyCode: f.county,
        communityCode: f.community,
        parentCode: f.townships[0],
      });
    await approvedAllocation(f, 2026);
    t1 = await f.as(['MEMBER_CLERK'], f.townships[0]);
    t2 = await f.as(['MEMBER_CLERK'], f.townships[1]);
    leadClerk = await f.as(['MEMBER_CLERK'], f.lead);
    lead = await f.as(['LEAD_FINANCE'], f.lead);
    bureauClerk = await f.as(['BUREAU_CLERK'], f.bureau);
    bureauApprover = await f.as(['BUREAU_APPROVER'], f.bureau);
  });
  afterAll(() => api.close());

  it('runs submission, pre-review, declaration, deduction, approval, disbursement and both pass-downs, reconciling to the fen', async () => {
    // 1. Members submit records settled in October, the township including its two village clinics.
    const t1Records = [
      record('T1-1', f.townships[0], '300.00'),
      record('T1-2', f.townships[0], '120.55'),
      record('T1-3', v1, '80.10'),
      record('T1-4', v1, '45.00'),
      record('T1-5', v2, '66.66'),
      record('T1-6', v2, '33.34'),
    ];
    const t2Records = [record('T2-1', f.townships[1], '200.00'), record('T2-2', f.townships[1], '99.99')];
    const leadRecords = [record('L-1', f.lead, '800.00'), record('L-2', f.lead, '700.01')];
    for (const [client, records] of [
      [t1, t1Records],
      [t2, t2Records],
      [leadClerk, leadRecords],
    ] as const) {
      const stored = await client.post('/api/v1/settlement-records', { records });
      expect(stored.status).toBe(201);
      // The answer says which claim (and month) the records landed in.
      const [claim] = await client.items('/api/v1/member-claims?period=2026-10');
      expect(stored.body.claims).toEqual([
        { period: '2026-10', claimId: claim.id, institutionCode: claim.institutionCode, records: records.length, rolledOver: [] },
      ]);
    }
    const claimOf = async (client: ApiClient) => (await client.items('/api/v1/member-claims?period=2026-10'))[0];
    const t1Claim = await claimOf(t1);
    expect(t1Claim).toMatchObject({ institutionCode: f.townships[0], state: 'OPEN', records: 6, claimed: '645.65', cutoff: '2026-11-03' });
    // A township sees its own claim only.
    expect((await t2.items('/api/v1/member-claims?period=2026-10')).map((c: { institutionCode: string }) => c.institutionCode)).toEqual([
      f.townships[1],
    ]);
    // Each caller is offered what it may do now: the township submits its own claim; the lead unit,
    // which reads every claim of its community, is offered nothing on a member's open claim and is refused.
    expect(t1Claim.allowedActions).toEqual(['submit']);
    expect((await lead.must('GET', `/api/v1/member-claims/${t1Claim.id}`)).allowedActions).toEqual([]);
    expect(
      (await lead.items('/api/v1/member-claims?period=2026-10&state=OPEN')).map((c: { allowedActions: string[] }) => c.allowedActions),
    ).toEqual([[], [], []]);
    expect((await lead.post(`/api/v1/member-claims/${t1Claim.id}/submit`, { version: t1Claim.version })).status).toBe(403);
    expect((await leadClerk.post(`/api/v1/member-claims/${t1Claim.id}/submit`, { version: t1Claim.version })).body.code).toBe(
      'NOT_THE_CLAIMANT',
    );

    for (const client of [t1, t2, leadClerk]) {
      const claim = await claimOf(client);
      const submitted = await client.must('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
      expect(submitted).toMatchObject({ state: 'SUBMITTED', late: false, submittedOn: '2026-10-31' });
    }
    // Submitted claims are closed: a record settled in October that arrives now goes into November.
    clock.fix('2026-11-02');
    const late = await t2.post('/api/v1/settlement-records', { records: [record('T2-LATE', f.townships[1], '10.00', '30')] });
    expect(late.status).toBe(201);
    const november = (await t2.items('/api/v1/member-claims?period=2026-11'))[0];
    expect(november).toMatchObject({
      state: 'OPEN',
      records: 1,
      claimed: '10.00',
    });
    expect(late.body.claims).toEqual([
      {
        period: '2026-11',
        claimId: november.id,
        institutionCode: f.townships[1],
        records: 1,
        rolledOver: [{ settledIn: '2026-10', records: 1 }],
      },
    ]);

    // 2. The lead unit pre-reviews: two records rejected with reason codes, the rest accepted.
    const claims = await lead.items('/api/v1/member-claims?period=2026-10&state=SUBMITTED');
    expect(claims).toHaveLength(3);
    const recordsOf = async (claimId: number) =>
      (await lead.items(`/api/v1/member-claims/${claimId}/records?pageSize=500`)) as {
        id: string;
        externalId: string;
        insuredMasked: string;
      }[];
    const t1Rows = await recordsOf(t1Claim.id);
    const t2Claim = claims.find((c: { institutionCode: string }) => c.institutionCode === f.townships[1]);
    const t2Rows = await recordsOf(t2Claim.id);
    expect(t1Rows[0].insuredMasked).toMatch(/\*/);
    const idOf = (rows: { id: string; externalId: string }[], externalId: string) => rows.find((r) => r.externalId === externalId)!.id;
    const missingReason = await lead.post(`/api/v1/member-claims/${t1Claim.id}/review`, {
      decisions: [{ recordId: idOf(t1Rows, 'T1-4'), decision: 'REJECT' }],
    });
    expect(missingReason.status).toBe(400);
    expect(missingReason.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'decisions.0.reason' })]));
    await lead.must('POST', `/api/v1/member-claims/${t1Claim.id}/review`, {
      decisions: [{ recordId: idOf(t1Rows, 'T1-4'), decision: 'REJECT', reason: 'OUT_OF_CATALOGUE' }],
    });
    await lead.must('POST', `/api/v1/member-claims/${t2Claim.id}/review`, {
      decisions: [{ recordId: idOf(t2Rows, 'T2-2'), decision: 'REJECT', reason: 'OTHER', note: '结算单据缺失' }],
    });
    // Declaring before pre-review is complete is refused and names the claims.
    clock.fix('2026-11-04');
    const early = await lead.post(`/api/v1/communities/${f.community}/declarations`, { period: '2026-10' });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('CLAIMS_UNDER_REVIEW');
    // Pre-review does not end while records are still PENDING, unless the reviewer accepts them.
    for (const c of await lead.items('/api/v1/member-claims?period=2026-10&state=SUBMITTED')) {
      const pending = (await lead.items(`/api/v1/member-claims/${c.id}/records?reviewStatus=PENDING&pageSize=500`)).length;
      expect(pending).toBeGreaterThan(0);
      const before = await tableFingerprint(api.dataSource);
      const refused = await lead.post(`/api/v1/member-claims/${c.id}/complete-review`, { version: c.version });
      expect([refused.status, refused.body.code, refused.body.details]).toEqual([
        409,
        'RECORDS_PENDING',
        [{ field: 'acceptPending', rule: 'noPendingRecords', message: `${pending} record(s) PENDING` }],
      ]);
      expect(refused.body.message).toContain(`${pending} record(s) PENDING`);
      expect(await tableFingerprint(api.dataSource)).toBe(before);
      const notBoolean = await lead.post(`/api/v1/member-claims/${c.id}/complete-review`, { version: c.version, acceptPending: 'yes' });
      expect([notBoolean.status, notBoolean.body.details?.[0]?.field]).toEqual([400, 'acceptPending']);
      expect(
        await lead.must('POST', `/api/v1/member-claims/${c.id}/complete-review`, { version: c.version, acceptPending: true }),
      ).toMatchObject({
        state: 'REVIEWED',
        pending: '0.00',
        acceptedPending: pending,
        reviewedOn: '2026-11-04',
        allowedActions: ['reopenReview', 'declare'],
      });
    }
    // A township's claim is never settled by the bureau (that is for private institutions): not offered, and refused.
    const reviewedT1 = await bureauApprover.must('GET', `/api/v1/member-claims/${t1Claim.id}`);
    expect(reviewedT1).toMatchObject({ state: 'REVIEWED', allowedActions: [] });
    expect((await t1.must('GET', `/api/v1/member-claims/${t1Claim.id}`)).allowedActions).toEqual([]);
    const settleTownship = await bureauApprover.post(`/api/v1/member-claims/${t1Claim.id}/private-payment`, {
      version: reviewedT1.version,
    });
    expect([settleTownship.status, settleTownship.body.code]).toEqual([409, 'NOT_A_PRIVATE_CLAIM']);

    // 3. The lead unit declares by the 5th.
    const declared = await lead.must('POST', `/api/v1/communities/${f.community}/declarations`, { period: '2026-10' });
    const claimed = sum([...t1Records, ...t2Records, ...leadRecords].map((r) => r.fundPaid));
    const rejected = sum(['45.00', '99.99']);
    expect(declared).toMatchObject({
      state: 'DECLARED',
      deadline: '2026-11-05',
      late: false,
      records: 10,
      claimed,
      rejected,
      accepted: Money.of(claimed).minus(Money.of(rejected)).toString(),
    });

    // 4. The bureau clerk deducts one of V2's records; an approver (not the clerk) approves.
    const t1Rows2 = await recordsOf(t1Claim.id);
    const deducted = await bureauClerk.must('POST', `/api/v1/declarations/${declared.id}/deductions`, {
      deductions: [{ recordId: idOf(t1Rows2, 'T1-6'), reason: 'OVER_STANDARD' }],
    });
    expect(deducted).toMatchObject({ deducted: '33.34', approved: Money.of(declared.accepted).minus(Money.of('33.34')).toString() });
    const rejectedDeduction = await bureauClerk.post(`/api/v1/declarations/${declared.id}/deductions`, {
      deductions: [{ recordId: idOf(t1Rows2, 'T1-4'), reason: 'OVER_STANDARD' }],
    });
    expect(rejectedDeduction.status).toBe(422);
    expect(deducted.allowedActions).toEqual(['completeReview']);
    expect((await lead.must('GET', `/api/v1/declarations/${declared.id}`)).allowedActions).toEqual([]);
    const reviewed = await bureauClerk.must('POST', `/api/v1/declarations/${declared.id}/complete-review`, { version: deducted.version });
    // Maker-checker: the clerk who reviewed it is offered no approval, and is refused one.
    expect(reviewed.allowedActions).toEqual([]);
    expect((await bureauApprover.must('GET', `/api/v1/declarations/${declared.id}`)).allowedActions).toEqual(['return', 'approve']);
    expect((await bureauClerk.post(`/api/v1/declarations/${declared.id}/approve`, { version: reviewed.version })).status).toBe(403);
    const approved = await bureauApprover.must('POST', `/api/v1/declarations/${declared.id}/approve`, { version: reviewed.version });
    const approvedAmount = Money.of(declared.accepted).minus(Money.of('33.34')).toString();
    expect(approved).toMatchObject({
      state: 'APPROVED',
      approved: approvedAmount,
      funded: approvedAmount,
      unfunded: '0.00',
      deposit: '0.00',
      cash: approvedAmount,
      paymentDue: '2026-12-03',
    });

    // 5. The bureau records the disbursement, dated.
    clock.fix('2026-11-20');
    const disbursed = await bureauClerk.must('POST', `/api/v1/declarations/${declared.id}/disbursement`, {
      version: approved.version,
      disbursedOn: '2026-11-20',
      reference: 'BK-2026-11-0042',
    });
    expect(disbursed).toMatchObject({ state: 'DISBURSED', disbursedOn: '2026-11-20', paymentLate: false });
    // Each claim follows its money: funded by the disbursement; the lead unit's own share needs no transfer.
    const claimNow = async (client: ApiClient, id: number) => client.must('GET', `/api/v1/member-claims/${id}`);
    expect(await claimNow(t1, t1Claim.id)).toMatchObject({
      state: 'FUNDED',
      submittedOn: '2026-10-31',
      reviewedOn: '2026-11-04',
      declaredOn: '2026-11-04',
      fundedOn: '2026-11-20',
      passedDownOn: null,
      paidOn: null,
      allowedActions: [],
    });
    const leadOwnClaim = await claimOf(leadClerk);
    expect(leadOwnClaim).toMatchObject({ state: 'PASSED_DOWN', fundedOn: '2026-11-20', passedDownOn: '2026-11-20' });

    // 6. The lead passes each member's approved amount down within 5 working days (Fri 20 Nov → Fri 27 Nov).
    const passDowns = await lead.items(`/api/v1/pass-downs?declarationId=${declared.id}`);
    const amountTo = (code: string) => passDowns.find((p: { payeeCode: string }) => p.payeeCode === code);
    expect(amountTo(f.townships[0])).toMatchObject({
      level: 'MEMBER',
      amount: sum(['300.00', '120.55', '80.10', '66.66']),
      state: 'DUE',
      deadline: '2026-11-27',
      receivedOn: '2026-11-20',
    });
    expect(amountTo(f.townships[1])).toMatchObject({ amount: '200.00', state: 'DUE', deadline: '2026-11-27' });
    expect(amountTo(f.lead)).toMatchObject({ amount: '1500.01', state: 'PAID' }); // the lead unit's own share
    expect(sum(passDowns.map((p: { amount: string }) => p.amount))).toBe(approvedAmount);
    // A township cannot record the lead's payment.
    const t1Down = amountTo(f.townships[0]);
    expect(t1Down.allowedActions).toEqual(['pay']);
    expect((await t1.must('GET', `/api/v1/pass-downs/${t1Down.id}`)).allowedActions).toEqual([]);
    expect([403, 404]).toContain(
      (await t1.post(`/api/v1/pass-downs/${t1Down.id}/payment`, { version: t1Down.version, paidOn: '2026-11-20' })).status,
    );
    clock.fix('2026-11-24');
    for (const code of f.townships) {
      const p = amountTo(code);
      expect(await lead.must('POST', `/api/v1/pass-downs/${p.id}/payment`, { version: p.version, paidOn: '2026-11-24' })).toMatchObject({
        state: 'PAID',
        late: false,
        allowedActions: [],
      });
    }
    expect(await claimNow(t1, t1Claim.id)).toMatchObject({ state: 'PASSED_DOWN', fundedOn: '2026-11-20', passedDownOn: '2026-11-24' });

    // 7. The township passes its villages' amounts down within 5 working days of receipt (Tue 24 Nov → Tue 1 Dec).
    const villageDowns = await t1.items('/api/v1/pass-downs?state=DUE');
    expect(villageDowns.map((p: { payeeCode: string; amount: string; deadline: string }) => [p.payeeCode, p.amount, p.deadline])).toEqual([
      [v1, '80.10', '2026-12-01'],
      [v2, '66.66', '2026-12-01'],
    ]);
    const toV1 = villageDowns[0];
    clock.fix('2026-11-25');
    await t1.must('POST', `/api/v1/pass-downs/${toV1.id}/payment`, { version: toV1.version, paidOn: '2026-11-25' });
    clock.fix('2026-12-02');
    const inbox = await t1.must('GET', '/api/v1/inbox');
    expect(inbox.items.filter((i: { kind: string }) => i.kind === 'passDownDue')).toEqual([
      expect.objectContaining({ institutionCode: v2, amount: '66.66', deadline: '2026-12-01', overdue: true }),
    ]);
    const toV2 = villageDowns[1];
    expect(await t1.must('POST', `/api/v1/pass-downs/${toV2.id}/payment`, { version: toV2.version, paidOn: '2026-12-02' })).toMatchObject({
      state: 'PAID',
      late: true,
    });

    // Every amount reconciles with the ledger.
    const summary = await lead.must('GET', `/api/v1/communities/${f.community}/periods/2026-10/summary`);
    expect(summary).toMatchObject({
      claimed,
      rejected,
      deducted: '33.34',
      approved: approvedAmount,
      funded: approvedAmount,
      disbursed: approvedAmount,
      passedDownToMembers: approvedAmount,
      passedDownToVillages: '146.76',
      outstanding: { atBureau: '0.00', atLeadUnit: '0.00', atTownships: '0.00' },
      reconciled: true,
    });
    const ledger = await bureauClerk.must('GET', `/api/v1/counties/${f.county}/ledger/2026/accounts`);
    expect(ledger.reconciled).toBe(true);
    const balance = (code: string) => ledger.items.find((a: { code: string }) => a.code === code)?.balance;
    expect(balance(`MEMBER_FUNDS:${v1}`)).toBe('80.10');
    expect(balance(`MEMBER_FUNDS:${v2}`)).toBe('66.66');
    expect(balance(`MEMBER_FUNDS:${f.townships[0]}`)).toBe('420.55');
    expect(balance(`MEMBER_FUNDS:${f.townships[1]}`)).toBe('200.00');
    expect(balance(`MEMBER_FUNDS:${f.lead}`)).toBe('1500.01');
    expect(balance(`COMMUNITY_HELD:${f.community}`)).toBe('0.00');
    expect(balance(`BUREAU_PAYABLE:${f.community}`)).toBe('0.00');
    // Every step left an audit entry (this county's: other test files share the database).
    const audit = await api.dataSource.query(
      "SELECT action FROM audit_log WHERE actor_institution LIKE ? AND (action LIKE 'memberClaim.%' OR action LIKE 'declaration.%' OR action LIKE 'passDown.%')",
      [`${f.county}-%`],
    );
    expect(new Set(audit.map((a: { action: string }) => a.action))).toEqual(
      new Set([
        'memberClaim.submit',
        'memberClaim.reviewRecords',
        'memberClaim.completeReview',
        'declaration.declare',
        'declaration.deduct',
        'declaration.completeReview',
        'declaration.approve',
        'declaration.disburse',
        'memberClaim.fund',
        'memberClaim.passDown',
        'passDown.pay',
      ]),
    );
  });
});

describe('closed claim periods (SPEC §4 step 1, §11)', () => {
  let api: RunningApi;
  let f: CommunityFixture;

  beforeAll(async () => {
    api = await startApi({ BUSINESS_DATE: '2027-01-04' });
    f = await createCommunityFixture(api, 1);
  });
  afterAll(() => api.close());

  it('refuses a record that would roll out of its fund year, naming row and field, and stores nothing', async () => {
    const clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
    const december = { ...record('D-1', f.townships[0], '10.00'), visitDate: '2026-12-20', settlementDate: '2026-12-20' };
    const january = { ...record('J-1', f.townships[0], '10.00'), visitDate: '2027-01-02', settlementDate: '2027-01-02' };
    const refused = await clerk.post('/api/v1/settlement-records', { records: [january, december] });
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([expect.objectContaining({ row: 2, field: 'settlementDate', rule: 'periodClosed' })]);
    const [{ n }] = await api.dataSource.query(
      'SELECT COUNT(*) AS n FROM settlement_record r JOIN institution i ON i.id = r.submitter_id WHERE i.code = ?',
      [f.townships[0]],
    );
    expect(Number(n)).toBe(0);
    // The January record alone goes into January.
    expect((await clerk.post('/api/v1/settlement-records', { records: [january] })).status).toBe(201);
    expect((await clerk.items('/api/v1/member-claims'))[0]).toMatchObject({ period: '2027-01', records: 1 });
  });
});

describe('the package, private institutions and the quarterly advance (SPEC §4), one API', () => {
  let api: RunningApi;
  let clock: BusinessClock;

  beforeAll(async () => {
    api = await startApi();
    clock = api.app.get(BusinessClock);
  });
  afterAll(() => api.close());

  /** A fresh county with one township, the business date at the end of October 2026. */
  async function community(): Promise<CommunityFixture> {
    clock.fix('2026-10-31');
    return createCommunityFixture(api, 1);
  }

  describe('the package cap, out-of-county settlements, the quality deposit and disbursement holds (SPEC §4)', () => {
    it('funds no more than M in total, records the rest as unfunded, withholds the deposit and waits for a hold to be lifted', async () => {
      const f = await community();
      const allocation = await approvedAllocation(f, 2026, SMALL_COUNTY);
      expect(allocation.figures.communityPackage).toBe('7225.00');
      const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
      const approver = await f.as(['BUREAU_APPROVER'], f.bureau);
      const lead = await f.as(['LEAD_FINANCE'], f.lead);
      const township = await f.as(['MEMBER_CLERK'], f.townships[0]);
      const params = await clerk.must('GET', `/api/v1/counties/${f.county}/policy-parameters/2026`);
      await clerk.must('PUT', `/api/v1/counties/${f.county}/policy-parameters/2026`, {
        version: params.version,
        qualityDepositRate: '0.05',
      });
      expect(
        (await clerk.post(`/api/v1/communities/${f.community}/quarterly-advances`, { fundYear: 2026, quarter: 4, paidOn: '2026-10-09' }))
          .body.code,
      ).toBe('ADVANCE_MODE_OFF');

      // Out-of-county settlements count against M.
      const ooc = (id: string, fundPaid: string) => ({
        externalId: id,
        hospitalName: '昆明医科大学第一附属医院',
        insuredId: `53292719800101${id.slice(-4)}`,
        settlementDate: '2026-10-12',
        totalCost: '5000.00',
        fundPaid,
      });
      const bad = await clerk.post(`/api/v1/communities/${f.community}/out-of-county-settlements`, {
        period: '2026-10',
        records: [ooc('OC-0001', '3000.00'), ooc('OC-0002', '5000.01')],
      });
      expect(bad.status).toBe(422);
      expect(bad.body.details).toEqual([expect.objectContaining({ row: 2, field: 'fundPaid', rule: 'notAboveTotal' })]);
      const batch = { period: '2026-10', records: [ooc('OC-0001', '3000.00'), ooc('OC-0002', '3800.00')] };
      expect(await clerk.must('POST', `/api/v1/communities/${f.community}/out-of-county-settlements`, batch)).toMatchObject({
        stored: 2,
        total: '6800.00',
        funded: '6800.00',
        unfunded: '0.00',
      });
      expect(await clerk.must('POST', `/api/v1/communities/${f.community}/out-of-county-settlements`, batch)).toMatchObject({
        stored: 0,
        duplicates: 2,
      });

      // A month approved at 600.00 finds only 425.00 left of M.
      await township.must('POST', '/api/v1/settlement-records', {
        records: [record('C-1', f.townships[0], '350.00'), record('C-2', f.townships[0], '250.00')],
      });
      const claim = (await township.items('/api/v1/member-claims?period=2026-10'))[0];
      await township.must('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
      const submitted = await lead.must('GET', `/api/v1/member-claims/${claim.id}`);
      await lead.must('POST', `/api/v1/member-claims/${claim.id}/complete-review`, { version: submitted.version, acceptPending: true });
      clock.fix('2026-11-06');
      const declared = await lead.must('POST', `/api/v1/communities/${f.community}/declarations`, { period: '2026-10' });
      expect(declared).toMatchObject({ deadline: '2026-11-05', late: true });
      const reviewed = await clerk.must('POST', `/api/v1/declarations/${declared.id}/complete-review`, { version: declared.version });
      const approved = await approver.must('POST', `/api/v1/declarations/${declared.id}/approve`, { version: reviewed.version });
      expect(approved).toMatchObject({ approved: '600.00', funded: '425.00', unfunded: '175.00', deposit: '21.25', cash: '403.75' });
      // Approving again changes nothing.
      expect(await approver.must('POST', `/api/v1/declarations/${declared.id}/approve`, { version: reviewed.version })).toMatchObject({
        version: approved.version,
        funded: '425.00',
      });

      // A hold suspends the disbursement until lifted.
      const hold = await clerk.must('POST', `/api/v1/communities/${f.community}/holds`, { reason: '评审整改逾期未完成' });
      const held = await clerk.post(`/api/v1/declarations/${declared.id}/disbursement`, {
        version: approved.version,
        disbursedOn: '2026-11-06',
        reference: 'BK-1',
      });
      expect(held.status).toBe(409);
      expect(held.body.code).toBe('DISBURSEMENT_HELD');
      await approver.must('POST', `/api/v1/holds/${hold.id}/lift`, { version: hold.version, note: '已整改' });
      const disbursed = await clerk.must('POST', `/api/v1/declarations/${declared.id}/disbursement`, {
        version: approved.version,
        disbursedOn: '2026-11-06',
        reference: 'BK-1',
      });
      expect(disbursed.state).toBe('DISBURSED');
      const passDowns = await lead.items(`/api/v1/pass-downs?declarationId=${declared.id}`);
      expect(passDowns.map((p: { payeeCode: string; amount: string }) => [p.payeeCode, p.amount])).toEqual([[f.townships[0], '403.75']]);

      const ledger = await clerk.must('GET', `/api/v1/counties/${f.county}/ledger/2026/accounts`);
      const balance = (code: string) => ledger.items.find((a: { code: string }) => a.code === code)?.balance;
      expect(ledger.reconciled).toBe(true);
      expect(balance(`COMMUNITY_PACKAGE:${f.community}`)).toBe('0.00');
      expect(balance(`OUT_OF_COUNTY:${f.community}`)).toBe('6800.00');
      expect(balance(`QUALITY_DEPOSIT:${f.community}`)).toBe('21.25');
      expect(balance(`COMMUNITY_HELD:${f.community}`)).toBe('403.75');
      const summary = await lead.must('GET', `/api/v1/communities/${f.community}/periods/2026-10/summary`);
      expect(summary).toMatchObject({
        funded: '425.00',
        unfunded: '175.00',
        deposit: '21.25',
        disbursed: '403.75',
        outstanding: { atBureau: '0.00', atLeadUnit: '403.75' },
        outOfCounty: { records: 2, funded: '6800.00' },
        reconciled: true,
      });
    });
  });

  describe('private designated institutions: total-control monthly payments (SPEC §4, 总额控制结算)', () => {
    it('pays approved claims up to budget × months / 12 less the 5% deposit, from the private pool, month after month', async () => {
      const f = await community();
      await approvedAllocation(f, 2026, SMALL_COUNTY);
      const p1 = `${f.county}-PRV-1`;
      const p2 = `${f.county}-PRV-2`;
      for (const code of [p1, p2])
        await f.admin.must('POST', '/api/v1/institutions', {
          code,
          name: `民营医院 ${code}`,
          type: 'PRIVATE_DESIGNATED',
          countyCode: f.county,
        });
      const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
      const approver = await f.as(['BUREAU_APPROVER'], f.bureau);
      const lead = await f.as(['LEAD_FINANCE'], f.lead);
      const hospital = await f.as(['PRIVATE_CLERK'], p1);

      const over = await clerk.call('PUT', `/api/v1/counties/${f.county}/private-budgets/2026`, {
        budgets: [
          { institutionCode: p1, amount: '1200.00' },
          { institutionCode: p2, amount: '100.00' },
        ],
      });
      expect(over.status).toBe(422);
      expect(over.body.code).toBe('PRIVATE_POOL_EXCEEDED');
      expect(
        await clerk.must('PUT', `/api/v1/counties/${f.county}/private-budgets/2026`, {
          budgets: [
            { institutionCode: p1, amount: '1200.00' },
            { institutionCode: p2, amount: '75.00' },
          ],
        }),
      ).toMatchObject({ privatePool: '1275.00', total: '1275.00' });

      const settleMonth = async (records: Record<string, unknown>[], reviewOn: string) => {
        await hospital.must('POST', '/api/v1/settlement-records', { records });
        const claim = (await hospital.items('/api/v1/member-claims?state=OPEN'))[0];
        await hospital.must('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
        clock.fix(reviewOn);
        // The bureau reviews a private institution's claim, not a lead unit.
        expect((await lead.post(`/api/v1/member-claims/${claim.id}/complete-review`, { version: claim.version + 1 })).status).toBe(403);
        const reviewed = await clerk.must('POST', `/api/v1/member-claims/${claim.id}/complete-review`, {
          version: claim.version + 1,
          acceptPending: true,
        });
        // Settling is offered to an approver, never to the clerk who reviewed it.
        expect(reviewed.allowedActions).toEqual(['reopenReview']);
        expect((await approver.must('GET', `/api/v1/member-claims/${claim.id}`)).allowedActions).toEqual(['settle']);
        expect((await clerk.post(`/api/v1/member-claims/${claim.id}/private-payment`, { version: reviewed.version })).status).toBe(403);
        return approver.must('POST', `/api/v1/member-claims/${claim.id}/private-payment`, { version: reviewed.version });
      };

      // October: 1 100.00 approved, cap 1 200 × 10 / 12 = 1 000.00.
      const october = await settleMonth([record('P-1', p1, '600.00'), record('P-2', p1, '500.00')], '2026-11-04');
      expect(october).toMatchObject({
        period: '2026-10',
        approved: '1100.00',
        cumulativeCap: '1000.00',
        funded: '1000.00',
        deposit: '50.00',
        cash: '950.00',
        unfundedToDate: '100.00',
        state: 'APPROVED',
        allowedActions: ['pay'],
      });
      expect(await approver.must('POST', `/api/v1/member-claims/${october.claimId}/private-payment`, { version: 1 })).toMatchObject({
        id: october.id,
        funded: '1000.00',
      });
      clock.fix('2026-11-06');
      expect(
        await clerk.must('POST', `/api/v1/private-payments/${october.id}/payment`, { version: october.version, paidOn: '2026-11-06' }),
      ).toMatchObject({ state: 'PAID', paidOn: '2026-11-06', allowedActions: [] });
      // The private institution's claim follows its money: settled, then paid.
      expect(await hospital.must('GET', `/api/v1/member-claims/${october.claimId}`)).toMatchObject({
        state: 'PAID',
        paidOn: '2026-11-06',
        fundedOn: null,
        allowedActions: [],
      });

      // November: 50.00 more; the cap rises to 1 100.00, so 100.00 is funded and 50.00 stays unfunded.
      clock.fix('2026-11-30');
      const november = await settleMonth(
        [{ ...record('P-3', p1, '50.00'), visitDate: '2026-11-20', settlementDate: '2026-11-20' }],
        '2026-12-02',
      );
      expect(november).toMatchObject({
        period: '2026-11',
        approvedToDate: '1150.00',
        cumulativeCap: '1100.00',
        funded: '100.00',
        deposit: '5.00',
        cash: '95.00',
        unfundedToDate: '50.00',
      });

      const ledger = await clerk.must('GET', `/api/v1/counties/${f.county}/ledger/2026/accounts`);
      const balance = (code: string) => ledger.items.find((a: { code: string }) => a.code === code)?.balance;
      expect(ledger.reconciled).toBe(true);
      expect(balance('PRIVATE_POOL')).toBe('175.00');
      expect(balance(`PRIVATE_DEPOSIT:${p1}`)).toBe('55.00');
      expect(balance(`PRIVATE_PAID:${p1}`)).toBe('950.00');
      expect(balance(`PRIVATE_PAYABLE:${p1}`)).toBe('95.00');
      expect((await clerk.must('GET', '/api/v1/inbox')).items).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: 'privatePaymentDue', id: november.id, amount: '95.00' })]),
      );
      expect((await hospital.items('/api/v1/private-payments')).map((p: { period: string }) => p.period)).toEqual(['2026-11', '2026-10']);
    });
  });

  describe('the quarterly advance mode (按季度预拨, SPEC §4)', () => {
    it('advances a share of M/4 once per quarter and offsets approved months against it before drawing cash', async () => {
      const f = await community();
      await approvedAllocation(f, 2026, SMALL_COUNTY);
      const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
      const approver = await f.as(['BUREAU_APPROVER'], f.bureau);
      const lead = await f.as(['LEAD_FINANCE'], f.lead);
      const township = await f.as(['MEMBER_CLERK'], f.townships[0]);
      const params = await clerk.must('GET', `/api/v1/counties/${f.county}/policy-parameters/2026`);
      await clerk.must('PUT', `/api/v1/counties/${f.county}/policy-parameters/2026`, {
        version: params.version,
        quarterlyAdvanceRate: '0.4',
      });
      const advance = await clerk.must('POST', `/api/v1/communities/${f.community}/quarterly-advances`, {
        fundYear: 2026,
        quarter: 4,
        paidOn: '2026-10-09',
      });
      expect(advance).toMatchObject({ amount: '722.50', rate: '0.4' }); // 7 225.00 / 4 × 0.4
      expect(
        await clerk.must('POST', `/api/v1/communities/${f.community}/quarterly-advances`, {
          fundYear: 2026,
          quarter: 4,
          paidOn: '2026-10-09',
        }),
      ).toMatchObject({ id: advance.id, amount: '722.50' });

      await township.must('POST', '/api/v1/settlement-records', {
        records: [record('A-1', f.townships[0], '600.00'), record('A-2', f.townships[0], '400.00')],
      });
      const claim = (await township.items('/api/v1/member-claims?period=2026-10'))[0];
      const submitted = await township.must('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
      await lead.must('POST', `/api/v1/member-claims/${claim.id}/complete-review`, { version: submitted.version, acceptPending: true });
      clock.fix('2026-11-04');
      const declared = await lead.must('POST', `/api/v1/communities/${f.community}/declarations`, { period: '2026-10' });
      const reviewed = await clerk.must('POST', `/api/v1/declarations/${declared.id}/complete-review`, { version: declared.version });
      const approved = await approver.must('POST', `/api/v1/declarations/${declared.id}/approve`, { version: reviewed.version });
      expect(approved).toMatchObject({ approved: '1000.00', funded: '1000.00', advanceOffset: '722.50', cash: '277.50', unfunded: '0.00' });
      await clerk.must('POST', `/api/v1/declarations/${declared.id}/disbursement`, {
        version: approved.version,
        disbursedOn: '2026-11-04',
        reference: 'BK-2',
      });
      expect((await lead.items(`/api/v1/pass-downs?declarationId=${declared.id}`)).map((p: { amount: string }) => p.amount)).toEqual([
        '1000.00',
      ]);

      const ledger = await clerk.must('GET', `/api/v1/counties/${f.county}/ledger/2026/accounts`);
      const balance = (code: string) => ledger.items.find((a: { code: string }) => a.code === code)?.balance;
      expect(balance(`LEAD_ADVANCE:${f.community}`)).toBe('0.00');
      expect(balance(`COMMUNITY_HELD:${f.community}`)).toBe('1000.00');
      expect(balance(`COMMUNITY_PACKAGE:${f.community}`)).toBe('6225.00');
      expect((await lead.must('GET', `/api/v1/communities/${f.community}/periods/2026-10/summary`)).reconciled).toBe(true);
    });
  });
});
