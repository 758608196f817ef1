import { Module } from '@nestjs/common';
import { CommunityController, CountyController } from './county.controller';
import { CountyService } from './county.service';
import { InstitutionController } from './institution.controller';
import { InstitutionImportService } from './institution-import.service';
import { InstitutionService } from './institution.service';

@Module({
  controllers: [CountyController, CommunityController, InstitutionController],
  providers: [CountyService, InstitutionService, InstitutionImportService],
  exports: [CountyService, InstitutionService],
})
export class RegistryModule {}
