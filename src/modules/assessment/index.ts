/** The assessment module's public surface: performance assessment (SPEC §8) and the quarterly fund analysis (SPEC §6). */
export { AssessmentModule } from './assessment.module';
export { PerformanceAssessmentService } from './performance-assessment.service';
export type { Assessment, AssessmentSchemeView, EnteredValuesView, FiguresView } from './performance-assessment.service';
export { FundAnalysisService } from './fund-analysis.service';
export type { FundAnalysisNarrative, FundAnalysisSummaryView, FundAnalysisView } from './fund-analysis.service';
export type { AssessedCommunity } from './community-figures.repository';
/** Provided by this module for its readers (the year end, monitoring); the file belongs to the claims module. */
export { ConsumptionRepository } from '../claims';
export * from './assessment.module';
export * from './fund-analysis.service';
export * from './performance-assessment.service';
