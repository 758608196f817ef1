import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';

/** The institution's notifications with the API's unread count (the header badge reads the same query). */
export function useNotifications() {
  return useQuery({
    queryKey: ['notifications'],
    queryFn: () => call(() => api.GET('/api/v1/notifications', { params: { query: { pageSize: 100 } } })),
    refetchInterval: 60_000,
  });
}
