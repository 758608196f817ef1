import { Module } from '@nestjs/common';
import { FundYearModule } from '../fund-year/fund-year.module';
import { RegistryModule } from '../registry/registry.module';
import { CommunityAssessmentController, CountyAssessmentController, FundAnalysisController } from './assessment.controller';
import { CommunityFiguresRepository } from './community-figures.repository';
import { FundAnalysisService } from './fund-analysis.service';
import { PerformanceAssessmentService } from './performance-assessment.service';

/** Performance assessment (SPEC §8) and the quarterly fund analysis (SPEC §6, 基金运行分析). */
@Module({
  imports: [FundYearModule, RegistryModule],
  controllers: [CommunityAssessmentController, CountyAssessmentController, FundAnalysisController],
  providers: [CommunityFiguresRepository, PerformanceAssessmentService, FundAnalysisService],
  exports: [PerformanceAssessmentService, FundAnalysisService],
})
export class AssessmentModule {}
