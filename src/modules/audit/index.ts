/** The audit trail's public surface: the writer every module records through. */
export { AuditModule } from './audit.module';
export { type AuditEntryView, type AuditRecord, AuditService, type ChainVerification } from './audit.service';
export { AuditRepository } from './audit.repository';
export { type AuditOutcome } from './audit-entry.entity';
export * from './audit.module';
export * from './audit.repository';
export * from './audit.service';
