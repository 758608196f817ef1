/** Governance chains' public surface (SPEC §9). */
export { GovernanceModule } from './governance.module';
export { ReserveUseService, type ReserveUseView, type ChainView, type ChainStepView } from './reserve-use.service';
