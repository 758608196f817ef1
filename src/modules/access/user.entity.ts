import { VersionedRecord } from '../../database/versioned-record.entity';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '../../domain/access-policy';
import { Institution } from '../registry';

const rolesColumn = {
  to: (roles: Role[]) => roles.join(','),
  from: (text: string) => (text ? text.split(',') : []) as Role[],
};

@Entity('app_user')
export class User extends VersionedRecord {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 100 })
  displayName!: string;

  @Column({ name: 'institution_id', type: 'int', unsigned: true })
  institutionId!: number;

  @ManyToOne(() => Institution, { nullable: false })
  @JoinColumn({ name: 'institution_id' })
  institution!: Institution;

  @Column({ type: 'varchar', length: 512, transformer: rolesColumn })
  roles!: Role[];

  @Column({ name: 'password_hash', type: 'varchar', length: 255, select: false })
  passwordHash!: string;
}

export { rolesColumn };
