import { Module } from '@nestjs/common';
import { FundYearModule } from '../fund-year';
import { RegistryModule } from '../registry';
import { CommunityAssessmentController, CountyAssessmentController, FundAnalysisController } from './assessment.controller';
import { ConsumptionRepository } from '../claims';
import { AssessmentRepository } from './assessment.repository';
import { CommunityFiguresRepository } from './community-figures.repository';
import { FundAnalysisRepository } from './fund-analysis.repository';
import { FundAnalysisService } from './fund-analysis.service';
import { PerformanceAssessmentService } from './performance-assessment.service';

/** Performance assessment (SPEC §8) and the quarterly fund analysis (SPEC §6, 基金运行分析). */
@Module({
  imports: [FundYearModule, RegistryModule],
  controllers: [CommunityAssessmentController, CountyAssessmentController, FundAnalysisController],
  // The claims module's read-only consumption figures are provided here, beside their readers.
  providers: [
    ConsumptionRepository,
    CommunityFiguresRepository,
    AssessmentRepository,
    FundAnalysisRepository,
    PerformanceAssessmentService,
    FundAnalysisService,
  ],
  exports: [PerformanceAssessmentService, FundAnalysisService, ConsumptionRepository],
})
export class AssessmentModule {}
