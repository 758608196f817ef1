import { VersionedRecord } from '../../database/versioned-record.entity';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { County } from './county.entity';

/** 县域医共体: a lead hospital with its member units, funded by one yearly package. */
@Entity('medical_community')
export class MedicalCommunity extends VersionedRecord {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'county_id', type: 'int', unsigned: true })
  countyId!: number;

  @ManyToOne(() => County, { nullable: false })
  @JoinColumn({ name: 'county_id' })
  county!: County;
}
