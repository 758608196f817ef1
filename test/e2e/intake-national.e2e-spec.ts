import ExcelJS from 'exceljs';
import { BusinessClock } from '../../src/common/business-clock';
import { approveOctober, paidRecord } from '../support/claim-month';
import { approvedAllocation, CommunityFixture, createCommunityFixture, SMALL_COUNTY } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi } from '../support/test-app';

const NATIONAL_HEADER = [
  'setl_id',
  'mdtrt_id',
  'psn_no',
  'insutype',
  'med_type',
  'setl_time',
  'begndate',
  'enddate',
  'medfee_sumamt',
  'inscp_scp_amt',
  'hifp_pay',
  'hifmi_pay',
  'maf_pay',
  'psn_cash_pay',
  'fixmedins_code',
  'refd_setl_flag',
  'init_setl_id',
  'clr_type',
  'dise_codg',
];

/** One settlement of the national extract: an outpatient visit whose fund pays all of `amount` (negative for a refund). */
function nationalRow(setlId: string, fixmedins: string, amount: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    setl_id: setlId,
    mdtrt_id: `MD-${setlId}`,
    psn_no: '53292719900101123456',
    insutype: '390',
    med_type: '11',
    setl_time: '2026-10-08 09:30:00',
    begndate: '2026-10-08 09:00:00',
    enddate: '2026-10-08 09:20:00',
    medfee_sumamt: amount,
    inscp_scp_amt: amount,
    hifp_pay: amount,
    hifmi_pay: '0.00',
    maf_pay: '0.00',
    psn_cash_pay: '0.00',
    fixmedins_code: fixmedins,
    refd_setl_flag: '0',
    init_setl_id: '',
    clr_type: '11',
    dise_codg: 'J06.9',
    ...over,
  };
}
const refundRow = (setlId: string, of: string, fixmedins: string, amount: string, over: Record<string, string> = {}) =>
  nationalRow(setlId, fixmedins, `-${amount}`, { refd_setl_flag: '1', init_setl_id: of, ...over });
const csvOf = (rows: Record<string, string>[]) =>
  [NATIONAL_HEADER.join(','), ...rows.map((r) => NATIONAL_HEADER.map((h) => r[h] ?? '').join(','))].join('\n');

describe('the national settlement extract and refunds (退费, 冲销)', () => {
  let api: RunningApi;
  let clock: BusinessClock;

  beforeAll(async () => {
    api = await startApi();
    clock = api.app.get(BusinessClock);
  });
  afterAll(() => api.close());

  async function submitOctober(client: ApiClient): Promise<void> {
    const [claim] = await client.items('/api/v1/member-claims?period=2026-10');
    await client.must('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
  }

  async function setNationalCode(f: CommunityFixture, code: string, nationalCode: string): Promise<void> {
    const inst = await f.admin.must('GET', `/api/v1/institutions/${code}`);
    const patched = await f.admin.must('PATCH', `/api/v1/institutions/${code}`, { version: inst.version, nationalCode });
    expect(patched.nationalCode).toBe(nationalCode);
  }

  it('a month in the national layout, with refunds and other insurance types mixed in, gives the same figures as in our own format, net of refunds', async () => {
    const nat = await createCommunityFixture(api, 1);
    const own = await createCommunityFixture(api, 1);
    await approvedAllocation(nat, 2026, SMALL_COUNTY);
    await approvedAllocation(own, 2026, SMALL_COUNTY);
    const natLead = `H${nat.county}L`.replace(/[^0-9A-Za-z]/g, '');
    const natTown = `H${nat.county}T`.replace(/[^0-9A-Za-z]/g, '');
    await setNationalCode(nat, nat.lead, natLead);
    await setNationalCode(nat, nat.townships[0], natTown);

    const natLeadClerk = await nat.as(['MEMBER_CLERK'], nat.lead);
    const natTownClerk = await nat.as(['MEMBER_CLERK'], nat.townships[0]);
    clock.fix('2026-10-31');
    // The township's file goes through the upload: a refund of part of a visit, an employee-insurance row, a pharmacy row.
    const upload = await natTownClerk.upload(
      '/api/v1/settlement-records/upload',
      csvOf([
        nationalRow('T-1', natTown, '900.00'),
        nationalRow('T-2', natTown, '300.00'),
        refundRow('T-R1', 'T-2', natTown, '100.00', { setl_time: '2026-10-20 10:00:00' }),
        nationalRow('T-E1', natTown, '500.00', { insutype: '310' }),
        nationalRow('T-P1', natTown, '80.00', { med_type: '41', clr_type: '41' }),
        nationalRow('T-X1', 'H99999', '70.00'),
      ]),
      'october-national.csv',
    );
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ received: 6, stored: 3, rejected: 0, orphans: 0 });
    expect(
      upload.body.reported.map((r: { row: number; rule: string; externalId: string }) => `${r.row}:${r.externalId}:${r.rule}`),
    ).toEqual(['5:T-E1:otherInsurance', '6:T-P1:notCounted', '7:T-X1:notCountyUnit']);
    await submitOctober(natTownClerk);
    const declaredNational = await approveOctober(nat, clock, [
      [
        natLeadClerk,
        [
          nationalRow('L-1', natLead, '6000.00'),
          refundRow('L-R1', 'L-1', natLead, '250.00'),
          nationalRow('L-E1', natLead, '999.00', { insutype: '310' }),
        ],
      ],
    ]);

    const ownLeadClerk = await own.as(['MEMBER_CLERK'], own.lead);
    const ownTownClerk = await own.as(['MEMBER_CLERK'], own.townships[0]);
    const refund = (id: string, of: string, unit: string, amount: string, date = '2026-10-08') => ({
      ...paidRecord(id, unit, `-${amount}`),
      medicalAidPaid: '-0.00',
      selfPaid: '-0.00',
      criticalIllnessPaid: '-0.00',
      visitDate: date,
      settlementDate: date,
      refundOf: of,
    });
    clock.fix('2026-10-31');
    await ownTownClerk.must('POST', '/api/v1/settlement-records', {
      records: [
        paidRecord('T-1', own.townships[0], '900.00'),
        paidRecord('T-2', own.townships[0], '300.00'),
        refund('T-R1', 'T-2', own.townships[0], '100.00', '2026-10-20'),
      ],
    });
    await submitOctober(ownTownClerk);
    const declaredOwn = await approveOctober(own, clock, [
      [ownLeadClerk, [paidRecord('L-1', own.lead, '6000.00'), refund('L-R1', 'L-1', own.lead, '250.00')]],
    ]);
    // Township: 900 + 300 − 100; lead: 6000 − 250.
    expect(declaredNational.approved).toBe('6850.00');
    expect(declaredOwn.approved).toBe(declaredNational.approved);
    for (const key of ['claimed', 'approved', 'rejected', 'deducted', 'primaryApproved'])
      if (key in declaredOwn) expect(declaredNational[key]).toBe(declaredOwn[key]);
  });

  describe('refund cases', () => {
    let f: CommunityFixture;
    let clerk: ApiClient;
    let village: string;
    const refund = (id: string, of: string, unit: string, amount: string, date = '2026-10-20') => ({
      ...paidRecord(id, unit, `-${amount}`),
      medicalAidPaid: '0.00',
      selfPaid: '0.00',
      criticalIllnessPaid: '0.00',
      visitDate: date,
      settlementDate: date,
      refundOf: of,
    });
    const fundOfClaim = async (period: string): Promise<string> => {
      const [claim] = await clerk.items(`/api/v1/member-claims?period=${period}`);
      const [row] = await api.dataSource.query(
        'SELECT COALESCE(SUM(r.fund_paid), 0) AS s FROM settlement_record r JOIN institution i ON i.id = r.submitter_id WHERE i.code = ? AND r.claim_period = ?',
        [f.townships[0], period],
      );
      expect(claim).toBeDefined();
      return String(row.s);
    };

    beforeAll(async () => {
      f = await createCommunityFixture(api, 1);
      await approvedAllocation(f, 2026, SMALL_COUNTY);
      village = `${f.county}-VC-1`;
      await f.admin.must('POST', '/api/v1/institutions', {
        code: village,
        name: '村卫生室',
        type: 'VILLAGE_CLINIC',
        countyCode: f.county,
        communityCode: f.community,
        parentCode: f.townships[0],
      });
      clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
      clock.fix('2026-10-31');
      await clerk.must('POST', '/api/v1/settlement-records', {
        records: [paidRecord('O-1', f.townships[0], '500.00'), paidRecord('O-V', village, '200.00')],
      });
    });

    it('a refund of an original still unclaimed nets inside its claim', async () => {
      const res = await clerk.post('/api/v1/settlement-records', { records: [refund('R-1', 'O-1', f.townships[0], '120.00')] });
      expect(res.status).toBe(201);
      expect(res.body.claims.map((c: { period: string }) => c.period)).toEqual(['2026-10']);
      expect(await fundOfClaim('2026-10')).toBe('580.00');
    });

    it('refuses a refund of more than remains of its original, counting earlier refunds', async () => {
      const res = await clerk.post('/api/v1/settlement-records', { records: [refund('R-2', 'O-1', f.townships[0], '380.01')] });
      expect(res.status).toBe(422);
      expect(res.body.details).toEqual([expect.objectContaining({ row: 1, rule: 'moreThanRemains' })]);
      const resent = await clerk.post('/api/v1/settlement-records', { records: [refund('R-1', 'O-1', f.townships[0], '120.00')] });
      expect(resent.body).toMatchObject({ stored: 0, duplicates: 1 });
    });

    it("refuses a refund whose original is another unit's", async () => {
      const res = await clerk.post('/api/v1/settlement-records', { records: [refund('R-3', 'O-V', f.townships[0], '10.00')] });
      expect(res.status).toBe(422);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'refundOf', rule: 'originalOtherUnit' })]);
    });

    it('holds a refund whose original has not arrived, applies it when the original comes, and lets the lead drop another', async () => {
      const held = await clerk.post('/api/v1/settlement-records', {
        records: [refund('R-4', 'O-2', f.townships[0], '50.00'), refund('R-5', 'O-9', f.townships[0], '5.00')],
      });
      expect(held.body).toMatchObject({ stored: 0, orphans: 2 });
      const lead = await f.as(['LEAD_FINANCE'], f.lead);
      const waiting = await lead.items('/api/v1/refund-orphans?state=WAITING');
      expect(waiting.map((o: { externalId: string }) => o.externalId).sort()).toEqual(['R-4', 'R-5']);
      expect(waiting[0].allowedActions).toEqual(['drop']);
      await clerk.must('POST', '/api/v1/settlement-records', { records: [paidRecord('O-2', f.townships[0], '300.00')] });
      const after = await lead.items('/api/v1/refund-orphans');
      expect(after.find((o: { externalId: string }) => o.externalId === 'R-4').state).toBe('APPLIED');
      expect(await fundOfClaim('2026-10')).toBe('830.00');
      const r5 = after.find((o: { externalId: string }) => o.externalId === 'R-5');
      const dropped = await lead.must('POST', `/api/v1/refund-orphans/${r5.id}/drop`, { reason: '原结算不在本县' });
      expect(dropped).toMatchObject({ state: 'DROPPED', decidedBy: expect.any(String), allowedActions: [] });
      const again = await lead.post(`/api/v1/refund-orphans/${r5.id}/drop`, { reason: 'x' });
      expect(again.status).toBe(409);
      const audit = await api.dataSource.query("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'settlement.refund-orphan.%'");
      expect(Number(audit[0].n)).toBeGreaterThanOrEqual(4);
    });

    it('a refund of an original in an approved declaration enters the next open period; the declaration never reopens', async () => {
      const g = await createCommunityFixture(api, 1);
      await approvedAllocation(g, 2026, SMALL_COUNTY);
      const c = await g.as(['MEMBER_CLERK'], g.townships[0]);
      const declared = await approveOctober(g, clock, [[c, [paidRecord('A-1', g.townships[0], '400.00')]]]);
      expect(declared.approved).toBe('400.00');
      clock.fix('2026-11-06');
      const res = await c.post('/api/v1/settlement-records', { records: [refund('A-R1', 'A-1', g.townships[0], '150.00', '2026-11-05')] });
      expect(res.status).toBe(201);
      expect(res.body.claims.map((x: { period: string }) => x.period)).toEqual(['2026-11']);
      const bureau = await g.as(['BUREAU_CLERK'], g.bureau);
      const again = await bureau.must('GET', `/api/v1/declarations/${declared.id}`);
      expect(again.approved).toBe('400.00');
      const [nov] = await c.items('/api/v1/member-claims?period=2026-11');
      expect(nov).toBeDefined();
    });
  });

  it('takes the national layout as XLSX too, reporting the rows of other units', async () => {
    const f = await createCommunityFixture(api, 1);
    const code = `X${f.county}`.replace(/[^0-9A-Za-z]/g, '');
    await setNationalCode(f, f.townships[0], code);
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('结算信息');
    sheet.addRow(NATIONAL_HEADER);
    for (const r of [nationalRow('X-1', code, '120.00'), nationalRow('X-2', 'H00000', '30.00'), refundRow('X-R1', 'X-1', code, '20.00')])
      sheet.addRow(NATIONAL_HEADER.map((h) => r[h] ?? ''));
    const content = Buffer.from(await wb.xlsx.writeBuffer());
    clock.fix('2026-10-31');
    const res = await (await f.as(['MEMBER_CLERK'], f.townships[0])).upload('/api/v1/settlement-records/upload', content, 'october.xlsx');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      received: 3,
      stored: 2,
      rejected: 0,
      reported: [{ row: 3, externalId: 'X-2', rule: 'notCountyUnit' }],
    });
    const [row] = await api.dataSource.query(
      'SELECT SUM(r.fund_paid) AS s FROM settlement_record r JOIN institution i ON i.id = r.submitter_id WHERE i.code = ?',
      [f.townships[0]],
    );
    expect(String(row.s)).toBe('100.00');
  });

  it('the national code is a registry field: set by import, left alone by an import without the column, unique', async () => {
    const f = await createCommunityFixture(api, 2);
    const [t1, t2] = f.townships;
    const withCode = `code,name,type,countyCode,communityCode,nationalCode\n${t1},乡镇一,TOWNSHIP_CENTER,${f.county},${f.community},N${t1.replace(/[^0-9A-Za-z]/g, '')}`;
    const first = await f.admin.upload('/api/v1/institutions/import', withCode, 'codes.csv');
    expect(first.body).toMatchObject({ updated: 1, rejected: 0 });
    expect((await f.admin.must('GET', `/api/v1/institutions/${t1}`)).nationalCode).toBe(`N${t1.replace(/[^0-9A-Za-z]/g, '')}`);
    const without = `code,name,type,countyCode,communityCode\n${t1},乡镇一,TOWNSHIP_CENTER,${f.county},${f.community}`;
    const second = await f.admin.upload('/api/v1/institutions/import', without, 'names.csv');
    expect(second.body).toMatchObject({ updated: 0, unchanged: 1 });
    expect((await f.admin.must('GET', `/api/v1/institutions/${t1}`)).nationalCode).toBe(`N${t1.replace(/[^0-9A-Za-z]/g, '')}`);
    const other = await f.admin.must('GET', `/api/v1/institutions/${t2}`);
    const taken = await f.admin.patch(`/api/v1/institutions/${t2}`, {
      version: other.version,
      nationalCode: `N${t1.replace(/[^0-9A-Za-z]/g, '')}`,
    });
    expect(taken.status).toBe(422);
    expect(taken.body.details).toEqual([expect.objectContaining({ field: 'nationalCode', rule: 'unique' })]);
  });

  it('the code tables are data: ADMIN edits them, others read them', async () => {
    const f = await createCommunityFixture(api, 1);
    const codes = await f.admin.items('/api/v1/national-codes?kind=insutype');
    expect(codes.find((c: { code: string }) => c.code === '390')).toMatchObject({ name: '城乡居民基本医疗保险', counts: true });
    const saved = await f.admin.must('PUT', '/api/v1/national-codes/med_type/99', {
      name: '其他门诊',
      counts: true,
      visitType: 'OUTPATIENT',
    });
    expect(saved).toMatchObject({ kind: 'med_type', code: '99', counts: true });
    const refused = await f.admin.post('/api/v1/national-codes/med_type/98', { name: 'x', counts: true });
    expect([404, 405]).toContain(refused.status);
    const clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
    const forbidden = await clerk.call('PUT', '/api/v1/national-codes/med_type/98', { name: 'x', counts: false });
    expect(forbidden.status).toBe(403);
    const invalid = await f.admin.call('PUT', '/api/v1/national-codes/med_type/97', { name: '外伤', counts: true });
    expect(invalid.status).toBe(422);
    await f.admin.must('DELETE', '/api/v1/national-codes/med_type/99');
  });
});
