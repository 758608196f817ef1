import { EntityManager } from 'typeorm';
import { MEMBER_CLAIM_LIFECYCLE } from '../../domain/claim-cycle';
import { AuditService } from '../audit';
import { ClaimRow, MemberClaimRepository } from './member-claim.repository';

/** The steps a claim takes as its money moves, and the date each one records. */
const STEP_DATE = { fund: 'funded_on', passDown: 'passed_down_on', pay: 'paid_on' } as const;
const STEP_VIEW_DATE = { fund: 'fundedOn', passDown: 'passedDownOn', pay: 'paidOn' } as const;

/**
 * Moves a claim on as its money moves (SPEC §4 steps 5–6): funded by the bureau's disbursement,
 * passed down by the lead unit, paid to a private institution. Called inside the transaction of
 * the change that causes it, so the claim and the money never disagree; audited, version bumped.
 */
export async function claimFollowsMoney(
  manager: EntityManager,
  claims: MemberClaimRepository,
  audit: Pick<AuditService, 'record'>,
  claim: ClaimRow,
  step: keyof typeof STEP_DATE,
  on: string,
): Promise<void> {
  const next = MEMBER_CLAIM_LIFECYCLE.apply(claim.state, step);
  await claims.update(manager, claim.id, { state: next, [STEP_DATE[step]]: on });
  await audit.record(manager, {
    action: `memberClaim.${step}`,
    entityType: 'memberClaim',
    entityId: String(claim.id),
    before: { state: claim.state, version: claim.version },
    after: { state: next, version: claim.version + 1, [STEP_VIEW_DATE[step]]: on },
  });
}
