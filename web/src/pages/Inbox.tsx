import { Card, Empty, Space, Statistic, Table, Tag } from 'antd';
import { Link } from 'react-router-dom';
import { api, call, type Schemas } from '../api/client';
import { useI18n } from '../app/i18n';
import { formatDate, formatYuan } from '../lib/format';
import { useList } from '../lib/lists';

type Item = Schemas['InboxItemResponse'];
type InboxExtra = { institutionCode: string; today: string; overdue: number };

/** The console's page of an inbox item's document (the API path it names), where the console has one. */
function consolePath(item: Item): string | null {
  const claim = /^\/api\/v1\/member-claims\/(\d+)$/.exec(item.link);
  if (claim) return `/claims/${claim[1]}`;
  const chain = /^\/api\/v1\/(reserve-uses|disputes|referrals|surplus-plans)\/(\d+)$/.exec(item.link);
  return chain ? `/${chain[1]}/${chain[2]}` : null;
}

export default function InboxPage() {
  const { t, code } = useI18n();
  const inbox = useList<Item, InboxExtra>(['inbox'], () => call(() => api.GET('/api/v1/inbox')));
  const page = inbox.data;
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('inbox')}</h1>}>
      <Space size="large" style={{ marginBottom: 16 }}>
        <Statistic title={t('institution')} value={page?.institutionCode ?? '—'} />
        <Statistic title={t('today')} value={page?.today ?? '—'} />
        <Statistic
          title={t('overdueCount')}
          value={page?.overdue ?? 0}
          styles={{ content: { color: page?.overdue ? '#cf1322' : undefined } }}
        />
      </Space>
      <Table<Item>
        rowKey={(r) => `${r.kind}:${r.id ?? ''}:${r.period}:${r.institutionCode}`}
        loading={inbox.isLoading}
        dataSource={page?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t('empty')} /> }}
        columns={[
          { title: t('kind'), dataIndex: 'kind', render: (k: string) => code(k) },
          { title: t('period'), dataIndex: 'period' },
          { title: t('institution'), dataIndex: 'institutionCode' },
          { title: t('amount'), dataIndex: 'amount', align: 'right', render: (a: string | null) => formatYuan(a) },
          { title: t('deadline'), dataIndex: 'deadline', render: (d: string | null) => (d ? formatDate(d) : t('noDeadline')) },
          {
            title: t('status'),
            dataIndex: 'overdue',
            render: (overdue: boolean) => (overdue ? <Tag color="red">{t('overdue')}</Tag> : <Tag color="green">{t('onTime')}</Tag>),
          },
          {
            title: t('actions'),
            key: 'open',
            render: (_: unknown, item: Item) => {
              const path = consolePath(item);
              return path ? <Link to={path}>{t('open')}</Link> : null;
            },
          },
        ]}
      />
    </Card>
  );
}
