// The review-rules module's public surface: rule-based pre-review (智能审核).
export { ReviewRulesModule } from './review-rules.module';
export { ReviewRulesService, type RuleHitView, type RuleSetView } from './review-rules.service';
