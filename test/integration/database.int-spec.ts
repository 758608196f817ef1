import { DataSource, DataSourceOptions } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source';
import { dropDatabase, ensureDatabase, migrateUp } from '../../src/database/database-admin';
import { Money } from '../../src/domain/money';
import { moneyTransformer } from '../../src/database/money.transformer';
import { testConfig } from '../support/test-app';

const { db } = testConfig();

async function schemaOf(ds: DataSource): Promise<string[]> {
  const rows: { TABLE_NAME: string; COLUMN_NAME: string; COLUMN_TYPE: string; IS_NULLABLE: string }[] = await ds.query(
    `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'schema_migrations' ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  );
  return rows.map((r) => `${r.TABLE_NAME}.${r.COLUMN_NAME} ${r.COLUMN_TYPE} ${r.IS_NULLABLE}`);
}

describe('database', () => {
  it('migrates up, all the way down, and up again to the same schema', async () => {
    const name = `${db.name}_roundtrip`;
    await dropDatabase(db, name);
    try {
      const applied = await migrateUp(db, name);
      expect(applied.length).toBeGreaterThan(0);
      const ds = await new DataSource(buildDataSourceOptions(db, { database: name })).initialize();
      try {
        const first = await schemaOf(ds);
        expect(first.some((c) => c.startsWith('institution.code '))).toBe(true);
        for (let i = 0; i < applied.length; i++) await ds.undoLastMigration({ transaction: 'each' });
        expect(await schemaOf(ds)).toEqual([]);
        expect(await ds.runMigrations({ transaction: 'each' })).toHaveLength(applied.length);
        expect(await schemaOf(ds)).toEqual(first);
        expect(await ds.showMigrations()).toBe(false);
      } finally {
        await ds.destroy();
      }
    } finally {
      await dropDatabase(db, name);
    }
  });

  it('brings claims already past their declaration or settlement up to the state and dates their money shows', async () => {
    const name = `${db.name}_claims_follow_money`;
    await dropDatabase(db, name);
    try {
      await migrateUp(db, name);
      const ds = await new DataSource(buildDataSourceOptions(db, { database: name })).initialize();
      try {
        // Back to the schema before claims followed their money, with a month of claims stored under it.
        while ((await ds.query('SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1'))[0].name !== 'ClaimFollowsMoney1763801017000')
          await ds.undoLastMigration({ transaction: 'each' });
        await ds.undoLastMigration({ transaction: 'each' });
        await ds.query("INSERT INTO county (id, code, name) VALUES (1, 'K', 'K')");
        await ds.query("INSERT INTO medical_community (id, code, name, county_id) VALUES (1, 'C', 'C', 1)");
        await ds.query(
          `INSERT INTO institution (id, code, name, type, county_id, community_id) VALUES
             (1, 'L', 'L', 'LEAD_HOSPITAL', 1, 1), (2, 'T1', 'T1', 'TOWNSHIP_CENTER', 1, 1), (3, 'T2', 'T2', 'TOWNSHIP_CENTER', 1, 1),
             (4, 'T3', 'T3', 'TOWNSHIP_CENTER', 1, 1), (5, 'P', 'P', 'PRIVATE_DESIGNATED', 1, NULL)`,
        );
        const declaration = (id: number, period: string, state: string, disbursedOn: string | null) =>
          ds.query(
            `INSERT INTO claim_declaration (id, community_id, county_id, fund_year, period, state, deadline, deadline_confirmed, declared_on,
               declared_by, late, record_count, payment_due, payment_due_confirmed, disbursed_on)
             VALUES (?, 1, 1, 2026, ?, ?, '2026-10-09', 1, '2026-10-08', 'x', 0, 0, '2026-11-06', 1, ?)`,
            [id, period, state, disbursedOn],
          );
        await declaration(1, '2026-09', 'DISBURSED', '2026-10-20');
        await declaration(2, '2026-10', 'APPROVED', null);
        await ds.query(
          `INSERT INTO member_claim (id, institution_id, community_id, county_id, period, state, cutoff, declaration_id) VALUES
             (1, 2, 1, 1, '2026-09', 'DECLARED', '2026-10-03', 1), (2, 3, 1, 1, '2026-09', 'DECLARED', '2026-10-03', 1),
             (3, 4, 1, 1, '2026-10', 'DECLARED', '2026-11-03', 2), (4, 5, NULL, 1, '2026-09', 'SETTLED', '2026-10-03', NULL),
             (5, 5, NULL, 1, '2026-10', 'SETTLED', '2026-11-03', NULL)`,
        );
        await ds.query(
          `INSERT INTO pass_down (declaration_id, level, payer_id, payee_id, received_on, deadline, deadline_confirmed, state, paid_on) VALUES
             (1, 'MEMBER', 1, 2, '2026-10-20', '2026-10-27', 1, 'PAID', '2026-10-23'), (1, 'MEMBER', 1, 3, '2026-10-20', '2026-10-27', 1, 'DUE', NULL)`,
        );
        const payment = (claimId: number, period: string, state: string, paidOn: string | null) =>
          ds.query(
            `INSERT INTO private_payment (claim_id, institution_id, county_id, fund_year, period, state, annual_budget, approved, approved_to_date,
               cumulative_cap, funded, deposit, cash, unfunded_to_date, approved_by, paid_on) VALUES (?, 5, 1, 2026, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 'x', ?)`,
            [claimId, period, state, paidOn],
          );
        await payment(4, '2026-09', 'PAID', '2026-10-12');
        await payment(5, '2026-10', 'APPROVED', null);

        await ds.runMigrations({ transaction: 'each' });
        const claims = await ds.query(
          `SELECT id, state, version, DATE_FORMAT(declared_on, '%Y-%m-%d') AS declared, DATE_FORMAT(funded_on, '%Y-%m-%d') AS funded,
                  DATE_FORMAT(passed_down_on, '%Y-%m-%d') AS passed, DATE_FORMAT(paid_on, '%Y-%m-%d') AS paid FROM member_claim ORDER BY id`,
        );
        expect(
          claims.map((c: Record<string, unknown>) => [Number(c.id), c.state, c.version, c.declared, c.funded, c.passed, c.paid]),
        ).toEqual([
          [1, 'PASSED_DOWN', 3, '2026-10-08', '2026-10-20', '2026-10-23', null],
          [2, 'FUNDED', 2, '2026-10-08', '2026-10-20', null, null],
          [3, 'DECLARED', 1, '2026-10-08', null, null, null],
          [4, 'PAID', 2, null, null, null, '2026-10-12'],
          [5, 'SETTLED', 1, null, null, null, null],
        ]);
      } finally {
        await ds.destroy();
      }
    } finally {
      await dropDatabase(db, name);
    }
  });

  describe('on a pooled connection', () => {
    let ds: DataSource;
    beforeAll(async () => {
      await ensureDatabase(db);
      ds = await new DataSource({ ...buildDataSourceOptions(db), poolSize: 3 } as DataSourceOptions).initialize();
    });
    afterAll(() => ds.destroy());

    it('runs every connection in strict mode and UTC, including the first one', async () => {
      const runners = [ds.createQueryRunner(), ds.createQueryRunner(), ds.createQueryRunner()];
      try {
        for (const r of runners) {
          const [row] = await r.query(
            'SELECT @@SESSION.sql_mode AS mode, @@SESSION.time_zone AS tz, @@SESSION.character_set_connection AS cs',
          );
          expect(row.mode).toContain('STRICT_ALL_TABLES');
          expect(row.mode).toContain('NO_ZERO_DATE');
          expect(row.tz).toBe('+00:00');
          expect(row.cs).toBe('utf8mb4');
        }
      } finally {
        await Promise.all(runners.map((r) => r.release()));
      }
    });

    it('refuses an over-precise amount instead of rounding it silently', async () => {
      await ds.query('CREATE TEMPORARY TABLE money_probe (amount DECIMAL(18,2) NOT NULL, d DATE NULL)');
      try {
        await expect(ds.query("INSERT INTO money_probe (amount) VALUES ('12345678901234567.00')")).rejects.toThrow(/Out of range/i);
        await expect(ds.query("INSERT INTO money_probe (amount, d) VALUES ('1.00', '2026-02-30')")).rejects.toThrow(/Incorrect date/i);
      } finally {
        await ds.query('DROP TEMPORARY TABLE money_probe');
      }
    });

    it('round-trips DECIMAL(18,2) through the Money transformer to the fen', async () => {
      const values = ['0.00', '0.01', '-0.01', '151721525.28', '9999999999999999.99', '-9999999999999999.99', '0.10'];
      const runner = ds.createQueryRunner();
      try {
        await runner.query('CREATE TEMPORARY TABLE money_probe (id INT PRIMARY KEY, amount DECIMAL(18,2) NOT NULL)');
        for (const [i, v] of values.entries()) {
          await runner.query('INSERT INTO money_probe VALUES (?, ?)', [i, moneyTransformer.to(Money.of(v))]);
        }
        const rows: { amount: string }[] = await runner.query('SELECT amount FROM money_probe ORDER BY id');
        expect(rows.map((r) => (moneyTransformer.from(r.amount) as Money).toString())).toEqual(values);
        const [sum] = await runner.query('SELECT SUM(amount) AS s FROM money_probe WHERE id IN (1, 3, 6)');
        expect((moneyTransformer.from(sum.s) as Money).toString()).toBe('151721525.39');
      } finally {
        await runner.query('DROP TEMPORARY TABLE IF EXISTS money_probe');
        await runner.release();
      }
    });
  });
});
