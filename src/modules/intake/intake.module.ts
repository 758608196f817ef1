import { Module } from '@nestjs/common';
import { IntakeController } from './intake.controller';
import { SettlementIntakeService } from './settlement-intake.service';

/** Settlement records submitted by member units for the monthly claim (SPEC §4). */
@Module({ controllers: [IntakeController], providers: [SettlementIntakeService], exports: [SettlementIntakeService] })
export class IntakeModule {}
