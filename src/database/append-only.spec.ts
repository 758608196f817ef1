import { appendOnlyRefusal } from './append-only';

describe('append-only statements (AUDIT_PROTECTION=app)', () => {
  it('refuses every way of changing the audit log or the ledger transfers', () => {
    for (const sql of [
      'UPDATE audit_log SET actor = ? WHERE id = ?',
      '  update `audit_log` set actor = 1',
      '/* note */ UPDATE IGNORE audit_log SET x = 1',
      'UPDATE app_user u, audit_log a SET a.actor = u.username',
      'DELETE FROM audit_log WHERE id = 1',
      'DELETE a FROM audit_log a JOIN app_user u ON u.username = a.actor',
      'TRUNCATE TABLE audit_log',
      'REPLACE INTO audit_log (id) VALUES (1)',
      '-- a comment\nDELETE FROM ledger_transfer',
    ])
      expect(appendOnlyRefusal(sql)).toMatch(/audit_log is append-only|ledger_transfer is immutable/);
    expect(appendOnlyRefusal('UPDATE audit_log SET x = 1')).toBe('audit_log is append-only: UPDATE refused');
    expect(appendOnlyRefusal('DELETE FROM ledger_transfer')).toBe('ledger_transfer is immutable: post a reversing transfer');
  });

  it('lets everything else through: appends, reads, and changes of other tables that mention them', () => {
    for (const sql of [
      'INSERT INTO audit_log (id, actor) VALUES (?, ?)',
      'SELECT * FROM audit_log WHERE id > ? ORDER BY id',
      'UPDATE audit_chain_head SET last_id = ?, last_hash = ? WHERE id = 1',
      "UPDATE member_claim SET note = 'audit_log' WHERE id IN (SELECT entity_id FROM audit_log)",
      'DELETE FROM outbox WHERE id IN (SELECT reference_id FROM ledger_transfer)',
      'UPDATE ledger_account SET debits_total = debits_total + ? WHERE id = ?',
      'INSERT INTO ledger_transfer (id) VALUES (?) ON DUPLICATE KEY UPDATE id = id',
      'ALTER TABLE audit_log ADD COLUMN x INT',
    ])
      expect(appendOnlyRefusal(sql)).toBeNull();
  });
});
