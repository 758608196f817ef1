import { Alert, Button, Card, Empty, Table, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { NotificationView } from '../api/views';
import { useI18n } from '../app/i18n';
import { refusalOf } from '../lib/context';
import { formatDate } from '../lib/format';
import { useNotifications } from '../lib/notifications';

/** The institution's notifications, newest first; read one or all. */
export default function NotificationsPage() {
  const { t, code } = useI18n();
  const queries = useQueryClient();
  const list = useNotifications();
  const changed = () => void queries.invalidateQueries({ queryKey: ['notifications'] });
  const readOne = useMutation({
    mutationFn: (id: number) => call(() => api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: changed,
  });
  const readAll = useMutation({ mutationFn: () => call(() => api.POST('/api/v1/notifications/read-all')), onSuccess: changed });
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('notifications')}</h1>}
      extra={
        <Button onClick={() => readAll.mutate()} loading={readAll.isPending} disabled={!list.data?.unread}>
          {t('markAllRead')}
        </Button>
      }
    >
      {(readOne.error ?? readAll.error) && <Alert type="error" role="alert" title={refusalOf(readOne.error ?? readAll.error)} />}
      <Table<NotificationView>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t('noNotifications')} /> }}
        columns={[
          { title: t('createdAt'), dataIndex: 'createdAt', render: (d: string) => formatDate(d) },
          {
            title: t('status'),
            dataIndex: 'severity',
            render: (s: string) => (
              <Tag color={s === 'ALARM' ? 'red' : s === 'WARNING' ? 'orange' : s === 'WATCH' ? 'gold' : 'blue'}>{code(s)}</Tag>
            ),
          },
          { title: t('message'), dataIndex: 'message' },
          {
            title: t('read'),
            dataIndex: 'readAt',
            render: (r: string | null, n) =>
              r ? (
                formatDate(r)
              ) : (
                <Button size="small" onClick={() => readOne.mutate(n.id)}>
                  {t('markRead')}
                </Button>
              ),
          },
        ]}
      />
    </Card>
  );
}
