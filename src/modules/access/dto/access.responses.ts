import { ApiProperty } from '@nestjs/swagger';
import { Role, ROLES } from '../../../domain/access-policy';
import { INSTITUTION_TYPES } from '../../../domain/institution-registry';
import type { ApiTokenView } from '../api-token.service';
import type { UserView } from '../user.service';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them.

export class TokenPairResponse {
  @ApiProperty({ description: 'bearer token for every call; lives AUTH_ACCESS_TTL_SECONDS' })
  accessToken!: string;

  @ApiProperty({
    required: false,
    description: 'exchanged once at POST /auth/refresh for a new pair; absent when the refresh token went into the browser cookie',
  })
  refreshToken?: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'seconds until the access token expires', example: 900 })
  expiresIn!: number;
}

export class WhoAmIResponse {
  @ApiProperty({ enum: ['user', 'token'] })
  kind!: 'user' | 'token';

  @ApiProperty({ description: 'username, or token:<id> for an API token', example: 'ws.tc01.clerk' })
  name!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: Role[];

  @ApiProperty({ example: 'WS-TC-01' })
  institutionCode!: string;

  @ApiProperty({ enum: INSTITUTION_TYPES })
  institutionType!: string;
}

export class UserResponse implements UserView {
  @ApiProperty({ example: 'ws.tc01.clerk' }) username!: string;
  @ApiProperty({ example: '南诏镇卫生院医保员' }) displayName!: string;
  @ApiProperty({ example: 'WS-TC-01' }) institutionCode!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty() active!: boolean;
  @ApiProperty() version!: number;
}

export class ApiTokenResponse implements ApiTokenView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'HIS interface' }) name!: string;
  @ApiProperty({ example: 'WS-TC-01' }) institutionCode!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) revokedAt!: string | null;
}

export class CreatedApiTokenResponse extends ApiTokenResponse {
  @ApiProperty({ description: 'the token itself, shown only in this answer' }) token!: string;
}
