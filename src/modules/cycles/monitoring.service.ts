import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { fundYearOf, monthOf } from '../../domain/claim-cycle';
import { paymentCapacity, readBurn } from '../../domain/fund-monitoring';
import { Money } from '../../domain/money';
import { AllocationService, packageOf } from '../fund-year/allocation.service';
import { PolicyParametersService } from '../fund-year/policy-parameters.service';
import { PRIMARY_TYPES } from '../../domain/institution-registry';
import { APPROVED_RECORD_SQL, FUNDED_DECLARATION_SQL, sqlList } from '../claims/record-totals';
import { NotificationService } from './notification.service';

/**
 * Monthly monitoring of one community (月监测, SPEC §6), run after each approval and monthly:
 * the burn ratio with its projection, the primary share against the floor, and the county
 * fund's months of payment capacity. Warnings become notifications to the lead unit and the
 * bureau, once per community and period.
 */
@Injectable()
export class MonitoringService {
  constructor(
    private readonly allocations: AllocationService,
    private readonly parameters: PolicyParametersService,
    private readonly notifications: NotificationService,
  ) {}

  async run(
    manager: EntityManager,
    period: string,
    community: { id: number; code: string; countyId: number },
  ): Promise<{ result: Record<string, unknown>; deliveryJobs: string[] }> {
    const fundYear = fundYearOf(period);
    const allocation = await this.allocations.inForce(manager, community.countyId, fundYear);
    const communityPackage = packageOf(allocation, community.code);
    if (!allocation || !communityPackage)
      return { result: { communityCode: community.code, period, skipped: `no approved package for ${fundYear}` }, deliveryJobs: [] };
    const params = (await this.parameters.current(manager, { id: community.countyId, code: '' }, fundYear)).values;
    const first = `${fundYear}-01`;

    const sum = async (sql: string, args: unknown[]) => Money.of(String((await manager.query(sql, args))[0].s ?? '0'));
    const memberApproved = await sum(
      `SELECT COALESCE(SUM(approved), 0) AS s FROM claim_declaration WHERE community_id = ? AND period BETWEEN ? AND ? AND state IN ${FUNDED_DECLARATION_SQL}`,
      [community.id, first, period],
    );
    const primaryApproved = await sum(
      `SELECT COALESCE(SUM(r.fund_paid), 0) AS s
         FROM claim_declaration d JOIN member_claim c ON c.declaration_id = d.id
         JOIN settlement_record r ON r.submitter_id = c.institution_id AND r.claim_period = c.period
         JOIN institution u ON u.id = r.unit_id
        WHERE d.community_id = ? AND d.period BETWEEN ? AND ? AND d.state IN ${FUNDED_DECLARATION_SQL}
          AND ${APPROVED_RECORD_SQL} AND u.type IN ${sqlList(PRIMARY_TYPES)}`,
      [community.id, first, period],
    );
    const outOfCounty = await sum(
      'SELECT COALESCE(SUM(total), 0) AS s FROM out_of_county_import WHERE community_id = ? AND period BETWEEN ? AND ?',
      [community.id, first, period],
    );
    const burn = readBurn({
      communityPackage,
      elapsedMonths: monthOf(period),
      memberApproved,
      primaryApproved,
      outOfCounty,
      thresholds: { watch: params.burnWatch, warning: params.burnWarning, alarm: params.burnAlarm },
      primaryFloorRate: params.primaryFloorRate,
    });

    // The county fund: what was raised for the year less what the county has spent so far.
    const countyExpenditure = (
      await Promise.all([
        sum(
          `SELECT COALESCE(SUM(approved), 0) AS s FROM claim_declaration WHERE county_id = ? AND period BETWEEN ? AND ? AND state IN ${FUNDED_DECLARATION_SQL}`,
          [community.countyId, first, period],
        ),
        sum('SELECT COALESCE(SUM(o.total), 0) AS s FROM out_of_county_import o WHERE o.county_id = ? AND o.period BETWEEN ? AND ?', [
          community.countyId,
          first,
          period,
        ]),
        sum('SELECT COALESCE(SUM(approved), 0) AS s FROM private_payment WHERE county_id = ? AND period BETWEEN ? AND ?', [
          community.countyId,
          first,
          period,
        ]),
      ])
    ).reduce((a, b) => a.plus(b), Money.ZERO);
    const raised = Money.of(allocation.figures.raisedTotal);
    const capacity = paymentCapacity({
      fundBalance: raised.minus(countyExpenditure),
      expenditureToDate: countyExpenditure,
      elapsedMonths: monthOf(period),
      warningMonths: params.paymentCapacityWarningMonths,
    });

    const result = {
      communityCode: community.code,
      period,
      communityPackage: communityPackage.toString(),
      memberApproved: memberApproved.toString(),
      primaryApproved: primaryApproved.toString(),
      outOfCounty: outOfCounty.toString(),
      ...stringify(burn),
      paymentCapacity: { fundRaised: raised.toString(), countyExpenditure: countyExpenditure.toString(), ...stringify(capacity) },
    };

    const lead = await this.institution(manager, 'SELECT id FROM institution WHERE community_id = ? AND type = ? AND active = 1 LIMIT 1', [
      community.id,
      'LEAD_HOSPITAL',
    ]);
    const bureau = await this.institution(manager, 'SELECT id FROM institution WHERE county_id = ? AND type = ? AND active = 1 LIMIT 1', [
      community.countyId,
      'BUREAU',
    ]);
    const jobs: string[] = [];
    const notify = async (
      institutionId: number | null,
      n: Omit<Parameters<NotificationService['notify']>[1], 'institutionId' | 'subjectType' | 'subjectId'>,
    ) => {
      if (institutionId === null) return;
      const { deliveryJob } = await this.notifications.notify(manager, {
        ...n,
        institutionId,
        subjectType: 'community',
        subjectId: community.code,
        details: result,
      });
      if (deliveryJob) jobs.push(deliveryJob);
    };
    if (burn.level !== 'NORMAL') {
      const message = `${community.code} ${period}: burn ratio ${burn.burnRatio} (${burn.level}); projected year-end expenditure ${burn.projectedExpenditure}, overspend ${burn.projectedOverspend}`;
      for (const [who, id] of [
        ['lead', lead],
        ['bureau', bureau],
      ] as const) {
        await notify(id, {
          kind: `BURN_${burn.level}`,
          severity: burn.level,
          dedupKey: `monitoring.burn.${who}.${community.code}.${period}`,
          message,
        });
      }
    }
    if (burn.primaryBelowFloor) {
      await notify(lead, {
        kind: 'PRIMARY_SHARE_BELOW_FLOOR',
        severity: 'WARNING',
        dedupKey: `monitoring.primary.${community.code}.${period}`,
        message: `${community.code} ${period}: projected primary share ${burn.projectedPrimaryShare} is below the floor ${burn.primaryFloorRate}`,
      });
    }
    if (capacity.warning) {
      await notify(bureau, {
        kind: 'PAYMENT_CAPACITY_LOW',
        severity: 'WARNING',
        dedupKey: `monitoring.capacity.${community.countyId}.${period}`,
        message: `county fund: ${capacity.months} months of payment capacity after ${period}${capacity.seasonal ? ' (before the fourth-quarter premium collection)' : ''}`,
      });
    }
    return { result, deliveryJobs: jobs };
  }

  private async institution(manager: EntityManager, sql: string, args: unknown[]): Promise<number | null> {
    const [row] = await manager.query(sql, args);
    return row ? Number(row.id) : null;
  }
}

/** Amounts as their exact text, for results kept as JSON. */
function stringify<T extends object>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
