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

@Module({
  controllers: [CountyController, CommunityController, InstitutionController],
  providers: [
    CountyService,
    InstitutionService,
    InstitutionImportService,
    CountyRepository,
    CommunityRepository,
    InstitutionRepository,
    RegistryImportRepository,
  ],
  exports: [CountyService, InstitutionService, CountyRepository, CommunityRepository, InstitutionRepository, RegistryImportRepository],
})
export class RegistryModule {}
