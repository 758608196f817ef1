import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { IsoDate, shanghaiToday } from '../domain/working-days';

/**
 * Today's business date (Asia/Shanghai), the one date every deadline and "not in the future"
 * check compares with. Outside production it can be fixed with BUSINESS_DATE, so that a
 * month's cycle and its deadlines can be replayed on any day.
 */
@Injectable()
export class BusinessClock {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  today(): IsoDate {
    return this.config.businessDate ?? shanghaiToday();
  }
}
