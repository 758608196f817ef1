import { VersionedRecord } from '../../database/versioned-record.entity';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { InstitutionType } from '../../domain/institution-registry';
import { County } from './county.entity';
import { MedicalCommunity } from './medical-community.entity';

@Entity('institution')
export class Institution extends VersionedRecord {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  /** Stable business key (e.g. the 医保定点机构编码); never changes once created. */
  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 24 })
  type!: InstitutionType;

  /** Exactly one of county, prefecture and province is set: the level the institution sits at (SPEC §12). */
  @Column({ name: 'county_id', type: 'int', unsigned: true, nullable: true })
  countyId!: number | null;

  @ManyToOne(() => County, { nullable: true })
  @JoinColumn({ name: 'county_id' })
  county!: County | null;

  @Column({ name: 'prefecture_id', type: 'int', unsigned: true, nullable: true })
  prefectureId!: number | null;

  @Column({ name: 'province_id', type: 'int', unsigned: true, nullable: true })
  provinceId!: number | null;

  @Column({ name: 'community_id', type: 'int', unsigned: true, nullable: true })
  communityId!: number | null;

  @ManyToOne(() => MedicalCommunity, { nullable: true })
  @JoinColumn({ name: 'community_id' })
  community!: MedicalCommunity | null;

  @Column({ name: 'parent_id', type: 'int', unsigned: true, nullable: true })
  parentId!: number | null;

  @ManyToOne(() => Institution, { nullable: true })
  @JoinColumn({ name: 'parent_id' })
  parent!: Institution | null;

  /** The national medical-insurance code (定点医药机构编号, fixmedins_code), by which the national settlement extract names the unit. */
  @Column({ name: 'national_code', type: 'varchar', length: 32, nullable: true })
  nationalCode!: string | null;

  @Column({ name: 'deactivated_at', type: 'datetime', precision: 3, nullable: true })
  deactivatedAt!: Date | null;
}
