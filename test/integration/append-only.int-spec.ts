import * as mysql2 from 'mysql2/promise';
import { dropDatabase, migrateUp } from '../../src/database/database-admin';
import { ACCOUNTS, TransferSpec } from '../../src/domain/ledger';
import { Money } from '../../src/domain/money';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { CountyService } from '../../src/modules/registry/county.service';
import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { RunningApi, startApi, testConfig } from '../support/test-app';

/**
 * The audit log and the ledger's transfers stay append-only under both protections:
 * AUDIT_PROTECTION=trigger (the run's database, migrated with the triggers) and
 * AUDIT_PROTECTION=app (a database migrated without triggers, as TiDB needs): there the
 * application's connections refuse the change, and a change made by another client is
 * found by the chain's verification.
 */
const triggersOf = async (api: RunningApi): Promise<string[]> =>
  (
    await api.dataSource.query(
      "SELECT trigger_name AS t FROM information_schema.triggers WHERE trigger_schema = DATABASE() AND event_object_table IN ('audit_log', 'ledger_transfer') ORDER BY trigger_name",
    )
  ).map((r: { t: string }) => r.t);

async function refusesChanges(api: RunningApi): Promise<void> {
  const [row] = await api.dataSource.query('SELECT MAX(id) AS id FROM audit_log');
  expect(Number(row.id)).toBeGreaterThan(0);
  await expect(api.dataSource.query("UPDATE audit_log SET actor = 'someone-else' WHERE id = ?", [row.id])).rejects.toThrow(
    /audit_log is append-only: UPDATE refused/,
  );
  await expect(api.dataSource.query('DELETE FROM audit_log WHERE id = ?', [row.id])).rejects.toThrow(
    /audit_log is append-only: DELETE refused/,
  );
  const [transfer] = await api.dataSource.query('SELECT id FROM ledger_transfer LIMIT 1');
  if (transfer) {
    await expect(api.dataSource.query('UPDATE ledger_transfer SET amount = 1 WHERE id = ?', [transfer.id])).rejects.toThrow(/immutable/);
    await expect(api.dataSource.query('DELETE FROM ledger_transfer WHERE id = ?', [transfer.id])).rejects.toThrow(/immutable/);
  }
  const [after] = await api.dataSource.query('SELECT MAX(id) AS id, COUNT(*) AS n FROM audit_log');
  expect(after.id).toBe(row.id);
}

describe('append-only tables, AUDIT_PROTECTION=trigger', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
    await createCommunityFixture(api, 1);
  });
  afterAll(() => api.close());

  it('has the four triggers and refuses changes through them', async () => {
    expect(await triggersOf(api)).toEqual([
      'audit_log_no_delete',
      'audit_log_no_update',
      'ledger_transfer_no_delete',
      'ledger_transfer_no_update',
    ]);
    await refusesChanges(api);
  });
});

describe('append-only tables, AUDIT_PROTECTION=app', () => {
  const env = { DB_NAME: `${process.env.DB_NAME}_apponly`, AUDIT_PROTECTION: 'app' };
  let api: RunningApi;
  let f: CommunityFixture;

  beforeAll(async () => {
    await migrateUp(testConfig(env).db);
    api = await startApi(env);
    f = await createCommunityFixture(api, 1);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    if (!process.env.KEEP_TEST_DB) await dropDatabase(testConfig(env).db, env.DB_NAME);
  });

  it('is migrated with no triggers, and the application still refuses every change, however the statement is written', async () => {
    expect(await triggersOf(api)).toEqual([]);
    await refusesChanges(api);
    const [row] = await api.dataSource.query('SELECT MAX(id) AS id FROM audit_log');
    for (const sql of [
      '/* tidy */ UPDATE `audit_log` SET actor = ? WHERE id = 0',
      'update LOW_PRIORITY audit_log a SET a.actor = ? WHERE a.id = 0',
      'UPDATE app_user u JOIN audit_log a ON a.actor = u.username SET a.actor = ? WHERE a.id = 0',
      'DELETE a FROM audit_log a WHERE a.id = ?',
      'TRUNCATE TABLE audit_log',
      'REPLACE INTO audit_log (id) VALUES (?)',
    ])
      await expect(api.dataSource.query(sql, [row.id])).rejects.toMatchObject({
        code: 'ER_SIGNAL_EXCEPTION',
        message: expect.stringMatching(/audit_log is append-only/),
      });
    // Reads and appends are untouched: the application keeps auditing.
    const before = Number((await api.dataSource.query('SELECT COUNT(*) AS n FROM audit_log'))[0].n);
    await createCommunityFixture(api, 1);
    expect(Number((await api.dataSource.query('SELECT COUNT(*) AS n FROM audit_log'))[0].n)).toBeGreaterThan(before);
  });

  it('a change made by another client is named by the chain verification', async () => {
    const auditor = await f.as(['AUDITOR'], f.bureau);
    expect((await auditor.get('/api/v1/audit/verify')).body).toMatchObject({ intact: true, firstBroken: null });
    const db = testConfig(env).db;
    const other = await mysql2.createConnection({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      database: env.DB_NAME,
    });
    try {
      const [[victim]] = (await other.query(
        "SELECT id, changes FROM audit_log WHERE entity_type = 'institution' ORDER BY id LIMIT 1",
      )) as any;
      await other.query('UPDATE audit_log SET changes = ? WHERE id = ?', [JSON.stringify({ name: [null, '改过的名字'] }), victim.id]);
      const broken = await auditor.get('/api/v1/audit/verify');
      expect(broken.body).toMatchObject({ intact: false, firstBroken: { id: String(victim.id), reason: 'hashMismatch' } });
    } finally {
      await other.end();
    }
  });

  it('refuses a protected account below zero where the database ignores CHECK constraints (as TiDB does by default)', async () => {
    // This database's CHECK on the account totals is dropped: the application's own check must refuse.
    await api.dataSource.query('ALTER TABLE ledger_account DROP CONSTRAINT ck_ledger_account_not_negative');
    const countyId = (await api.app.get(CountyService).getCounty(f.county)).id;
    const ledger = api.app.get(LedgerService);
    const t = (id: string, debit: string, credit: string, amount: string): TransferSpec => ({
      id,
      debit,
      credit,
      amount: Money.of(amount),
      memo: 'test',
    });
    const post = (transfers: TransferSpec[]) =>
      api.dataSource.transaction((m) => ledger.post(m, countyId, 2031, transfers, { type: 'test', id: 'no-check' }));
    await post([t('NC1', ACCOUNTS.fundSource, ACCOUNTS.fundPool, '100.00')]);
    await expect(
      post([t('NC2', ACCOUNTS.fundPool, ACCOUNTS.privatePool, '60.00'), t('NC3', ACCOUNTS.fundPool, ACCOUNTS.adjustmentReserve, '40.01')]),
    ).rejects.toMatchObject({ code: 'ACCOUNT_WOULD_GO_NEGATIVE', message: expect.stringContaining('NC3') });
    const balances = await ledger.balances(countyId, 2031);
    expect(balances.accounts.find((a) => a.code === ACCOUNTS.fundPool)?.balance).toBe('100.00');
    expect(balances.reconciled).toBe(true);
    expect(await post([t('NC4', ACCOUNTS.fundPool, ACCOUNTS.privatePool, '100.00')])).toEqual({ posted: 1, alreadyPosted: 0 });
  });
});
