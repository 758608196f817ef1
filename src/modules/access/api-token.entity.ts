import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Role } from '../../domain/access-policy';
import { Institution } from '../registry';
import { rolesColumn } from './user.entity';

/** A system's credential (e.g. a township HIS uploading settlement records); only its hash is kept. */
@Entity('api_token')
export class ApiToken {
  @PrimaryColumn({ type: 'char', length: 12 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'institution_id', type: 'int', unsigned: true })
  institutionId!: number;

  @ManyToOne(() => Institution, { nullable: false })
  @JoinColumn({ name: 'institution_id' })
  institution!: Institution;

  @Column({ type: 'varchar', length: 512, transformer: rolesColumn })
  roles!: Role[];

  @Column({ name: 'secret_hash', type: 'char', length: 64, select: false })
  secretHash!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt!: Date | null;
}
