// The intake module's public surface (SPEC §4 step 1): settlement records in bulk and as files.
export { IntakeModule } from './intake.module';
export { SettlementIntakeService, type IntakeOutcome } from './settlement-intake.service';
export { SettlementUploadService, type UploadView, type UploadStatus } from './settlement-upload.service';
export { IntakeBatchRepository } from './intake-batch.repository';
export { IntakeUploadRepository } from './intake-upload.repository';
export * from './intake.module';
