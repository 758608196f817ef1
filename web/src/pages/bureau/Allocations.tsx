import { Alert, Button, Card, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { formatDate, formatYuan } from '../../lib/format';
import { read } from './api';
import type { AllocationView } from './views';

/** The county's fund-year allocations, every version, with M as the API computed it. */
export default function AllocationsPage() {
  const { t, code } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const list = useQuery({
    queryKey: ['allocations'],
    queryFn: async () =>
      (await read<{ items: AllocationView[] }>(() => api.GET('/api/v1/allocations', { params: { query: { pageSize: 100 } } }))).items,
  });
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('buAllocations')}</h1>}
      extra={
        me.roles.includes('BUREAU_CLERK') ? (
          <Button type="primary" onClick={() => void navigate('/allocations/new')}>
            {t('buNewAllocation')}
          </Button>
        ) : null
      }
    >
      {list.error && <Alert type="error" role="alert" title={refusalOf(list.error)} style={{ marginBottom: 16 }} />}
      <Table<AllocationView>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: '#', dataIndex: 'id', render: (id: number) => <Link to={`/allocations/${id}`}>#{id}</Link> },
          { title: t('fundYear'), dataIndex: 'fundYear' },
          { title: t('buDocumentVersion'), dataIndex: 'documentVersion' },
          { title: t('state'), dataIndex: 'state', render: (s: string) => <Tag>{code(s)}</Tag> },
          {
            title: t('buCommunityPackage'),
            key: 'm',
            align: 'right',
            render: (_: unknown, a) => formatYuan(a.figures.communityPackage),
          },
          { title: t('createdBy'), dataIndex: 'createdBy' },
          { title: t('approvedBy'), dataIndex: 'approvedBy', render: (v: string | null) => v ?? '—' },
          { title: t('buPublishedAt'), dataIndex: 'publishedAt', render: (d: string | null) => formatDate(d) },
        ]}
      />
    </Card>
  );
}
