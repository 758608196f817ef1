import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BusinessClock } from '../../src/common/business-clock';
import { Money } from '../../src/domain/money';
import { describeDifference } from '../../src/domain/unit-totals';
import { TotalsReconciliationService } from '../../src/modules/claims';
import { paidRecord } from '../support/claim-month';
import { approvedAllocation, CommunityFixture, createCommunityFixture, TEST_PASSWORD } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi } from '../support/test-app';

/**
 * The per-unit claim totals (unit_period_total) on the real database: written with the declaration,
 * the bureau's deductions and the approval, equal to the records when two API processes approve two
 * months of one community at once, and a total that no longer matches its records is found.
 */
describe('per-unit claim totals', () => {
  let api: RunningApi;
  let other: RunningApi;
  let f: CommunityFixture;
  let countyId: number;

  const clocks = () => [api, other].map((a) => a.app.get(BusinessClock));
  const fix = (day: string) => clocks().forEach((c) => c.fix(day));
  const reconcile = () => api.app.get(TotalsReconciliationService).reconcile(countyId);
  const at = (record: Record<string, unknown>, day: string) => ({ ...record, visitDate: day, settlementDate: day });
  const refund = (id: string, of: string, unit: string, amount: string, day: string) => ({
    ...at(paidRecord(id, unit, `-${amount}`), day),
    medicalAidPaid: '0.00',
    selfPaid: '0.00',
    criticalIllnessPaid: '0.00',
    refundOf: of,
  });

  /** Records sent and claimed, pre-reviewed, declared on `declareOn` and (unless `stopAtDeclared`) reviewed by the bureau. */
  async function monthUpToReview(
    period: string,
    sendOn: string,
    declareOn: string,
    submissions: [ApiClient, Record<string, unknown>[]][],
    stopAtDeclared = false,
  ): Promise<any> {
    fix(sendOn);
    for (const [client, records] of submissions) {
      await client.must('POST', '/api/v1/settlement-records', { records });
      const [claim] = await client.items(`/api/v1/member-claims?period=${period}`);
      await client.must('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
    }
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    for (const c of await lead.items(`/api/v1/member-claims?period=${period}&state=SUBMITTED`))
      await lead.must('POST', `/api/v1/member-claims/${c.id}/complete-review`, { version: c.version, acceptPending: true });
    fix(declareOn);
    const declared = await lead.must('POST', `/api/v1/communities/${f.community}/declarations`, { period });
    if (stopAtDeclared) return declared;
    return (await f.as(['BUREAU_CLERK'], f.bureau)).must('POST', `/api/v1/declarations/${declared.id}/complete-review`, {
      version: declared.version,
    });
  }

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '100000' });
    other = await startApi({ RATE_LIMIT_PER_MINUTE: '100000' });
    f = await createCommunityFixture(api, 2);
    await approvedAllocation(f, 2026);
    [{ id: countyId }] = await api.dataSource.query('SELECT id FROM county WHERE code = ?', [f.county]);
  }, 120_000);
  afterAll(async () => {
    await other?.close();
    await api?.close();
  });

  it('keeps each unit’s totals with the declaration, deduction and approval, equal to the records when two processes approve two months at once', async () => {
    const leadClerk = await f.as(['MEMBER_CLERK'], f.lead);
    const town0 = await f.as(['MEMBER_CLERK'], f.townships[0]);
    const town1 = await f.as(['MEMBER_CLERK'], f.townships[1]);
    const approver = await f.as(['BUREAU_APPROVER'], f.bureau);
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);

    // August, approved: the originals of September's refund.
    const august = await monthUpToReview('2026-08', '2026-08-31', '2026-09-04', [
      [leadClerk, [at(paidRecord('A-L1', f.lead, '3000.00'), '2026-08-10'), at(paidRecord('A-L2', f.lead, '500.00'), '2026-08-11')]],
      [town0, [at(paidRecord('A-T1', f.townships[0], '800.00'), '2026-08-12')]],
    ]);
    await approver.must('POST', `/api/v1/declarations/${august.id}/approve`, { version: august.version });
    expect((await reconcile()).differences).toEqual([]);

    // September: a refund of an approved August record lands in the lead's September claim (SPEC §14).
    const september = await monthUpToReview('2026-09', '2026-09-30', '2026-10-05', [
      [leadClerk, [at(paidRecord('S-L1', f.lead, '1200.00'), '2026-09-08'), refund('S-R1', 'A-L2', f.lead, '200.00', '2026-09-20')]],
      [town0, [at(paidRecord('S-T1', f.townships[0], '450.00'), '2026-09-09')]],
    ]);
    // October: other units; the bureau deducts one record while reviewing.
    const octoberDeclared = await monthUpToReview(
      '2026-10',
      '2026-10-31',
      '2026-11-04',
      [
        [leadClerk, [paidRecord('O-L1', f.lead, '2500.00')]],
        [town1, [paidRecord('O-T1', f.townships[1], '600.00'), paidRecord('O-T2', f.townships[1], '150.00')]],
      ],
      true,
    );
    const [{ id: deductedId }] = await api.dataSource.query(
      'SELECT CAST(r.id AS CHAR) AS id FROM settlement_record r JOIN institution i ON i.id = r.submitter_id WHERE i.code = ? AND r.external_id = ?',
      [f.townships[1], 'O-T2'],
    );
    const deducted = await clerk.must('POST', `/api/v1/declarations/${octoberDeclared.id}/deductions`, {
      deductions: [{ recordId: deductedId, reason: 'OVER_STANDARD' }],
    });
    expect(deducted.approved).toBe('3100.00');
    expect((await reconcile()).differences).toEqual([]);
    const october = await clerk.must('POST', `/api/v1/declarations/${octoberDeclared.id}/complete-review`, {
      version: deducted.version,
    });

    // Two API processes approve September and October at the same moment, each in its own transaction.
    const approverElsewhere = await ApiClient.signIn(other.baseUrl, approver.username, TEST_PASSWORD);
    const [sep, oct] = await Promise.all([
      approver.must('POST', `/api/v1/declarations/${september.id}/approve`, { version: september.version }),
      approverElsewhere.must('POST', `/api/v1/declarations/${october.id}/approve`, { version: october.version }),
    ]);
    expect([sep.state, oct.state]).toEqual(['APPROVED', 'APPROVED']);
    // Lead 1200 − 200 (the refund nets) and township 450; lead 2500 and township 600 (150 deducted).
    expect([sep.approved, oct.approved]).toEqual(['1450.00', '3100.00']);

    const result = await reconcile();
    expect(result.differences.map(describeDifference)).toEqual([]);
    const totals: { period: string; code: string; state: string; records: number; approved: string }[] = await api.dataSource.query(
      `SELECT t.claim_period AS period, i.code, t.state, t.records, t.approved FROM unit_period_total t JOIN institution i ON i.id = t.unit_id
        WHERE t.county_id = ? ORDER BY t.claim_period, i.code`,
      [countyId],
    );
    expect(totals.map((t) => `${t.period} ${t.code} ${t.state} ${t.records} ${t.approved}`)).toEqual(
      [
        `2026-08 ${f.lead} APPROVED 2 3500.00`,
        `2026-08 ${f.townships[0]} APPROVED 1 800.00`,
        `2026-09 ${f.lead} APPROVED 2 1000.00`,
        `2026-09 ${f.townships[0]} APPROVED 1 450.00`,
        `2026-10 ${f.lead} APPROVED 1 2500.00`,
        `2026-10 ${f.townships[1]} APPROVED 2 600.00`,
      ].sort(),
    );
    expect(result.kept).toBe(6);
  }, 120_000);

  it('finds a total that no longer matches its records, names it, and the command exits 1 until it is put back', async () => {
    const [victim]: { id: number; claim_id: number; unit_id: number; claimed: string; approved: string; accepted: string }[] =
      await api.dataSource.query(
        'SELECT id, claim_id, unit_id, claimed, approved, accepted FROM unit_period_total WHERE county_id = ? ORDER BY id LIMIT 1',
        [countyId],
      );
    expect(victim).toBeDefined();
    // One fen more approved (and claimed and accepted, so that the row's own checks still hold).
    await api.dataSource.query(
      'UPDATE unit_period_total SET claimed = claimed + 0.01, accepted = accepted + 0.01, approved = approved + 0.01 WHERE id = ?',
      [victim.id],
    );
    const plusFen = (v: string) => Money.of(v).plus(Money.of('0.01')).toString();
    try {
      const broken = await reconcile();
      expect(broken.differences.map(describeDifference)).toEqual([
        `claim ${victim.claim_id}, unit ${victim.unit_id}: claimed kept ${plusFen(victim.claimed)}, the records give ${victim.claimed}`,
        `claim ${victim.claim_id}, unit ${victim.unit_id}: accepted kept ${plusFen(victim.accepted)}, the records give ${victim.accepted}`,
        `claim ${victim.claim_id}, unit ${victim.unit_id}: approved kept ${plusFen(victim.approved)}, the records give ${victim.approved}`,
      ]);
      // The command as operators run it (compiled by scripts/setup.sh), over the whole database.
      const cli = spawnSync(process.execPath, [path.join(__dirname, '../../dist/src/cli/reconcile-totals.js')], {
        env: process.env,
        encoding: 'utf8',
      });
      expect(cli.status).toBe(1);
      expect(cli.stdout).toContain(`claim ${victim.claim_id}, unit ${victim.unit_id}: approved kept`);
    } finally {
      await api.dataSource.query('UPDATE unit_period_total SET claimed = ?, accepted = ?, approved = ? WHERE id = ?', [
        victim.claimed,
        victim.accepted,
        victim.approved,
        victim.id,
      ]);
    }
    expect((await reconcile()).differences).toEqual([]);
    // A total removed is missing; a total the records do not back is unexpected.
    const [row] = await api.dataSource.query('SELECT * FROM unit_period_total WHERE id = ?', [victim.id]);
    await api.dataSource.query('DELETE FROM unit_period_total WHERE id = ?', [victim.id]);
    try {
      expect((await reconcile()).differences.map((d) => [d.kind, d.claimId, d.unitId])).toEqual([
        ['missing', Number(victim.claim_id), Number(victim.unit_id)],
      ]);
    } finally {
      const columns = Object.keys(row);
      await api.dataSource.query(
        `INSERT INTO unit_period_total (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        columns.map((c) => row[c]),
      );
    }
    expect((await reconcile()).differences).toEqual([]);
  });
});
