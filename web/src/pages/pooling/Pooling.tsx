import { useState } from 'react';
import { Alert, App, Button, Card, Empty, InputNumber, Select, Space, Table, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call, downloadFile, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { formatYuan } from '../../lib/format';
import { useList } from '../../lib/lists';

type Prefecture = Schemas['PrefectureView'];
type FundResult = Schemas['FundResultView'];
type Sharing = Schemas['SharingView'];
type ProvincialFund = Schemas['ProvincialFundView'];

/**
 * Pooling above the county (SPEC §12) for a prefecture's or the province's users: every county's
 * fund result of a year, the city's gap sharings with the step the caller's role takes (the
 * finance bureau confirms, the bureau executes), and the province's adjustment fund. The API
 * decides what each caller may see and do; the screen shows what it answers.
 */
export default function PoolingPage() {
  const { t, code } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [year, setYear] = useState<number>(new Date().getFullYear() - 1);
  const prefectures = useList<Prefecture>(['prefectures'], () =>
    call(() => api.GET('/api/v1/prefectures', { params: { query: { pageSize: 100 } } })),
  );
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const prefecture = chosen ?? prefectures.data?.items[0]?.code;
  const results = useList<FundResult>(['prefecture-fund-results', prefecture, year], () =>
    prefecture
      ? call(() =>
          api.GET('/api/v1/prefectures/{code}/fund-results', {
            params: { path: { code: prefecture }, query: { fundYear: year, pageSize: 500 } },
          }),
        )
      : Promise.resolve([]),
  );
  const sharings = useList<Sharing>(['gap-sharings', prefecture, year], () =>
    prefecture
      ? call(() =>
          api.GET('/api/v1/prefectures/{code}/gap-sharings', {
            params: { path: { code: prefecture }, query: { fundYear: year, pageSize: 500 } },
          }),
        )
      : Promise.resolve([]),
  );
  const provinceCode = prefectures.data?.items[0]?.provinceCode;
  const funds = useList<ProvincialFund>(['adjustment-funds', provinceCode, year], () =>
    provinceCode
      ? call(() =>
          api.GET('/api/v1/provinces/{code}/adjustment-funds', { params: { path: { code: provinceCode }, query: { fundYear: year } } }),
        )
      : Promise.resolve([]),
  );
  const step = useMutation({
    mutationFn: (s: { sharing: Sharing; action: 'confirm' | 'execute' }) =>
      call(() =>
        s.action === 'confirm'
          ? api.POST('/api/v1/gap-sharings/{id}/confirm', { params: { path: { id: s.sharing.id } }, body: { version: s.sharing.version } })
          : api.POST('/api/v1/gap-sharings/{id}/execute', { params: { path: { id: s.sharing.id } }, body: { version: s.sharing.version } }),
      ),
    onSuccess: () => {
      void message.success(t('done'));
      void queryClient.invalidateQueries({ queryKey: ['gap-sharings'] });
      void queryClient.invalidateQueries({ queryKey: ['prefecture-fund-results'] });
    },
  });
  const mayTake = (action: string) =>
    action === 'confirm'
      ? me.roles.includes('APPROVER')
      : action === 'execute' && me.roles.some((r) => r === 'BUREAU_CLERK' || r === 'BUREAU_APPROVER');

  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('poTitle')}</h1>}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          aria-label={t('poPrefecture')}
          style={{ minWidth: 220 }}
          value={prefecture}
          onChange={setChosen}
          options={(prefectures.data?.items ?? []).map((p) => ({ value: p.code, label: `${p.name} (${p.code})` }))}
        />
        <InputNumber aria-label={t('poYear')} min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
      </Space>
      {step.error && <Alert type="error" role="alert" title={refusalOf(step.error) ?? 'error'} style={{ marginBottom: 12 }} />}
      <h2 style={{ fontSize: 16 }}>{t('poResults')}</h2>
      <Table<FundResult>
        rowKey={(r) => `${r.countyCode}-${r.fundYear}`}
        size="small"
        loading={results.isLoading}
        dataSource={results.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t('empty')} /> }}
        columns={[
          { title: t('poCounty'), dataIndex: 'countyCode' },
          { title: t('poIncome'), dataIndex: 'income', align: 'right', render: (a: string) => formatYuan(a) },
          { title: t('poExpenditure'), dataIndex: 'expenditure', align: 'right', render: (a: string) => formatYuan(a) },
          { title: t('poGap'), dataIndex: 'gap', align: 'right', render: (a: string) => formatYuan(a) },
          { title: t('poSurplus'), dataIndex: 'surplus', align: 'right', render: (a: string) => formatYuan(a) },
          { title: t('poClosing'), dataIndex: 'closingBalance', align: 'right', render: (a: string) => formatYuan(a) },
          { title: t('state'), dataIndex: 'sharingState', render: (s: string | null) => (s ? <Tag>{code(s)}</Tag> : '—') },
        ]}
      />
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('poSharings')}</h2>
      <Table<Sharing>
        rowKey="id"
        size="small"
        loading={sharings.isLoading}
        dataSource={sharings.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t('empty')} /> }}
        columns={[
          { title: '#', dataIndex: 'id', render: (id: number) => `#${id}` },
          { title: t('poCounty'), dataIndex: 'countyCode' },
          { title: t('state'), dataIndex: 'state', render: (s: string) => <Tag>{code(s)}</Tag> },
          { title: t('poCityPart'), key: 'cityPart', align: 'right', render: (_: unknown, s: Sharing) => formatYuan(s.figures.poolPays) },
          {
            title: t('poCityFinance'),
            key: 'cityFinance',
            align: 'right',
            render: (_: unknown, s: Sharing) => formatYuan(s.figures.cityFinance),
          },
          {
            title: t('poCountyFinance'),
            key: 'countyFinance',
            align: 'right',
            render: (_: unknown, s: Sharing) => formatYuan(s.figures.countyFinance),
          },
          {
            title: t('poCountyPart'),
            key: 'countyPart',
            align: 'right',
            render: (_: unknown, s: Sharing) => formatYuan(s.figures.countyPart),
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_: unknown, s: Sharing) => (
              <Space wrap>
                {s.allowedActions
                  .filter((a): a is 'confirm' | 'execute' => (a === 'confirm' || a === 'execute') && mayTake(a))
                  .map((a) => (
                    <Button key={a} size="small" loading={step.isPending} onClick={() => step.mutate({ sharing: s, action: a })}>
                      {code(a)}
                    </Button>
                  ))}
                <Button
                  size="small"
                  onClick={() =>
                    void downloadFile(`/api/v1/gap-sharings/${s.id}/statement.xlsx`, `${s.countyCode}-${s.fundYear}-sharing.xlsx`).catch(
                      (e: unknown) => void message.error(refusalOf(e)),
                    )
                  }
                >
                  {t('downloadXlsx')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('poFund')}</h2>
      {(funds.data?.items ?? []).map((f) => (
        <Table<ProvincialFund['regions'][number]>
          key={f.id}
          title={() => `${f.provinceCode} · ${f.fundYear} · ${code(f.state)}`}
          rowKey="code"
          size="small"
          dataSource={f.regions}
          pagination={false}
          columns={[
            { title: t('poRegion'), dataIndex: 'code' },
            { title: t('poContribution'), dataIndex: 'contribution', align: 'right', render: (a: string) => formatYuan(a) },
            { title: t('poReceived'), dataIndex: 'received', align: 'right', render: (a: string) => formatYuan(a) },
            { title: t('poReturned'), dataIndex: 'returned', align: 'right', render: (a: string) => formatYuan(a) },
            { title: t('poWithheld'), dataIndex: 'withheld', align: 'right', render: (a: string) => formatYuan(a) },
            { title: t('poSecond'), dataIndex: 'secondDistribution', align: 'right', render: (a: string) => formatYuan(a) },
            { title: t('poFinalNet'), dataIndex: 'finalNet', align: 'right', render: (a: string) => formatYuan(a) },
          ]}
        />
      ))}
      {!funds.isLoading && (funds.data?.items ?? []).length === 0 && <Empty description={t('empty')} />}
    </Card>
  );
}
