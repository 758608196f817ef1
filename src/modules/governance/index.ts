/** Governance chains' public surface (SPEC §9). */
export { GovernanceModule } from './governance.module';
export { ReserveUseService, type ReserveUseView } from './reserve-use.service';
export { type ChainView, type ChainStepView } from './chain-view';
export { DisputeService, type DisputeView } from './dispute.service';
export { ReferralService, type ReferralView, type ReferralReportView } from './referral.service';
export { SurplusPlanService, type SurplusPlanView } from './surplus-plan.service';
