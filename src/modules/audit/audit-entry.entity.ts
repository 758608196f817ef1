import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AuditOutcome = 'SUCCESS' | 'DENIED' | 'REJECTED';

/**
 * One line of the append-only audit trail: who did what to which record, before → after.
 * Each entry carries the previous entry's hash and its own; triggers refuse UPDATE and DELETE.
 */
@Entity('audit_log')
export class AuditEntry {
  /** Assigned by the chain (last id + 1) under the chain-head lock, so ids and hashes follow commit order. */
  @PrimaryColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @Column({ type: 'varchar', length: 64 })
  actor!: string;

  @Column({ name: 'actor_institution', type: 'varchar', length: 32, nullable: true })
  actorInstitution!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 64 })
  entityType!: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 64 })
  entityId!: string;

  /** Changed fields as `{field: [before, after]}`; JSON text. */
  @Column({ type: 'longtext' })
  changes!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: AuditOutcome;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;
}
