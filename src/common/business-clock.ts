import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { IsoDate, shanghaiToday } from '../domain/working-days';

/**
 * Today's business date (Asia/Shanghai), the one date every deadline and "not in the future"
 * check compares with. Outside production it can be fixed (BUSINESS_DATE, or `fix` from a
 * test), so that a month's cycle and its deadlines can be replayed on any day.
 */
@Injectable()
export class BusinessClock {
  private fixed: IsoDate | null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.fixed = config.businessDate;
  }

  today(): IsoDate {
    return this.fixed ?? shanghaiToday();
  }

  /** Sets (or with null, releases) the business date; never in production. */
  fix(date: IsoDate | null): void {
    if (this.config.env === 'production') throw new Error('the business date cannot be fixed in production');
    this.fixed = date;
  }
}
