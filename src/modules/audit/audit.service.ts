import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditChainFields, auditEntryHash, findFirstChainBreak, ChainBreak } from '../../domain/audit-chain';
import { currentContext } from '../../common/request-context';
import { Page } from '../../common/pagination';
import { AuditEntry, AuditOutcome } from './audit-entry.entity';
import { diffSnapshots } from './audit-diff';
import { AuditFilter, AuditRepository } from './audit.repository';

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

export type AuditEntryView = Omit<AuditEntry, 'occurredAt'> & { occurredAt: string };

const VERIFY_BATCH = 5000;

/** Appends hash-chained audit entries inside the caller's transaction, so a change and its record commit together. */
@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AuditRepository,
  ) {}

  /**
   * The chain head row is locked until the surrounding transaction ends, which serialises
   * audited writes: each entry's predecessor is the one committed before it.
   */
  async record(manager: EntityManager, record: AuditRecord, who: { actor?: string } = {}): Promise<void> {
    const ctx = currentContext();
    const head = await this.repository.lockHead(manager);
    const occurredAt = new Date();
    const fields: AuditChainFields = {
      id: (BigInt(head.lastId) + 1n).toString(),
      occurredAt: occurredAt.toISOString(),
      actor: (who.actor ?? ctx.actor).slice(0, 64),
      actorInstitution: ctx.actorInstitution,
      action: record.action,
      entityType: record.entityType,
      entityId: record.entityId.slice(0, 64),
      changes: JSON.stringify(diffSnapshots(record.before, record.after)),
      requestId: ctx.requestId,
      outcome: record.outcome ?? 'SUCCESS',
      prevHash: head.lastHash,
    };
    const hash = auditEntryHash(fields);
    await this.repository.append(manager, fields, occurredAt, hash);
  }

  /** For events outside any business transaction: denials and failed sign-ins. */
  async recordStandalone(record: AuditRecord, who: { actor?: string } = {}): Promise<void> {
    await this.dataSource.transaction((manager) => this.record(manager, record, who));
  }

  /** Entries of a county, newest first. */
  async list(filter: AuditFilter): Promise<Page<AuditEntryView>> {
    const [rows, total] = await this.repository.list(filter);
    return {
      items: rows.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() })),
      page: filter.page,
      pageSize: filter.pageSize,
      total,
    };
  }

  /** Recomputes the whole chain in id order and names the first entry that does not match. */
  async verify(): Promise<ChainVerification> {
    let prevHash: string | undefined;
    let entries = 0;
    let afterId = '0';
    for (;;) {
      const rows = await this.repository.entriesAfter(afterId, VERIFY_BATCH);
      if (rows.length === 0) break;
      const result = findFirstChainBreak(rows.map(toChainFields), prevHash);
      entries += result.count;
      if (result.break) return { intact: false, entries, firstBroken: result.break, headMatches: false };
      prevHash = result.lastHash;
      afterId = rows[rows.length - 1].id;
    }
    const head = await this.repository.head();
    const headMatches = head.lastId === afterId && (entries === 0 || head.lastHash === prevHash);
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
