import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditChainFields, auditEntryHash, findFirstChainBreak, ChainBreak } from '../../domain/audit-chain';
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

export interface ChainVerification {
  intact: boolean;
  entries: number;
  firstBroken: ChainBreak | null;
  /** The chain head agrees with the last entry (nothing cut off the end). */
  headMatches: boolean;
}

const VERIFY_BATCH = 5000;

/** Appends hash-chained audit entries inside the caller's transaction, so a change and its record commit together. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The chain head row is locked until the surrounding transaction ends, which serialises
   * audited writes: each entry's predecessor is the one committed before it.
   */
  async record(manager: EntityManager, record: AuditRecord, who: { actor?: string } = {}): Promise<void> {
    const ctx = currentContext();
    const [head]: { last_id: string; last_hash: string }[] = await manager.query(
      'SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE',
    );
    const occurredAt = new Date();
    const fields: AuditChainFields = {
      id: (BigInt(head.last_id) + 1n).toString(),
      occurredAt: occurredAt.toISOString(),
      actor: (who.actor ?? ctx.actor).slice(0, 64),
      actorInstitution: ctx.actorInstitution,
      action: record.action,
      entityType: record.entityType,
      entityId: record.entityId.slice(0, 64),
      changes: JSON.stringify(diffSnapshots(record.before, record.after)),
      requestId: ctx.requestId,
      outcome: record.outcome ?? 'SUCCESS',
      prevHash: head.last_hash,
    };
    const hash = auditEntryHash(fields);
    await manager.insert(AuditEntry, { ...fields, outcome: record.outcome ?? 'SUCCESS', occurredAt, hash });
    await manager.query('UPDATE audit_chain_head SET last_id = ?, last_hash = ? WHERE id = 1', [fields.id, hash]);
  }

  /** For events outside any business transaction: denials and failed sign-ins. */
  async recordStandalone(record: AuditRecord, who: { actor?: string } = {}): Promise<void> {
    await this.dataSource.transaction((manager) => this.record(manager, record, who));
  }

  /** Recomputes the whole chain in id order and names the first entry that does not match. */
  async verify(): Promise<ChainVerification> {
    let prevHash: string | undefined;
    let entries = 0;
    let afterId = '0';
    for (;;) {
      const rows: AuditEntry[] = await this.dataSource.manager
        .createQueryBuilder(AuditEntry, 'a')
        .where('a.id > :afterId', { afterId })
        .orderBy('a.id', 'ASC')
        .take(VERIFY_BATCH)
        .getMany();
      if (rows.length === 0) break;
      const result = findFirstChainBreak(rows.map(toChainFields), prevHash);
      entries += result.count;
      if (result.break) return { intact: false, entries, firstBroken: result.break, headMatches: false };
      prevHash = result.lastHash;
      afterId = rows[rows.length - 1].id;
    }
    const [head]: { last_id: string; last_hash: string }[] = await this.dataSource.query(
      'SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1',
    );
    const headMatches = head.last_id === afterId && (entries === 0 || head.last_hash === prevHash);
    return { intact: headMatches, entries, firstBroken: null, headMatches };
  }
}

function toChainFields(e: AuditEntry): AuditChainFields & { hash: string } {
  return {
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    actor: e.actor,
    actorInstitution: e.actorInstitution,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    changes: e.changes,
    requestId: e.requestId,
    outcome: e.outcome,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
