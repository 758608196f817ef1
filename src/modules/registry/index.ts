/** The registry's public surface: counties, medical communities and institutions. */
export { RegistryModule } from './registry.module';
export { CountyService } from './county.service';
export { InstitutionService, type ImportOutcome, type InstitutionRow, toInstitutionRow } from './institution.service';
export { CountyRepository } from './county.repository';
export { CommunityRepository } from './community.repository';
export { InstitutionRepository, type InstitutionBrief } from './institution.repository';
export { RegistryImportRepository } from './registry-import.repository';
export { County } from './county.entity';
export { MedicalCommunity } from './medical-community.entity';
export { Institution } from './institution.entity';
export { CommunityView, CountyView, InstitutionView } from './registry.views';
export { DeactivateDto, ImportQuery, VersionedDto } from './dto/registry.dto';
