import { useQuery, type UseQueryResult } from '@tanstack/react-query';

/** The one envelope every list of the API answers with. */
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/**
 * Reads a list answer into the envelope. Lists that still answer a bare array are wrapped here,
 * so adapting the console to the API's list shapes happens in this one place.
 */
export function toPage<T, Extra extends object = object>(
  answer: T[] | (Partial<Page<T>> & { items: T[] } & Extra),
): Page<T> & Partial<Extra> {
  if (Array.isArray(answer)) return { items: answer, page: 1, pageSize: answer.length, total: answer.length } as Page<T> & Partial<Extra>;
  const items = answer.items;
  return { ...answer, items, page: answer.page ?? 1, pageSize: answer.pageSize ?? items.length, total: answer.total ?? items.length };
}

/** A list from the API as the envelope, cached by TanStack Query under `key`. */
export function useList<T, Extra extends object = object>(
  key: readonly unknown[],
  load: () => Promise<T[] | (Partial<Page<T>> & { items: T[] } & Extra)>,
): UseQueryResult<Page<T> & Partial<Extra>> {
  return useQuery({ queryKey: key, queryFn: async () => toPage<T, Extra>(await load()) });
}
