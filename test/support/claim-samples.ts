import { CommunityFixture } from './registry-fixtures';
import { RunningApi } from './test-app';

export interface ClaimSamples {
  ids: { township: number; lead: number; community: number; county: number };
  claim: number;
  declaration: number;
  passDown: number;
  notification: number;
}

/**
 * Claim-cycle records of the fixture's first township, stored directly: for tests about who may
 * reach them, not how they came about. A September 2026 claim in `claimState`, a declared
 * September, the lead unit's pass-down to the township and a notification of the township.
 */
export async function storeClaimSamples(api: RunningApi, f: CommunityFixture, claimState = 'OPEN'): Promise<ClaimSamples> {
  const [ids] = await api.dataSource.query(
    `SELECT (SELECT id FROM institution WHERE code = ?) AS township, (SELECT id FROM institution WHERE code = ?) AS lead,
            (SELECT id FROM medical_community WHERE code = ?) AS community, (SELECT id FROM county WHERE code = ?) AS county`,
    [f.townships[0], f.lead, f.community, f.county],
  );
  const claim = await api.dataSource.query(
    "INSERT INTO member_claim (institution_id, community_id, county_id, period, state, cutoff) VALUES (?, ?, ?, '2026-09', ?, '2026-10-03')",
    [ids.township, ids.community, ids.county, claimState],
  );
  const declaration = await api.dataSource.query(
    "INSERT INTO claim_declaration (community_id, county_id, fund_year, period, state, deadline, deadline_confirmed, declared_on, declared_by, late, record_count, payment_due, payment_due_confirmed) VALUES (?, ?, 2026, '2026-09', 'DECLARED', '2026-10-09', 1, '2026-10-08', 'x', 0, 0, '2026-11-06', 1)",
    [ids.community, ids.county],
  );
  const passDown = await api.dataSource.query(
    "INSERT INTO pass_down (declaration_id, level, payer_id, payee_id, received_on, deadline, deadline_confirmed, state) VALUES (?, 'MEMBER', ?, ?, '2026-10-20', '2026-10-27', 1, 'DUE')",
    [declaration.insertId, ids.lead, ids.township],
  );
  const notification = await api.dataSource.query(
    "INSERT INTO notification (institution_id, kind, severity, dedup_key, subject_type, subject_id, message) VALUES (?, 'PASS_DOWN_OVERDUE', 'WARNING', ?, 'passDown', '1', 'x')",
    [ids.township, `samples.${f.county}`],
  );
  return {
    ids,
    claim: Number(claim.insertId),
    declaration: Number(declaration.insertId),
    passDown: Number(passDown.insertId),
    notification: Number(notification.insertId),
  };
}
