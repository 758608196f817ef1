import { useState } from 'react';
import { Alert, Button, Card, Select, Space, Table } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { api, call, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { formatDate } from '../../lib/format';
import { useList } from '../../lib/lists';
import { StateTag, useYearAndCommunity, YearCommunityPicker, FinLink } from './shared';

export type FundAnalysisSummary = Schemas['FundAnalysisSummaryResponse'];

/** The community's quarterly fund analyses (基金运行分析), latest first; the lead unit or the bureau drafts a quarter's. */
export default function FundAnalysesPage() {
  const { t } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const scope = useYearAndCommunity();
  const { year, community } = scope;
  const [quarter, setQuarter] = useState(1);
  const list = useList<FundAnalysisSummary>(['fund-analyses', community, year], async () =>
    community
      ? ((await call(() =>
          api.GET('/api/v1/communities/{communityCode}/fund-analyses', {
            params: { path: { communityCode: community }, query: { fundYear: year, pageSize: 100 } },
          } as never),
        )) as unknown as { items: FundAnalysisSummary[] })
      : { items: [] },
  );
  const draft = useMutation({
    mutationFn: async () =>
      (await call(() =>
        api.POST('/api/v1/communities/{communityCode}/fund-analyses', {
          params: { path: { communityCode: community! } },
          body: { fundYear: year!, quarter },
        } as never),
      )) as unknown as FundAnalysisSummary,
    onSuccess: (a) => {
      void queries.invalidateQueries({ queryKey: ['fund-analyses'] });
      void navigate(`/finance/fund-analyses/${a.id}`);
    },
  });
  const drafts = me.roles.some((r) => ['LEAD_FINANCE', 'BUREAU_CLERK', 'BUREAU_APPROVER'].includes(r));
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('finFundAnalyses')}</h1>} extra={<YearCommunityPicker state={scope} />}>
      {(list.error ?? draft.error) && (
        <Alert type="error" role="alert" title={refusalOf(list.error ?? draft.error)} style={{ marginBottom: 16 }} />
      )}
      {drafts && (
        <Space style={{ marginBottom: 16 }}>
          <label htmlFor="fa-quarter">{t('finQuarter')}</label>
          <Select
            id="fa-quarter"
            showSearch
            optionFilterProp="label"
            value={quarter}
            onChange={setQuarter}
            style={{ width: 90 }}
            options={[1, 2, 3, 4].map((q) => ({ value: q, label: `Q${q}` }))}
          />
          <Button type="primary" disabled={!community || !year} loading={draft.isPending} onClick={() => draft.mutate()}>
            {t('finDraftAnalysis')}
          </Button>
        </Space>
      )}
      <Table<FundAnalysisSummary>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: t('finAnalysis'),
            dataIndex: 'id',
            render: (id: number, a) => <FinLink to={`/finance/fund-analyses/${id}`}>{`${a.fundYear} Q${a.quarter} · #${id}`}</FinLink>,
          },
          { title: t('state'), dataIndex: 'state', render: (s: string) => <StateTag state={s} /> },
          { title: t('finDraftedAt'), dataIndex: 'draftedAt', render: (d: string) => formatDate(d) },
          { title: t('finRefreshedAt'), dataIndex: 'refreshedAt', render: (d: string) => formatDate(d) },
          { title: t('finSubmittedBy'), dataIndex: 'submittedBy', render: (v: string | null) => v ?? '—' },
        ]}
      />
    </Card>
  );
}
