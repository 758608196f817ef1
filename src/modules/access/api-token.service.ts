import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Role } from '../../domain/access-policy';
import { Caller } from '../../common/caller';
import { Page, PageQuery } from '../../common/pagination';
import { AuditService } from '../audit';
import { notFound } from '../../common/record-errors';
import { InstitutionService } from '../registry';
import { ApiToken } from './api-token.entity';
import { ApiTokenRepository } from './api-token.repository';
import { CallerCache } from './caller-cache';
import { API_TOKEN_PREFIX, hashApiTokenSecret } from './auth.service';
import { CreateApiTokenDto } from './dto/access.dto';
import { assertRolesFit, institutionForAssignment } from './user.service';

export interface ApiTokenView {
  id: string;
  name: string;
  institutionCode: string;
  roles: Role[];
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const view = (t: ApiToken): ApiTokenView => ({
  id: t.id,
  name: t.name,
  institutionCode: t.institution.code,
  roles: t.roles,
  createdBy: t.createdBy,
  createdAt: t.createdAt.toISOString(),
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

/** API tokens for systems; the secret is shown once at creation and only its hash is stored. */
@Injectable()
export class ApiTokenService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: ApiTokenRepository,
    private readonly institutions: InstitutionService,
    private readonly audit: AuditService,
    private readonly callers: CallerCache,
  ) {}

  async create(caller: Caller, dto: CreateApiTokenDto): Promise<ApiTokenView & { token: string }> {
    const id = [...randomBytes(12)].map((b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');
    const secret = randomBytes(32).toString('base64url');
    return this.dataSource.transaction(async (manager) => {
      const institution = await institutionForAssignment(this.institutions, manager, caller, dto.institutionCode);
      assertRolesFit(institution, dto.roles);
      await this.tokens.insert(manager, {
        id,
        name: dto.name,
        institutionId: institution.id,
        roles: [...new Set(dto.roles)],
        secretHash: hashApiTokenSecret(secret),
        createdBy: caller.name,
      });
      const v = view((await this.tokens.find(manager, id))!);
      await this.audit.record(manager, { action: 'apiToken.create', entityType: 'apiToken', entityId: id, before: null, after: { ...v } });
      return { ...v, token: `${API_TOKEN_PREFIX}${id}_${secret}` };
    });
  }

  async list(caller: Caller, q: PageQuery): Promise<Page<ApiTokenView>> {
    const [rows, total] = await this.tokens.list(caller.scope, q);
    return { items: rows.map(view), page: q.page, pageSize: q.pageSize, total };
  }

  async revoke(id: string): Promise<ApiTokenView> {
    const revoked = await this.dataSource.transaction(async (manager) => {
      const token = await this.tokens.find(manager, id);
      if (!token) throw notFound('API token', id);
      if (token.revokedAt) return view(token);
      await this.tokens.revoke(manager, id);
      const after = view((await this.tokens.find(manager, id))!);
      await this.audit.record(manager, {
        action: 'apiToken.revoke',
        entityType: 'apiToken',
        entityId: id,
        before: { ...view(token) },
        after: { ...after },
      });
      return after;
    });
    // Refused from this instance's next request on (other instances: AUTH_CACHE_TTL_MS).
    this.callers.forget();
    return revoked;
  }
}
