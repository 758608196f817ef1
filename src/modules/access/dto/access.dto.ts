import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { normalizeUsername, Role, ROLES } from '../../../domain/access-policy';
import { INSTITUTION_CODE_PATTERN } from '../../../domain/institution-registry';
import { PageQuery } from '../../../common/pagination';
import { VersionedDto } from '../../registry';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Usernames in their one spelling (trimmed, NFC, lower case) before they are checked, stored, looked up or throttled. */
const username = ({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeUsername(value) : value);
export const PASSWORD_MIN_LENGTH = 10;

export class LoginDto {
  @ApiProperty({ example: 'ws.bureau.clerk', description: 'compared trimmed, Unicode NFC and lower case' })
  @Transform(username)
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty({ example: 'cbm-demo-2026' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;

  @ApiPropertyOptional({
    enum: ['token', 'cookie'],
    default: 'token',
    description:
      'token: the refresh token in the answer (API clients); cookie: the refresh token as an HttpOnly cookie for the refresh route only (browsers)',
  })
  @IsOptional()
  @IsIn(['token', 'cookie'])
  session?: 'token' | 'cookie';
}

export class RefreshDto {
  @ApiPropertyOptional({ description: 'required unless the browser sends the refresh cookie' })
  @IsOptional()
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  refreshToken?: string;
}

class RolesField {
  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES as unknown as string[], { each: true })
  roles!: Role[];
}

export class CreateUserDto extends RolesField {
  @ApiProperty({ example: 'ws.tc01.clerk', description: 'stored trimmed, Unicode NFC and lower case' })
  @Transform(username)
  @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/, { message: '$property must be 3-64 lower-case letters, digits, dots, hyphens or underscores' })
  username!: string;

  @ApiProperty({ example: '张会计' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName!: string;

  @ApiProperty({ example: 'WS-TC-01' })
  @Matches(INSTITUTION_CODE_PATTERN, { message: '$property must be an institution code' })
  institutionCode!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(200)
  password!: string;
}

export class UpdateUserDto extends VersionedDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES as unknown as string[], { each: true })
  roles?: Role[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class SetPasswordDto {
  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(200)
  password!: string;
}

export class ChangeOwnPasswordDto {
  @ApiProperty({ description: 'the password the caller signs in with now' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  currentPassword!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(200)
  password!: string;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(INSTITUTION_CODE_PATTERN)
  institutionCode?: string;
}

export class CreateApiTokenDto extends RolesField {
  @ApiProperty({ example: '南诏镇卫生院 HIS 上传' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ example: 'WS-TC-01' })
  @Matches(INSTITUTION_CODE_PATTERN, { message: '$property must be an institution code' })
  institutionCode!: string;
}
