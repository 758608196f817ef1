import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type RegistryImportStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'REJECTED';

/** A registry upload: a large one waits for, or is processed by, the worker; a small one is recorded as taken within the request. */
@Entity('registry_import')
export class RegistryImport {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RegistryImportStatus;

  @Column({ name: 'on_error', type: 'varchar', length: 8 })
  onError!: 'reject' | 'skip';

  @Column({ name: 'file_sha256', type: 'char', length: 64 })
  fileSha256!: string;

  @Column({ type: 'longblob', select: false })
  content!: Buffer;

  @Column({ name: 'row_count', type: 'int', unsigned: true })
  rowCount!: number;

  /** ImportOutcome as JSON once finished. */
  @Column({ type: 'longtext', nullable: true })
  outcome!: string | null;

  /** County of the submitter: the only county its rows may touch. */
  @Column({ name: 'county_id', type: 'int', unsigned: true, nullable: true })
  countyId!: number | null;

  @Column({ name: 'submitted_by', type: 'varchar', length: 64 })
  submittedBy!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;
}
