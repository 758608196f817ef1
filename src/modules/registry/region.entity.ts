import { VersionedRecord } from '../../database/versioned-record.entity';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The province (省): its adjustment fund pools the risk of its prefectures (SPEC §12.2). */
@Entity('province')
export class Province extends VersionedRecord {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'region_code', type: 'varchar', length: 12, nullable: true })
  regionCode!: string | null;
}

/** A prefecture (市/州) of the province: shares its counties' fund gaps (SPEC §12.1). */
@Entity('prefecture')
export class Prefecture extends VersionedRecord {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'region_code', type: 'varchar', length: 12, nullable: true })
  regionCode!: string | null;

  @Column({ name: 'province_id', type: 'int', unsigned: true })
  provinceId!: number;
}
