import { Module } from '@nestjs/common';
import { ClaimsModule } from '../claims';
import { FundYearModule } from '../fund-year';
import { IntakeBatchRepository } from './intake-batch.repository';
import { NationalIntakeController, NationalIntakeService } from './national.controller';
import { NationalIntakeRepository } from './national-intake.repository';
import { IntakeUploadRepository } from './intake-upload.repository';
import { IntakeController } from './intake.controller';
import { SettlementIntakeService } from './settlement-intake.service';
import { SettlementUploadService } from './settlement-upload.service';

/** Settlement records submitted by member units for the monthly claim (SPEC §4). */
@Module({
  imports: [FundYearModule, ClaimsModule],
  controllers: [IntakeController, NationalIntakeController],
  providers: [
    NationalIntakeRepository,
    NationalIntakeService,
    IntakeBatchRepository,
    IntakeUploadRepository,
    SettlementIntakeService,
    SettlementUploadService,
  ],
  exports: [SettlementIntakeService, SettlementUploadService],
})
export class IntakeModule {}
