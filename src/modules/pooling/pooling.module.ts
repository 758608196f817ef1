import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger';
import { RegistryModule } from '../registry';
import { CityPoolingService } from './city-pooling.service';
import {
  CountyFundResultController,
  GapSharingController,
  PrefecturePoolingController,
  ProvincialFundController,
} from './pooling.controller';
import { PoolingRepository } from './pooling.repository';
import { ProvincialFundService } from './provincial-fund.service';

/** Pooling above the county (SPEC §12): county fund results, city-level gap sharing, the provincial adjustment fund. */
@Module({
  imports: [RegistryModule, LedgerModule],
  controllers: [CountyFundResultController, PrefecturePoolingController, GapSharingController, ProvincialFundController],
  providers: [PoolingRepository, CityPoolingService, ProvincialFundService],
  exports: [CityPoolingService, ProvincialFundService],
})
export class PoolingModule {}
