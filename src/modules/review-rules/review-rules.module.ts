import { Module } from '@nestjs/common';
import { ClaimsModule } from '../claims';
import { RegistryModule } from '../registry';
import { ClaimRuleHitsController, CountyReviewRulesController } from './review-rules.controller';
import { ReviewRulesRepository } from './review-rules.repository';
import { ReviewRulesService } from './review-rules.service';

/** Rule-based pre-review (智能审核): the county's rule set, the job that runs it over each intake batch, and the hits. */
@Module({
  imports: [RegistryModule, ClaimsModule],
  controllers: [CountyReviewRulesController, ClaimRuleHitsController],
  providers: [ReviewRulesService, ReviewRulesRepository],
  exports: [ReviewRulesService],
})
export class ReviewRulesModule {}
