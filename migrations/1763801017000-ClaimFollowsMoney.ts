import { MigrationInterface, QueryRunner } from 'typeorm';

const STATES_BEFORE = "'OPEN','SUBMITTED','REVIEWED','DECLARED','ROLLED_OVER','SETTLED'";
const STATES_AFTER = "'OPEN','SUBMITTED','REVIEWED','DECLARED','ROLLED_OVER','FUNDED','PASSED_DOWN','SETTLED','PAID'";

/**
 * A member claim follows its money past the declaration (SPEC §4 steps 5–6): FUNDED when the
 * bureau's disbursement is recorded, PASSED_DOWN when the lead unit's pass-down is paid; a
 * private institution's claim is PAID when its payment is. Each step's date is kept, and claims
 * already further along are brought to the state and dates their money shows.
 */
export class ClaimFollowsMoney1763801017000 implements MigrationInterface {
  name = 'ClaimFollowsMoney1763801017000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE member_claim DROP CONSTRAINT ck_member_claim_state');
    await q.query(`ALTER TABLE member_claim ADD CONSTRAINT ck_member_claim_state CHECK (state IN (${STATES_AFTER}))`);
    await q.query(`
      ALTER TABLE member_claim
        ADD COLUMN reviewed_on DATE NULL AFTER reviewed_by,
        ADD COLUMN declared_on DATE NULL AFTER reviewed_on,
        ADD COLUMN funded_on DATE NULL AFTER declaration_id,
        ADD COLUMN passed_down_on DATE NULL AFTER funded_on,
        ADD COLUMN paid_on DATE NULL AFTER passed_down_on`);
    await q.query(`
      UPDATE member_claim c JOIN claim_declaration d ON d.id = c.declaration_id
         SET c.declared_on = d.declared_on`);
    await q.query(`
      UPDATE member_claim c JOIN claim_declaration d ON d.id = c.declaration_id
         SET c.state = 'FUNDED', c.funded_on = d.disbursed_on, c.version = c.version + 1
       WHERE c.state = 'DECLARED' AND d.state = 'DISBURSED'`);
    await q.query(`
      UPDATE member_claim c JOIN pass_down p ON p.declaration_id = c.declaration_id AND p.payee_id = c.institution_id AND p.level = 'MEMBER'
         SET c.state = 'PASSED_DOWN', c.passed_down_on = p.paid_on, c.version = c.version + 1
       WHERE c.state = 'FUNDED' AND p.state = 'PAID'`);
    await q.query(`
      UPDATE member_claim c JOIN private_payment p ON p.claim_id = c.id
         SET c.state = 'PAID', c.paid_on = p.paid_on, c.version = c.version + 1
       WHERE c.state = 'SETTLED' AND p.state = 'PAID'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("UPDATE member_claim SET state = 'DECLARED' WHERE state IN ('FUNDED','PASSED_DOWN')");
    await q.query("UPDATE member_claim SET state = 'SETTLED' WHERE state = 'PAID'");
    await q.query('ALTER TABLE member_claim DROP CONSTRAINT ck_member_claim_state');
    await q.query(`ALTER TABLE member_claim ADD CONSTRAINT ck_member_claim_state CHECK (state IN (${STATES_BEFORE}))`);
    await q.query(
      'ALTER TABLE member_claim DROP COLUMN reviewed_on, DROP COLUMN declared_on, DROP COLUMN funded_on, DROP COLUMN passed_down_on, DROP COLUMN paid_on',
    );
  }
}
