import { VersionedRecord } from '../../database/versioned-record.entity';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A pooling district (统筹区): one county bureau, one fund. */
@Entity('county')
export class County extends VersionedRecord {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** 行政区划代码 (six digits), optional. */
  @Column({ name: 'region_code', type: 'varchar', length: 12, nullable: true })
  regionCode!: string | null;

  /** The prefecture (市/州) the county belongs to (SPEC §12); null for a county outside any. */
  @Column({ name: 'prefecture_id', type: 'int', unsigned: true, nullable: true })
  prefectureId!: number | null;
}
