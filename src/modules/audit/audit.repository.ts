import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditChainFields } from '../../domain/audit-chain';
import { AuditEntry } from './audit-entry.entity';

export interface ChainHead {
  lastId: string;
  lastHash: string;
}

export interface AuditFilter {
  /** Entries by actors of the institutions of these counties (a prefecture or the province: also of its own level's institutions). */
  countyIds: readonly number[];
  /** The caller's own level above the county, whose institutions' entries it also reads. */
  region?: { level: 'PREFECTURE' | 'PROVINCE'; id: number };
  entityType?: string;
  entityId?: string;
  actor?: string;
  action?: string;
  outcome?: string;
  from?: Date;
  to?: Date;
  page: number;
  pageSize: number;
}

/** Every statement on audit_log and audit_chain_head. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The chain head, locked until the caller's transaction ends (this serialises audited writes). */
  async lockHead(manager: EntityManager): Promise<ChainHead> {
    const [head]: { last_id: string; last_hash: string }[] = await manager.query(
      'SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE',
    );
    return { lastId: head.last_id, lastHash: head.last_hash };
  }

  async head(): Promise<ChainHead> {
    const [head]: { last_id: string; last_hash: string }[] = await this.dataSource.query(
      'SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1',
    );
    return { lastId: head.last_id, lastHash: head.last_hash };
  }

  /** Appends the entry and moves the chain head to it. */
  async append(manager: EntityManager, fields: AuditChainFields, occurredAt: Date, hash: string): Promise<void> {
    await manager.insert(AuditEntry, { ...fields, outcome: fields.outcome as AuditEntry['outcome'], occurredAt, hash });
    await manager.query('UPDATE audit_chain_head SET last_id = ?, last_hash = ? WHERE id = 1', [fields.id, hash]);
  }

  /** Entries after `afterId` in id order, `limit` at a time. */
  entriesAfter(afterId: string, limit: number): Promise<AuditEntry[]> {
    return this.dataSource.manager
      .createQueryBuilder(AuditEntry, 'a')
      .where('a.id > :afterId', { afterId })
      .orderBy('a.id', 'ASC')
      .take(limit)
      .getMany();
  }

  /** Newest first. */
  list(f: AuditFilter): Promise<[AuditEntry[], number]> {
    const qb = this.dataSource.manager
      .createQueryBuilder(AuditEntry, 'a')
      .where(
        f.region
          ? `a.actor_institution IN (SELECT code FROM institution WHERE county_id IN (:...counties) OR ${f.region.level === 'PREFECTURE' ? 'prefecture_id' : 'province_id'} = :region)`
          : 'a.actor_institution IN (SELECT code FROM institution WHERE county_id IN (:...counties))',
        { counties: f.countyIds.length ? f.countyIds : [0], region: f.region?.id },
      )
      .orderBy('a.id', 'DESC')
      .skip((f.page - 1) * f.pageSize)
      .take(f.pageSize);
    if (f.entityType) qb.andWhere('a.entity_type = :entityType', { entityType: f.entityType });
    if (f.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: f.entityId });
    if (f.actor) qb.andWhere('a.actor = :actor', { actor: f.actor });
    if (f.action) qb.andWhere('a.action = :action', { action: f.action });
    if (f.outcome) qb.andWhere('a.outcome = :outcome', { outcome: f.outcome });
    if (f.from) qb.andWhere('a.occurred_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('a.occurred_at < :to', { to: f.to });
    return qb.getManyAndCount();
  }
}
