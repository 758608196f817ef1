import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Money } from '../../domain/money';
import { DocumentState } from '../../domain/document-lifecycle';
import { MONEY_COLUMN } from '../../database/money.transformer';

/** The fund-year allocation document (SPEC §3): inputs, every computed figure, and its life cycle. */
@Entity('fund_year_allocation')
export class Allocation {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true }) id!: number;
  @Column({ name: 'county_id', type: 'int', unsigned: true }) countyId!: number;
  @Column({ name: 'fund_year', type: 'smallint', unsigned: true }) fundYear!: number;
  @Column({ name: 'document_version', type: 'int', unsigned: true }) documentVersion!: number;
  @Column({ name: 'supersedes_id', type: 'int', unsigned: true, nullable: true }) supersedesId!: number | null;
  @Column({ type: 'varchar', length: 16 }) state!: DocumentState;
  @Column({ name: 'insured_count', type: 'bigint', unsigned: true }) insuredCount!: string;
  @Column({ name: 'per_capita_standard', ...MONEY_COLUMN }) perCapitaStandard!: Money;
  @Column({ name: 'interest', ...MONEY_COLUMN }) interest!: Money;
  @Column({ name: 'critical_illness_premium', ...MONEY_COLUMN }) criticalIllnessPremiumPerPerson!: Money;
  @Column({ name: 'family_doctor_fee', ...MONEY_COLUMN }) familyDoctorFee!: Money;
  @Column({ name: 'policy_adjustment', ...MONEY_COLUMN }) policyAdjustmentExpenditure!: Money;
  @Column({ name: 'raised_total', ...MONEY_COLUMN }) raisedTotal!: Money;
  @Column({ name: 'adjustment_reserve', ...MONEY_COLUMN }) adjustmentReserve!: Money;
  @Column({ name: 'critical_illness_fund', ...MONEY_COLUMN }) criticalIllnessFund!: Money;
  @Column({ name: 'net_base', ...MONEY_COLUMN }) netBase!: Money;
  @Column({ name: 'community_base_share', ...MONEY_COLUMN }) communityBaseShare!: Money;
  @Column({ name: 'increase_pool', ...MONEY_COLUMN }) increasePool!: Money;
  @Column({ name: 'community_increase', ...MONEY_COLUMN }) communityIncrease!: Money;
  @Column({ name: 'community_package', ...MONEY_COLUMN }) communityPackage!: Money;
  @Column({ name: 'private_pool', ...MONEY_COLUMN }) privatePool!: Money;
  @Column({ name: 'parameters_version', type: 'int', unsigned: true }) parametersVersion!: number;
  /** The rates used, frozen with the document. */
  @Column({ type: 'longtext' }) parameters!: string;
  @Column({ name: 'created_by', type: 'varchar', length: 64 }) createdBy!: string;
  @Column({ name: 'submitted_by', type: 'varchar', length: 64, nullable: true }) submittedBy!: string | null;
  @Column({ name: 'approved_by', type: 'varchar', length: 64, nullable: true }) approvedBy!: string | null;
  @Column({ name: 'approved_at', type: 'datetime', precision: 3, nullable: true }) approvedAt!: Date | null;
  @Column({ name: 'published_at', type: 'datetime', precision: 3, nullable: true }) publishedAt!: Date | null;
  @Column({ type: 'int', unsigned: true, default: 1 }) version!: number;
  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 }) updatedAt!: Date;
}
