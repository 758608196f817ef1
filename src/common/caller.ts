import { Role, Scope } from '../domain/access-policy';
import { InstitutionType } from '../domain/institution-registry';

/** The authenticated person or system behind a request. */
export interface Caller {
  kind: 'user' | 'token';
  /** Username, or `token:<id>` for an API token: what the audit trail records. */
  name: string;
  userId: number | null;
  sessionId: string | null;
  roles: Role[];
  institution: { id: number; code: string; type: InstitutionType; countyId: number; communityId: number | null };
  scope: Scope;
}
