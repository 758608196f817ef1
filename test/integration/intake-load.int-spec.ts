import { SettlementRecordRepository } from '../../src/modules/claims/settlement-record.repository';
import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { RunningApi, startApi } from '../support/test-app';

/** The intake loads rows with LOAD DATA LOCAL INFILE where the server allows it; MySQL 8 ships with it off. */
describe('bulk loading of settlement records', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  let original: number;
  const tricky = 'tab\there \\N back\\slash\nnew line 中文';

  const batch = (prefix: string) =>
    Array.from({ length: 25 }, (_, i) => ({
      externalId: `${prefix}-${i}`,
      unitCode: f.townships[0],
      insuredId: `53292719900101${1000 + i}`,
      visitType: 'OUTPATIENT',
      visitDate: '2026-10-08',
      settlementDate: '2026-10-08',
      totalCost: '10.00',
      coveredCost: '10.00',
      fundPaid: '5.00',
      criticalIllnessPaid: '0',
      medicalAidPaid: '0',
      selfPaid: '5.00',
      referralNo: i === 3 ? tricky : null,
    }));

  beforeAll(async () => {
    api = await startApi({ BUSINESS_DATE: '2026-10-31' }); // the records are settled in October 2026
    f = await createCommunityFixture(api, 1);
    [{ v: original }] = await api.dataSource.query('SELECT @@GLOBAL.local_infile AS v');
  });
  afterAll(() => api.close());

  async function submitAndCheck(prefix: string): Promise<void> {
    const clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
    const res = await clerk.post('/api/v1/settlement-records', { records: batch(prefix) });
    expect(res.body).toMatchObject({ stored: 25, errors: [] });
    const rows: { external_id: string; referral_no: string | null }[] = await api.dataSource.query(
      'SELECT external_id, referral_no FROM settlement_record WHERE external_id LIKE ? ORDER BY id',
      [`${prefix}-%`],
    );
    expect(rows).toHaveLength(25);
    expect(rows.find((r) => r.external_id === `${prefix}-3`)!.referral_no).toBe(tricky);
    expect(rows.filter((r) => r.referral_no === null)).toHaveLength(24);
  }

  it('stores every field exactly, separators, backslashes, NULLs and Chinese included', async () => {
    await submitAndCheck('LOAD');
    expect(api.app.get(SettlementRecordRepository).bulkLoadMethod()).toBe(Number(original) ? 'load-data' : 'insert');
  });

  it('falls back to multi-row INSERT when the server refuses LOAD DATA LOCAL', async () => {
    await api.dataSource.query('SET GLOBAL local_infile = 0');
    try {
      await submitAndCheck('NOLOAD');
    } finally {
      await api.dataSource.query(`SET GLOBAL local_infile = ${Number(original) ? 1 : 0}`);
    }
  });
});

describe('bulk loading with BULK_LOAD=insert (a database whose LOAD DATA LOCAL is missing or different)', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  beforeAll(async () => {
    api = await startApi({ BUSINESS_DATE: '2026-10-31', BULK_LOAD: 'insert' });
    f = await createCommunityFixture(api, 1);
  });
  afterAll(() => api.close());

  it('never tries LOAD DATA, whatever the server allows, and stores the rows as the load would', async () => {
    expect(api.app.get(SettlementRecordRepository).bulkLoadMethod()).toBe('insert');
    const clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
    const prefix = `INS${Date.now().toString(36)}`;
    const records = Array.from({ length: 25 }, (_, i) => ({
      externalId: `${prefix}-${i}`,
      unitCode: f.townships[0],
      insuredId: `53292719900101${1000 + i}`,
      visitType: 'OUTPATIENT',
      visitDate: '2026-10-08',
      settlementDate: '2026-10-08',
      totalCost: '10.00',
      coveredCost: '10.00',
      fundPaid: '5.00',
      criticalIllnessPaid: '0',
      medicalAidPaid: '0',
      selfPaid: '5.00',
      referralNo: i === 3 ? 'tab\there 中文' : null,
    }));
    expect((await clerk.post('/api/v1/settlement-records', { records })).body).toMatchObject({ stored: 25, errors: [] });
    const rows = await api.dataSource.query('SELECT referral_no FROM settlement_record WHERE external_id LIKE ? ORDER BY id', [
      `${prefix}-%`,
    ]);
    expect(rows).toHaveLength(25);
    expect(rows[3].referral_no).toBe('tab\there 中文');
    expect(api.app.get(SettlementRecordRepository).bulkLoadMethod()).toBe('insert');
  });
});
