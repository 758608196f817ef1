import { describeApi } from '../../src/app.factory';
import { testConfig } from '../support/test-app';

/**
 * Routes whose JSON answer the OpenAPI document does not describe yet: the web console types
 * those answers by hand, so an API change there would not fail its type-check. This list only
 * shrinks: a new route must document its answer (a response class beside its DTOs), and a
 * route documented since must leave the list.
 */
const NOT_YET_DESCRIBED = [
  'GET /api/v1/communities/{communityCode}/assessments/{fundYear}',
  'GET /api/v1/communities/{communityCode}/assessments/{fundYear}/entered-values',
  'GET /api/v1/communities/{communityCode}/holds',
  'GET /api/v1/communities/{communityCode}/periods/{period}/summary',
  'GET /api/v1/communities/{communityCode}/referral-report',
  'GET /api/v1/counties/{countyCode}/assessment-weights/{fundYear}',
  'GET /api/v1/counties/{countyCode}/periods/{period}/deadlines',
  'GET /api/v1/counties/{countyCode}/private-budgets/{fundYear}',
  'GET /api/v1/private-payments',
  'GET /api/v1/private-payments/{id}',
  'POST /api/v1/communities/{communityCode}/holds',
  'POST /api/v1/communities/{communityCode}/out-of-county-settlements',
  'POST /api/v1/communities/{communityCode}/quarterly-advances',
  'POST /api/v1/holds/{id}/lift',
  'POST /api/v1/member-claims/{id}/complete-review',
  'POST /api/v1/member-claims/{id}/private-payment',
  'POST /api/v1/member-claims/{id}/reopen-review',
  'POST /api/v1/private-payments/{id}/payment',
  'POST /api/v1/settlement-records',
  'PUT /api/v1/communities/{communityCode}/assessments/{fundYear}/entered-values',
  'PUT /api/v1/counties/{countyCode}/assessment-weights/{fundYear}',
  'PUT /api/v1/counties/{countyCode}/private-budgets/{fundYear}',
];

type Schema = { $ref?: string; allOf?: unknown[]; oneOf?: unknown[]; properties?: Record<string, Schema>; items?: Schema };
type Operation = { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> };

/** An answer is described when its schema names a class, or lists properties (and, for a list, its items'). */
function describes(schema: Schema | undefined): boolean {
  if (!schema) return false;
  const named = Boolean(schema.$ref || schema.allOf || schema.oneOf) || Object.keys(schema.properties ?? {}).length > 0;
  const items = schema.properties?.items?.items;
  return named && (schema.properties?.items === undefined || describes(items));
}

describe('every JSON answer is described in the OpenAPI document', () => {
  it('leaves undescribed only the routes still listed, and every listed route is still undescribed', async () => {
    const doc = (await describeApi(testConfig({ DB_PORT: '1', REDIS_PORT: '1' }))) as unknown as {
      paths: Record<string, Record<string, Operation>>;
    };
    const undescribed: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (path.endsWith('.xlsx') || path.startsWith('/health')) continue; // spreadsheets and probes
      for (const [method, op] of Object.entries(methods)) {
        const responses = op.responses ?? {};
        if (responses['204'] || responses['202']) continue;
        const ok = responses['200'] ?? responses['201'];
        // An answer described in a format other than JSON (the Prometheus text of /metrics) is no JSON answer.
        const content = ok?.content ?? {};
        if (!content['application/json'] && Object.values(content).some((c) => c.schema)) continue;
        if (!describes(ok?.content?.['application/json']?.schema)) undescribed.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(undescribed.sort()).toEqual([...NOT_YET_DESCRIBED].sort());
  });
});
