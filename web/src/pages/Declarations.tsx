import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Space, Table, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { Link, useNavigate } from 'react-router-dom';
import { api, call } from '../api/client';
import type { DeclarationView } from '../api/views';
import { useI18n } from '../app/i18n';
import { useMe } from '../app/session';
import { refusalOf, useInstitution, useToday } from '../lib/context';
import { formatDate, formatYuan } from '../lib/format';
import { useList } from '../lib/lists';

/** Declarations in the caller's scope; lead finance declares a period from here. */
export default function DeclarationsPage() {
  const { t, code } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const institution = useInstitution();
  const today = useToday();
  const [chosen, setPeriod] = useState<Dayjs | null>(null);
  // The month before the API's business date is the one normally declared.
  const period = chosen ?? (today ? dayjs(today).subtract(1, 'month') : null);
  const list = useList<DeclarationView>(['declarations'], async () =>
    call(() => api.GET('/api/v1/declarations', { params: { query: { pageSize: 100 } } })),
  );
  const community = institution.data?.communityCode as unknown as string | null | undefined;
  const declare = useMutation({
    mutationFn: (p: string) =>
      call(() =>
        api.POST('/api/v1/communities/{communityCode}/declarations', {
          params: { path: { communityCode: community! } },
          body: { period: p },
        }),
      ),
    onSuccess: (d) => {
      void queries.invalidateQueries({ queryKey: ['declarations'] });
      void queries.invalidateQueries({ queryKey: ['inbox'] });
      void navigate(`/declarations/${d.id}`);
    },
  });
  const canDeclare = me.roles.includes('LEAD_FINANCE') && !!community;
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('declarations')}</h1>}>
      {canDeclare && (
        <Space style={{ marginBottom: 16 }} wrap>
          <label htmlFor="declare-period">{t('period')}</label>
          <DatePicker id="declare-period" picker="month" allowClear={false} value={period} onChange={setPeriod} />
          <Button type="primary" loading={declare.isPending} disabled={!period} onClick={() => declare.mutate(period!.format('YYYY-MM'))}>
            {t('declare')}
          </Button>
        </Space>
      )}
      {declare.error && <Alert type="error" role="alert" title={refusalOf(declare.error)} style={{ marginBottom: 16 }} />}
      <Table<DeclarationView>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('declaration'), dataIndex: 'id', render: (id: number) => <Link to={`/declarations/${id}`}>#{id}</Link> },
          { title: t('community'), dataIndex: 'communityCode' },
          { title: t('period'), dataIndex: 'period' },
          { title: t('state'), dataIndex: 'state', render: (s: string) => <Tag>{code(s)}</Tag> },
          { title: t('claimed'), dataIndex: 'claimed', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('deducted'), dataIndex: 'deducted', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('approved'), dataIndex: 'approved', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('deadline'), dataIndex: 'deadline', render: (d: string) => formatDate(d) },
          { title: t('late'), dataIndex: 'late', render: (late: boolean) => (late ? <Tag color="red">{t('lateDeclaration')}</Tag> : null) },
        ]}
      />
    </Card>
  );
}
