import { ApiProperty } from '@nestjs/swagger';
import { MEMBER_CLAIM_STATES, MemberClaimAction, MemberClaimState } from '../../../domain/claim-cycle';
import type { MemberClaimView } from '../claim.views';
import type { InboxItem } from '../cycle-views.service';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them.
// The classes implement the views they describe, so a view that changes fails the type-check here.

const MONEY = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '1234.50', description: 'yuan, two decimals' } as const;
const DATE = { type: 'string', format: 'date', example: '2026-11-03' } as const;

/** Every action of a member claim (a record, so a new action cannot be left out). */
const CLAIM_ACTIONS: Record<MemberClaimAction, true> = {
  submit: true,
  completeReview: true,
  reopenReview: true,
  declare: true,
  rollOver: true,
  settle: true,
  fund: true,
  passDown: true,
  pay: true,
};

export class MemberClaimResponse implements MemberClaimView {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'WS-TC-01' }) institutionCode!: string;
  @ApiProperty({ example: '2026-10', pattern: '^\\d{4}-\\d{2}$' }) period!: string;
  @ApiProperty({ enum: MEMBER_CLAIM_STATES }) state!: MemberClaimState;
  @ApiProperty({ description: 'optimistic version: send it back with every change' }) version!: number;
  @ApiProperty({ ...DATE, description: 'member cut-off of the period' }) cutoff!: string;
  @ApiProperty({ ...DATE, nullable: true }) submittedOn!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) submittedBy!: string | null;
  @ApiProperty({ description: 'submitted after the cut-off' }) late!: boolean;
  @ApiProperty({ type: 'string', nullable: true }) reviewedBy!: string | null;
  @ApiProperty({ ...DATE, nullable: true, description: 'pre-review finished' }) reviewedOn!: string | null;
  @ApiProperty({ ...DATE, nullable: true, description: 'declared to the bureau in its declaration' }) declaredOn!: string | null;
  @ApiProperty({ ...DATE, nullable: true, description: 'the bureau disbursed its declaration' }) fundedOn!: string | null;
  @ApiProperty({ ...DATE, nullable: true, description: 'the lead unit passed its money down' }) passedDownOn!: string | null;
  @ApiProperty({ ...DATE, nullable: true, description: 'a private institution’s payment was made' }) paidOn!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) declarationId!: number | null;
  @ApiProperty({ description: 'settlement records in the claim' }) records!: number;
  @ApiProperty(MONEY) claimed!: string;
  @ApiProperty(MONEY) pending!: string;
  @ApiProperty(MONEY) accepted!: string;
  @ApiProperty(MONEY) rejected!: string;
  @ApiProperty(MONEY) deducted!: string;
  @ApiProperty(MONEY) approved!: string;
  @ApiProperty({
    enum: Object.keys(CLAIM_ACTIONS),
    isArray: true,
    description: 'what may be done to the claim now; a console shows only these actions',
  })
  allowedActions!: MemberClaimAction[];
}

const INBOX_KINDS: Record<InboxItem['kind'], true> = {
  claimToSubmit: true,
  claimToReview: true,
  periodToDeclare: true,
  declarationToReview: true,
  declarationToApprove: true,
  disbursementDue: true,
  passDownDue: true,
  passDownExpected: true,
  privateClaimToSettle: true,
  privatePaymentDue: true,
  reserveUseToAct: true,
  disputeToAct: true,
  referralToAct: true,
};

export class InboxItemResponse implements InboxItem {
  @ApiProperty({ enum: Object.keys(INBOX_KINDS) }) kind!: InboxItem['kind'];
  @ApiProperty({ type: 'integer', nullable: true }) id!: number | null;
  @ApiProperty({ example: '2026-10' }) period!: string;
  @ApiProperty({ example: 'WS-TC-01' }) institutionCode!: string;
  @ApiProperty({ ...MONEY, nullable: true }) amount!: string | null;
  @ApiProperty({ ...DATE, nullable: true }) deadline!: string | null;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ example: '/api/v1/member-claims/12', description: 'the API path of the item' }) link!: string;
}
