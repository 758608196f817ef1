import { Module } from '@nestjs/common';
import { CommunityRepository } from './community.repository';
import { CommunityController, CountyController } from './county.controller';
import { CountyRepository } from './county.repository';
import { CountyService } from './county.service';
import { InstitutionController } from './institution.controller';
import { InstitutionImportService } from './institution-import.service';
import { InstitutionRepository } from './institution.repository';
import { InstitutionService } from './institution.service';
import { RegistryImportRepository } from './registry-import.repository';
import { PrefectureController, ProvinceController } from './region.controller';
import { RegionRepository } from './region.repository';
import { RegionService } from './region.service';

@Module({
  controllers: [CountyController, CommunityController, InstitutionController, ProvinceController, PrefectureController],
  providers: [
    CountyService,
    InstitutionService,
    InstitutionImportService,
    CountyRepository,
    CommunityRepository,
    InstitutionRepository,
    RegistryImportRepository,
    RegionRepository,
    RegionService,
  ],
  exports: [
    CountyService,
    InstitutionService,
    CountyRepository,
    CommunityRepository,
    InstitutionRepository,
    RegistryImportRepository,
    RegionRepository,
    RegionService,
  ],
})
export class RegistryModule {}
