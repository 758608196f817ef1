import { Column, CreateDateColumn, UpdateDateColumn } from 'typeorm';

/** Columns every registry-like record has: active flag, optimistic-lock version, UTC timestamps. */
export abstract class VersionedRecord {
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'int', unsigned: true, default: 1 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
