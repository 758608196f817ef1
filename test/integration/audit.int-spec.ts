import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { RunningApi, startApi } from '../support/test-app';

const TRIGGERS = [
  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only: UPDATE refused'",
  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only: DELETE refused'",
];

describe('tamper-evident audit trail', () => {
  let api: RunningApi;
  let f: CommunityFixture;

  beforeAll(async () => {
    api = await startApi();
    f = await createCommunityFixture(api, 1);
  });
  afterAll(() => api.close());

  it('refuses UPDATE and DELETE of audit rows through the application’s connection', async () => {
    const [row] = await api.dataSource.query('SELECT MAX(id) AS id FROM audit_log');
    await expect(api.dataSource.query("UPDATE audit_log SET actor = 'someone-else' WHERE id = ?", [row.id])).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(api.dataSource.query('DELETE FROM audit_log WHERE id = ?', [row.id])).rejects.toThrow(/append-only: DELETE refused/);
  });

  it('chains entries so that verification names the one row changed behind the application’s back', async () => {
    const auditor = await f.as(['AUDITOR'], f.bureau);
    const intact = await auditor.get('/api/v1/audit/verify');
    expect(intact.body).toMatchObject({ intact: true, firstBroken: null, headMatches: true });
    expect(intact.body.entries).toBeGreaterThan(5);

    // An operator with DDL rights lifts the guard, rewrites history, and puts the guard back.
    const [victim] = await api.dataSource.query("SELECT id, changes FROM audit_log WHERE entity_type = 'institution' ORDER BY id LIMIT 1");
    const rewrite = async (changes: string) => {
      await api.dataSource.query('DROP TRIGGER audit_log_no_update');
      try {
        await api.dataSource.query('UPDATE audit_log SET changes = ? WHERE id = ?', [changes, victim.id]);
      } finally {
        await api.dataSource.query(TRIGGERS[0]);
      }
    };
    await rewrite(JSON.stringify({ name: [null, '改过的名字'] }));
    try {
      const broken = await auditor.get('/api/v1/audit/verify');
      expect(broken.body).toMatchObject({ intact: false, firstBroken: { id: String(victim.id), reason: 'hashMismatch' } });

      // The CLI as operators run it, compiled by scripts/setup.sh.
      const cli = spawnSync(process.execPath, [path.join(__dirname, '../../dist/src/cli/audit-verify.js')], {
        env: process.env,
        encoding: 'utf8',
      });
      expect(cli.status).toBe(2);
      expect(cli.stdout).toContain(`first broken entry: ${victim.id}`);
    } finally {
      await rewrite(victim.changes);
    }
    expect((await auditor.get('/api/v1/audit/verify')).body.intact).toBe(true);
  });

  it('lets auditors query entries by entity, actor and time', async () => {
    const auditor = await f.as(['AUDITOR'], f.bureau);
    const res = await auditor.get(`/api/v1/audit?entityType=institution&entityId=${f.lead}`);
    expect(res.body.items).toEqual([
      expect.objectContaining({ action: 'institution.create', actor: f.admin.username, outcome: 'SUCCESS' }),
    ]);
    const none = await auditor.get(`/api/v1/audit?entityType=institution&entityId=${f.lead}&from=2999-01-01`);
    expect(none.body.items).toEqual([]);
  });
});
