import { Module } from '@nestjs/common';
import { RegistryModule } from '../registry';
import { LedgerController } from './ledger.controller';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';

/** The double-entry fund ledger: documents post through LedgerService inside their own transaction. */
@Module({
  imports: [RegistryModule],
  controllers: [LedgerController],
  providers: [LedgerService, LedgerRepository],
  exports: [LedgerService],
})
export class LedgerModule {}
