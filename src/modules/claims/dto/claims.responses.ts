import { ApiProperty } from '@nestjs/swagger';
import {
  DECLARATION_STATES,
  DeclarationAction,
  DeclarationState,
  MEMBER_CLAIM_STATES,
  MemberClaimAction,
  MemberClaimState,
  PASS_DOWN_STATES,
  PassDownState,
  REVIEW_REASON_CODES,
  ReviewReasonCode,
} from '../../../domain/claim-cycle';
import type { DeclarationMemberView, DeclarationView, MemberClaimView } from '../claim.views';
import type { PassDownView } from '../pass-down.service';
import type { ClaimVersionEvent, ClaimVersionView, ReturnReason, WithdrawnRecordView } from '../claim-correction.repository';
import type { ClaimTotals } from '../settlement-record.repository';
import type { SampleStratum } from '../../../domain/sampling';
import type { StatementAction } from '../../../domain/unit-statement';
import { CLAIM_ADJUSTMENT_KINDS, type ClaimAdjustmentKind } from '../../../domain/claim-adjustment';
import type { SampleExtrapolationView, SampleRecordView, SampleView } from '../sample.service';
import type {
  DeclarationStatementsView,
  ReasonAmountView,
  StatementFiguresView,
  StatementResponseView,
  StatementTransferView,
  UnitStatementView,
  DeclarationFiguresView,
  StatementAdjustmentView,
} from '../statement.service';
import type { InboxItem } from '../cycle-views.service';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them.
// The classes implement the views they describe, so a view that changes fails the type-check here.

const MONEY = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '1234.50', description: 'yuan, two decimals' } as const;
const DATE = { type: 'string', format: 'date', example: '2026-11-03' } as const;

/** Every action of a member claim (a record, so a new action cannot be left out). */
const CLAIM_ACTIONS: Record<MemberClaimAction, true> = {
  submit: true,
  returnForCorrection: true,
  resubmit: true,
  completeReview: true,
  reopenReview: true,
  declare: true,
  rollOver: true,
  settle: true,
  fund: true,
  passDown: true,
  pay: true,
};

export class ReturnReasonResponse implements ReturnReason {
  @ApiProperty({ enum: REVIEW_REASON_CODES }) reason!: string;
  @ApiProperty({ type: 'string', nullable: true }) note!: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'the record it concerns, if one' }) recordId!: string | null;
}

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
  @ApiProperty({ ...DATE, nullable: true, description: 'last returned for correction (退回补正)' }) returnedOn!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) returnedBy!: string | null;
  @ApiProperty({ type: () => [ReturnReasonResponse], description: 'why it was last returned' }) returnReasons!: ReturnReasonResponse[];
  @ApiProperty({ description: 'how many times it was returned' }) returns!: number;
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
  @ApiProperty({
    ...MONEY,
    description:
      'claim-level adjustments: a negative net carried in (−) or out (+), a sample’s extrapolated deduction (−); approved = accepted − deducted + adjusted',
  })
  adjusted!: string;
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
  claimReturned: true,
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
  surplusPlanToAct: true,
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

/** Every action of a declaration (a record, so a new action cannot be left out). */
const DECLARATION_ACTIONS: Record<DeclarationAction, true> = { completeReview: true, return: true, approve: true, disburse: true };

export class DeclarationMemberResponse implements DeclarationMemberView {
  @ApiProperty({ example: 'WS-TC-01' }) institutionCode!: string;
  @ApiProperty() claimId!: number;
  @ApiProperty() records!: number;
  @ApiProperty(MONEY) claimed!: string;
  @ApiProperty(MONEY) rejected!: string;
  @ApiProperty(MONEY) accepted!: string;
  @ApiProperty(MONEY) deducted!: string;
  @ApiProperty({
    ...MONEY,
    description:
      'claim-level adjustments: a negative net carried in (−) or out (+), a sample’s extrapolated deduction (−); approved = accepted − deducted + adjusted',
  })
  adjusted!: string;
  @ApiProperty(MONEY) approved!: string;
}

export class DeclarationResponse implements DeclarationView {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'WS-MC' }) communityCode!: string;
  @ApiProperty({ example: 2026 }) fundYear!: number;
  @ApiProperty({ example: '2026-10', pattern: '^\\d{4}-\\d{2}$' }) period!: string;
  @ApiProperty({ enum: DECLARATION_STATES }) state!: DeclarationState;
  @ApiProperty({ description: 'optimistic version: send it back with every change' }) version!: number;
  @ApiProperty({ ...DATE, description: 'declaration deadline (the 5th or the next working day)' }) deadline!: string;
  @ApiProperty({ description: 'the deadline counts working days of a confirmed calendar year' }) deadlineConfirmed!: boolean;
  @ApiProperty(DATE) declaredOn!: string;
  @ApiProperty() declaredBy!: string;
  @ApiProperty({ description: 'declared after the deadline' }) late!: boolean;
  @ApiProperty() records!: number;
  @ApiProperty(MONEY) claimed!: string;
  @ApiProperty(MONEY) rejected!: string;
  @ApiProperty(MONEY) accepted!: string;
  @ApiProperty(MONEY) deducted!: string;
  @ApiProperty({
    ...MONEY,
    description:
      'claim-level adjustments: a negative net carried in (−) or out (+), a sample’s extrapolated deduction (−); approved = accepted − deducted + adjusted',
  })
  adjusted!: string;
  @ApiProperty(MONEY) approved!: string;
  @ApiProperty(MONEY) funded!: string;
  @ApiProperty(MONEY) unfunded!: string;
  @ApiProperty(MONEY) deposit!: string;
  @ApiProperty(MONEY) advanceOffset!: string;
  @ApiProperty(MONEY) cash!: string;
  @ApiProperty({ type: 'string', nullable: true }) reviewedBy!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) returnNote!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) approvedBy!: string | null;
  @ApiProperty({ ...DATE, description: 'the bureau pays by this day' }) paymentDue!: string;
  @ApiProperty() paymentDueConfirmed!: boolean;
  @ApiProperty({ description: 'approved, not disbursed, past paymentDue' }) paymentOverdue!: boolean;
  @ApiProperty({ ...DATE, nullable: true }) disbursedOn!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) disbursedBy!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) disbursementRef!: string | null;
  @ApiProperty({ description: 'disbursed after paymentDue' }) paymentLate!: boolean;
  @ApiProperty({ type: [DeclarationMemberResponse] }) members!: DeclarationMemberResponse[];
  @ApiProperty({
    enum: Object.keys(DECLARATION_ACTIONS),
    isArray: true,
    description: 'what the caller may do now; a console shows only these actions',
  })
  allowedActions!: DeclarationAction[];
}

export class PassDownResponse implements PassDownView {
  @ApiProperty() id!: number;
  @ApiProperty() declarationId!: number;
  @ApiProperty({ example: '2026-10' }) period!: string;
  @ApiProperty({ example: 'WS-MC' }) communityCode!: string;
  @ApiProperty({ enum: ['MEMBER', 'VILLAGE'] }) level!: 'MEMBER' | 'VILLAGE';
  @ApiProperty({ type: 'integer', nullable: true }) upstreamId!: number | null;
  @ApiProperty({ example: 'WS-RMYY' }) payerCode!: string;
  @ApiProperty({ example: 'WS-TC-01' }) payeeCode!: string;
  @ApiProperty(MONEY) approved!: string;
  @ApiProperty(MONEY) amount!: string;
  @ApiProperty(DATE) receivedOn!: string;
  @ApiProperty(DATE) deadline!: string;
  @ApiProperty() deadlineConfirmed!: boolean;
  @ApiProperty({ enum: PASS_DOWN_STATES }) state!: PassDownState;
  @ApiProperty() version!: number;
  @ApiProperty({ ...DATE, nullable: true }) paidOn!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) paidBy!: string | null;
  @ApiProperty({ description: 'paid after the deadline' }) late!: boolean;
  @ApiProperty({ description: 'due and past the deadline' }) overdue!: boolean;
  @ApiProperty({ enum: ['pay'], isArray: true, description: 'what the caller may do now' }) allowedActions!: 'pay'[];
}

/** A settlement record of a claim as the lead unit and the bureau review it (insured id masked). */
export class SettlementRecordResponse {
  @ApiProperty({ example: '1042' }) id!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty({ example: 'WS-TC-01' }) unitCode!: string;
  @ApiProperty({ example: 'OUTPATIENT' }) visitType!: string;
  @ApiProperty(DATE) settlementDate!: string;
  @ApiProperty({ example: '5329**********1234' }) insuredMasked!: string;
  @ApiProperty(MONEY) totalCost!: string;
  @ApiProperty(MONEY) fundPaid!: string;
  @ApiProperty({ enum: ['PENDING', 'ACCEPTED', 'REJECTED'] }) reviewStatus!: 'PENDING' | 'ACCEPTED' | 'REJECTED';
  @ApiProperty({ enum: REVIEW_REASON_CODES, nullable: true }) reviewReason!: ReviewReasonCode | null;
  @ApiProperty({ type: 'string', nullable: true }) reviewNote!: string | null;
  @ApiProperty({ enum: REVIEW_REASON_CODES, nullable: true }) deductionReason!: ReviewReasonCode | null;
  @ApiProperty({ type: 'string', nullable: true }) deductionNote!: string | null;
}

class ClaimTotalsResponse implements ClaimTotals {
  @ApiProperty() records!: number;
  @ApiProperty(MONEY) claimed!: string;
  @ApiProperty(MONEY) pending!: string;
  @ApiProperty(MONEY) accepted!: string;
  @ApiProperty(MONEY) rejected!: string;
  @ApiProperty(MONEY) deducted!: string;
  @ApiProperty({ ...MONEY, description: 'claim-level adjustments (carried negative nets, extrapolated deductions)' }) adjusted!: string;
  @ApiProperty(MONEY) approved!: string;
}

class ClaimVersionRecordResponse {
  @ApiProperty({ example: '1042' }) id!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty(MONEY) fundPaid!: string;
  @ApiProperty({ enum: ['PENDING', 'ACCEPTED', 'REJECTED'] }) reviewStatus!: string;
  @ApiProperty({ type: 'string', nullable: true }) reviewReason!: string | null;
}

export class ClaimVersionResponse implements ClaimVersionView {
  @ApiProperty({ description: '1, 2, … in order' }) seq!: number;
  @ApiProperty({ enum: ['SUBMITTED', 'RETURNED', 'RESUBMITTED'] }) event!: ClaimVersionEvent;
  @ApiProperty(DATE) actedOn!: string;
  @ApiProperty() actedBy!: string;
  @ApiProperty({ type: [ReturnReasonResponse] }) reasons!: ReturnReasonResponse[];
  @ApiProperty({ type: ClaimTotalsResponse }) totals!: ClaimTotalsResponse;
  @ApiProperty({ type: [ClaimVersionRecordResponse], description: 'the records the claim carried then' })
  records!: ClaimVersionRecordResponse[];
}

export class WithdrawnRecordResponse implements WithdrawnRecordView {
  @ApiProperty() recordId!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty(MONEY) fundPaid!: string;
  @ApiProperty(DATE) withdrawnOn!: string;
  @ApiProperty() withdrawnBy!: string;
}

export class ClaimVersionsResponse {
  @ApiProperty({ type: [ClaimVersionResponse] }) versions!: ClaimVersionResponse[];
  @ApiProperty({ type: [WithdrawnRecordResponse] }) withdrawn!: WithdrawnRecordResponse[];
}

// ---------------------------------------------------------------- samples (抽样审核)

class SampleStratumResponse implements SampleStratum {
  @ApiProperty({ example: 'WS-TC-01' }) unitCode!: string;
  @ApiProperty() population!: number;
  @ApiProperty() sampled!: number;
}

class SampleRecordResponse implements SampleRecordView {
  @ApiProperty({ example: '1042' }) id!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty() unitCode!: string;
  @ApiProperty(MONEY) fundPaid!: string;
  @ApiProperty({ enum: ['PENDING', 'ACCEPTED', 'REJECTED'] }) reviewStatus!: string;
  @ApiProperty({ type: 'string', nullable: true }) reviewReason!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) deductionReason!: string | null;
}

class SampleExtrapolationResponse implements SampleExtrapolationView {
  @ApiProperty(MONEY) sampledAmount!: string;
  @ApiProperty({ ...MONEY, description: 'rejected (a claim’s sample) or deducted (a declaration’s) among the sampled records' })
  sampledRejected!: string;
  @ApiProperty({ description: 'sampled records still PENDING: the rate is provisional while any remain' }) undecided!: number;
  @ApiProperty({ example: '0.050000', description: 'rejected ÷ sampled amount, 6 places' }) rate!: string;
  @ApiProperty() unsampledRecords!: number;
  @ApiProperty(MONEY) unsampledAmount!: string;
  @ApiProperty({ ...MONEY, description: 'unsampled × rejected ÷ sampled, half up' }) deduction!: string;
  @ApiProperty({ example: '400.01 × 50.00 ÷ 1000.00 = 20.00 (rate 0.050000)' }) calculation!: string;
  @ApiProperty({ description: 'sampled settlements (refunds are not a base of the rate)' }) sampledRecords!: number;
  @ApiProperty({ description: 'of the sampled settlements, rejected (a claim’s sample) or deducted (a declaration’s)' })
  rejectedRecords!: number;
  @ApiProperty({
    description:
      'whether the deduction was applied as an adjustment of the claim(s): a claim’s sample when its period is declared, a declaration’s when approved, if the county’s policy says so',
  })
  applied!: boolean;
  @ApiProperty({ ...MONEY, nullable: true, description: 'what was applied, null when not applied' }) appliedDeduction!: string | null;
  @ApiProperty({ description: 'the county’s policy parameter applySampleExtrapolation for the fund year (off by default)' })
  policyApplies!: boolean;
}

export class SampleResponse implements SampleView {
  @ApiProperty() id!: number;
  @ApiProperty({ enum: ['CLAIM', 'DECLARATION'] }) subject!: 'CLAIM' | 'DECLARATION';
  @ApiProperty({ type: 'integer', nullable: true }) claimId!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) declarationId!: number | null;
  @ApiProperty({ description: 'the seed: the same seed over the same records draws the same sample' }) seed!: number;
  @ApiProperty({ type: 'string', nullable: true, example: '0.1000' }) share!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) count!: number | null;
  @ApiProperty({ description: 'records the sample was drawn from' }) population!: number;
  @ApiProperty({ type: [SampleStratumResponse] }) strata!: SampleStratumResponse[];
  @ApiProperty(DATE) drawnOn!: string;
  @ApiProperty() drawnBy!: string;
  @ApiProperty({ type: [SampleRecordResponse] }) records!: SampleRecordResponse[];
  @ApiProperty({ type: SampleExtrapolationResponse }) extrapolation!: SampleExtrapolationResponse;
}

// ---------------------------------------------------------------- statements (结算单)

class ReasonAmountResponse implements ReasonAmountView {
  @ApiProperty({ enum: REVIEW_REASON_CODES }) reason!: string;
  @ApiProperty() records!: number;
  @ApiProperty(MONEY) amount!: string;
}

class StatementTransferResponse implements StatementTransferView {
  @ApiProperty() id!: string;
  @ApiProperty(MONEY) amount!: string;
  @ApiProperty() memo!: string;
  @ApiProperty({ enum: ['declaration', 'passDown'] }) referenceType!: string;
  @ApiProperty() referenceId!: string;
  @ApiProperty() postedAt!: string;
}

class StatementAnswerResponse implements StatementResponseView {
  @ApiProperty({ enum: ['CONFIRMED', 'DISPUTED'] }) response!: 'CONFIRMED' | 'DISPUTED';
  @ApiProperty({ type: 'string', nullable: true }) note!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'the dispute filed about the statement' }) disputeId!: number | null;
  @ApiProperty(DATE) respondedOn!: string;
  @ApiProperty() respondedBy!: string;
  @ApiProperty({ description: 'the figures changed since the unit answered' }) figuresChanged!: boolean;
}

class StatementMoneyFigures {
  @ApiProperty(MONEY) claimed!: string;
  @ApiProperty(MONEY) rejected!: string;
  @ApiProperty(MONEY) accepted!: string;
  @ApiProperty(MONEY) deducted!: string;
  @ApiProperty(MONEY) approved!: string;
  @ApiProperty(MONEY) funded!: string;
  @ApiProperty(MONEY) deposit!: string;
  @ApiProperty(MONEY) advanceOffset!: string;
  @ApiProperty(MONEY) cash!: string;
}

class DeclarationFiguresOfStatement extends StatementMoneyFigures implements DeclarationFiguresView {
  @ApiProperty({ ...MONEY, description: 'the claims’ adjustments together: carriedIn + carriedOut + extrapolatedDeduction of the units' })
  adjusted!: string;
}

class StatementAdjustmentResponse implements StatementAdjustmentView {
  @ApiProperty() id!: number;
  @ApiProperty({ enum: CLAIM_ADJUSTMENT_KINDS }) kind!: ClaimAdjustmentKind;
  @ApiProperty(MONEY) amount!: string;
  @ApiProperty({ example: 'declaration.7', description: 'declaration.N: carried at its approval; sample.N: its extrapolation' })
  source!: string;
  @ApiProperty({ type: 'string', nullable: true, description: 'a carried-in amount: the period it comes from' }) fromPeriod!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) sampleId!: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'a sample’s calculation (unsampled × rejected ÷ sampled)' })
  calculation!: string | null;
}

class StatementFiguresResponse extends StatementMoneyFigures implements StatementFiguresView {
  @ApiProperty({
    ...MONEY,
    description: 'the suggested deductions of the rule hits (智能审核) on the unit’s records, whatever the lead decided',
  })
  flaggedByRule!: string;
  @ApiProperty({ ...MONEY, description: 'of them, the hits the lead accepted (their records rejected in pre-review)' })
  flaggedAccepted!: string;
  @ApiProperty({
    ...MONEY,
    description: 'a negative net of earlier months carried into this claim (≤ 0), owed by the unit and offset here',
  })
  carriedIn!: string;
  @ApiProperty({
    ...MONEY,
    description: 'this month’s negative net (refunds beyond settlements) carried to the unit’s next open claim (≥ 0)',
  })
  carriedOut!: string;
  @ApiProperty({
    ...MONEY,
    description: 'a sample’s rejection rate applied to the unsampled records (≤ 0), when the county’s policy applies it',
  })
  extrapolatedDeduction!: string;
  @ApiProperty({ ...MONEY, description: 'the pass-down to the unit (its share of funded less deposit)' }) passDownDue!: string;
  @ApiProperty({ ...MONEY, description: 'of it, paid' }) passedDown!: string;
}

export class UnitStatementResponse extends StatementFiguresResponse implements UnitStatementView {
  @ApiProperty() declarationId!: number;
  @ApiProperty() communityCode!: string;
  @ApiProperty({ example: '2026-09' }) period!: string;
  @ApiProperty({ enum: DECLARATION_STATES }) declarationState!: string;
  @ApiProperty() institutionId!: number;
  @ApiProperty() institutionCode!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty() claimId!: number;
  @ApiProperty() records!: number;
  @ApiProperty({ type: [ReasonAmountResponse] }) rejectedByReason!: ReasonAmountResponse[];
  @ApiProperty({ type: [ReasonAmountResponse] }) deductedByReason!: ReasonAmountResponse[];
  @ApiProperty({ description: 'rule hits on the unit’s records' }) ruleHits!: number;
  @ApiProperty({ description: 'of them, accepted by the lead' }) ruleHitsAccepted!: number;
  @ApiProperty({ description: 'the rule hits behind flaggedByRule' }) ruleHitsLink!: string;
  @ApiProperty({
    type: [StatementAdjustmentResponse],
    description: 'the adjustments behind carriedIn, carriedOut and extrapolatedDeduction',
  })
  adjustments!: StatementAdjustmentResponse[];
  @ApiProperty({ ...DATE, nullable: true }) submittedOn!: string | null;
  @ApiProperty({ ...DATE, nullable: true }) reviewedOn!: string | null;
  @ApiProperty({ ...DATE, nullable: true }) declaredOn!: string | null;
  @ApiProperty({ ...DATE, nullable: true }) approvedOn!: string | null;
  @ApiProperty({ ...DATE, nullable: true }) fundedOn!: string | null;
  @ApiProperty({ ...DATE, nullable: true }) passDownDeadline!: string | null;
  @ApiProperty({ ...DATE, nullable: true }) passedDownOn!: string | null;
  @ApiProperty({ description: 'the claim’s records behind the figures' }) recordsLink!: string;
  @ApiProperty({ type: 'integer', nullable: true }) passDownId!: number | null;
  @ApiProperty({ type: [StatementTransferResponse], description: 'the ledger transfers of the declaration and of the unit’s pass-down' })
  transfers!: StatementTransferResponse[];
  @ApiProperty({ type: StatementAnswerResponse, nullable: true, description: 'the unit’s latest answer (对账确认 or dispute)' })
  response!: StatementAnswerResponse | null;
  @ApiProperty({ enum: ['confirm', 'dispute'], isArray: true }) allowedActions!: StatementAction[];
}

export class DeclarationStatementsResponse implements DeclarationStatementsView {
  @ApiProperty() declarationId!: number;
  @ApiProperty() communityCode!: string;
  @ApiProperty() period!: string;
  @ApiProperty({ enum: DECLARATION_STATES }) state!: string;
  @ApiProperty({ type: DeclarationFiguresOfStatement, description: 'the declaration’s own figures' })
  declaration!: DeclarationFiguresOfStatement;
  @ApiProperty({ type: StatementFiguresResponse, description: 'each column summed over the units: equal to the declaration’s' })
  totals!: StatementFiguresResponse;
  @ApiProperty({ type: [UnitStatementResponse] }) units!: UnitStatementResponse[];
}
