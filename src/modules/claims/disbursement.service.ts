import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { deadlineStatus, DECLARATION_LIFECYCLE } from '../../domain/claim-cycle';
import { disbursementPostings } from '../../domain/claim-postings';
import { assertDisbursementDate, assertNotHeld } from '../../domain/declaration';
import { Money } from '../../domain/money';
import { receivedByLead } from '../../domain/pass-down';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { notFound, staleVersion } from '../../common/record-errors';
import { AuditService } from '../audit';
import { PolicyParametersService } from '../fund-year';
import { LedgerService } from '../ledger';
import { declarationSnapshot, declarationView, DeclarationView } from './claim.views';
import { DeclarationRepository, DeclarationRow } from './declaration.repository';
import { DisbursementHoldRepository } from './disbursement-hold.repository';
import { MemberClaimRepository } from './member-claim.repository';
import { claimFollowsMoney } from './claim-money';
import { PassDownService } from './pass-down.service';
import { Transactions } from './transactions';

/**
 * The bureau's disbursement of an approved declaration to the lead unit (SPEC §4 step 5), dated;
 * refused while a disbursement hold is in force. The lead's pass-downs to its members fall due
 * from that date.
 */
@Injectable()
export class DisbursementService {
  constructor(
    private readonly transactions: Transactions,
    private readonly declarations: DeclarationRepository,
    private readonly claims: MemberClaimRepository,
    private readonly holds: DisbursementHoldRepository,
    private readonly passDowns: PassDownService,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly parameters: PolicyParametersService,
    private readonly clock: BusinessClock,
  ) {}

  async disburse(caller: Caller, id: number, version: number, disbursedOn: string, reference: string): Promise<DeclarationView> {
    return this.transactions.run(async (manager) => {
      const row = await this.row(manager, id, true);
      if (row.state === 'DISBURSED' && row.disbursed_on === disbursedOn && row.disbursement_ref === reference)
        return this.view(manager, row, caller);
      DECLARATION_LIFECYCLE.apply(row.state, 'disburse');
      if (row.version !== version) throw staleVersion(row.version);
      assertNotHeld(row.community_code, await this.holds.active(manager, row.community_id));
      const today = this.clock.today();
      assertDisbursementDate(disbursedOn, row.declared_on, today);
      const before = await this.view(manager, row, caller);
      await this.ledger.post(
        manager,
        row.county_id,
        row.fund_year,
        disbursementPostings({ id, communityCode: row.community_code, period: row.period }, Money.of(row.cash), reference),
        { type: 'declaration', id: String(id) },
      );
      await this.declarations.update(manager, id, {
        state: 'DISBURSED',
        disbursed_on: disbursedOn,
        disbursed_by: caller.name,
        disbursement_ref: reference,
        payment_late: deadlineStatus(row.payment_due, disbursedOn, today).late ? 1 : 0,
      });
      // Every claim the declaration carries is funded with it (拨付).
      for (const claim of await this.claims.ofDeclaration(manager, id)) {
        await claimFollowsMoney(manager, this.claims, this.audit, claim, 'fund', disbursedOn);
      }
      const after = await this.view(manager, await this.row(manager, id, false), caller);
      const terms = await this.parameters.terms(manager, { id: row.county_id, code: '' }, row.fund_year);
      await this.passDowns.createMemberPassDowns(manager, {
        id,
        countyId: row.county_id,
        fundYear: row.fund_year,
        communityId: row.community_id,
        communityCode: row.community_code,
        period: row.period,
        received: receivedByLead(Money.of(row.funded), Money.of(row.deposit)),
        receivedOn: disbursedOn,
        passDownWorkingDays: terms.passDownWorkingDays,
      });
      await this.audit.record(manager, {
        action: 'declaration.disburse',
        entityType: 'declaration',
        entityId: String(id),
        before: declarationSnapshot(before),
        after: declarationSnapshot(after),
      });
      return after;
    });
  }

  private async row(manager: EntityManager, id: number, lock: boolean): Promise<DeclarationRow> {
    const row = await this.declarations.find(manager, id, lock);
    if (!row) throw notFound('declaration', String(id));
    return row;
  }

  private async view(manager: EntityManager, row: DeclarationRow, reader: Caller): Promise<DeclarationView> {
    return declarationView(row, await this.claims.membersOfDeclaration(manager, row.id), this.clock.today(), reader);
  }
}
