import { ApiProperty } from '@nestjs/swagger';
import { Role, ROLES } from '../../../domain/access-policy';
import { INSTITUTION_TYPES } from '../../../domain/institution-registry';

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
