import type { INestApplicationContext } from '@nestjs/common';
import { OutboxService } from '../../src/queue';
import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { RunningApi, startApi, startWorker } from '../support/test-app';

/** Work a rule refuses stops, keeps its reason, and is told to the bureau once (SPEC §10.4: nothing twice). */
describe('refused work', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let f: CommunityFixture;

  beforeAll(async () => {
    api = await startApi();
    worker = await startWorker();
    f = await createCommunityFixture(api, 1);
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  async function notifications(): Promise<{ kind: string; subject_id: string; message: string }[]> {
    return api.dataSource.query(
      `SELECT n.kind, n.subject_id, n.message FROM notification n JOIN institution i ON i.id = n.institution_id
        WHERE i.code = ? AND n.kind = 'WORK_REFUSED'`,
      [f.bureau],
    );
  }

  async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
    const until = Date.now() + 20_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('a posting refused by a rule is not retried, keeps its reason and notifies the county bureau once, however often it is asked for', async () => {
    // A year end still in draft: posting it is refused (YEAR_END_NOT_APPROVED), however often it is asked for.
    const [{ id: countyId }] = await api.dataSource.query('SELECT id FROM county WHERE code = ?', [f.county]);
    const inserted = await api.dataSource.query(
      `INSERT INTO year_end_settlement (county_id, fund_year, state, options, summary, drafted_by, drafted_at)
       VALUES (?, 2026, 'DRAFT', '{}', '{}', 'test', NOW(3))`,
      [countyId],
    );
    const settlementId = Number(inserted.insertId);
    const outbox = api.app.get(OutboxService);
    for (let ask = 0; ask < 2; ask++) {
      const jobId = await api.dataSource.transaction((m) => outbox.add(m, 'yearend.post', { settlementId }, ask));
      await outbox.relay([jobId]);
      const row = await waitFor(async () => {
        const [r] = await api.dataSource.query("SELECT last_error FROM outbox WHERE job_id = ? AND last_error LIKE 'refused: %'", [jobId]);
        return r as { last_error: string } | undefined;
      }, `the refusal of ${jobId}`);
      expect(row.last_error).toBe(`refused: YEAR_END_NOT_APPROVED: year-end settlement ${settlementId} is DRAFT, not approved`);
      const runs = await api.dataSource.query('SELECT outcome FROM job_run WHERE job_id = ?', [jobId]);
      expect(runs.map((r: { outcome: string }) => r.outcome)).toEqual(['FAILED']);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const told = await notifications();
    expect(told).toHaveLength(1);
    expect(told[0].message).toContain('YEAR_END_NOT_APPROVED');
  });
});
