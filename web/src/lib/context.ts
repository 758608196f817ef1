import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api, call } from '../api/client';
import { useMe } from '../app/session';

/** The API's business date (Asia/Shanghai), as the inbox answers it. */
export function useToday(): string | undefined {
  const inbox = useQuery({ queryKey: ['inbox'], queryFn: () => call(() => api.GET('/api/v1/inbox')) });
  return (inbox.data as { today?: string } | undefined)?.today;
}

/** The caller's institution with its county and community codes (from the registry). */
export function useInstitution() {
  const me = useMe();
  return useQuery({
    queryKey: ['institution', me.institutionCode],
    queryFn: () => call(() => api.GET('/api/v1/institutions/{code}', { params: { path: { code: me.institutionCode } } })),
  });
}

/**
 * Whole days from `today` to `deadline`, both the API's calendar dates: a display of the
 * countdown only (the API decides lateness and overdue flags).
 */
export function daysUntil(deadline: string, today: string): number {
  return dayjs(deadline).diff(dayjs(today), 'day');
}

/** The refusal text of a failed call: the API's own message where it sent one. */
export function refusalOf(error: unknown): string | null {
  if (!error) return null;
  const body = (error as { body?: { message?: string } }).body;
  return body?.message ?? (error as Error).message ?? String(error);
}

/**
 * The community a community-scoped page shows: the one chosen, else the caller's own, else the
 * first the caller may read (GET /communities is scoped by the API). `options` feed a picker.
 */
export function useCommunityChoice() {
  const institution = useInstitution();
  const communities = useQuery({
    queryKey: ['registry', 'communities'],
    queryFn: () => call(() => api.GET('/api/v1/communities', { params: { query: { pageSize: 100 } } })),
  });
  const options = ((communities.data as { items?: { code: string; name: string }[] } | undefined)?.items ?? []).map((c) => ({
    value: c.code,
    label: `${c.name}（${c.code}）`,
  }));
  const own = (institution.data?.communityCode as unknown as string | null | undefined) ?? null;
  const [chosen, setChosen] = useState<string | null>(null);
  return { community: chosen ?? own ?? options[0]?.value ?? null, options, choose: setChosen };
}
