import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { currentContext } from '../../common/request-context';
import { AuditEntry, AuditOutcome } from './audit-entry.entity';
import { diffSnapshots } from './audit-diff';

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  outcome?: AuditOutcome;
}

/** Appends audit entries inside the caller's transaction, so a change and its record commit together. */
@Injectable()
export class AuditService {
  async record(manager: EntityManager, record: AuditRecord): Promise<void> {
    const ctx = currentContext();
    await manager.insert(AuditEntry, {
      occurredAt: new Date(),
      actor: ctx.actor,
      actorInstitution: ctx.actorInstitution,
      action: record.action,
      entityType: record.entityType,
      entityId: record.entityId,
      changes: JSON.stringify(diffSnapshots(record.before, record.after)),
      requestId: ctx.requestId,
      outcome: record.outcome ?? 'SUCCESS',
    });
  }
}
