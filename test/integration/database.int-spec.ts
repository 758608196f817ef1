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
