import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from '../../domain/access-policy';
import { Institution } from '../registry/institution.entity';

const rolesColumn = {
  to: (roles: Role[]) => roles.join(','),
  from: (text: string) => (text ? text.split(',') : []) as Role[],
};

@Entity('app_user')
export class User {
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

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'int', unsigned: true, default: 1 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export { rolesColumn };
