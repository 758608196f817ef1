import { ApiProperty } from '@nestjs/swagger';
import { FUND_ANALYSIS_STATES, FundAnalysisAction, FundAnalysisContent, FundAnalysisState } from '../../../domain/fund-analysis';
import type { FundAnalysisSummaryView, FundAnalysisView } from '../fund-analysis.service';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them;
// each class implements the view, so a view that changes fails the type-check here.

const ANALYSIS_ACTIONS: Record<FundAnalysisAction, true> = { refresh: true, edit: true, submit: true };

/** A quarterly fund analysis's heading, as its list shows it. */
export class FundAnalysisSummaryResponse implements FundAnalysisSummaryView {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'WS-MC' }) communityCode!: string;
  @ApiProperty({ example: 2026 }) fundYear!: number;
  @ApiProperty({ minimum: 1, maximum: 4 }) quarter!: number;
  @ApiProperty({ enum: FUND_ANALYSIS_STATES }) state!: FundAnalysisState;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) draftedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'when the figures were last read again (a draft is refreshed)' }) refreshedAt!: string;
  @ApiProperty({ type: 'string', nullable: true }) submittedBy!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) submittedAt!: string | null;
  @ApiProperty({ enum: Object.keys(ANALYSIS_ACTIONS), isArray: true }) allowedActions!: FundAnalysisAction[];
}

/** The analysis itself: its figures (fund flow, burn reading, patient flow, year on year) and the lead unit's commentary. */
export class FundAnalysisResponse extends FundAnalysisSummaryResponse implements FundAnalysisView {
  @ApiProperty() communityName!: string;
  @ApiProperty({ type: 'string', nullable: true, description: '运行情况' }) summary!: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: '风险分析' }) risks!: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: '措施建议' }) measures!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'the figures of the quarter and year to date as the policy computes them (src/domain/fund-analysis.ts: FundAnalysisContent)',
  })
  content!: FundAnalysisContent;
}
