import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { NotificationView } from '../api/views';

/** The institution's notifications with the API's unread count (the header badge reads the same query). */
export function useNotifications() {
  return useQuery({
    queryKey: ['notifications'],
    queryFn: async () =>
      (await call(() => api.GET('/api/v1/notifications', { params: { query: { pageSize: 100 } } }))) as unknown as {
        items: NotificationView[];
        total: number;
        unread: number;
      },
    refetchInterval: 60_000,
  });
}
