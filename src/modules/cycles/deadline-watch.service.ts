import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { fundYearOf, periodOf, previousPeriod } from '../../domain/claim-cycle';
import { IsoDate } from '../../domain/working-days';
import { DeadlineWatchEvents } from '../../common/deadline-watch-events';
import { CalendarService } from '../calendar';
import { PolicyParametersService } from '../fund-year';
import { DeadlineWatchRepository } from './deadline-watch.repository';
import { NewNotification, NotificationService } from './notification.service';

/** How many past months the watch looks back for undeclared periods. */
const DECLARATION_LOOKBACK_MONTHS = 3;

/**
 * The daily deadline watch of one county (SPEC §4): every item past its deadline on `today`
 * gets exactly one notification for the institution that must act — member claims with records
 * past the cut-off, periods the lead unit has not declared, declarations past the bureau's
 * payment SLA, pass-downs past their 5 working days. Running it again finds the same items and
 * creates nothing new.
 */
@Injectable()
export class DeadlineWatchService {
  constructor(
    private readonly notifications: NotificationService,
    private readonly parameters: PolicyParametersService,
    private readonly calendar: CalendarService,
    private readonly overdue: DeadlineWatchRepository,
    private readonly others: DeadlineWatchEvents,
  ) {}

  async run(
    manager: EntityManager,
    today: IsoDate,
    countyId: number,
  ): Promise<{ result: Record<string, number | string>; deliveryJobs: string[] }> {
    const found: NewNotification[] = [];

    const claims = await this.overdue.overdueClaims(manager, countyId, today);
    for (const c of claims) {
      found.push({
        institutionId: c.institution_id,
        kind: 'MEMBER_CLAIM_OVERDUE',
        severity: 'WARNING',
        dedupKey: `overdue.member-claim.${c.id}`,
        subjectType: 'memberClaim',
        subjectId: String(c.id),
        message: `${c.code}: the ${c.period} claim was due by ${c.cutoff} and has not been submitted`,
      });
    }

    const declarations = await this.undeclaredPeriods(manager, countyId, today);
    for (const d of declarations) {
      found.push({
        institutionId: d.leadId,
        kind: 'DECLARATION_OVERDUE',
        severity: 'WARNING',
        dedupKey: `overdue.declaration.${d.communityId}.${d.period}`,
        subjectType: 'community',
        subjectId: d.communityCode,
        message: `${d.communityCode}: the ${d.period} declaration was due by ${d.deadline} and has not been made`,
      });
    }

    const bureau = await this.overdue.bureauOf(manager, countyId);
    const payments = bureau !== null ? await this.overdue.overduePayments(manager, countyId, today) : [];
    for (const d of payments) {
      found.push({
        institutionId: bureau!,
        kind: 'PAYMENT_OVERDUE',
        severity: 'WARNING',
        dedupKey: `overdue.payment.${d.id}`,
        subjectType: 'declaration',
        subjectId: String(d.id),
        message: `${d.code} ${d.period}: payment was due by ${d.due} (payment SLA) and has not been disbursed`,
      });
    }

    const passDowns = await this.overdue.overduePassDowns(manager, countyId, today);
    for (const p of passDowns) {
      found.push({
        institutionId: p.payer_id,
        kind: 'PASS_DOWN_OVERDUE',
        severity: 'WARNING',
        dedupKey: `overdue.pass-down.${p.id}`,
        subjectType: 'passDown',
        subjectId: String(p.id),
        message: `${p.payer_code}: ${p.amount} for ${p.payee_code} (${p.period}) was due by ${p.deadline} and has not been passed down`,
      });
    }

    let created = 0;
    const deliveryJobs: string[] = [];
    for (const n of found) {
      const r = await this.notifications.notify(manager, n);
      if (r.created) created++;
      if (r.deliveryJob) deliveryJobs.push(r.deliveryJob);
    }
    // Deadlines other modules keep (a dispute's rectification): in this transaction too.
    const others = await this.others.watch({ manager, countyId, today });
    return {
      result: {
        date: today,
        overdueClaims: claims.length,
        overdueDeclarations: declarations.length,
        overduePayments: payments.length,
        overduePassDowns: passDowns.length,
        notificationsCreated: created,
        ...others.counts,
      },
      deliveryJobs: [...deliveryJobs, ...others.deliveryJobs],
    };
  }

  /** Periods of the last months whose declaration deadline has passed with no declaration, per community that had claims open. */
  private async undeclaredPeriods(manager: EntityManager, countyId: number, today: IsoDate) {
    const periods: string[] = [];
    for (let p = previousPeriod(periodOf(today)); periods.length < DECLARATION_LOOKBACK_MONTHS; p = previousPeriod(p)) periods.push(p);
    const rows = await this.overdue.undeclared(manager, countyId, periods);
    const out: { communityId: number; communityCode: string; period: string; deadline: string; leadId: number }[] = [];
    const deadlines = new Map<string, string>(); // one county: one deadline per period
    for (const r of rows) {
      if (r.lead_id === null) continue;
      if (!deadlines.has(r.period)) {
        const params = (await this.parameters.current(manager, { id: countyId, code: '' }, fundYearOf(r.period))).values;
        deadlines.set(r.period, (await this.calendar.cycleDeadlines(r.period, params)).declaration.deadline);
      }
      const deadline = deadlines.get(r.period)!;
      if (deadline < today) out.push({ communityId: r.community_id, communityCode: r.code, period: r.period, deadline, leadId: r.lead_id });
    }
    return out;
  }
}
