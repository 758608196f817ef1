import { Role, Scope } from '../domain/access-policy';
import { InstitutionLevel, InstitutionType } from '../domain/institution-registry';

/** The authenticated person or system behind a request. */
export interface Caller {
  kind: 'user' | 'token';
  /** Username, or `token:<id>` for an API token: what the audit trail records. */
  name: string;
  userId: number | null;
  sessionId: string | null;
  roles: Role[];
  /** `countyId` is null for an institution of a prefecture or the province (`level`, `regionId`). */
  institution: {
    id: number;
    code: string;
    type: InstitutionType;
    level: InstitutionLevel;
    countyId: number | null;
    regionId: number | null;
    communityId: number | null;
  };
  scope: Scope;
}
