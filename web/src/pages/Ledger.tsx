import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, InputNumber, Space, Table, Tabs, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { api, call, downloadFile } from '../api/client';
import type { AccountBalanceView, LedgerTransferView } from '../api/views';
import { useI18n } from '../app/i18n';
import { refusalOf, useInstitution, useToday } from '../lib/context';
import { formatDate, formatYuan } from '../lib/format';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

const NATURES = ['资产', '负债', '净资产', '支出'] as const;
const COLOURS = ['#1d4f91', '#d4380d', '#389e0d', '#d48806'];

/**
 * Each account's balance as a bar, one series per nature. The bar length is the only place an
 * amount becomes a number (to draw it); labels and tooltips show the API's text.
 */
function BalanceChart({ accounts }: { accounts: AccountBalanceView[] }) {
  const { t } = useI18n();
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current);
    const names = accounts.map((a) => a.name);
    chart.setOption({
      aria: { enabled: true },
      tooltip: {
        trigger: 'item',
        formatter: (p: { dataIndex: number; seriesName: string }) =>
          `${accounts[p.dataIndex].name}（${p.seriesName}）<br/>${accounts[p.dataIndex].balanceSide} ${formatYuan(accounts[p.dataIndex].balanceAmount)}`,
      },
      legend: { data: [...NATURES], top: 0 },
      grid: { left: 160, right: 24, top: 40, bottom: 24 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: names },
      series: NATURES.map((nature, i) => ({
        name: nature,
        type: 'bar',
        stack: 'balance',
        color: COLOURS[i],
        data: accounts.map((a) => (a.nature === nature ? Number(a.balanceAmount) : null)),
      })),
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [accounts]);
  return (
    <div>
      <h2 style={{ fontSize: 16 }}>{t('byNature')}</h2>
      <div
        ref={el}
        role="img"
        aria-label={t('byNature')}
        data-testid="balance-chart"
        style={{ height: Math.max(240, accounts.length * 28 + 80) }}
      />
    </div>
  );
}

/** The county's fund-year ledger: 科目余额表 with the trial balance, 记账分录, and the XLSX export. */
export default function LedgerPage() {
  const { t } = useI18n();
  const institution = useInstitution();
  const today = useToday();
  const [year, setYear] = useState<number | null>(null);
  const county = institution.data?.countyCode;
  const fundYear = year ?? (today ? Number(today.slice(0, 4)) : null);
  const ready = !!county && !!fundYear;
  const accounts = useQuery({
    queryKey: ['ledger-accounts', county, fundYear],
    enabled: ready,
    queryFn: () =>
      call(() =>
        api.GET('/api/v1/counties/{countyCode}/ledger/{fundYear}/accounts', {
          params: { path: { countyCode: county!, fundYear: fundYear! }, query: { pageSize: 100 } },
        }),
      ),
  });
  const [entriesPage, setEntriesPage] = useState(1);
  const entries = useQuery({
    queryKey: ['ledger-transfers', county, fundYear, entriesPage],
    enabled: ready,
    queryFn: () =>
      call(() =>
        api.GET('/api/v1/counties/{countyCode}/ledger/{fundYear}/transfers', {
          params: { path: { countyCode: county!, fundYear: fundYear! }, query: { page: entriesPage, pageSize: 20 } },
        }),
      ),
  });
  const a = accounts.data;
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('ledger')}</h1>}
      extra={
        <Space>
          <label htmlFor="fund-year">{t('fundYear')}</label>
          <InputNumber id="fund-year" min={2000} max={2100} value={fundYear} onChange={(v) => setYear(v)} />
          <Button
            disabled={!ready}
            onClick={() =>
              void downloadFile(`/api/v1/counties/${county}/ledger/${fundYear}/export.xlsx`, `${county}-${fundYear}-基金科目余额表.xlsx`)
            }
          >
            {t('downloadXlsx')}
          </Button>
        </Space>
      }
    >
      {(accounts.error ?? entries.error) && <Alert type="error" role="alert" title={refusalOf(accounts.error ?? entries.error)} />}
      <Tabs
        items={[
          {
            key: 'accounts',
            label: t('accounts'),
            children: (
              <>
                <Table<AccountBalanceView>
                  rowKey="code"
                  size="small"
                  loading={accounts.isLoading}
                  dataSource={a?.items ?? []}
                  pagination={false}
                  columns={[
                    { title: t('accountCode'), dataIndex: 'code' },
                    { title: t('accountName'), dataIndex: 'name' },
                    { title: t('nature'), dataIndex: 'nature' },
                    { title: t('normalSide'), dataIndex: 'normalSide' },
                    { title: t('debits'), dataIndex: 'debits', align: 'right', render: (v: string) => formatYuan(v) },
                    { title: t('credits'), dataIndex: 'credits', align: 'right', render: (v: string) => formatYuan(v) },
                    { title: t('balanceSide'), dataIndex: 'balanceSide' },
                    { title: t('balanceAmount'), dataIndex: 'balanceAmount', align: 'right', render: (v: string) => formatYuan(v) },
                  ]}
                  summary={() =>
                    a ? (
                      <Table.Summary.Row>
                        <Table.Summary.Cell index={0} colSpan={4}>
                          {t('trialBalance')}{' '}
                          <Tag color={a.trialBalance.balanced ? 'green' : 'red'} data-testid="trial-balance">
                            {a.trialBalance.balanced ? t('balanced') : t('unbalanced')}
                          </Tag>
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={4} align="right">
                          {formatYuan(a.totalDebits)}
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={5} align="right">
                          {formatYuan(a.totalCredits)}
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={6} colSpan={2} align="right">
                          {t('debitBalances')} {formatYuan(a.trialBalance.debitBalances)} · {t('creditBalances')}{' '}
                          {formatYuan(a.trialBalance.creditBalances)}
                        </Table.Summary.Cell>
                      </Table.Summary.Row>
                    ) : null
                  }
                />
                {a && a.items.length > 0 && <BalanceChart accounts={a.items} />}
              </>
            ),
          },
          {
            key: 'entries',
            label: t('entries'),
            children: (
              <Table<LedgerTransferView>
                rowKey="id"
                size="small"
                loading={entries.isLoading}
                dataSource={entries.data?.items ?? []}
                pagination={{
                  current: entriesPage,
                  pageSize: 20,
                  total: entries.data?.total,
                  onChange: setEntriesPage,
                  hideOnSinglePage: true,
                }}
                columns={[
                  { title: t('postedAt'), dataIndex: 'postedAt', render: (d: string) => formatDate(d) },
                  { title: t('summary'), key: 'summary', render: (_: unknown, e) => e.entry.summary },
                  {
                    title: t('side'),
                    key: 'lines',
                    render: (_: unknown, e) => (
                      <div>
                        {e.entry.lines.map((l) => (
                          <div key={l.side + l.account}>
                            {l.side}：{l.accountName}（{l.account}） {formatYuan(l.amount)}
                          </div>
                        ))}
                      </div>
                    ),
                  },
                  { title: t('amount'), dataIndex: 'amount', align: 'right', render: (v: string) => formatYuan(v) },
                ]}
              />
            ),
          },
        ]}
      />
    </Card>
  );
}
