import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { useInstitution, useToday } from '../../lib/context';

/**
 * Calls a route whose answer the OpenAPI document does not describe yet: the same typed request,
 * its answer read as `T` (the shapes in ./views.ts).
 */
export async function read<T>(request: () => Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  return (await call(request)) as T;
}

/** The caller's county code (from the registry) and the fund year of the API's business date. */
export function useCountyYear(): { county: string | undefined; fundYear: number | undefined; loading: boolean } {
  const institution = useInstitution();
  const today = useToday();
  return {
    county: institution.data?.countyCode ?? undefined,
    fundYear: today ? Number(today.slice(0, 4)) : undefined,
    loading: institution.isLoading || !today,
  };
}

/** The medical communities the caller may see. */
export function useCommunities() {
  return useQuery({
    queryKey: ['communities'],
    queryFn: async () => (await call(() => api.GET('/api/v1/communities', { params: { query: { pageSize: 100 } } }))).items,
  });
}
