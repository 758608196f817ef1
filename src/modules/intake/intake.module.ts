import { Module } from '@nestjs/common';
import { FundYearModule } from '../fund-year/fund-year.module';
import { IntakeController } from './intake.controller';
import { SettlementIntakeService } from './settlement-intake.service';
import { SettlementUploadService } from './settlement-upload.service';

/** Settlement records submitted by member units for the monthly claim (SPEC §4). */
@Module({
  imports: [FundYearModule],
  controllers: [IntakeController],
  providers: [SettlementIntakeService, SettlementUploadService],
  exports: [SettlementIntakeService, SettlementUploadService],
})
export class IntakeModule {}
