import { useState } from 'react';
import { Card, DatePicker, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { Link } from 'react-router-dom';
import { api, call, type Schemas } from '../api/client';
import { useI18n } from '../app/i18n';
import { currentPeriod, formatDate, formatYuan } from '../lib/format';
import { useList } from '../lib/lists';
import { ClaimStateTag } from './claimState';

type Claim = Schemas['MemberClaimResponse'];

/** Claims by period, each with the API's totals and its state. */
export default function ClaimsPage() {
  const { t } = useI18n();
  const [period, setPeriod] = useState<string | undefined>(undefined);
  const claims = useList<Claim>(['member-claims', period ?? 'all'], () =>
    call(() => api.GET('/api/v1/member-claims', { params: { query: period ? { period } : {} } })),
  );
  const money = (key: keyof Claim, label: Parameters<typeof t>[0]) => ({
    title: t(label),
    dataIndex: key,
    align: 'right' as const,
    render: (v: string) => formatYuan(v),
  });
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('claims')}</h1>}
      extra={
        <Space>
          <label htmlFor="period-filter">{t('period')}</label>
          <DatePicker
            id="period-filter"
            picker="month"
            allowClear
            placeholder={currentPeriod()}
            value={period ? dayjs(`${period}-01`) : null}
            onChange={(d) => setPeriod(d ? d.format('YYYY-MM') : undefined)}
          />
        </Space>
      }
    >
      <Table<Claim>
        rowKey="id"
        loading={claims.isLoading}
        dataSource={claims.data?.items ?? []}
        pagination={{ pageSize: 20, total: claims.data?.total, hideOnSinglePage: true }}
        columns={[
          { title: t('claim'), dataIndex: 'id', render: (id: number) => <Link to={`/claims/${id}`}>#{id}</Link> },
          { title: t('institution'), dataIndex: 'institutionCode' },
          { title: t('period'), dataIndex: 'period' },
          { title: t('state'), dataIndex: 'state', render: (s: string) => <ClaimStateTag state={s} /> },
          { title: t('records'), dataIndex: 'records', align: 'right' },
          money('claimed', 'claimed'),
          money('accepted', 'accepted'),
          money('rejected', 'rejected'),
          money('approved', 'approved'),
          { title: t('cutoff'), dataIndex: 'cutoff', render: (d: string) => formatDate(d) },
          { title: t('late'), dataIndex: 'late', render: (late: boolean) => (late ? <Tag color="red">{t('late')}</Tag> : null) },
        ]}
      />
    </Card>
  );
}
