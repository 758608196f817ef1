import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { fundYearOf, monthOf } from '../../domain/claim-cycle';
import { BurnReading, PaymentCapacity, paymentCapacity, readBurn } from '../../domain/fund-monitoring';
import { countyExpenditureToDate } from '../../domain/consumption';
import { Money } from '../../domain/money';
import { AllocationService, packageOf } from '../fund-year';
import { PolicyParametersService } from '../fund-year';
import { ConsumptionRepository } from '../claims';
import { DeadlineWatchRepository } from './deadline-watch.repository';
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly allocations: AllocationService,
    private readonly parameters: PolicyParametersService,
    private readonly notifications: NotificationService,
    private readonly consumption: ConsumptionRepository,
    private readonly recipients: DeadlineWatchRepository,
  ) {}

  async run(
    manager: EntityManager,
    period: string,
    community: { id: number; code: string; countyId: number },
  ): Promise<{ result: Record<string, unknown>; deliveryJobs: string[] }> {
    const reading = await this.reading(manager, period, community);
    if (!reading.burn) return { result: reading.result, deliveryJobs: [] };
    const { result, burn, capacity } = reading;

    const lead = await this.recipients.leadOf(manager, community.id);
    const bureau = await this.recipients.bureauOf(manager, community.countyId);
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

  /**
   * The community's readings of a fund year, one per month from January to the business month
   * (every month of a year that has ended), with the thresholds and floor they were read against:
   * the dashboard's reads, computed as the monthly cycle computes them, kept nowhere.
   */
  async yearReadings(community: { id: number; code: string; countyId: number }, fundYear: number, today: string): Promise<YearReadings> {
    const manager = this.dataSource.manager;
    const terms = await this.parameters.terms(manager, { id: community.countyId, code: '' }, fundYear);
    const thisYear = Number(today.slice(0, 4));
    const months = fundYear < thisYear ? 12 : fundYear === thisYear ? Number(today.slice(5, 7)) : 0;
    const items: Record<string, unknown>[] = [];
    for (let month = 1; month <= months; month++) {
      const { result, burn } = await this.reading(manager, `${fundYear}-${String(month).padStart(2, '0')}`, community);
      if (burn) items.push(result);
    }
    return {
      communityCode: community.code,
      fundYear,
      thresholds: { watch: terms.burnWatch.toString(), warning: terms.burnWarning.toString(), alarm: terms.burnAlarm.toString() },
      primaryFloorRate: terms.primaryFloorRate.toString(),
      paymentCapacityWarningMonths: terms.paymentCapacityWarningMonths.toString(),
      items,
    };
  }

  /**
   * The reading of one community for a period (January up to the period), computed from the
   * approved claims and out-of-county settlements: nothing kept and nobody notified.
   */
  async reading(
    manager: EntityManager,
    period: string,
    community: { id: number; code: string; countyId: number },
  ): Promise<
    | { result: Record<string, unknown>; burn: BurnReading; capacity: PaymentCapacity }
    | { result: Record<string, unknown>; burn?: undefined; capacity?: undefined }
  > {
    const fundYear = fundYearOf(period);
    const allocation = await this.allocations.inForce(manager, community.countyId, fundYear);
    const communityPackage = packageOf(allocation, community.code);
    if (!allocation || !communityPackage)
      return { result: { communityCode: community.code, period, skipped: `no approved package for ${fundYear}` } };
    const terms = await this.parameters.terms(manager, { id: community.countyId, code: '' }, fundYear);
    const first = `${fundYear}-01`;

    const { memberApproved, primaryApproved, outOfCounty } = await this.consumption.communityToDate(manager, community.id, first, period);
    const burn = readBurn({
      communityPackage,
      elapsedMonths: monthOf(period),
      memberApproved,
      primaryApproved,
      outOfCounty,
      thresholds: { watch: terms.burnWatch, warning: terms.burnWarning, alarm: terms.burnAlarm },
      primaryFloorRate: terms.primaryFloorRate,
    });

    // The county fund: what was raised for the year less what the county has spent so far.
    const countyExpenditure = countyExpenditureToDate(await this.consumption.countyToDate(manager, community.countyId, first, period));
    const raised = Money.of(allocation.figures.raisedTotal);
    const capacity = paymentCapacity({
      fundBalance: raised.minus(countyExpenditure),
      expenditureToDate: countyExpenditure,
      elapsedMonths: monthOf(period),
      warningMonths: terms.paymentCapacityWarningMonths,
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
    return { result, burn, capacity };
  }
}

/** A community's monthly readings of a fund year and what they were read against. */
export interface YearReadings {
  communityCode: string;
  fundYear: number;
  thresholds: { watch: string; warning: string; alarm: string };
  primaryFloorRate: string;
  paymentCapacityWarningMonths: string;
  items: Record<string, unknown>[];
}

/** Amounts as their exact text, for results kept as JSON. */
function stringify<T extends object>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
